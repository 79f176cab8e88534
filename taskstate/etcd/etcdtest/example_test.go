package etcdtest_test

import (
	"testing"

	"github.com/roomrec/roomrec/taskstate/etcd/etcdtest"
)

// ExampleStart shows a test that starts one etcd server and hands its
// endpoints to the code under test, for example to recorder processes it
// starts, as an environment variable or a flag.
func ExampleStart() {
	_ = func(t *testing.T) {
		endpoints := etcdtest.Start(t) // stopped when t ends
		_ = endpoints                  // e.g. "ETCD_ENDPOINTS=" + strings.Join(endpoints, ",")
	}
}
