package bolt

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
	"strconv"
	"sync"
	"time"

	bbolt "go.etcd.io/bbolt"
	bbolterrors "go.etcd.io/bbolt/errors"

	"github.com/roomrec/roomrec/errcode"
	"github.com/roomrec/roomrec/taskstate"
	"github.com/roomrec/roomrec/taskstate/internal/wire"
)

// DefaultLockTimeout is how long Open waits for the file's lock when
// Config.LockTimeout is 0.
const DefaultLockTimeout = time.Second

// The buckets of the file: one key per task, and the token counter.
var (
	bucketTasks = []byte("tasks")
	bucketMeta  = []byte("meta")
)

// Config says which file to use and how this instance is named. Zero values
// of the optional fields take the defaults documented on each.
type Config struct {
	// Path is the database file; it is created (mode 0600) if missing. The
	// directory must exist. Required.
	Path string
	// Owner names this instance in Record.Owner; "" means
	// "<hostname>:<pid>". Liveness never depends on it (see the package
	// doc).
	Owner string
	// LockTimeout is how long Open waits while another Store holds the
	// file; 0 means DefaultLockTimeout.
	LockTimeout time.Duration
}

// Validate checks the Config without I/O and returns an errcode
// InvalidParameter error naming the first bad field.
func (c Config) Validate() error {
	switch {
	case c.Path == "":
		return errcode.New(errcode.InvalidParameter.Detail("Path"), "taskstate/bolt: Config.Path is required")
	case c.LockTimeout < 0:
		return errcode.New(errcode.InvalidParameter.Detail("LockTimeout"), "taskstate/bolt: Config.LockTimeout %v is negative", c.LockTimeout)
	}
	return nil
}

// withDefaults returns c with the zero optional fields filled in.
func (c Config) withDefaults() Config {
	if c.Owner == "" {
		host, err := os.Hostname()
		if err != nil || host == "" {
			host = "localhost"
		}
		c.Owner = host + ":" + strconv.Itoa(os.Getpid())
	}
	if c.LockTimeout == 0 {
		c.LockTimeout = DefaultLockTimeout
	}
	return c
}

// Store is a taskstate.Store in a bbolt file, for one process. Create it
// with Open; it is safe for concurrent use.
type Store struct {
	db    *bbolt.DB
	owner string

	mu     sync.Mutex
	closed bool
	live   map[string]*lease // taskID -> its live lease
	subs   map[*sub]struct{} // Orphans subscribers
	done   chan struct{}     // closed by Close
	wg     sync.WaitGroup    // Orphans goroutines
}

var _ taskstate.Store = (*Store)(nil)

// Open opens (or creates) the file of cfg and returns the Store. It returns
// an errcode InvalidParameter error for a bad Config, and an error wrapping
// bbolt's ErrTimeout when another Store (in this or another process) holds
// the file longer than cfg.LockTimeout.
func Open(cfg Config) (*Store, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	db, err := bbolt.Open(cfg.Path, 0o600, &bbolt.Options{Timeout: cfg.LockTimeout})
	if errors.Is(err, bbolterrors.ErrTimeout) {
		return nil, fmt.Errorf("taskstate/bolt: %s is in use by another store (waited %v): %w", cfg.Path, cfg.LockTimeout, err)
	}
	if err != nil {
		return nil, fmt.Errorf("taskstate/bolt: open %s: %w", cfg.Path, err)
	}
	err = db.Update(func(tx *bbolt.Tx) error {
		if _, err := tx.CreateBucketIfNotExists(bucketTasks); err != nil {
			return err
		}
		_, err := tx.CreateBucketIfNotExists(bucketMeta)
		return err
	})
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("taskstate/bolt: init %s: %w", cfg.Path, err)
	}
	return &Store{
		db:    db,
		owner: cfg.Owner,
		live:  make(map[string]*lease),
		subs:  make(map[*sub]struct{}),
		done:  make(chan struct{}),
	}, nil
}

// Owner returns the name this instance writes into Record.Owner.
func (s *Store) Owner() string { return s.owner }

// begin checks ctx and the store, locks s.mu and returns nil, or returns
// the error with s.mu unlocked.
func (s *Store) begin(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return taskstate.ErrClosed
	}
	return nil
}

// Create stores a new task owned by this instance; see taskstate.Store.
func (s *Store) Create(ctx context.Context, taskID string, data []byte) (taskstate.Lease, error) {
	if err := taskstate.Validate(taskID, data); err != nil {
		return nil, err
	}
	if err := s.begin(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	var l *lease
	err := s.db.Update(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketTasks)
		if b.Get([]byte(taskID)) != nil {
			return fmt.Errorf("create %q: %w", taskID, taskstate.ErrExists)
		}
		v := wire.Value{Data: data, Owner: s.owner}
		var err error
		l, err = s.put(tx, taskID, v)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("taskstate/bolt: %w", err)
	}
	s.live[taskID] = l
	return l, nil
}

