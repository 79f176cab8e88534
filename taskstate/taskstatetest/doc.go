// Package taskstatetest is the conformance suite of taskstate.Store (SPEC §3
// "High availability"): every back-end — bolt, etcd — runs Run and must
// pass all of it.
//
// Run checks create/get/list/update/release; ErrExists, ErrNotFound,
// ErrOwned and ErrClosed; that a lease is fenced (ErrFenced, Lost closed)
// once it was released or abandoned and the task claimed anew; that HA
// counts every claim and the tokens grow; that an owner's death (its Store
// closed without releasing) makes its tasks orphans that Orphans reports and
// another instance claims; that of concurrent Claims exactly one wins; and
// that the Orphans stream follows abandons and closes with its context or
// its store.
package taskstatetest
