// Package taskstate keeps the state of recording tasks where several
// recorder instances can see it, so that a task whose instance died is taken
// over by another one (SPEC §3 "High availability": the ha1_, ha2_, ha3_
// prefixes; SPEC §6 event 306 FAILOVER).
//
// The store keeps one Record per task: the recorder's parameters (opaque
// bytes), the high-availability count HA (how many times the task was taken
// over), the instance that owns it and the fencing token of that ownership.
//
// An instance owns a task through a Lease, which Create (a new task) or
// Claim (a task whose owner died) returns:
//
//   - A lease is alive while its owner is: in the etcd back-end while the
//     instance keeps it alive (keep-alive within the TTL), in the bolt
//     back-end while the process that holds the file runs.
//   - When the owner dies its lease lapses and the task becomes an orphan:
//     Store.Orphans reports it, and any instance may Claim it. Claim adds 1
//     to HA (the recorder turns HA into the ha<N>_ prefix and fires 306; the
//     store just counts and never refuses a claim because of HA) and issues
//     a new, larger token.
//   - There is never more than one live lease per task, and every write
//     through a lease (Update, Release, Abandon) is fenced: it succeeds only
//     while its token is the task's current one, else it fails with
//     ErrFenced, so an owner that was presumed dead cannot overwrite the
//     state of the instance that took over.
//   - Lease.Lost is closed as soon as the lease can no longer be trusted (its
//     keep-alive failed, a fenced write failed, it was released or abandoned,
//     or the store closed): the owner must stop recording the task then.
//
// Back-ends: package taskstate/bolt (the embedded default: one process, a
// file on local disk) and package taskstate/etcd (several instances on
// several machines sharing an etcd cluster). Both pass the conformance suite
// in package taskstate/taskstatetest.
package taskstate
