package taskstate

import (
	"context"
	"unicode/utf8"

	"github.com/roomrec/roomrec/errcode"
)

// Limits that every back-end enforces with ValidateTaskID and ValidateData.
const (
	// MaxTaskIDLen is the longest task id in bytes.
	MaxTaskIDLen = 256
	// MaxDataSize is the largest Record.Data in bytes (etcd refuses
	// requests above 1.5 MiB by default).
	MaxDataSize = 1 << 20
)

// Record is the stored state of one task.
type Record struct {
	// TaskID is the task's id (see ValidateTaskID).
	TaskID string
	// Data is the recorder's own serialization of the task's parameters;
	// the store never looks inside.
	Data []byte
	// HA is how many times the task was taken over: 0 after Create, plus 1
	// for every Claim. The store only counts; the recorder decides what a
	// count above 3 means.
	HA int
	// Owner is the instance that owns the task or, for an orphan, the one
	// that owned it last (each back-end's Config names the instance).
	Owner string
	// Token is the fencing token of the live lease on the task, or 0 when
	// the task is an orphan (its owner's lease lapsed).
	Token int64
}

// Orphan reports whether the task has no live owner and may be claimed.
func (r Record) Orphan() bool { return r.Token == 0 }

// Store is the task state shared by the recorder instances. Back-ends
// return concrete types that implement it; all methods are safe for
// concurrent use.
type Store interface {
	// Create stores a new task with HA 0, owned by this instance, and
	// returns its lease. It fails with ErrExists if the id is taken and with
	// an errcode InvalidParameter error for a bad id or oversized data.
	Create(ctx context.Context, taskID string, data []byte) (Lease, error)
	// Claim takes over a task whose owner's lease lapsed: HA is
	// incremented, Owner set to this instance, and a new token issued. It
	// returns the updated record and the new lease; ErrOwned if the task
	// still has a live lease (also one of this instance), ErrNotFound if
	// there is no such task. Of concurrent Claims of one orphan exactly one
	// succeeds.
	Claim(ctx context.Context, taskID string) (Record, Lease, error)
	// Get returns the task's record, or ErrNotFound.
	Get(ctx context.Context, taskID string) (Record, error)
	// List returns the records of all tasks, live and orphaned, sorted by
	// TaskID.
	List(ctx context.Context) ([]Record, error)
	// Orphans streams the ids of tasks without a live owner: first all the
	// current ones, then each task whose lease lapses from then on. An id
	// may come more than once and may have been claimed by the time it is
	// read: Claim decides. The channel is closed when ctx ends or the store
	// closes. Orphans returns an error only if the first scan fails.
	Orphans(ctx context.Context) (<-chan string, error)
	// Close ends this instance's use of the store. Leases not released are
	// left to lapse as if the instance had died (see the back-end's doc);
	// their Lost channels close. Close is idempotent.
	Close() error
}

// Lease is an instance's ownership of one task. All methods are safe for
// concurrent use.
type Lease interface {
	// TaskID returns the id of the task the lease is on.
	TaskID() string
	// Token returns the fencing token: unique per ownership, larger for
	// each later Create or Claim of the same task.
	Token() int64
	// Lost returns a channel closed when the lease can no longer be
	// trusted: its keep-alive failed or it expired, a fenced write failed,
	// it was released or abandoned, or the store closed. The owner must
	// stop writing for the task then; writes through the lease fail.
	Lost() <-chan struct{}
	// Update replaces the task's Data if the lease is still current; it
	// fails with ErrFenced otherwise (and Lost closes).
	Update(ctx context.Context, data []byte) error
	// Release ends the task: its record is deleted and the lease ends. It
	// fails with ErrFenced (deleting nothing) if the lease is not current.
	Release(ctx context.Context) error
	// Abandon gives up ownership but keeps the record: the task becomes an
	// orphan at once, as if its owner had died, and another instance (or
	// this one) may Claim it. It fails with ErrFenced if the lease is not
	// current.
	Abandon(ctx context.Context) error
}

// ValidateTaskID checks a task id: 1 to MaxTaskIDLen bytes of UTF-8
// without control characters. It returns an errcode
// InvalidParameter.TaskId error otherwise.
func ValidateTaskID(id string) error {
	code := errcode.InvalidParameter.Detail("TaskId")
	switch {
	case id == "":
		return errcode.New(code, "taskstate: empty task id")
	case len(id) > MaxTaskIDLen:
		return errcode.New(code, "taskstate: task id of %d bytes, at most %d allowed", len(id), MaxTaskIDLen)
	case !utf8.ValidString(id):
		return errcode.New(code, "taskstate: task id %q is not valid UTF-8", id)
	}
	for _, r := range id {
		if r < 0x20 || r == 0x7f {
			return errcode.New(code, "taskstate: task id %q contains a control character", id)
		}
	}
	return nil
}

// ValidateData checks the size of a Record's Data: at most MaxDataSize
// bytes. It returns an errcode InvalidParameter.Data error otherwise.
func ValidateData(data []byte) error {
	if len(data) > MaxDataSize {
		return errcode.New(errcode.InvalidParameter.Detail("Data"),
			"taskstate: task data of %d bytes, at most %d allowed", len(data), MaxDataSize)
	}
	return nil
}

// Validate checks a task id and its data with ValidateTaskID and
// ValidateData and returns the first error.
func Validate(taskID string, data []byte) error {
	if err := ValidateTaskID(taskID); err != nil {
		return err
	}
	return ValidateData(data)
}
