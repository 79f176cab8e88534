package taskstatetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/roomrec/roomrec/errcode"
	"github.com/roomrec/roomrec/taskstate"
)

// Wait bounds every wait of the suite for something the store must do on
// its own (a lapse reported by Orphans, a channel closing). It is generous
// because the waits end as soon as the event happens.
const Wait = 20 * time.Second

// Opener opens a new instance of the store under test, named owner (its
// Record.Owner), on the backing store of one subtest: each call is as
// another process would see it. The suite closes an instance before it
// opens the next one (a bolt file is held by one instance at a time); the
// Opener should also close it at the end of the test (Close is idempotent).
type Opener func(t *testing.T, owner string) taskstate.Store

// Run runs the conformance suite as parallel subtests of t. newBackend
// returns the Opener of a fresh, empty backing store for one subtest. A
// dead owner's leases must lapse well within Wait.
func Run(t *testing.T, newBackend func(t *testing.T) Opener) {
	t.Helper()
	tests := []struct {
		name string
		fn   func(t *testing.T, open Opener)
	}{
		{"CreateGetList", testCreateGetList},
		{"InvalidInput", testInvalidInput},
		{"UpdateRelease", testUpdateRelease},
		{"ClaimLive", testClaimLive},
		{"AbandonFencing", testAbandonFencing},
		{"HACounts", testHACounts},
		{"OwnerDies", testOwnerDies},
		{"ConcurrentClaims", testConcurrentClaims},
		{"OrphansStream", testOrphansStream},
		{"Closed", testClosed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.fn(t, newBackend(t))
		})
	}
}

// ctxT returns a context that ends after Wait or with the test.
func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), Wait)
	t.Cleanup(cancel)
	return ctx
}

func create(t *testing.T, s taskstate.Store, id string, data []byte) taskstate.Lease {
	t.Helper()
	l, err := s.Create(ctxT(t), id, data)
	if err != nil {
		t.Fatalf("Create(%q): %v", id, err)
	}
	if l.TaskID() != id || l.Token() <= 0 {
		t.Fatalf("Create(%q): lease TaskID %q Token %d, want the id and a token > 0", id, l.TaskID(), l.Token())
	}
	return l
}

func get(t *testing.T, s taskstate.Store, id string) taskstate.Record {
	t.Helper()
	rec, err := s.Get(ctxT(t), id)
	if err != nil {
		t.Fatalf("Get(%q): %v", id, err)
	}
	return rec
}

func claim(t *testing.T, s taskstate.Store, id string) (taskstate.Record, taskstate.Lease) {
	t.Helper()
	rec, l, err := s.Claim(ctxT(t), id)
	if err != nil {
		t.Fatalf("Claim(%q): %v", id, err)
	}
	if l.TaskID() != id || l.Token() != rec.Token {
		t.Fatalf("Claim(%q): lease %q token %d, record token %d", id, l.TaskID(), l.Token(), rec.Token)
	}
	return rec, l
}

func wantErr(t *testing.T, what string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("%s: error %v, want %v", what, err, want)
	}
}

// wantRecord compares the fields of got with want.
func wantRecord(t *testing.T, got, want taskstate.Record) {
	t.Helper()
	if got.TaskID != want.TaskID || !bytes.Equal(got.Data, want.Data) || got.HA != want.HA ||
		got.Owner != want.Owner || got.Token != want.Token {
		t.Fatalf("record\n got %+v\nwant %+v", got, want)
	}
}

// closed waits up to Wait for ch to close.
func closed(t *testing.T, what string, ch <-chan struct{}) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(Wait):
		t.Fatalf("%s: not closed within %v", what, Wait)
	}
}