// Claim takes over an orphaned task; see taskstate.Store.
func (s *Store) Claim(ctx context.Context, taskID string) (taskstate.Record, taskstate.Lease, error) {
	if err := taskstate.ValidateTaskID(taskID); err != nil {
		return taskstate.Record{}, nil, err
	}
	if err := s.begin(ctx); err != nil {
		return taskstate.Record{}, nil, err
	}
	defer s.mu.Unlock()
	if _, ok := s.live[taskID]; ok {
		return taskstate.Record{}, nil, fmt.Errorf("taskstate/bolt: claim %q: %w", taskID, taskstate.ErrOwned)
	}
	var (
		l *lease
		v wire.Value
	)
	err := s.db.Update(func(tx *bbolt.Tx) error {
		raw := tx.Bucket(bucketTasks).Get([]byte(taskID))
		if raw == nil {
			return fmt.Errorf("claim %q: %w", taskID, taskstate.ErrNotFound)
		}
		var err error
		if v, err = wire.Unmarshal(taskID, raw); err != nil {
			return err
		}
		v.HA++
		v.Owner = s.owner
		l, err = s.put(tx, taskID, v)
		return err
	})
	if err != nil {
		return taskstate.Record{}, nil, fmt.Errorf("taskstate/bolt: %w", err)
	}
	s.live[taskID] = l
	return record(taskID, v, l.token), l, nil
}

// put writes v for taskID with a fresh token and returns the new lease.
func (s *Store) put(tx *bbolt.Tx, taskID string, v wire.Value) (*lease, error) {
	seq, err := tx.Bucket(bucketMeta).NextSequence()
	if err != nil {
		return nil, err
	}
	v.Token = int64(seq)
	if err := tx.Bucket(bucketTasks).Put([]byte(taskID), wire.Marshal(v)); err != nil {
		return nil, err
	}
	return &lease{s: s, id: taskID, token: v.Token, lost: make(chan struct{})}, nil
}

// record builds the Record of a stored value; token is 0 for an orphan.
func record(taskID string, v wire.Value, token int64) taskstate.Record {
	return taskstate.Record{TaskID: taskID, Data: v.Data, HA: v.HA, Owner: v.Owner, Token: token}
}

// liveToken returns the token of the live lease on taskID, or 0. The
// caller holds s.mu.
func (s *Store) liveToken(taskID string) int64 {
	if l, ok := s.live[taskID]; ok {
		return l.token
	}
	return 0
}

// Get returns a task's record; see taskstate.Store.
func (s *Store) Get(ctx context.Context, taskID string) (taskstate.Record, error) {
	if err := taskstate.ValidateTaskID(taskID); err != nil {
		return taskstate.Record{}, err
	}
	if err := s.begin(ctx); err != nil {
		return taskstate.Record{}, err
	}
	defer s.mu.Unlock()
	var rec taskstate.Record
	err := s.db.View(func(tx *bbolt.Tx) error {
		raw := tx.Bucket(bucketTasks).Get([]byte(taskID))
		if raw == nil {
			return fmt.Errorf("get %q: %w", taskID, taskstate.ErrNotFound)
		}
		v, err := wire.Unmarshal(taskID, raw)
		rec = record(taskID, v, s.liveToken(taskID))
		return err
	})
	if err != nil {
		return taskstate.Record{}, fmt.Errorf("taskstate/bolt: %w", err)
	}
	return rec, nil
}

// List returns all records sorted by TaskID; see taskstate.Store.
func (s *Store) List(ctx context.Context) ([]taskstate.Record, error) {
	if err := s.begin(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	var recs []taskstate.Record
	err := s.db.View(func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketTasks).ForEach(func(k, raw []byte) error {
			v, err := wire.Unmarshal(string(k), raw)
			if err != nil {
				return err
			}
			recs = append(recs, record(string(k), v, s.liveToken(string(k))))
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("taskstate/bolt: list: %w", err)
	}
	sort.Slice(recs, func(i, j int) bool { return recs[i].TaskID < recs[j].TaskID })
	return recs, nil
}

// Close ends every live lease (their Lost channels close, their records
// stay as orphans for the next Open), stops the Orphans streams and closes
// the file. It returns the file's close error; a second Close returns nil.
func (s *Store) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	for id, l := range s.live {
		l.end()
		delete(s.live, id)
	}
	close(s.done)
	s.mu.Unlock()
	s.wg.Wait()
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("taskstate/bolt: close: %w", err)
	}
	return nil
}
