package s3test

import (
	"encoding/xml"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// Fault is what a Proxy does to a request instead of forwarding it.
type Fault struct {
	// Status > 0 reads the request and answers this HTTP status with an S3
	// XML error of Code and Message (defaults derived from the status).
	Status  int
	Code    string
	Message string
	// Hang holds the request until the client gives up or the test ends.
	Hang bool
	// Drop reads the request and closes the connection without an answer.
	Drop bool
}

// Proxy is a reverse proxy on 127.0.0.1 in front of an S3 server that
// fails the requests its hook picks: a server that breaks in the ways the
// real one will not on demand. The Host header is passed on unchanged, so
// the clients' signatures (made for the proxy's address) stay valid.
type Proxy struct {
	ln   net.Listener
	srv  *http.Server
	done chan struct{}

	mu     sync.Mutex
	closed bool
	busy   sync.WaitGroup
	exit   chan struct{}
}

// NewProxy starts a Proxy to the server at target ("host:port") for the
// test, which closes it at its end. hook sees every request first (it must
// not read the body); a nil Fault forwards the request.
func NewProxy(t testing.TB, target string, hook func(*http.Request) *Fault) *Proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	tr := &http.Transport{}
	rp := httputil.NewSingleHostReverseProxy(&url.URL{Scheme: "http", Host: target})
	rp.Transport = tr
	p := &Proxy{ln: ln, done: make(chan struct{}), exit: make(chan struct{})}
	p.srv = &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		if p.closed {
			p.mu.Unlock()
			p.fail(w, r, &Fault{Status: http.StatusServiceUnavailable, Message: "the proxy is shutting down"})
			return
		}
		p.busy.Add(1)
		p.mu.Unlock()
		defer p.busy.Done()
		if f := hook(r); f != nil {
			p.fail(w, r, f)
			return
		}
		rp.ServeHTTP(w, r)
	})}
	go func() {
		defer close(p.exit)
		_ = p.srv.Serve(ln)
	}()
	t.Cleanup(func() {
		p.close()
		tr.CloseIdleConnections()
	})
	return p
}

// Endpoint returns the proxy's "127.0.0.1:<port>".
func (p *Proxy) Endpoint() string { return p.ln.Addr().String() }

func (p *Proxy) close() {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return
	}
	p.closed = true
	close(p.done)
	p.mu.Unlock()
	_ = p.srv.Close()
	p.busy.Wait()
	<-p.exit
}

// errorBody is S3's XML error document.
type errorBody struct {
	XMLName   xml.Name `xml:"Error"`
	Code      string
	Message   string
	Resource  string
	RequestID string `xml:"RequestId"`
}

func (p *Proxy) fail(w http.ResponseWriter, r *http.Request, f *Fault) {
	switch {
	case f.Hang:
		select {
		case <-r.Context().Done():
		case <-p.done:
		}
	case f.Drop:
		_, _ = io.Copy(io.Discard, r.Body)
		if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
			_ = conn.Close()
		}
	default:
		_, _ = io.Copy(io.Discard, r.Body)
		status, code, msg := f.Status, f.Code, f.Message
		if status == 0 {
			status = http.StatusInternalServerError
		}
		if code == "" {
			code = strings.ReplaceAll(http.StatusText(status), " ", "")
		}
		if msg == "" {
			msg = "injected fault"
		}
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(status)
		if r.Method != http.MethodHead {
			_ = xml.NewEncoder(w).Encode(errorBody{Code: code, Message: msg, Resource: r.URL.Path, RequestID: "proxy"})
		}
	}
}
