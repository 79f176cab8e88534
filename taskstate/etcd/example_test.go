package etcd_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/roomrec/roomrec/taskstate/etcd"
	"github.com/roomrec/roomrec/taskstate/etcd/etcdtest"
)

// ExampleOpen shows a failover between two instances: rec-a owns a task and
// dies; once its lease lapses (TTL 2 s), rec-b sees the orphan and takes it
// over with HA 1.
func ExampleOpen() {
	dir, err := os.MkdirTemp("", "etcd-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	srv, err := etcdtest.New(dir, nil) // stands in for the real cluster
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	a, err := etcd.Open(ctx, etcd.Config{Endpoints: srv.Endpoints(), Owner: "rec-a", TTL: 2 * time.Second})
	if err != nil {
		fmt.Println(err)
		return
	}
	if _, err := a.Create(ctx, "task-1", []byte("params")); err != nil {
		fmt.Println(err)
		return
	}
	b, err := etcd.Open(ctx, etcd.Config{Endpoints: srv.Endpoints(), Owner: "rec-b", TTL: 2 * time.Second})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer b.Close()
	orphans, err := b.Orphans(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	_ = a.Close() // rec-a dies: its keep-alives stop

	id := <-orphans // about a TTL later
	rec, lease, err := b.Claim(ctx, id)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s taken over by %s, ha%d_\n", rec.TaskID, rec.Owner, rec.HA)
	if err := lease.Release(ctx); err != nil {
		fmt.Println(err)
	}
	// Output:
	// task-1 taken over by rec-b, ha1_
}
