package api

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"mime"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/roomrec/roomrec/clock"
	"github.com/roomrec/roomrec/errcode"
	"github.com/roomrec/roomrec/recorder"
)

// Service and Version are what the handler answers to: the TRTC API of
// version 2019-07-22 (X-TC-Version), signed for the service "trtc".
const (
	Service = "trtc"
	Version = "2019-07-22"
)

// Defaults of Config.
const (
	// DefaultRateLimit is the calls per second allowed per SdkAppId and
	// action (the service's documented limit).
	DefaultRateLimit = 20
	// DefaultTimeout is the longest a call may take before it is answered
	// with InternalError.BackendTimeOut (SPEC §1: "each call answered
	// within 6 s").
	DefaultTimeout = 6 * time.Second
	// MaxBodySize is the largest request body accepted (the service's limit
	// for TC3-signed POST requests).
	MaxBodySize = 10 << 20
)

// Recorder is what the handler needs of a recorder; *recorder.Recorder
// implements it.
type Recorder interface {
	Start(ctx context.Context, p recorder.StartParams) (string, error)
	Describe(ctx context.Context, taskID string) (recorder.Description, error)
	Modify(ctx context.Context, taskID string, p recorder.ModifyParams) error
	Stop(ctx context.Context, taskID string) (recorder.Description, error)
	Tasks() []string
}

// Config configures a Handler. Recorder and one of Credentials or
// SecretKey are required; every other zero value has a documented default.
type Config struct {
	// Recorder runs the tasks.
	Recorder Recorder
	// Credentials maps each accepted SecretId to its SecretKey.
	Credentials map[string]string
	// SecretKey, when set, is used instead of Credentials to look up the
	// SecretKey of a SecretId (rotating keys, a secret store); ok is false
	// for an unknown SecretId. It must be safe for concurrent use.
	SecretKey func(secretID string) (key string, ok bool)
	// SdkAppIDs are the SdkAppIds served; a request for another fails with
	// InvalidParameter.SdkAppId. Empty serves any non-zero SdkAppId.
	SdkAppIDs []uint64
	// Storage builds a task's storage from the request's
	// StorageParams.CloudStorage (for example a COS or S3 client for that
	// bucket). Nil ignores the bucket and credentials of CloudStorage and
	// records into the Recorder's own storage; FileNamePrefix applies
	// either way. An *errcode.Error it returns is answered as it is; any
	// other error as InvalidParameter.CloudStorage.
	Storage func(ctx context.Context, cs CloudStorage) (recorder.Storage, error)
	// VOD builds a task's VOD destination from the request's CloudVod (for
	// example a *vod.Client with the server's VOD credentials, since
	// CloudVod carries none); nil answers CloudVod with
	// FailedOperation.Unsupported.
	VOD func(ctx context.Context, cv CloudVod) (recorder.VOD, error)
	// Clock drives signature expiry, rate limits and deadlines; nil means
	// the real clock.
	Clock clock.Clock
	// Logger receives one line per request; nil means slog.Default().
	Logger *slog.Logger
	// RateLimit is the calls per second allowed per SdkAppId and action
	// (a token bucket with a burst of the same size); beyond it calls fail
	// with RequestLimitExceeded. 0 means DefaultRateLimit, negative no limit.
	RateLimit int
	// Timeout bounds every call: a call the recorder has not answered by
	// then is answered InternalError.BackendTimeOut while the recorder
	// finishes it in the background (a CreateCloudRecording that completes
	// after its deadline has its task stopped again, so that the caller's
	// retry does not leave two tasks). 0 means DefaultTimeout.
	Timeout time.Duration
	// StopWait is how long DeleteCloudRecording waits for the task's
	// uploads. Files not uploaded by then stay in the spool and are
	// uploaded later (callback 305), as the service's Delete also answers
	// before every upload is done. 0 means two thirds of Timeout; it must be
	// less than Timeout.
	StopWait time.Duration
	// AllowUnsignedPayload accepts requests signed with
	// X-TC-Content-SHA256: UNSIGNED-PAYLOAD, whose body is not covered by
	// the signature. Off by default.
	AllowUnsignedPayload bool
}

