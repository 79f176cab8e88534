package etcd_test

import (
	"context"
	"errors"
	"log/slog"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/goleak"
	"go.uber.org/zap"

	"github.com/roomrec/roomrec/errcode"
	"github.com/roomrec/roomrec/taskstate"
	"github.com/roomrec/roomrec/taskstate/etcd"
	"github.com/roomrec/roomrec/taskstate/etcd/etcdtest"
	"github.com/roomrec/roomrec/taskstate/taskstatetest"
)

// TestMain checks that no goroutine outlives the tests: the embedded
// server's Close and the clients' Close stop all of theirs, so no goleak
// ignore is needed.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// ttl is the lease time of the tests' stores: short, so a dead owner's
// tasks are orphans after about two seconds, yet twice the smallest etcd
// allows, so a keep-alive delayed by a loaded machine (-race, two cores
// shared) does not lose a live lease.
const ttl = 2 * time.Second

// wait bounds the waits for what must happen within a few TTLs.
const wait = 10 * time.Second

// open opens a store on endpoints with keys under prefix.
func open(t *testing.T, endpoints []string, prefix, owner string, ttl time.Duration) *etcd.Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), wait)
	defer cancel()
	log := slog.New(slog.NewTextHandler(tWriter{t}, nil))
	s, err := etcd.Open(ctx, etcd.Config{Endpoints: endpoints, Prefix: prefix, Owner: owner, TTL: ttl, Logger: log})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// tWriter writes to the test's log.
type tWriter struct{ t *testing.T }

func (w tWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// prefix returns a key prefix of its own for the test.
func prefix(t *testing.T) string { return "test/" + strings.ReplaceAll(t.Name(), "/", "_") + "/" }

// rawClient returns a plain client on endpoints, closed with the test.
func rawClient(t *testing.T, endpoints []string) *clientv3.Client {
	t.Helper()
	cli, err := clientv3.New(clientv3.Config{Endpoints: endpoints, DialTimeout: wait, Logger: zap.NewNop()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cli.Close() })
	return cli
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), wait)
	t.Cleanup(cancel)
	return ctx
}

// TestEtcd runs everything against one embedded server: the conformance
// suite and the behaviour only a shared, distributed store has.
func TestEtcd(t *testing.T) {
	endpoints := etcdtest.Start(t)
	t.Run("Conformance", func(t *testing.T) {
		taskstatetest.Run(t, func(t *testing.T) taskstatetest.Opener {
			p := prefix(t)
			return func(t *testing.T, owner string) taskstate.Store { return open(t, endpoints, p, owner, ttl) }
		})
	})
	t.Run("Parallel", func(t *testing.T) {
		for _, tc := range []struct {
			name string
			fn   func(t *testing.T, endpoints []string)
		}{
			{"LiveOwnerKeepsTask", testLiveOwnerKeepsTask},
			{"StaleOwnerFenced", testStaleOwnerFenced},
			{"LostOnRevoke", testLostOnRevoke},
			{"ClaimRaceAcrossInstances", testClaimRace},
			{"SharedClient", testSharedClient},
		} {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				tc.fn(t, endpoints)
			})
		}
	})
}

