package costest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/roomrec/roomrec/clock"
)

// Config describes the bucket a Server plays and the key it accepts.
type Config struct {
	// Bucket ("<name>-<appid>") and Region name the bucket; requests whose
	// Host is "<Bucket>.cos.<Region>.myqcloud.com" or the server's own
	// address are served, other hosts get 404 NoSuchBucket.
	Bucket, Region string
	// SecretID and SecretKey are the only key the server accepts.
	SecretID, SecretKey string
	// SessionToken, when set, must come as x-cos-security-token.
	SessionToken string
	// Now is the server's time for the signatures' time windows; nil
	// means time.Now.
	Now func() time.Time
	// Clock measures Fault.Delay; nil means clock.Real().
	Clock clock.Clock
}

// Op names a COS API call, as the server recognises it.
type Op string

// The calls the server serves.
const (
	OpPutObject    Op = "PutObject"
	OpGetObject    Op = "GetObject"
	OpHeadObject   Op = "HeadObject"
	OpDeleteObject Op = "DeleteObject"
	OpListObjects  Op = "GetBucket"
	OpInitiate     Op = "InitiateMultipartUpload"
	OpUploadPart   Op = "UploadPart"
	OpComplete     Op = "CompleteMultipartUpload"
	OpAbort        Op = "AbortMultipartUpload"
	OpNotSupported Op = "NotSupported"
)

// Request describes one request: what the fault hook sees and what
// Requests logs.
type Request struct {
	Op         Op
	Method     string
	Key        string // the object key; "" for bucket calls
	PartNumber int    // for OpUploadPart
	Status     int    // in Requests: the status answered (0: dropped or hung up)
	Fault      bool   // in Requests: a Fault decided the answer
}

// Fault is what the server does to a request instead of (or before)
// serving it. The zero value serves the request normally.
type Fault struct {
	// Delay holds the request this long (on Config.Clock) before anything
	// else happens; the client giving up or Close end the wait.
	Delay time.Duration
	// Hang holds the request until the client gives up or the server
	// closes; nothing is stored and no answer is sent.
	Hang bool
	// Drop reads the request and closes the connection without an answer
	// (a network error for the client); nothing is stored.
	Drop bool
	// Status > 0 reads the request and answers with this HTTP status and a
	// COS XML error of Code and Message (defaults derived from the
	// status); nothing is stored.
	Status  int
	Code    string
	Message string
}

// Server is a fake COS bucket on 127.0.0.1 for tests: it checks every
// request's signature, method, path and headers as COS does, keeps the
// objects in memory, and injects the faults its hook asks for. It is safe
// for concurrent use.
type Server struct {
	cfg  Config
	ln   net.Listener
	srv  *http.Server
	done chan struct{}  // closed by Close: ends held requests
	exit chan error     // Serve's result
	reqs atomic.Int64   // request ids
	busy sync.WaitGroup // running handlers; Add under mu while not closed

	mu      sync.Mutex
	objects map[string]*object
	uploads map[string]*upload
	nextID  int
	fault   func(Request) Fault
	log     []Request
	clients []*http.Transport
	closed  bool
}

// New starts a Server on a free port of 127.0.0.1. It returns an error
// when the configuration is incomplete or no port can be had. Close it.
func New(cfg Config) (*Server, error) {
	if cfg.Bucket == "" || cfg.Region == "" || cfg.SecretID == "" || cfg.SecretKey == "" {
		return nil, errors.New("costest: Bucket, Region, SecretID and SecretKey must be set")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Clock == nil {
		cfg.Clock = clock.Real()
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("costest: %w", err)
	}
	s := &Server{cfg: cfg, ln: ln, done: make(chan struct{}), exit: make(chan error, 1),
		objects: map[string]*object{}, uploads: map[string]*upload{}}
	s.srv = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go func() { s.exit <- s.srv.Serve(ln) }()
	return s, nil
}

// URL returns the server's base URL, "http://127.0.0.1:<port>", to use as
// the COS client's bucket address.
func (s *Server) URL() string { return "http://" + s.ln.Addr().String() }

// BucketURL returns the bucket's real COS address with plain HTTP,
// "http://<Bucket>.cos.<Region>.myqcloud.com"; use it with a client from
// Client, which connects every address to this server.
func (s *Server) BucketURL() string { return "http://" + s.bucketHost() }

func (s *Server) bucketHost() string { return s.cfg.Bucket + ".cos." + s.cfg.Region + ".myqcloud.com" }

// Client returns an HTTP client whose connections all go to this server,
// whatever host a request names, so nothing leaves the loopback. Close
// closes its idle connections.
func (s *Server) Client() *http.Client {
	addr := s.ln.Addr().String()
	var d net.Dialer
	tr := &http.Transport{
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return d.DialContext(ctx, network, addr)
		},
	}
	s.mu.Lock()
	s.clients = append(s.clients, tr)
	s.mu.Unlock()
	return &http.Client{Transport: tr}
}

