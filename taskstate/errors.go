package taskstate

import "errors"

// The errors of the Store and Lease methods. Back-ends wrap them with
// context; match them with errors.Is. Any other error is a failure of the
// back-end itself (disk, network, cancelled context) and says nothing about
// the task's state.
var (
	// ErrExists is returned by Create when a task with the id exists.
	ErrExists = errors.New("taskstate: task exists")
	// ErrNotFound is returned by Get and Claim when no task has the id
	// (it never existed, or its owner released it).
	ErrNotFound = errors.New("taskstate: task not found")
	// ErrOwned is returned by Claim when the task's owner still holds a live
	// lease on it.
	ErrOwned = errors.New("taskstate: task is owned by a live lease")
	// ErrFenced is returned by Lease.Update, Release and Abandon when the
	// lease is no longer the task's current one: it lapsed, was released
	// or abandoned, or another instance claimed the task. The caller must
	// stop acting as the task's owner.
	ErrFenced = errors.New("taskstate: lease is no longer current (fenced)")
	// ErrClosed is returned by every method once the store is closed.
	ErrClosed = errors.New("taskstate: store closed")
)
