package etcdtest

import (
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.etcd.io/etcd/server/v3/embed"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// startTimeout bounds how long New waits for the server to be ready.
const startTimeout = 30 * time.Second

// Server is an embedded single-member etcd server on 127.0.0.1.
type Server struct {
	e         *embed.Etcd
	endpoints []string
	closeOnce sync.Once
}

// New starts a server that keeps its data in dir (created if missing). It
// listens for clients and peers on free ports of 127.0.0.1, fsyncs nothing
// (test data only) and writes its error-level log lines (JSON, one a line)
// to logs, or nowhere if logs is nil; its smallest lease TTL is 1 s. It
// returns an error if the server fails or is not ready within 30 s.
func New(dir string, logs io.Writer) (*Server, error) {
	local := url.URL{Scheme: "http", Host: "127.0.0.1:0"}
	cfg := embed.NewConfig()
	cfg.Name = "taskstate-test"
	cfg.Dir = dir
	cfg.LogLevel = "error"
	cfg.ZapLoggerBuilder = embed.NewZapLoggerBuilder(logger(logs))
	cfg.ListenClientUrls = []url.URL{local}
	cfg.AdvertiseClientUrls = []url.URL{local}
	cfg.ListenPeerUrls = []url.URL{local}
	cfg.AdvertisePeerUrls = []url.URL{local}
	cfg.InitialCluster = cfg.InitialClusterFromName(cfg.Name)
	// Short ticks: leader at once, and leases of 1 s are allowed (the
	// server's minimum TTL is 1.5 election timeouts).
	cfg.TickMs = 50
	cfg.ElectionMs = 500
	cfg.UnsafeNoFsync = true
	e, err := embed.StartEtcd(cfg)
	if err != nil {
		return nil, fmt.Errorf("etcdtest: start: %w", err)
	}
	select {
	case <-e.Server.ReadyNotify():
	case err := <-e.Err():
		e.Close()
		return nil, fmt.Errorf("etcdtest: server failed: %w", err)
	case <-time.After(startTimeout):
		e.Close()
		return nil, errors.New("etcdtest: server not ready within 30s")
	}
	s := &Server{e: e}
	for _, l := range e.Clients {
		s.endpoints = append(s.endpoints, "http://"+l.Addr().String())
	}
	return s, nil
}

// logger returns an error-level JSON logger on w, or a silent one.
func logger(w io.Writer) *zap.Logger {
	if w == nil {
		return zap.NewNop()
	}
	enc := zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig())
	return zap.New(zapcore.NewCore(enc, zapcore.AddSync(w), zapcore.ErrorLevel))
}

// Endpoints returns the client URLs of the server, for
// go.etcd.io/etcd/client/v3 Config.Endpoints.
func (s *Server) Endpoints() []string { return append([]string(nil), s.endpoints...) }

// Close stops the server and waits until it has stopped. Later calls do
// nothing.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		s.e.Close()
		<-s.e.Server.StopNotify()
	})
}

// Start starts a server with its data in a temporary directory of t, stops
// it when the test ends, and returns its endpoints. The server's error
// lines go to t.Log (shown for a failed test or with -v). It fails the test
// if the server does not start.
func Start(t testing.TB) []string {
	t.Helper()
	w := &testWriter{t: t}
	w.open.Store(true)
	s, err := New(t.TempDir(), w)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		s.Close()
		w.open.Store(false)
	})
	return s.Endpoints()
}

// testWriter logs each write with t.Log while open (a test must not log
// after it ended).
type testWriter struct {
	t    testing.TB
	open atomic.Bool
}

// Write logs p as one line of the test's log.
func (w *testWriter) Write(p []byte) (int, error) {
	if w.open.Load() {
		w.t.Log("etcd: " + strings.TrimSuffix(string(p), "\n"))
	}
	return len(p), nil
}
