package storage_test

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/roomrec/roomrec/errcode"
	"github.com/roomrec/roomrec/storage"
	"github.com/roomrec/roomrec/storage/storagetest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func newLocal(t *testing.T) *storage.Local {
	t.Helper()
	l, err := storage.NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { assertNoTemp(t, l.Dir()) })
	return l
}

// assertNoTemp fails when a temporary file is left anywhere under dir.
func assertNoTemp(t *testing.T, dir string) {
	t.Helper()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if strings.HasPrefix(d.Name(), ".roomrec-tmp-") {
			t.Errorf("temporary file left behind: %s", p)
		}
		return nil
	})
	if err != nil {
		t.Error(err)
	}
}

func TestLocalConformance(t *testing.T) {
	storagetest.Run(t, func(t *testing.T) storage.Storage { return newLocal(t) })
}

func TestFaultyPassThroughConformance(t *testing.T) {
	storagetest.Run(t, func(t *testing.T) storage.Storage {
		return storage.NewFaulty(newLocal(t), storage.FaultConfig{})
	})
}

func TestNewLocal(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "b")
	l, err := storage.NewLocal(dir)
	if err != nil {
		t.Fatalf("NewLocal(missing nested dir): %v", err)
	}
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() || l.Dir() != dir {
		t.Fatalf("dir not created: %v (Dir %q)", err, l.Dir())
	}
	file := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"", file} {
		if _, err := storage.NewLocal(d); !errors.Is(err, errcode.InvalidParameter.Detail("Dir")) {
			t.Errorf("NewLocal(%q) error = %v, want InvalidParameter.Dir", d, err)
		}
	}
}

func TestLocalPathAndFiles(t *testing.T) {
	l := newLocal(t)
	const key = "rec/task/a.m3u8"
	if err := l.Put(context.Background(), key, strings.NewReader("#EXTM3U\n"), 8, "text/plain"); err != nil {
		t.Fatal(err)
	}
	p := l.Path(key)
	if p != filepath.Join(l.Dir(), "rec", "task", "a.m3u8") {
		t.Fatalf("Path = %q", p)
	}
	b, err := os.ReadFile(p)
	if err != nil || string(b) != "#EXTM3U\n" {
		t.Fatalf("file at Path: %q, %v", b, err)
	}
	if fi, _ := os.Stat(p); fi.Mode().Perm() != 0o644 {
		t.Errorf("file mode %v, want 0644", fi.Mode().Perm())
	}
	o, err := l.Stat(context.Background(), key)
	if err != nil || o.ContentType != "application/vnd.apple.mpegurl" {
		t.Errorf("Stat = %+v, %v; want the type of the extension, not the one given", o, err)
	}
	if got := l.Path("../etc/passwd"); got != "" {
		t.Errorf("Path of an invalid key = %q, want \"\"", got)
	}
}

func TestLocalSizeMismatchLong(t *testing.T) {
	l := newLocal(t)
	err := l.Put(context.Background(), "a.ts", strings.NewReader("0123456789"), 5, "video/mp2t")
	var se *storage.Error
	if !errors.As(err, &se) || se.Code != storage.CodeSizeMismatch || se.Retryable {
		t.Fatalf("Put of 10 bytes declared as 5: %v, want non-retryable %s", err, storage.CodeSizeMismatch)
	}
	if _, err := l.Stat(context.Background(), "a.ts"); !errors.Is(err, storage.ErrNotExist) {
		t.Fatalf("object exists after a size mismatch: %v", err)
	}
}

func TestLocalKeyConflict(t *testing.T) {
	l := newLocal(t)
	ctx := context.Background()
	if err := l.Put(ctx, "a/b", strings.NewReader("x"), 1, ""); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"a", "a/b/c"} {
		err := l.Put(ctx, key, strings.NewReader("y"), 1, "")
		var se *storage.Error
		if !errors.As(err, &se) || se.Code != storage.CodeKeyConflict {
			t.Errorf("Put(%q) next to a/b: %v, want %s", key, err, storage.CodeKeyConflict)
		}
	}
}

func TestLocalListIgnoresTempAndOthers(t *testing.T) {
	l := newLocal(t)
	ctx := context.Background()
	if err := l.Put(ctx, "d/a.ts", strings.NewReader("x"), 1, ""); err != nil {
		t.Fatal(err)
	}
	// A crash leaves a temporary file; a symlink is not an object.
	tmp := filepath.Join(l.Dir(), "d", ".roomrec-tmp-123")
	if err := os.WriteFile(tmp, []byte("partial"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(l.Path("d/a.ts"), filepath.Join(l.Dir(), "d", "link.ts")); err != nil {
		t.Fatal(err)
	}
	objs, err := l.List(ctx, "")
	if err != nil || len(objs) != 1 || objs[0].Key != "d/a.ts" {
		t.Fatalf("List = %+v, %v; want only d/a.ts", objs, err)
	}
	if _, err := l.Get(ctx, "d/link.ts"); !errors.Is(err, storage.ErrNotExist) {
		t.Errorf("Get of a symlink: %v, want ErrNotExist", err)
	}
	if err := os.Remove(tmp); err != nil {
		t.Fatal(err)
	}
}

func TestLocalPutFile(t *testing.T) {
	l := newLocal(t)
	ctx := context.Background()
	spool := t.TempDir()
	src := filepath.Join(spool, "seg.ts")
	want := bytes.Repeat([]byte("ts"), 1000)
	if err := os.WriteFile(src, want, 0o600); err != nil {
		t.Fatal(err)
	}
	const key = "rec/t/seg.ts"
	if err := l.PutFile(ctx, key, src); err != nil {
		t.Fatalf("PutFile: %v", err)
	}
	if _, err := os.Stat(src); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("source still there after PutFile: %v", err)
	}
	got, err := os.ReadFile(l.Path(key))
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("moved file: %d bytes, %v", len(got), err)
	}
	if fi, _ := os.Stat(l.Path(key)); fi.Mode().Perm() != 0o644 {
		t.Errorf("moved file mode %v, want 0644", fi.Mode().Perm())
	}
	var se *storage.Error
	err = l.PutFile(ctx, "rec/t/other.ts", filepath.Join(spool, "missing.ts"))
	if !errors.As(err, &se) || se.Code != storage.CodeSourceError {
		t.Errorf("PutFile of a missing file: %v, want %s", err, storage.CodeSourceError)
	}
	if err := l.PutFile(ctx, "../x.ts", src); !errors.Is(err, storage.ErrKey) {
		t.Errorf("PutFile to an invalid key: %v, want %s", err, storage.ErrKey)
	}
}

func TestLocalGetStatCancelled(t *testing.T) {
	l := newLocal(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := l.Get(ctx, "a.ts"); !errors.Is(err, context.Canceled) {
		t.Errorf("Get: %v", err)
	}
	if _, err := l.Stat(ctx, "a.ts"); !errors.Is(err, context.Canceled) {
		t.Errorf("Stat: %v", err)
	}
	if err := l.PutFile(ctx, "a.ts", "/nonexistent"); !errors.Is(err, context.Canceled) {
		t.Errorf("PutFile: %v", err)
	}
}
