// Package storagetest is the conformance suite of storage.Storage (SPEC §5
// "Storage"): every back-end — the local one, COS, S3 — runs Run against a
// fresh, empty store and must pass all of it.
//
// Run checks: byte-identical round trips (empty, small, 5 MiB, unknown
// size), overwrite, Stat's size and content type, List's prefix semantics
// and order, ErrNotExist for missing keys, rejection of invalid keys, that a
// failing, short or cancelled Put leaves no object (and keeps an old one
// whole), and concurrent Puts.
package storagetest
