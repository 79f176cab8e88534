package storage

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// TestLocalCopyFile covers PutFile's path for a source on another file
// system, where rename fails and the content is copied.
func TestLocalCopyFile(t *testing.T) {
	l, err := NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(t.TempDir(), "seg.ts")
	want := bytes.Repeat([]byte{0x47}, 188*100)
	if err := os.WriteFile(src, want, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := l.prepare(context.Background(), OpPut, "x/seg.ts"); err != nil {
		t.Fatal(err)
	}
	if err := l.copyFile(context.Background(), "x/seg.ts", src, int64(len(want))); err != nil {
		t.Fatalf("copyFile: %v", err)
	}
	if _, err := os.Stat(src); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("source kept after copy: %v", err)
	}
	got, err := os.ReadFile(l.Path("x/seg.ts"))
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("copied file: %d bytes, %v", len(got), err)
	}
}