func (c Config) withDefaults() Config {
	if c.Clock == nil {
		c.Clock = clock.Real()
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.RateLimit == 0 {
		c.RateLimit = DefaultRateLimit
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	if c.StopWait == 0 {
		c.StopWait = c.Timeout * 2 / 3
	}
	return c
}

// Validate checks the configuration without doing any I/O and returns an
// InvalidParameter.* error naming the first wrong field, or nil.
func (c Config) Validate() error {
	c = c.withDefaults()
	code := errcode.InvalidParameter.Detail("Config")
	switch {
	case c.Recorder == nil:
		return errcode.New(code, "Config.Recorder is required")
	case c.SecretKey == nil && len(c.Credentials) == 0:
		return errcode.New(code, "Config.Credentials or Config.SecretKey is required: every request must be signed")
	case c.Timeout < 0:
		return errcode.New(code, "Config.Timeout %v is negative", c.Timeout)
	case c.StopWait < 0 || c.StopWait >= c.Timeout:
		return errcode.New(code, "Config.StopWait %v must not be negative and must be less than Timeout %v", c.StopWait, c.Timeout)
	case slices.Contains(c.SdkAppIDs, 0):
		return errcode.New(code, "Config.SdkAppIDs contains 0, which is not an SdkAppId")
	}
	return nil
}

// Handler serves the four recording actions over HTTP. It is safe for
// concurrent use; create it with NewHandler.
type Handler struct {
	cfg    Config
	auth   verifier
	limit  *limiter // nil: no limit
	apps   map[uint64]bool
	routes map[string]func() request

	mu      sync.Mutex
	owners  map[string]owner // TaskId -> the tasks created here
	pruneAt int
}

// NewHandler returns a Handler for cfg, or the InvalidParameter.Config
// error of Config.Validate.
func NewHandler(cfg Config) (*Handler, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	lookup := cfg.SecretKey
	if lookup == nil {
		creds := maps.Clone(cfg.Credentials)
		lookup = func(id string) (string, bool) { k, ok := creds[id]; return k, ok }
	}
	h := &Handler{
		cfg:    cfg,
		auth:   verifier{service: Service, secretKey: lookup, allowUnsigned: cfg.AllowUnsignedPayload},
		apps:   make(map[uint64]bool),
		owners: make(map[string]owner),
		routes: map[string]func() request{
			"CreateCloudRecording":   func() request { return &createRequest{} },
			"DescribeCloudRecording": func() request { return &describeRequest{} },
			"ModifyCloudRecording":   func() request { return &modifyRequest{} },
			"DeleteCloudRecording":   func() request { return &deleteRequest{} },
		},
		pruneAt: 64,
	}
	for _, id := range cfg.SdkAppIDs {
		h.apps[id] = true
	}
	if cfg.RateLimit > 0 {
		h.limit = newLimiter(cfg.Clock, cfg.RateLimit)
	}
	return h, nil
}

// request is one action's body.
type request interface {
	appID() *uint64
	run(ctx context.Context, h *Handler) (response, error)
}

// response is one action's result; the handler sets its RequestId.
type response interface{ setRequestID(id string) }

// ServeHTTP answers one call. Every answer is HTTP 200 with a JSON body
// {"Response": {...}}, errors included, as Tencent Cloud APIs do.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	id := newRequestID()
	action := r.Header.Get("X-TC-Action")
	resp, err := h.serve(r, action)
	var body any
	if err != nil {
		body = errorBody(id, err)
	} else {
		resp.setRequestID(id)
		body = resp
	}
	w.Header().Set("Content-Type", "application/json")
	if werr := json.NewEncoder(w).Encode(map[string]any{"Response": body}); werr != nil {
		h.cfg.Logger.Debug("api: the answer was not delivered", "requestId", id, "err", werr)
	}
	h.logCall(id, action, err, time.Since(start))
}

func (h *Handler) logCall(id, action string, err error, took time.Duration) {
	if err == nil {
		h.cfg.Logger.Debug("api call", "requestId", id, "action", action, "took", took)
		return
	}
	level := slog.LevelInfo
	if errcode.CodeOf(err).Class() == errcode.InternalError {
		level = slog.LevelWarn
	}
	h.cfg.Logger.Log(context.Background(), level, "api call failed", "requestId", id, "action", action, "code", errcode.CodeOf(err), "err", err, "took", took)
}

// serve checks the request in the service's order (protocol, signature,
// action and version, parameters, SdkAppId, rate) and runs the action.
func (h *Handler) serve(r *http.Request, action string) (response, error) {
	if r.Method != http.MethodPost {
		return nil, errcode.New(CodeUnsupportedProtocol, "method %s: only POST with a JSON body is served", r.Method)
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return nil, errcode.New(CodeUnsupportedProtocol, "Content-Type %q: only application/json is served (signature method v3)", r.Header.Get("Content-Type"))
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxBodySize+1))
	if err != nil {
		return nil, errcode.Wrap(errcode.InvalidParameter, err, "cannot read the request body")
	}
	if len(body) > MaxBodySize {
		return nil, errcode.New(CodeRequestSizeLimitExceeded, "the body is over %d bytes", MaxBodySize)
	}
	if err := h.auth.verify(r, body, h.cfg.Clock.Now()); err != nil {
		return nil, err
	}
	route, ok := h.routes[action]
	if !ok {
		return nil, errcode.New(CodeInvalidAction, "action %q is not served; the actions are CreateCloudRecording, DescribeCloudRecording, ModifyCloudRecording and DeleteCloudRecording", action)
	}
	if v := r.Header.Get("X-TC-Version"); v != Version {
		return nil, errcode.New(CodeNoSuchVersion, "version %q: the version served is %s", v, Version)
	}
	req := route()
	if err := decode(body, req); err != nil {
		return nil, err
	}
	app := req.appID()
	switch {
	case app == nil:
		return nil, missing("SdkAppId")
	case *app == 0 || (len(h.apps) > 0 && !h.apps[*app]):
		return nil, errcode.New(CodeSdkAppID, "SdkAppId %d is not served here", *app)
	case h.limit != nil && !h.limit.allow(limitKey{*app, action}):
		return nil, errcode.New(errcode.RequestLimitExceeded, "more than %d %s calls per second for SdkAppId %d; retry later", h.cfg.RateLimit, action, *app)
	}
	return h.call(r.Context(), req)
}

