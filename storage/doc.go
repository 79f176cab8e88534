// Package storage is where a recording's files go (SPEC §5 "Storage"): the
// Storage interface the recorder writes through, the local-filesystem
// back-end that is the embedded default (Local), the typed error back-ends
// return (Error) so the recorder can fire event 308 with the storage's own
// code and message and decide whether to retry, and a fault-injecting
// wrapper for tests (Faulty).
//
// Keys are object keys: "/"-separated UTF-8 segments such as
// "rec/<TaskId>/1400123456_12345.m3u8" (ValidateKey says what is allowed).
// List uses plain string-prefix semantics, as object stores do: the prefix
// "a/b" matches "a/b.ts", "a/bc/d.ts" and "a/b/c.ts"; "a/b/" matches only
// the keys under the folder a/b.
//
// Every back-end must pass the conformance suite in package storagetest.
//
// Cloud back-ends (COS, S3-compatible) live in sub-packages of their own.
package storage
