package etcd

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"

	"github.com/roomrec/roomrec/taskstate"
	"github.com/roomrec/roomrec/taskstate/internal/wire"
)

// claimAttempts bounds how often Claim re-reads a record that changed
// between its read and its transaction.
const claimAttempts = 5

// revokeTimeout bounds the best-effort revocation of a lease that is not
// needed any more.
const revokeTimeout = 2 * time.Second

// Store is a taskstate.Store in an etcd cluster: one recorder instance's
// view. Create it with Open; it is safe for concurrent use.
type Store struct {
	cli    *clientv3.Client
	ownCli bool
	prefix string
	owner  string
	ttl    time.Duration
	log    *slog.Logger

	root   context.Context // ends with Close
	cancel context.CancelFunc

	mu     sync.Mutex
	closed bool
	leases map[*lease]struct{}
	wg     sync.WaitGroup // keep-alive and Orphans goroutines
}

var _ taskstate.Store = (*Store)(nil)

// Open connects to the cluster of cfg (or uses cfg.Client) and checks that
// it answers within ctx and cfg.DialTimeout. It returns an errcode
// InvalidParameter error for a bad Config and the client's error when the
// cluster cannot be reached.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	s := &Store{cli: cfg.Client, prefix: cfg.Prefix, owner: cfg.Owner, ttl: cfg.TTL, log: cfg.Logger,
		leases: make(map[*lease]struct{})}
	if s.cli == nil {
		cli, err := clientv3.New(clientv3.Config{
			Endpoints:   cfg.Endpoints,
			DialTimeout: cfg.DialTimeout,
			Logger:      zap.NewNop(),
		})
		if err != nil {
			return nil, fmt.Errorf("taskstate/etcd: client for %v: %w", cfg.Endpoints, err)
		}
		s.cli, s.ownCli = cli, true
	}
	pctx, cancel := context.WithTimeout(ctx, cfg.DialTimeout)
	defer cancel()
	if _, err := s.cli.Get(pctx, s.prefix, clientv3.WithPrefix(), clientv3.WithCountOnly()); err != nil {
		if s.ownCli {
			_ = s.cli.Close()
		}
		return nil, fmt.Errorf("taskstate/etcd: cluster %v does not answer: %w", s.cli.Endpoints(), err)
	}
	s.root, s.cancel = context.WithCancel(context.Background())
	return s, nil
}

// Owner returns the name this instance writes into Record.Owner.
func (s *Store) Owner() string { return s.owner }

// TTL returns the lease time in use (Config.TTL rounded up).
func (s *Store) TTL() time.Duration { return s.ttl }

func (s *Store) taskKey(id string) string  { return s.prefix + "task/" + id }
func (s *Store) ownerKey(id string) string { return s.prefix + "owner/" + id }

// check returns ErrClosed once the store is closed.
func (s *Store) check() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return taskstate.ErrClosed
	}
	return nil
}

// grant asks for a new etcd lease; it returns the lease and the local time
// from which its TTL runs at the latest.
func (s *Store) grant(ctx context.Context) (*clientv3.LeaseGrantResponse, time.Time, error) {
	sent := time.Now()
	g, err := s.cli.Grant(ctx, int64(s.ttl/time.Second))
	return g, sent, err
}

// revoke revokes an etcd lease that is not needed any more, best effort:
// if it fails the lease lapses after the TTL.
func (s *Store) revoke(id clientv3.LeaseID) {
	ctx, cancel := context.WithTimeout(s.root, revokeTimeout)
	defer cancel()
	_, _ = s.cli.Revoke(ctx, id)
}