// decode reads the JSON body strictly: unknown fields are
// UnknownParameter, wrong types InvalidParameter.<Field>, anything that is
// not one JSON object InvalidParameter.
func decode(body []byte, req request) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	err := dec.Decode(req)
	if err == nil && dec.More() {
		err = errors.New("data after the JSON object")
	}
	if err == nil {
		return nil
	}
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &typeErr) && typeErr.Field != "":
		name := typeErr.Field[strings.LastIndexByte(typeErr.Field, '.')+1:]
		return errcode.New(errcode.InvalidParameter.Detail(name), "%s: a JSON %s cannot be a %s", typeErr.Field, typeErr.Value, typeErr.Type)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return errcode.New(CodeUnknownParameter, "%s", strings.TrimPrefix(err.Error(), "json: "))
	}
	return errcode.Wrap(errcode.InvalidParameter, err, "the body must be one JSON object")
}

// errorBody is the service's error answer.
func errorBody(id string, err error) any {
	type errorInfo struct{ Code, Message string }
	var e *errcode.Error
	info := errorInfo{Code: string(errcode.CodeOf(err)), Message: "internal error"}
	if errors.As(err, &e) {
		info.Message = e.Message
		if e.Err != nil && e.Code.Class() != errcode.InternalError {
			info.Message += ": " + e.Err.Error()
		}
	}
	return struct {
		Error     errorInfo
		RequestId string
	}{info, id}
}

// newRequestID returns a random UUID (version 4) as the RequestId.
func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return fmt.Sprintf("%s-%s-%s-%s-%s", h[:8], h[8:12], h[12:16], h[16:20], h[20:])
}