// isClosed reports whether ch is closed now.
func isClosed(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// collect reads ids from orphans until all of want came, or fails after
// Wait. It returns the set of ids read.
func collect(t *testing.T, orphans <-chan string, want ...string) map[string]bool {
	t.Helper()
	seen := map[string]bool{}
	deadline := time.After(Wait)
	for !hasAll(seen, want) {
		select {
		case id, ok := <-orphans:
			if !ok {
				t.Fatalf("Orphans closed; seen %v, want %v", seen, want)
			}
			seen[id] = true
		case <-deadline:
			t.Fatalf("Orphans: within %v saw %v, want %v", Wait, seen, want)
		}
	}
	return seen
}

func hasAll(seen map[string]bool, want []string) bool {
	for _, id := range want {
		if !seen[id] {
			return false
		}
	}
	return true
}

func testCreateGetList(t *testing.T, open Opener) {
	s := open(t, "A")
	l1 := create(t, s, "t1", []byte("params-1"))
	wantRecord(t, get(t, s, "t1"), taskstate.Record{TaskID: "t1", Data: []byte("params-1"), Owner: "A", Token: l1.Token()})
	if get(t, s, "t1").Orphan() {
		t.Fatal("a live task reports Orphan")
	}
	l0 := create(t, s, "t0 with spaces/and/slashes ü", nil)
	if rec := get(t, s, l0.TaskID()); len(rec.Data) != 0 {
		t.Fatalf("nil data came back as %q", rec.Data)
	}
	_, err := s.Create(ctxT(t), "t1", []byte("other"))
	wantErr(t, "Create of an existing id", err, taskstate.ErrExists)
	if rec := get(t, s, "t1"); string(rec.Data) != "params-1" {
		t.Fatalf("a failed Create changed the data to %q", rec.Data)
	}
	_, err = s.Get(ctxT(t), "missing")
	wantErr(t, "Get of a missing id", err, taskstate.ErrNotFound)
	_, _, err = s.Claim(ctxT(t), "missing")
	wantErr(t, "Claim of a missing id", err, taskstate.ErrNotFound)

	recs, err := s.List(ctxT(t))
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	ids := make([]string, len(recs))
	for i, r := range recs {
		ids[i] = r.TaskID
	}
	if want := []string{"t0 with spaces/and/slashes ü", "t1"}; !slices.Equal(ids, want) {
		t.Fatalf("List ids %q, want %q", ids, want)
	}
	if recs[1].Token != l1.Token() || recs[1].HA != 0 || recs[1].Owner != "A" {
		t.Fatalf("List record %+v", recs[1])
	}
}

func testInvalidInput(t *testing.T, open Opener) {
	s := open(t, "A")
	l := create(t, s, "ok", []byte("x"))
	big := make([]byte, taskstate.MaxDataSize+1)
	long := string(bytes.Repeat([]byte("a"), taskstate.MaxTaskIDLen+1))
	cases := []struct {
		name string
		call func() error
	}{
		{"Create empty id", func() error { _, err := s.Create(ctxT(t), "", nil); return err }},
		{"Create long id", func() error { _, err := s.Create(ctxT(t), long, nil); return err }},
		{"Create bad UTF-8", func() error { _, err := s.Create(ctxT(t), "a\xffb", nil); return err }},
		{"Create control char", func() error { _, err := s.Create(ctxT(t), "a\nb", nil); return err }},
		{"Create big data", func() error { _, err := s.Create(ctxT(t), "big", big); return err }},
		{"Claim empty id", func() error { _, _, err := s.Claim(ctxT(t), ""); return err }},
		{"Get empty id", func() error { _, err := s.Get(ctxT(t), ""); return err }},
		{"Update big data", func() error { return l.Update(ctxT(t), big) }},
	}
	for _, c := range cases {
		if err := c.call(); !errors.Is(err, errcode.InvalidParameter) {
			t.Errorf("%s: error %v, want InvalidParameter", c.name, err)
		}
	}
	if _, err := s.Get(ctxT(t), "big"); !errors.Is(err, taskstate.ErrNotFound) {
		t.Errorf("a rejected Create stored something: %v", err)
	}
	if rec := get(t, s, "ok"); string(rec.Data) != "x" {
		t.Errorf("a rejected Update changed the data to %d bytes", len(rec.Data))
	}
}

func testUpdateRelease(t *testing.T, open Opener) {
	s := open(t, "A")
	l := create(t, s, "t", []byte("v1"))
	if err := l.Update(ctxT(t), []byte("v2")); err != nil {
		t.Fatalf("Update: %v", err)
	}
	wantRecord(t, get(t, s, "t"), taskstate.Record{TaskID: "t", Data: []byte("v2"), Owner: "A", Token: l.Token()})
	if isClosed(l.Lost()) {
		t.Fatal("Lost closed on a live lease")
	}
	if err := l.Release(ctxT(t)); err != nil {
		t.Fatalf("Release: %v", err)
	}
	closed(t, "Lost after Release", l.Lost())
	_, err := s.Get(ctxT(t), "t")
	wantErr(t, "Get after Release", err, taskstate.ErrNotFound)
	wantErr(t, "Update after Release", l.Update(ctxT(t), []byte("v3")), taskstate.ErrFenced)
	wantErr(t, "Release after Release", l.Release(ctxT(t)), taskstate.ErrFenced)
	wantErr(t, "Abandon after Release", l.Abandon(ctxT(t)), taskstate.ErrFenced)
	_, _, err = s.Claim(ctxT(t), "t")
	wantErr(t, "Claim after Release", err, taskstate.ErrNotFound)
	if _, err := s.Get(ctxT(t), "t"); !errors.Is(err, taskstate.ErrNotFound) {
		t.Fatalf("a fenced Update re-created the task: %v", err)
	}
	l2 := create(t, s, "t", []byte("again"))
	if l2.Token() <= l.Token() {
		t.Fatalf("token of the second Create %d, not above the first %d", l2.Token(), l.Token())
	}
}

func testClaimLive(t *testing.T, open Opener) {
	s := open(t, "A")
	l := create(t, s, "t", []byte("d"))
	_, _, err := s.Claim(ctxT(t), "t")
	wantErr(t, "Claim of a live task", err, taskstate.ErrOwned)
	wantRecord(t, get(t, s, "t"), taskstate.Record{TaskID: "t", Data: []byte("d"), Owner: "A", Token: l.Token()})
	if isClosed(l.Lost()) {
		t.Fatal("a refused Claim closed the owner's Lost")
	}
	if err := l.Update(ctxT(t), []byte("d2")); err != nil {
		t.Fatalf("Update after a refused Claim: %v", err)
	}
}

func testAbandonFencing(t *testing.T, open Opener) {
	s := open(t, "A")
	old := create(t, s, "t", []byte("d1"))
	if err := old.Abandon(ctxT(t)); err != nil {
		t.Fatalf("Abandon: %v", err)
	}
	closed(t, "Lost after Abandon", old.Lost())
	wantRecord(t, get(t, s, "t"), taskstate.Record{TaskID: "t", Data: []byte("d1"), Owner: "A"})
	if !get(t, s, "t").Orphan() {
		t.Fatal("an abandoned task is not an orphan")
	}
	rec, cur := claim(t, s, "t")
	wantRecord(t, rec, taskstate.Record{TaskID: "t", Data: []byte("d1"), HA: 1, Owner: "A", Token: cur.Token()})
	if cur.Token() <= old.Token() {
		t.Fatalf("token after Claim %d, not above the old %d", cur.Token(), old.Token())
	}
	wantErr(t, "Update with the stale lease", old.Update(ctxT(t), []byte("stale")), taskstate.ErrFenced)
	wantErr(t, "Release with the stale lease", old.Release(ctxT(t)), taskstate.ErrFenced)
	wantErr(t, "Abandon with the stale lease", old.Abandon(ctxT(t)), taskstate.ErrFenced)
	if err := cur.Update(ctxT(t), []byte("d2")); err != nil {
		t.Fatalf("Update by the new owner: %v", err)
	}
	wantRecord(t, get(t, s, "t"), taskstate.Record{TaskID: "t", Data: []byte("d2"), HA: 1, Owner: "A", Token: cur.Token()})
	if isClosed(cur.Lost()) {
		t.Fatal("the new owner's Lost closed")
	}
}

func testHACounts(t *testing.T, open Opener) {
	s := open(t, "A")
	l := create(t, s, "t", []byte("p"))
	// The store only counts: it claims past 3 and leaves the 4th-failure
	// rule to the recorder.
	for want := 1; want <= 4; want++ {
		if err := l.Abandon(ctxT(t)); err != nil {
			t.Fatalf("Abandon before claim %d: %v", want, err)
		}
		prev := l.Token()
		var rec taskstate.Record
		rec, l = claim(t, s, "t")
		if rec.HA != want || string(rec.Data) != "p" || l.Token() <= prev {
			t.Fatalf("claim %d: record %+v (previous token %d)", want, rec, prev)
		}
	}
}

func testOwnerDies(t *testing.T, open Opener) {
	a := open(t, "A")
	l1 := create(t, a, "t1", []byte("d1"))
	l2 := create(t, a, "t2", []byte("d2"))
	l3 := create(t, a, "t3", []byte("d3"))
	if err := l3.Release(ctxT(t)); err != nil {
		t.Fatalf("Release: %v", err)
	}
	if err := a.Close(); err != nil { // dies without releasing t1, t2
		t.Fatalf("Close: %v", err)
	}
	closed(t, "Lost after the owner's Close", l1.Lost())
	closed(t, "Lost after the owner's Close", l2.Lost())
	wantErr(t, "Update after the owner's Close", l1.Update(ctxT(t), []byte("x")), taskstate.ErrClosed)

	b := open(t, "B")
	orphans, err := b.Orphans(ctxT(t))
	if err != nil {
		t.Fatalf("Orphans: %v", err)
	}
	if seen := collect(t, orphans, "t1", "t2"); seen["t3"] {
		t.Fatal("Orphans reported a released task")
	}
	rec, l := claim(t, b, "t1")
	wantRecord(t, rec, taskstate.Record{TaskID: "t1", Data: []byte("d1"), HA: 1, Owner: "B", Token: l.Token()})
	if l.Token() <= l1.Token() {
		t.Fatalf("token of the claim %d, not above the dead owner's %d", l.Token(), l1.Token())
	}
	wantRecord(t, get(t, b, "t2"), taskstate.Record{TaskID: "t2", Data: []byte("d2"), Owner: "A"})
	if err := l.Update(ctxT(t), []byte("d1b")); err != nil {
		t.Fatalf("Update by the new owner: %v", err)
	}
	recs, err := b.List(ctxT(t))
	if err != nil || len(recs) != 2 {
		t.Fatalf("List after takeover: %v, %+v", err, recs)
	}
}

func testConcurrentClaims(t *testing.T, open Opener) {
	s := open(t, "A")
	l := create(t, s, "t", []byte("d"))
	if err := l.Abandon(ctxT(t)); err != nil {
		t.Fatalf("Abandon: %v", err)
	}
	const n = 8
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		wins   []taskstate.Lease
		others []error
		start  = make(chan struct{})
	)
	for range n {
		wg.Go(func() {
			<-start
			_, l, err := s.Claim(ctxT(t), "t")
			mu.Lock()
			defer mu.Unlock()
			if err == nil {
				wins = append(wins, l)
			} else if !errors.Is(err, taskstate.ErrOwned) {
				others = append(others, err)
			}
		})
	}
	close(start)
	wg.Wait()
	if len(wins) != 1 || len(others) != 0 {
		t.Fatalf("%d of %d concurrent Claims won (want 1); unexpected errors: %v", len(wins), n, others)
	}
	if rec := get(t, s, "t"); rec.HA != 1 || rec.Token != wins[0].Token() {
		t.Fatalf("after the concurrent Claims: %+v, winner's token %d", rec, wins[0].Token())
	}
}

