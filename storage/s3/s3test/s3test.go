package s3test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/roomrec/roomrec/storage/s3"
)

// Version is the versitygw release the tests run (built by `make test`
// into <repo>/bin/versitygw-<Version>).
const Version = "v1.8.0"

// EnvBinary names the environment variable that, when set, gives the path
// of the versitygw binary to run instead of the repository's.
const EnvBinary = "ROOMREC_VERSITYGW"

// The root credentials of every Server.
const (
	AccessKey = "roomrec-test"
	SecretKey = "roomrec-test-secret-key"
	Region    = "us-east-1"
)

// startTimeout bounds the wait for versitygw to listen.
const startTimeout = 15 * time.Second

// Server is a running versitygw: an S3 server on 127.0.0.1 storing into a
// temporary folder (the posix back-end, metadata in a sidecar folder).
type Server struct {
	// Endpoint is "127.0.0.1:<port>".
	Endpoint string
	cmd      *exec.Cmd
	exited   chan struct{} // closed when the process has been waited for
	waitErr  error
	out      *lockedBuffer
	dir      string // data and metadata
}

// Binary returns the path of the versitygw binary: $ROOMREC_VERSITYGW when
// set, else <repo>/bin/versitygw-<Version>, the repository root being
// found from this source file's location.
func Binary() string {
	if p := os.Getenv(EnvBinary); p != "" {
		return p
	}
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return filepath.Join("bin", "versitygw-"+Version)
	}
	root := filepath.Join(filepath.Dir(file), "..", "..", "..")
	return filepath.Join(root, "bin", "versitygw-"+Version)
}

// Start runs versitygw for the test (see Launch) and stops it when the
// test ends. A missing binary or a server that does not come up fails the
// test with what to do; it never skips.
func Start(t testing.TB) *Server {
	t.Helper()
	s, err := Launch()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("stopping versitygw: %v", err)
		}
	})
	return s
}

// Launch runs versitygw on a free port of 127.0.0.1 with a new temporary
// folder and waits until it listens. It returns an error saying what to
// run when the binary is missing, or why the server did not come up.
// Close stops it.
func Launch() (*Server, error) {
	bin := Binary()
	if fi, err := os.Stat(bin); err != nil || fi.IsDir() {
		return nil, fmt.Errorf("the S3 test server versitygw is not at %s: run `make test`, which builds it first "+
			"(or `make %s`), or set %s to a versitygw %s binary", bin, bin, EnvBinary, Version)
	}
	dir, err := os.MkdirTemp("", "roomrec-versitygw-")
	if err != nil {
		return nil, err
	}
	var errs []error
	for range 3 { // the free port may be taken before versitygw binds it
		s, err := launch(bin, dir)
		if err == nil {
			return s, nil
		}
		errs = append(errs, err)
	}
	_ = os.RemoveAll(dir)
	return nil, fmt.Errorf("versitygw did not start: %w", errors.Join(errs...))
}

// launch starts one versitygw process and waits until it listens.
func launch(bin, dir string) (*Server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	data, meta := filepath.Join(dir, "data"), filepath.Join(dir, "meta")
	for _, d := range []string{data, meta} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, err
		}
	}
	addr := "127.0.0.1:" + strconv.Itoa(port)
	cmd := exec.Command(bin, "--port", addr, "--quiet", "posix", "--sidecar", meta, data)
	// Only what versitygw needs: no VGW_* settings leak in from outside.
	cmd.Env = []string{"ROOT_ACCESS_KEY=" + AccessKey, "ROOT_SECRET_KEY=" + SecretKey}
	out := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	setParentDeathSignal(cmd)
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", bin, err)
	}
	s := &Server{Endpoint: addr, cmd: cmd, exited: make(chan struct{}), out: out, dir: dir}
	go func() {
		s.waitErr = cmd.Wait()
		close(s.exited)
	}()
	if err := s.waitListening(); err != nil {
		s.stop()
		return nil, fmt.Errorf("%w; its output: %q", err, out.String())
	}
	return s, nil
}

// waitListening polls the port until versitygw accepts connections, it
// exits, or startTimeout passes.
func (s *Server) waitListening() error {
	deadline := time.NewTimer(startTimeout)
	defer deadline.Stop()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		if c, err := net.DialTimeout("tcp", s.Endpoint, time.Second); err == nil {
			_ = c.Close()
			return nil
		}
		select {
		case <-s.exited:
			return fmt.Errorf("versitygw exited: %v", s.waitErr)
		case <-deadline.C:
			return fmt.Errorf("versitygw did not listen on %s within %v", s.Endpoint, startTimeout)
		case <-tick.C:
		}
	}
}

// stop kills the process and waits for it.
func (s *Server) stop() {
	_ = s.cmd.Process.Kill()
	<-s.exited
}

// Close kills versitygw, waits for it to exit and removes its folder. It
// returns the error of the removal.
func (s *Server) Close() error {
	s.stop()
	return os.RemoveAll(s.dir)
}

// Output returns what versitygw has printed so far.
func (s *Server) Output() string { return s.out.String() }

// Config returns an s3.Config for bucket on this server (path style,
// plain HTTP, the root credentials).
func (s *Server) Config(bucket string) s3.Config {
	return s3.Config{Endpoint: s.Endpoint, Region: Region, Bucket: bucket,
		AccessKey: AccessKey, SecretKey: SecretKey, PathStyle: true}
}

// CreateBucket creates bucket on the server. It returns minio-go's error,
// with versitygw's output.
func (s *Server) CreateBucket(ctx context.Context, bucket string) error {
	c, err := s.Client()
	if err != nil {
		return err
	}
	if err := c.MakeBucket(ctx, bucket, minio.MakeBucketOptions{Region: Region}); err != nil {
		return fmt.Errorf("creating bucket %q on versitygw: %w (its output: %q)", bucket, err, s.Output())
	}
	return nil
}

// Client returns a minio-go client of the server with the root
// credentials, for what the tests check besides s3.Storage.
func (s *Server) Client() (*minio.Client, error) {
	return minio.New(s.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(AccessKey, SecretKey, ""),
		Region: Region, BucketLookup: minio.BucketLookupPath, MaxRetries: 1})
}

// freePort returns a TCP port of 127.0.0.1 that was free a moment ago.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// lockedBuffer collects a process's output safely.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