// testLiveOwnerKeepsTask: while its owner runs, the keep-alive renews its
// lease (the server's remaining TTL goes back up, twice), and another
// instance can neither claim the task nor see it orphaned. The TTL is the
// default 5 s, so a loaded machine's stalls cannot make the lease lapse.
func testLiveOwnerKeepsTask(t *testing.T, endpoints []string) {
	p := prefix(t)
	a, b := open(t, endpoints, p, "A", etcd.DefaultTTL), open(t, endpoints, p, "B", ttl)
	l, err := a.Create(ctxT(t), "t", []byte("d"))
	if err != nil {
		t.Fatal(err)
	}
	orphans, err := b.Orphans(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	cli := rawClient(t, endpoints)
	id := leaseOf(t, cli, p, "t")
	poll := time.NewTicker(100 * time.Millisecond)
	defer poll.Stop()
	deadline := time.After(3 * etcd.DefaultTTL)
	for renewals, last := 0, int64(math.MaxInt64); renewals < 2; {
		select {
		case <-l.Lost():
			t.Fatal("a live owner's lease was lost")
		case id := <-orphans:
			t.Fatalf("Orphans reported the live task %q", id)
		case <-deadline:
			t.Fatalf("%d renewals within %v, want 2", renewals, 3*etcd.DefaultTTL)
		case <-poll.C:
		}
		resp, err := cli.TimeToLive(ctxT(t), id)
		if err != nil || resp.TTL <= 0 {
			t.Fatalf("TimeToLive: %v, TTL %d", err, resp.TTL)
		}
		if resp.TTL > last {
			renewals++
		}
		last = resp.TTL
	}
	if _, _, err := b.Claim(ctxT(t), "t"); !errors.Is(err, taskstate.ErrOwned) {
		t.Fatalf("Claim of a live task by another instance: %v, want ErrOwned", err)
	}
	if rec, err := b.Get(ctxT(t), "t"); err != nil || rec.Owner != "A" || rec.Token != l.Token() {
		t.Fatalf("Get from another instance: %+v, %v", rec, err)
	}
}

// leaseOf returns the etcd lease bound to the owner key of task id.
func leaseOf(t *testing.T, cli *clientv3.Client, p, id string) clientv3.LeaseID {
	t.Helper()
	resp, err := cli.Get(ctxT(t), p+"owner/"+id)
	if err != nil || len(resp.Kvs) != 1 {
		t.Fatalf("owner key of %q: %v, %d keys", id, err, len(resp.Kvs))
	}
	return clientv3.LeaseID(resp.Kvs[0].Lease)
}

// testStaleOwnerFenced: an owner whose lease expired on the server before
// it noticed (a partition) cannot overwrite the state of the instance that
// took over: its write fails with ErrFenced and then its Lost closes.
func testStaleOwnerFenced(t *testing.T, endpoints []string) {
	p := prefix(t)
	a := open(t, endpoints, p, "A", 30*time.Second) // keep-alive only every 10 s
	b := open(t, endpoints, p, "B", ttl)
	la, err := a.Create(ctxT(t), "t", []byte("from A"))
	if err != nil {
		t.Fatal(err)
	}
	cli := rawClient(t, endpoints)
	if _, err := cli.Revoke(ctxT(t), leaseOf(t, cli, p, "t")); err != nil { // the server expires A's lease
		t.Fatal(err)
	}
	rec, lb, err := b.Claim(ctxT(t), "t")
	if err != nil || rec.HA != 1 || rec.Owner != "B" {
		t.Fatalf("Claim after the lapse: %+v, %v", rec, err)
	}
	if err := la.Update(ctxT(t), []byte("stale write")); !errors.Is(err, taskstate.ErrFenced) {
		t.Fatalf("Update by the stale owner: %v, want ErrFenced", err)
	}
	select {
	case <-la.Lost():
	default:
		t.Fatal("a fenced Update left Lost open")
	}
	if got, err := b.Get(ctxT(t), "t"); err != nil || string(got.Data) != "from A" || got.Token != lb.Token() {
		t.Fatalf("record after the stale write: %+v, %v", got, err)
	}
	if err := la.Release(ctxT(t)); !errors.Is(err, taskstate.ErrFenced) {
		t.Fatalf("Release by the stale owner: %v, want ErrFenced", err)
	}
}

// testLostOnRevoke: the keep-alive notices a lease the server dropped and
// closes Lost without any write by the owner.
func testLostOnRevoke(t *testing.T, endpoints []string) {
	p := prefix(t)
	a := open(t, endpoints, p, "A", ttl)
	l, err := a.Create(ctxT(t), "t", nil)
	if err != nil {
		t.Fatal(err)
	}
	cli := rawClient(t, endpoints)
	if _, err := cli.Revoke(ctxT(t), leaseOf(t, cli, p, "t")); err != nil {
		t.Fatal(err)
	}
	select {
	case <-l.Lost():
	case <-time.After(wait):
		t.Fatalf("Lost not closed within %v of the revocation", wait)
	}
}

// testClaimRace: instances racing to take over one orphan; exactly one wins.
func testClaimRace(t *testing.T, endpoints []string) {
	p := prefix(t)
	a := open(t, endpoints, p, "A", ttl)
	l, err := a.Create(ctxT(t), "t", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Abandon(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	const n = 4
	stores := make([]*etcd.Store, n)
	for i := range stores {
		stores[i] = open(t, endpoints, p, "B"+string(rune('0'+i)), ttl)
	}
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		wins  []string
		other []error
	)
	for _, s := range stores {
		wg.Go(func() {
			rec, _, err := s.Claim(ctxT(t), "t")
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				wins = append(wins, rec.Owner)
			case !errors.Is(err, taskstate.ErrOwned):
				other = append(other, err)
			}
		})
	}
	wg.Wait()
	if len(wins) != 1 || len(other) > 0 {
		t.Fatalf("winners %v (want one), other errors %v", wins, other)
	}
	if rec, err := a.Get(ctxT(t), "t"); err != nil || rec.Owner != wins[0] || rec.HA != 1 {
		t.Fatalf("record after the race: %+v, %v", rec, err)
	}
}

// testSharedClient: a store on the caller's client leaves it open.
func testSharedClient(t *testing.T, endpoints []string) {
	cli := rawClient(t, endpoints)
	s, err := etcd.Open(ctxT(t), etcd.Config{Client: cli, Prefix: prefix(t)})
	if err != nil {
		t.Fatal(err)
	}
	if s.TTL() != etcd.DefaultTTL {
		t.Fatalf("TTL() = %v, want the default %v", s.TTL(), etcd.DefaultTTL)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := cli.Get(ctxT(t), "x"); err != nil {
		t.Fatalf("the shared client after Close: %v", err)
	}
}

// TestKeepAliveFails: when the cluster goes away, Lost closes within the
// TTL even though nothing else tells the owner.
func TestKeepAliveFails(t *testing.T) {
	srv, err := etcdtest.New(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	s := open(t, srv.Endpoints(), "p/", "A", ttl)
	l, err := s.Create(ctxT(t), "t", nil)
	if err != nil {
		t.Fatal(err)
	}
	srv.Close()
	// From here no keep-alive can succeed, so Lost must close about 0.9
	// TTL after the last successful one was sent; 1.5 TTL leaves room for
	// a loaded machine's timer delays.
	stopped := time.Now()
	select {
	case <-l.Lost():
		if d := time.Since(stopped); d > ttl*3/2 {
			t.Fatalf("Lost closed %v after the server stopped, more than 1.5 TTL (%v)", d, ttl)
		}
	case <-time.After(wait):
		t.Fatalf("Lost not closed within %v of the server's stop", wait)
	}
}

func TestConfig(t *testing.T) {
	cases := []struct {
		cfg    etcd.Config
		detail string
	}{
		{etcd.Config{}, "Endpoints"},
		{etcd.Config{Endpoints: []string{""}}, "Endpoints"},
		{etcd.Config{Endpoints: []string{"h:1"}, TTL: 500 * time.Millisecond}, "TTL"},
		{etcd.Config{Endpoints: []string{"h:1"}, TTL: -time.Second}, "TTL"},
		{etcd.Config{Endpoints: []string{"h:1"}, DialTimeout: -1}, "DialTimeout"},
	}
	for _, c := range cases {
		if err := c.cfg.Validate(); !errors.Is(err, errcode.InvalidParameter.Detail(c.detail)) {
			t.Errorf("Validate(%+v) = %v, want InvalidParameter.%s", c.cfg, err, c.detail)
		}
		if _, err := etcd.Open(t.Context(), c.cfg); !errors.Is(err, errcode.InvalidParameter) {
			t.Errorf("Open(%+v) = %v, want InvalidParameter", c.cfg, err)
		}
	}
	if err := (etcd.Config{Endpoints: []string{"h:1"}, TTL: 1500 * time.Millisecond}).Validate(); err != nil {
		t.Errorf("Validate of a TTL that rounds up: %v", err)
	}
}

// TestUnreachable: Open fails within DialTimeout when nothing listens.
func TestUnreachable(t *testing.T) {
	start := time.Now()
	_, err := etcd.Open(t.Context(), etcd.Config{Endpoints: []string{"http://127.0.0.1:1"}, DialTimeout: 300 * time.Millisecond})
	if err == nil {
		t.Fatal("Open of an unreachable cluster succeeded")
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("Open took %v to fail", d)
	}
}
