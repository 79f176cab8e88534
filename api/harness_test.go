package api_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	tcerr "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/errors"
	tchttp "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/http"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/profile"
	"go.uber.org/goleak"

	"github.com/roomrec/roomrec/api"
	"github.com/roomrec/roomrec/callback"
	"github.com/roomrec/roomrec/clock"
	"github.com/roomrec/roomrec/recorder"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const (
	testApp    = 1400123456
	testID     = "AKIDroomrecTEST"
	testKey    = "roomrec-test-secret-key"
	testRoomID = 12345
)

// gate is the recorder's Notifier in tests: it records every event and,
// when armed, blocks the first event of one type until released (a
// recorder call that outlives its deadline).
type gate struct {
	callback.Collector
	mu      sync.Mutex
	block   callback.EventType
	entered chan struct{}
	release chan struct{}
}

// arm makes the next event of type t block until the returned release
// function is called; entered is closed when it blocks.
func (g *gate) arm(t callback.EventType) (entered <-chan struct{}, release func()) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.block, g.entered, g.release = t, make(chan struct{}), make(chan struct{})
	var once sync.Once
	rel := g.release
	return g.entered, func() { once.Do(func() { close(rel) }) }
}

func (g *gate) Notify(ctx context.Context, e callback.Event) error {
	g.mu.Lock()
	hit := g.block == e.Type()
	if hit {
		g.block = 0
	}
	entered, release := g.entered, g.release
	g.mu.Unlock()
	if hit {
		close(entered)
		<-release
	}
	return g.Collector.Notify(ctx, e)
}

// env is a Recorder and a Handler on one fake clock, served on loopback.
type env struct {
	t      *testing.T
	clk    *clock.Fake
	rec    *recorder.Recorder
	events *gate
	srv    *httptest.Server
	tr     *http.Transport
}

type envOptions struct {
	api      func(*api.Config)
	recorder func(*recorder.Config)
	now      time.Time // the server's clock; zero means time.Now()
}

func newEnv(t *testing.T, o envOptions) *env {
	t.Helper()
	now := o.now
	if now.IsZero() {
		now = time.Now()
	}
	e := &env{t: t, clk: clock.NewFake(now), events: &gate{}}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	rcfg := recorder.Config{Dir: t.TempDir(), Clock: e.clk, Notifier: e.events, Logger: quiet}
	if o.recorder != nil {
		o.recorder(&rcfg)
	}
	rec, err := recorder.New(rcfg)
	if err != nil {
		t.Fatal(err)
	}
	e.rec = rec
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		if err := rec.Close(ctx); err != nil {
			t.Errorf("recorder Close: %v", err)
		}
	})
	cfg := api.Config{Recorder: rec, Credentials: map[string]string{testID: testKey}, Clock: e.clk, Logger: quiet}
	if o.api != nil {
		o.api(&cfg)
	}
	h, err := api.NewHandler(cfg)
	if err != nil {
		t.Fatal(err)
	}
	e.srv = httptest.NewServer(h)
	e.tr = &http.Transport{}
	t.Cleanup(func() {
		e.tr.CloseIdleConnections()
		e.srv.Close()
	})
	return e
}

// client returns the official SDK's common client for the test server.
func (e *env) client(secretID, secretKey string) *common.Client {
	prof := profile.NewClientProfile()
	prof.HttpProfile.Endpoint = strings.TrimPrefix(e.srv.URL, "http://")
	prof.HttpProfile.Scheme = "HTTP"
	prof.HttpProfile.ReqTimeout = 30
	c := common.NewCommonClient(common.NewCredential(secretID, secretKey), "ap-guangzhou", prof)
	c.WithHttpTransport(e.tr)
	return c
}

// call sends one action with the test credentials and returns the
// Response object.
func (e *env) call(action string, params map[string]any) (map[string]any, error) {
	return callWith(e.client(testID, testKey), Version, action, params)
}

// Version is the API version the tests call.
const Version = "2019-07-22"

func callWith(c *common.Client, version, action string, params map[string]any) (map[string]any, error) {
	req := tchttp.NewCommonRequest("trtc", version, action)
	if err := req.SetActionParameters(params); err != nil {
		return nil, err
	}
	resp := tchttp.NewCommonResponse()
	if err := c.Send(req, resp); err != nil {
		return nil, err
	}
	var body struct{ Response map[string]any }
	if err := json.Unmarshal(resp.GetBody(), &body); err != nil {
		return nil, err
	}
	return body.Response, nil
}

// mustCall is call that fails the test on error.
func (e *env) mustCall(action string, params map[string]any) map[string]any {
	e.t.Helper()
	r, err := e.call(action, params)
	if err != nil {
		e.t.Fatalf("%s: %v", action, err)
	}
	return r
}

// wantCode fails the test unless err is the SDK error with code want
// and a RequestId.
func wantCode(t *testing.T, err error, want string) {
	t.Helper()
	var se *tcerr.TencentCloudSDKError
	if !errors.As(err, &se) {
		t.Fatalf("got %v, want the SDK error %s", err, want)
	}
	if se.Code != want {
		t.Fatalf("code %s (%s), want %s", se.Code, se.Message, want)
	}
	if se.RequestId == "" {
		t.Errorf("error %s carries no RequestId", want)
	}
}

// createParams are valid CreateCloudRecording parameters for the test room.
func createParams(mut func(p map[string]any)) map[string]any {
	p := map[string]any{
		"SdkAppId": testApp,
		"RoomId":   "12345",
		"UserId":   "recorder_bot",
		"UserSig":  "anything",
		"RecordParams": map[string]any{
			"RecordMode":  1,
			"MaxIdleTime": 600,
		},
		"StorageParams": map[string]any{
			"CloudStorage": map[string]any{"Vendor": 0, "Region": "ap-guangzhou", "Bucket": "b-1250000000",
				"AccessKey": "ak", "SecretKey": "sk", "FileNamePrefix": []string{"prefix"}},
		},
	}
	if mut != nil {
		mut(p)
	}
	return p
}

// create starts a task through the API and returns its TaskId.
func (e *env) create(mut func(p map[string]any)) string {
	e.t.Helper()
	r := e.mustCall("CreateCloudRecording", createParams(mut))
	id, _ := r["TaskId"].(string)
	if id == "" {
		e.t.Fatalf("CreateCloudRecording answered no TaskId: %v", r)
	}
	return id
}

func task(id string) map[string]any { return map[string]any{"SdkAppId": testApp, "TaskId": id} }

// eventually polls cond (a state another goroutine changes without a
// signal to wait on) until it holds, failing the test after 10 s.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		runtime.Gosched()
	}
}
