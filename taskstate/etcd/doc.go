// Package etcd is the distributed back-end of taskstate (SPEC §3 "High
// availability", SPEC §6 event 306): the task state of all recorder
// instances in an existing etcd cluster, through go.etcd.io/etcd/client/v3.
//
// # Keys
//
// Under Config.Prefix each task has two keys:
//
//	<prefix>task/<TaskId>   the record: data, HA, owner (no lease)
//	<prefix>owner/<TaskId>  the owner's name, bound to the owner's etcd lease
//
// The owner key exists exactly while the task has a live owner. Create and
// Claim grant one etcd lease per task (TTL Config.TTL, default 5 s) and
// write both keys in one transaction that requires the owner key to be
// absent (and, for Claim, the record unchanged since it was read), so of
// concurrent claims exactly one commits. The fencing token is the revision
// of that transaction, which is the owner key's create revision: every
// Update, Release and Abandon is a transaction conditional on the owner key
// still having that create revision, so a write by an owner whose lease
// lapsed, or whose task was claimed by another instance since, fails with
// taskstate.ErrFenced instead of overwriting the new owner's state.
//
// # Liveness
//
// Each lease is kept alive by the Store with a keep-alive every TTL/3.
// Lost is closed when a keep-alive is refused (the lease expired or was
// revoked) or when none succeeded for TTL minus a tenth of it, counted from
// the moment the last successful one was sent: the server renewed the lease
// no earlier than that, so Lost closes before the server lets the lease
// expire and another instance can claim the task. When the owner dies (or
// loses etcd for longer than the TTL), etcd deletes its owner keys on
// expiry; Orphans, which scans for records without an owner key and then
// watches for owner-key deletions (re-scanning when the watch breaks, for
// example after a compaction or a leader loss), reports those tasks to the
// other instances. Store.Close stops the keep-alives without revoking: the
// leases lapse after the TTL exactly as if the process had died.
// Lease.Abandon revokes at once.
//
// # Why etcd (and not NATS JetStream KV)
//
// What failover needs — an owner that vanishes when its process dies, a
// single winner among instances that race to take over, and writes fenced
// against a presumed-dead owner — are etcd primitives: leases with TTL and
// keep-alive to which keys are bound and deleted on expiry, multi-key
// transactions with compare-and-swap on create and mod revisions, a
// cluster-wide revision that is a natural monotonic fencing token, and
// watches that resume from a revision. JetStream KV has per-key
// compare-and-set on the last revision and a bucket-wide maximum age
// (per-key TTLs only since server 2.11), but no lease that a client keeps
// alive and whose lapse removes the holder's keys, and its KV API has no
// multi-key transaction, so the owner's liveness and the fencing would be
// built by hand on top of it (heartbeat keys, timestamps compared across
// machines' clocks). etcd is also the store that Kubernetes-based
// deployments already run.
package etcd