func testOrphansStream(t *testing.T, open Opener) {
	s := open(t, "A")
	ctx, cancel := context.WithCancel(ctxT(t))
	orphans, err := s.Orphans(ctx)
	if err != nil {
		t.Fatalf("Orphans: %v", err)
	}
	l1 := create(t, s, "t1", nil)
	create(t, s, "t2", nil)
	if err := l1.Abandon(ctxT(t)); err != nil {
		t.Fatalf("Abandon: %v", err)
	}
	if seen := collect(t, orphans, "t1"); seen["t2"] {
		t.Fatal("Orphans reported a live task")
	}
	cancel()
	drained(t, "Orphans after its context ended", orphans)

	again, err := s.Orphans(ctxT(t))
	if err != nil {
		t.Fatalf("Orphans: %v", err)
	}
	collect(t, again, "t1") // the initial scan finds the orphan
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	drained(t, "Orphans after Close", again)
}

// drained reads ch until it closes, or fails after Wait.
func drained(t *testing.T, what string, ch <-chan string) {
	t.Helper()
	deadline := time.After(Wait)
	for {
		select {
		case _, ok := <-ch:
			if !ok {
				return
			}
		case <-deadline:
			t.Fatalf("%s: channel not closed within %v", what, Wait)
		}
	}
}

func testClosed(t *testing.T, open Opener) {
	s := open(t, "A")
	l := create(t, s, "t", nil)
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	closed(t, "Lost after Close", l.Lost())
	calls := map[string]error{
		"Update":  l.Update(ctxT(t), nil),
		"Release": l.Release(ctxT(t)),
		"Abandon": l.Abandon(ctxT(t)),
	}
	_, calls["Create"] = s.Create(ctxT(t), "u", nil)
	_, _, calls["Claim"] = s.Claim(ctxT(t), "t")
	_, calls["Get"] = s.Get(ctxT(t), "t")
	_, calls["List"] = s.List(ctxT(t))
	_, calls["Orphans"] = s.Orphans(ctxT(t))
	for name, err := range calls {
		wantErr(t, fmt.Sprintf("%s after Close", name), err, taskstate.ErrClosed)
	}
}