// SetFault installs the fault hook: it runs for every request before it
// is served (nil removes it). It must be safe for concurrent calls.
func (s *Server) SetFault(hook func(Request) Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fault = hook
}

// Requests returns the log of the requests answered so far, oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.log...)
}

// Object returns a copy of the object under key, its content type, and
// whether it exists.
func (s *Server) Object(key string) (data []byte, contentType string, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.objects[key]
	if !ok {
		return nil, "", false
	}
	return append([]byte(nil), o.data...), o.contentType, true
}

// Keys returns the keys of the stored objects, sorted.
func (s *Server) Keys() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	keys := make([]string, 0, len(s.objects))
	for k := range s.objects {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Uploads returns the number of multipart uploads initiated and neither
// completed nor aborted.
func (s *Server) Uploads() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.uploads)
}

// Close ends held requests, closes the listener and all connections,
// waits for the running handlers and closes the idle connections of the
// clients from Client. It returns the errors of stopping.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	close(s.done)
	clients := s.clients
	s.mu.Unlock()
	err := s.srv.Close() // closes the listener and every connection
	s.busy.Wait()
	if serr := <-s.exit; !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	for _, tr := range clients {
		tr.CloseIdleConnections()
	}
	return err
}

// ServeHTTP serves one request: route, fault, signature, then the call.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		writeError(w, r, &apiError{http.StatusServiceUnavailable, "ServiceUnavailable", "the fake COS is shutting down"})
		return
	}
	s.busy.Add(1)
	s.mu.Unlock()
	defer s.busy.Done()
	req := route(r)
	w.Header().Set("x-cos-request-id", fmt.Sprintf("fake-%08d", s.reqs.Add(1)))
	s.mu.Lock()
	hook := s.fault
	s.mu.Unlock()
	var f Fault
	if hook != nil {
		f = hook(req)
	}
	rw := &recorder{ResponseWriter: w}
	if s.applyFault(rw, r, f) {
		req.Fault = true
	} else {
		s.serve(rw, r, req)
	}
	req.Status = rw.status
	s.mu.Lock()
	s.log = append(s.log, req)
	s.mu.Unlock()
}

// serve checks the host and signature and runs the call.
func (s *Server) serve(w http.ResponseWriter, r *http.Request, req Request) {
	if host := r.Host; host != s.ln.Addr().String() && host != s.bucketHost() {
		writeError(w, r, &apiError{http.StatusNotFound, "NoSuchBucket", "the specified bucket " + host + " does not exist"})
		return
	}
	if e := s.verify(r); e != nil {
		writeError(w, r, e)
		return
	}
	switch req.Op {
	case OpPutObject:
		s.putObject(w, r, req.Key)
	case OpGetObject, OpHeadObject:
		s.getObject(w, r, req.Key)
	case OpDeleteObject:
		s.deleteObject(w, req.Key)
	case OpListObjects:
		s.listObjects(w, r)
	case OpInitiate:
		s.initiate(w, r, req.Key)
	case OpUploadPart:
		s.uploadPart(w, r, req.Key, req.PartNumber)
	case OpComplete:
		s.complete(w, r, req.Key)
	case OpAbort:
		s.abort(w, r, req.Key)
	default:
		writeError(w, r, &apiError{http.StatusMethodNotAllowed, "MethodNotAllowed", "the fake COS does not serve " + r.Method + " " + r.URL.String()})
	}
}

// route tells which call r is.
func route(r *http.Request) Request {
	req := Request{Method: r.Method, Key: strings.TrimPrefix(r.URL.Path, "/"), Op: OpNotSupported}
	q := r.URL.Query()
	_, hasUploadID := q["uploadId"]
	_, hasUploads := q["uploads"]
	if req.Key == "" {
		if r.Method == http.MethodGet && !hasUploads {
			req.Op = OpListObjects
		}
		return req
	}
	switch {
	case r.Method == http.MethodPut && hasUploadID:
		req.Op = OpUploadPart
		fmt.Sscan(q.Get("partNumber"), &req.PartNumber)
	case r.Method == http.MethodPut && r.Header.Get("x-cos-copy-source") == "":
		req.Op = OpPutObject
	case r.Method == http.MethodGet && len(q) == 0:
		req.Op = OpGetObject
	case r.Method == http.MethodHead && len(q) == 0:
		req.Op = OpHeadObject
	case r.Method == http.MethodDelete && hasUploadID:
		req.Op = OpAbort
	case r.Method == http.MethodDelete && len(q) == 0:
		req.Op = OpDeleteObject
	case r.Method == http.MethodPost && hasUploads:
		req.Op = OpInitiate
	case r.Method == http.MethodPost && hasUploadID:
		req.Op = OpComplete
	}
	return req
}