// Create stores a new task owned by this instance; see taskstate.Store.
func (s *Store) Create(ctx context.Context, taskID string, data []byte) (taskstate.Lease, error) {
	if err := taskstate.Validate(taskID, data); err != nil {
		return nil, err
	}
	if err := s.check(); err != nil {
		return nil, err
	}
	g, sent, err := s.grant(ctx)
	if err != nil {
		return nil, fmt.Errorf("taskstate/etcd: create %q: grant lease: %w", taskID, err)
	}
	v := wire.Value{Data: data, Owner: s.owner}
	tk, ok := s.taskKey(taskID), s.ownerKey(taskID)
	resp, err := s.cli.Txn(ctx).If(
		clientv3.Compare(clientv3.CreateRevision(tk), "=", 0),
		clientv3.Compare(clientv3.CreateRevision(ok), "=", 0),
	).Then(
		clientv3.OpPut(tk, string(wire.Marshal(v))),
		clientv3.OpPut(ok, s.owner, clientv3.WithLease(g.ID)),
	).Commit()
	if err != nil {
		s.undoCreate(taskID, g.ID)
		return nil, fmt.Errorf("taskstate/etcd: create %q: %w", taskID, err)
	}
	if !resp.Succeeded {
		s.revoke(g.ID)
		return nil, fmt.Errorf("taskstate/etcd: create %q: %w", taskID, taskstate.ErrExists)
	}
	return s.startLease(taskID, v, g, sent, resp.Header.Revision)
}

// undoCreate removes what a Create whose outcome is unknown (its
// transaction failed with a network or context error) may have written, so
// a task whose Create reported an error never turns up as an orphan that
// another instance resumes; then it revokes the lease. Best effort.
func (s *Store) undoCreate(taskID string, id clientv3.LeaseID) {
	ctx, cancel := context.WithTimeout(s.root, revokeTimeout)
	defer cancel()
	ok := s.ownerKey(taskID)
	_, _ = s.cli.Txn(ctx).If(clientv3.Compare(clientv3.LeaseValue(ok), "=", id)).Then(
		clientv3.OpDelete(s.taskKey(taskID)), clientv3.OpDelete(ok),
	).Commit()
	s.revoke(id)
}

// Claim takes over an orphaned task; see taskstate.Store.
func (s *Store) Claim(ctx context.Context, taskID string) (taskstate.Record, taskstate.Lease, error) {
	if err := taskstate.ValidateTaskID(taskID); err != nil {
		return taskstate.Record{}, nil, err
	}
	if err := s.check(); err != nil {
		return taskstate.Record{}, nil, err
	}
	var (
		g    *clientv3.LeaseGrantResponse
		sent time.Time
	)
	for range claimAttempts {
		rec, modRev, err := s.read(ctx, taskID)
		if err != nil {
			return taskstate.Record{}, nil, s.dropGrant(g, fmt.Errorf("taskstate/etcd: claim: %w", err))
		}
		if !rec.Orphan() {
			return taskstate.Record{}, nil, s.dropGrant(g, fmt.Errorf("taskstate/etcd: claim %q: %w", taskID, taskstate.ErrOwned))
		}
		if g == nil {
			if g, sent, err = s.grant(ctx); err != nil {
				return taskstate.Record{}, nil, fmt.Errorf("taskstate/etcd: claim %q: grant lease: %w", taskID, err)
			}
		}
		v := wire.Value{Data: rec.Data, HA: rec.HA + 1, Owner: s.owner}
		tk, ok := s.taskKey(taskID), s.ownerKey(taskID)
		resp, err := s.cli.Txn(ctx).If(
			clientv3.Compare(clientv3.ModRevision(tk), "=", modRev),
			clientv3.Compare(clientv3.CreateRevision(ok), "=", 0),
		).Then(
			clientv3.OpPut(tk, string(wire.Marshal(v))),
			clientv3.OpPut(ok, s.owner, clientv3.WithLease(g.ID)),
		).Commit()
		if err != nil {
			return taskstate.Record{}, nil, s.dropGrant(g, fmt.Errorf("taskstate/etcd: claim %q: %w", taskID, err))
		}
		if resp.Succeeded {
			l, err := s.startLease(taskID, v, g, sent, resp.Header.Revision)
			if err != nil {
				return taskstate.Record{}, nil, err
			}
			return record(taskID, v, resp.Header.Revision), l, nil
		}
		// Another instance changed the task between the read and the
		// transaction: read again (usually to find it owned now).
	}
	return taskstate.Record{}, nil, s.dropGrant(g, fmt.Errorf("taskstate/etcd: claim %q: the task kept changing during %d attempts", taskID, claimAttempts))
}

