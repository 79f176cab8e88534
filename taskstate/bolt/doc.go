// Package bolt is the embedded default back-end of taskstate (SPEC §3 "High
// availability"): the task state of one recorder process in a single file on
// local disk, written with go.etcd.io/bbolt.
//
// Semantics:
//
//   - One process at a time: Open takes an exclusive lock on the file (a
//     second Open, in this or another process, waits Config.LockTimeout and
//     then fails). The kernel drops the lock when the process dies, so a
//     restarted process opens the file at once.
//   - A lease lives in memory, for as long as the Store that issued it is
//     open and the lease is not released or abandoned. Nothing about
//     liveness is written to disk, so after a restart (or Close and a new
//     Open) every record in the file is an orphan, whatever Owner it names:
//     Orphans reports them all and Claim takes them over with HA+1. This is
//     what lets a restarted recorder resume its tasks under the ha1_ prefix.
//   - Fencing tokens come from a counter kept in the file, so they grow
//     across restarts and a token is never issued twice.
//   - Within the process, a live lease is never lost to another owner: Claim
//     of a task with a live lease fails with ErrOwned. Abandon makes a task
//     an orphan without ending the process (Orphans reports it at once).
//   - Every change is committed (fsync) before the call returns; the context
//     is only checked when a call starts (bbolt calls do not block on
//     anything but the disk).
package bolt
