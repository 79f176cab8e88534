package bolt_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/roomrec/roomrec/taskstate/bolt"
)

// ExampleOpen opens the task state of a recorder process, starts a task
// and ends it.
func ExampleOpen() {
	dir, err := os.MkdirTemp("", "bolt-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	s, err := bolt.Open(bolt.Config{Path: filepath.Join(dir, "tasks.db"), Owner: "rec-1"})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()
	ctx := context.Background()
	lease, err := s.Create(ctx, "task-1", []byte("params"))
	if err != nil {
		fmt.Println(err)
		return
	}
	rec, _ := s.Get(ctx, "task-1")
	fmt.Printf("%s owned by %s, HA %d, token %d\n", rec.TaskID, rec.Owner, rec.HA, lease.Token())
	if err := lease.Release(ctx); err != nil {
		fmt.Println(err)
	}
	// Output:
	// task-1 owned by rec-1, HA 0, token 1
}
