package bolt_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"
	bbolterrors "go.etcd.io/bbolt/errors"
	"go.uber.org/goleak"

	"github.com/roomrec/roomrec/errcode"
	"github.com/roomrec/roomrec/taskstate"
	"github.com/roomrec/roomrec/taskstate/bolt"
	"github.com/roomrec/roomrec/taskstate/taskstatetest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// opener returns a taskstatetest.Opener on one file of t's temp dir.
func opener(t *testing.T) taskstatetest.Opener {
	path := filepath.Join(t.TempDir(), "tasks.db")
	return func(t *testing.T, owner string) taskstate.Store {
		s, err := bolt.Open(bolt.Config{Path: path, Owner: owner})
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		t.Cleanup(func() { _ = s.Close() })
		return s
	}
}

func TestConformance(t *testing.T) {
	taskstatetest.Run(t, opener)
}

func TestConfig(t *testing.T) {
	cases := []struct {
		cfg    bolt.Config
		detail string
	}{
		{bolt.Config{}, "Path"},
		{bolt.Config{Path: "x", LockTimeout: -time.Second}, "LockTimeout"},
	}
	for _, c := range cases {
		err := c.cfg.Validate()
		if !errors.Is(err, errcode.InvalidParameter.Detail(c.detail)) {
			t.Errorf("Validate(%+v) = %v, want InvalidParameter.%s", c.cfg, err, c.detail)
		}
		if _, err := bolt.Open(c.cfg); !errors.Is(err, errcode.InvalidParameter) {
			t.Errorf("Open(%+v) = %v, want InvalidParameter", c.cfg, err)
		}
	}
}

func TestDefaultOwner(t *testing.T) {
	s, err := bolt.Open(bolt.Config{Path: filepath.Join(t.TempDir(), "db")})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	host, _ := os.Hostname()
	if want := host + ":" + strconv.Itoa(os.Getpid()); s.Owner() != want {
		t.Fatalf("Owner() = %q, want %q", s.Owner(), want)
	}
}

// TestOneProcess checks that a second Store on a held file fails after its
// lock timeout instead of sharing the file.
func TestOneProcess(t *testing.T) {
	path := filepath.Join(t.TempDir(), "db")
	s, err := bolt.Open(bolt.Config{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	_, err = bolt.Open(bolt.Config{Path: path, LockTimeout: 100 * time.Millisecond})
	if !errors.Is(err, bbolterrors.ErrTimeout) {
		t.Fatalf("second Open: %v, want ErrTimeout", err)
	}
}

// TestBadFile checks that a file that is not a bolt database, and a record
// that is not a stored value, give errors rather than panics.
func TestBadFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "db")
	if err := os.WriteFile(path, []byte("not a database, just text that is long enough to be read as a page header"), 0o600); err != nil {
		t.Fatal(err)
	}
	if s, err := bolt.Open(bolt.Config{Path: path}); err == nil {
		s.Close()
		t.Fatal("Open of a text file succeeded")
	}
	if _, err := bolt.Open(bolt.Config{Path: filepath.Join(t.TempDir(), "missing-dir", "db")}); err == nil {
		t.Fatal("Open in a missing directory succeeded")
	}
}

// TestRestartResumes is the recorder's restart: the tasks of the previous
// process come back as orphans, tokens keep growing, HA counts the restart.
func TestRestartResumes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "db")
	ctx := context.Background()
	var last int64
	for run := range 3 {
		s, err := bolt.Open(bolt.Config{Path: path, Owner: "rec-1"})
		if err != nil {
			t.Fatal(err)
		}
		var l taskstate.Lease
		if run == 0 {
			l, err = s.Create(ctx, "task", []byte("params"))
		} else {
			var rec taskstate.Record
			rec, l, err = s.Claim(ctx, "task")
			if err == nil && (rec.HA != run || string(rec.Data) != "params") {
				t.Fatalf("run %d: claimed %+v", run, rec)
			}
		}
		if err != nil {
			t.Fatalf("run %d: %v", run, err)
		}
		if l.Token() <= last {
			t.Fatalf("run %d: token %d not above %d", run, l.Token(), last)
		}
		last = l.Token()
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

// TestCorruptRecord checks that a record that is not a stored value gives
// an error from every reader, not a panic, and that Claim leaves it alone.
func TestCorruptRecord(t *testing.T) {
	path := filepath.Join(t.TempDir(), "db")
	s, err := bolt.Open(bolt.Config{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := bbolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bbolt.Tx) error {
		return tx.Bucket([]byte("tasks")).Put([]byte("bad"), []byte("{garbage"))
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = bolt.Open(bolt.Config{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	if _, err := s.Get(ctx, "bad"); err == nil || errors.Is(err, taskstate.ErrNotFound) {
		t.Errorf("Get of a corrupt record: %v", err)
	}
	if _, err := s.List(ctx); err == nil {
		t.Error("List with a corrupt record succeeded")
	}
	if _, _, err := s.Claim(ctx, "bad"); err == nil {
		t.Error("Claim of a corrupt record succeeded")
	}
	if _, _, err := s.Claim(ctx, "bad"); errors.Is(err, taskstate.ErrOwned) {
		t.Error("a failed Claim left a live lease")
	}
}
