package vodtest

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/roomrec/roomrec/clock"
	"github.com/roomrec/roomrec/storage/cos/costest"
)

// APIVersion is the only X-TC-Version the server accepts.
const APIVersion = "2018-07-17"

// Defaults of the Config fields left empty.
const (
	DefaultBucket        = "vodtest-1250000000"
	DefaultRegion        = "ap-guangzhou"
	DefaultTempSecretID  = "AKIDvodtesttemporary"
	DefaultTempSecretKey = "vodtest-temporary-key"
	DefaultTempToken     = "vodtest-session-token"
)

// Config describes the VOD account a Server plays.
type Config struct {
	// SecretID and SecretKey are the only API key the server accepts
	// (required).
	SecretID, SecretKey string
	// Bucket and Region are the COS bucket ApplyUpload names
	// ("StorageBucket", "StorageRegion"); "" means DefaultBucket and
	// DefaultRegion.
	Bucket, Region string
	// TempSecretID, TempSecretKey and TempToken are the temporary
	// credentials ApplyUpload hands out and the only ones the fake COS
	// accepts; "" means the Default* values.
	TempSecretID, TempSecretKey, TempToken string
	// Now is the API's time for the signatures' 5-minute window and the
	// certificate's ExpiredTime; nil means time.Now. (The fake COS checks
	// the COS signatures, made by the COS SDK, on the real clock.)
	Now func() time.Time
	// Clock measures the fake COS's Fault.Delay; nil means clock.Real().
	Clock clock.Clock
}

// Call describes one API call: what the fault hook sees and what Calls
// logs.
type Call struct {
	Action    string         // X-TC-Action
	Params    map[string]any // the JSON body (nil when it was not an object)
	Code      string         // in Calls: the error code answered, "" for success
	Status    int            // in Calls: the HTTP status answered (0: hung up)
	RequestID string         // in Calls: the RequestId answered
}

// Fault is what the server does to a signed, well-formed call instead of
// serving it. The zero value serves the call.
type Fault struct {
	// Code and Message, when Code is set, answer this service error
	// (HTTP 200, as Tencent Cloud does).
	Code, Message string
	// Status > 0 answers this HTTP status with a plain-text body and no
	// service error.
	Status int
	// Hang holds the call until the client gives up or the server closes.
	Hang bool
}

// Media is a file committed to the fake VOD.
type Media struct {
	FileID   string         // the FileId answered
	MediaURL string         // the MediaUrl answered
	Key      string         // the COS object key (MediaStoragePath without the "/")
	Size     int64          // the object's size at commit
	Apply    map[string]any // the parameters of its ApplyUpload
}

// Server is a fake VOD API on 127.0.0.1 with a fake COS bucket behind it.
// It is safe for concurrent use.
type Server struct {
	cfg  Config
	cos  *costest.Server
	ln   net.Listener
	srv  *http.Server
	done chan struct{}  // closed by Close: ends held calls
	exit chan error     // Serve's result
	busy sync.WaitGroup // running handlers; Add under mu while not closed

	mu       sync.Mutex
	sessions map[string]*session
	media    []Media
	calls    []Call
	fault    func(Call) Fault
	next     int // numbers the sessions
	clients  []*http.Transport
	closed   bool
}

// session is an ApplyUpload not yet committed.
type session struct {
	key       string // the COS object key
	mediaType string
	subAppID  any // the SubAppId of the ApplyUpload, nil when absent
	apply     map[string]any
	committed bool
}

// New starts a Server (and its fake COS bucket) on free ports of
// 127.0.0.1. It returns an error when SecretID or SecretKey is empty or
// no port can be had. Close it.
func New(cfg Config) (*Server, error) {
	if cfg.SecretID == "" || cfg.SecretKey == "" {
		return nil, errors.New("vodtest: SecretID and SecretKey must be set")
	}
	cfg = withDefaults(cfg)
	bucket, err := costest.New(costest.Config{Bucket: cfg.Bucket, Region: cfg.Region,
		SecretID: cfg.TempSecretID, SecretKey: cfg.TempSecretKey, SessionToken: cfg.TempToken, Clock: cfg.Clock})
	if err != nil {
		return nil, fmt.Errorf("vodtest: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, errors.Join(fmt.Errorf("vodtest: %w", err), bucket.Close())
	}
	s := &Server{cfg: cfg, cos: bucket, ln: ln, done: make(chan struct{}), exit: make(chan error, 1),
		sessions: map[string]*session{}}
	s.srv = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go func() { s.exit <- s.srv.Serve(ln) }()
	return s, nil
}

func withDefaults(cfg Config) Config {
	def := func(s *string, v string) {
		if *s == "" {
			*s = v
		}
	}
	def(&cfg.Bucket, DefaultBucket)
	def(&cfg.Region, DefaultRegion)
	def(&cfg.TempSecretID, DefaultTempSecretID)
	def(&cfg.TempSecretKey, DefaultTempSecretKey)
	def(&cfg.TempToken, DefaultTempToken)
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return cfg
}

// URL returns the API's address, "http://127.0.0.1:<port>", to use as the
// VOD client's endpoint.
func (s *Server) URL() string { return "http://" + s.ln.Addr().String() }

// COS returns the fake bucket the media goes to: use its URL as the COS
// address of the VOD client, its SetFault to break uploads, and Object to
// read what was uploaded.
func (s *Server) COS() *costest.Server { return s.cos }

// Client returns an HTTP client for the API and the fake bucket; Close
// closes its idle connections.
func (s *Server) Client() *http.Client {
	tr := &http.Transport{}
	s.mu.Lock()
	s.clients = append(s.clients, tr)
	s.mu.Unlock()
	return &http.Client{Transport: tr}
}

// SetFault installs the fault hook: it runs for every signed, well-formed
// call before it is served (nil removes it). It must be safe for
// concurrent calls.
func (s *Server) SetFault(hook func(Call) Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fault = hook
}

// Calls returns the log of the API calls answered so far, oldest first.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.calls...)
}

// Media returns the files committed so far, oldest first.
func (s *Server) Media() []Media {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Media(nil), s.media...)
}

// Close ends held calls, stops the API server and the fake bucket, waits
// for the running handlers and closes the idle connections of the clients
// from Client. It returns the errors of stopping.
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
	err := s.srv.Close()
	s.busy.Wait()
	if serr := <-s.exit; !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	err = errors.Join(err, s.cos.Close())
	for _, tr := range clients {
		tr.CloseIdleConnections()
	}
	return err
}
