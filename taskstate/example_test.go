package taskstate_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/roomrec/roomrec/taskstate"
	"github.com/roomrec/roomrec/taskstate/bolt"
)

// takeOver is what a recorder instance does with the orphans of a store:
// claim each one it can, give up tasks past the third recovery, and resume
// the others with the ha<N>_ prefix. It returns after n orphans.
func takeOver(ctx context.Context, s taskstate.Store, n int) error {
	orphans, err := s.Orphans(ctx)
	if err != nil {
		return err
	}
	for id := range orphans {
		rec, lease, err := s.Claim(ctx, id)
		if errors.Is(err, taskstate.ErrOwned) || errors.Is(err, taskstate.ErrNotFound) {
			continue // another instance was faster, or the task ended
		}
		if err != nil {
			return err
		}
		if rec.HA > 3 {
			fmt.Printf("%s: 4th failure, task ends\n", id)
			if err := lease.Release(ctx); err != nil {
				return err
			}
		} else {
			fmt.Printf("%s: resumed with prefix ha%d_ (was %s), params %s\n", id, rec.HA, rec.Owner, rec.Data)
			// ... record until the task ends; stop at once when
			// lease.Lost() is closed; lease.Release(ctx) at the end.
		}
		if n--; n == 0 {
			return nil
		}
	}
	return ctx.Err()
}

// Example shows a recorder process that dies with a task running, and its
// restart taking the task over (bolt back-end: after a restart every task
// of the file is an orphan).
func Example() {
	dir, err := os.MkdirTemp("", "taskstate-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "tasks.db")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	first, err := bolt.Open(bolt.Config{Path: path, Owner: "rec-1"})
	if err != nil {
		fmt.Println(err)
		return
	}
	if _, err := first.Create(ctx, "task-1", []byte(`{"RoomId":"r1"}`)); err != nil {
		fmt.Println(err)
		return
	}
	_ = first.Close() // the process dies without ending the task

	restarted, err := bolt.Open(bolt.Config{Path: path, Owner: "rec-1"})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer restarted.Close()
	if err := takeOver(ctx, restarted, 1); err != nil {
		fmt.Println(err)
	}
	// Output:
	// task-1: resumed with prefix ha1_ (was rec-1), params {"RoomId":"r1"}
}
