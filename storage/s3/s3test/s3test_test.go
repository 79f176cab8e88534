//go:build unix

package s3test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestBinary(t *testing.T) {
	t.Setenv(EnvBinary, "")
	p := Binary()
	if filepath.Base(p) != "versitygw-"+Version || filepath.Base(filepath.Dir(p)) != "bin" {
		t.Errorf("Binary() = %s, want <repo>/bin/versitygw-%s", p, Version)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(p), "..", "go.mod")); err != nil {
		t.Errorf("Binary() = %s is not in the repository's bin folder: %v", p, err)
	}
	t.Setenv(EnvBinary, "/elsewhere/versitygw")
	if p := Binary(); p != "/elsewhere/versitygw" {
		t.Errorf("with %s set, Binary() = %s", EnvBinary, p)
	}
}

func TestMissingBinarySaysWhatToRun(t *testing.T) {
	t.Setenv(EnvBinary, filepath.Join(t.TempDir(), "no-versitygw"))
	_, err := Launch()
	if err == nil || !strings.Contains(err.Error(), "make test") || !strings.Contains(err.Error(), EnvBinary) {
		t.Fatalf("Launch without a binary: %v, want a message naming `make test` and %s", err, EnvBinary)
	}
}

func TestLaunchAndClose(t *testing.T) {
	s, err := Launch()
	if err != nil {
		t.Fatal(err)
	}
	if host, _, _ := strings.Cut(s.Endpoint, ":"); host != "127.0.0.1" {
		t.Errorf("Endpoint = %s, want 127.0.0.1:<port>", s.Endpoint)
	}
	if err := s.CreateBucket(context.Background(), "bkt"); err != nil {
		t.Fatal(err)
	}
	pid := s.cmd.Process.Pid
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("versitygw (pid %d) still there after Close: kill(0) = %v", pid, err)
	}
	if _, err := os.Stat(s.dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the server's folder %s is left: %v", s.dir, err)
	}
}