// dropGrant revokes g if it is not nil and returns err.
func (s *Store) dropGrant(g *clientv3.LeaseGrantResponse, err error) error {
	if g != nil {
		s.revoke(g.ID)
	}
	return err
}

// record builds the Record of a stored value; token is 0 for an orphan.
func record(taskID string, v wire.Value, token int64) taskstate.Record {
	return taskstate.Record{TaskID: taskID, Data: v.Data, HA: v.HA, Owner: v.Owner, Token: token}
}

// read returns a task's record and the mod revision of its record key, both
// keys read at one revision. It returns ErrNotFound for a missing task.
func (s *Store) read(ctx context.Context, taskID string) (taskstate.Record, int64, error) {
	resp, err := s.cli.Txn(ctx).Then(
		clientv3.OpGet(s.taskKey(taskID)),
		clientv3.OpGet(s.ownerKey(taskID)),
	).Commit()
	if err != nil {
		return taskstate.Record{}, 0, fmt.Errorf("read %q: %w", taskID, err)
	}
	tasks := resp.Responses[0].GetResponseRange().GetKvs()
	if len(tasks) == 0 {
		return taskstate.Record{}, 0, fmt.Errorf("read %q: %w", taskID, taskstate.ErrNotFound)
	}
	v, err := wire.Unmarshal(taskID, tasks[0].Value)
	if err != nil {
		return taskstate.Record{}, 0, err
	}
	var token int64
	if owners := resp.Responses[1].GetResponseRange().GetKvs(); len(owners) > 0 {
		token = owners[0].CreateRevision
	}
	return record(taskID, v, token), tasks[0].ModRevision, nil
}

// Get returns a task's record; see taskstate.Store.
func (s *Store) Get(ctx context.Context, taskID string) (taskstate.Record, error) {
	if err := taskstate.ValidateTaskID(taskID); err != nil {
		return taskstate.Record{}, err
	}
	if err := s.check(); err != nil {
		return taskstate.Record{}, err
	}
	rec, _, err := s.read(ctx, taskID)
	if err != nil {
		return taskstate.Record{}, fmt.Errorf("taskstate/etcd: %w", err)
	}
	return rec, nil
}

// List returns all records sorted by TaskID, read at one revision; see
// taskstate.Store.
func (s *Store) List(ctx context.Context) ([]taskstate.Record, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	tp, op := s.taskKey(""), s.ownerKey("")
	resp, err := s.cli.Txn(ctx).Then(
		clientv3.OpGet(tp, clientv3.WithPrefix()),
		clientv3.OpGet(op, clientv3.WithPrefix()),
	).Commit()
	if err != nil {
		return nil, fmt.Errorf("taskstate/etcd: list: %w", err)
	}
	tokens := map[string]int64{}
	for _, kv := range resp.Responses[1].GetResponseRange().GetKvs() {
		tokens[string(kv.Key[len(op):])] = kv.CreateRevision
	}
	var recs []taskstate.Record
	for _, kv := range resp.Responses[0].GetResponseRange().GetKvs() { // sorted by key
		id := string(kv.Key[len(tp):])
		v, err := wire.Unmarshal(id, kv.Value)
		if err != nil {
			return nil, fmt.Errorf("taskstate/etcd: list: %w", err)
		}
		recs = append(recs, record(id, v, tokens[id]))
	}
	return recs, nil
}

// Close stops the keep-alives of this instance's leases without revoking
// them (they lapse after the TTL, as if the process had died, and their
// tasks become orphans for the other instances), closes their Lost
// channels, ends the Orphans streams and closes the client if Open made
// it. It returns the client's close error; a second Close returns nil.
func (s *Store) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	leases := make([]*lease, 0, len(s.leases))
	for l := range s.leases {
		leases = append(leases, l)
	}
	clear(s.leases)
	s.mu.Unlock()
	for _, l := range leases {
		l.end()
	}
	s.cancel()
	s.wg.Wait()
	if s.ownCli {
		if err := s.cli.Close(); err != nil {
			return fmt.Errorf("taskstate/etcd: close client: %w", err)
		}
	}
	return nil
}
