// Package etcdtest starts a real etcd server inside the test process, for
// the tests of taskstate/etcd (SPEC §3 "High availability") and of its
// consumers: a single-member cluster from go.etcd.io/etcd/server/v3/embed,
// listening on free ports of 127.0.0.1, with its data in a temporary
// directory and only error-level logs.
//
// A test that runs recorder instances as child processes starts one server
// with Start and hands Endpoints to the children, which connect with
// taskstate/etcd like any client.
package etcdtest
