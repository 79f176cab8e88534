package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	tchttp "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/http"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/profile"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// Test credentials passed to run.
const (
	testApp    = 1400000777
	testID     = "AKIDserverTEST"
	testKey    = "server-test-secret"
	testHLSJS  = "../../bin/hls.min.js" // installed by `make hlsjs`
	waitLimit  = 40 * time.Second       // the longest any condition is waited for
	pollPeriod = 200 * time.Millisecond
)

// testServer is run() serving on a free loopback port.
type testServer struct {
	url string
	dir string
	out *outBuffer
}

var bannerRE = regexp.MustCompile(`roomrec server on (http://127\.0\.0\.1:\d+)/`)

// startServer runs the server in-process with a temporary recordings folder
// and the test credentials; extra flags are appended. The server is shut
// down (and run's error checked) when the test ends.
func startServer(t *testing.T, extra ...string) *testServer {
	t.Helper()
	dir := t.TempDir()
	out := &outBuffer{}
	args := append([]string{"-addr", "127.0.0.1:0", "-dir", dir, "-sdkappid", fmt.Sprint(testApp),
		"-secret-id", testID, "-secret-key", testKey, "-hlsjs", testHLSJS}, extra...)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, args, out) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
	})
	var url string
	wait(t, "the server's banner", func() (bool, error) {
		select {
		case err := <-done:
			done <- err
			return false, fmt.Errorf("run ended: %v\n%s", err, out.String())
		default:
		}
		m := bannerRE.FindStringSubmatch(out.String())
		if m != nil {
			url = m[1]
		}
		return m != nil, nil
	})
	return &testServer{url: url, dir: dir, out: out}
}

// outBuffer is the server's stdout in tests.
type outBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *outBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *outBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// wait polls cond (state that other goroutines or processes change: the
// server, Chromium) until it holds, failing the test on its error or after
// waitLimit.
func wait(t *testing.T, what string, cond func() (bool, error)) {
	t.Helper()
	deadline := time.NewTimer(waitLimit)
	defer deadline.Stop()
	tick := time.NewTicker(pollPeriod)
	defer tick.Stop()
	for {
		ok, err := cond()
		if err != nil {
			t.Fatalf("waiting for %s: %v", what, err)
		}
		if ok {
			return
		}
		select {
		case <-deadline.C:
			t.Fatalf("timed out after %v waiting for %s", waitLimit, what)
		case <-tick.C:
		}
	}
}

// getJSON GETs path of the server and decodes the JSON answer into v.
func (s *testServer) getJSON(path string, v any) error {
	return s.doJSON(http.MethodGet, path, nil, v)
}

// doJSON sends a request with a JSON body (nil: none) and decodes a 200
// answer into v; another status is an error carrying the body.
func (s *testServer) doJSON(method, path string, body, v any) error {
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, s.url+path, r)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s %s: %s: %s", method, path, resp.Status, b)
	}
	return json.Unmarshal(b, v)
}

// sdk returns the official Tencent Cloud SDK's common client for the
// server's /api.
func (s *testServer) sdk(secretID, secretKey string) *common.Client {
	prof := profile.NewClientProfile()
	prof.HttpProfile.Endpoint = strings.TrimPrefix(s.url, "http://") + "/api"
	prof.HttpProfile.Scheme = "HTTP"
	prof.HttpProfile.ReqTimeout = 30
	return common.NewCommonClient(common.NewCredential(secretID, secretKey), "ap-guangzhou", prof)
}

// call sends one action through the SDK with the test credentials and
// returns the Response object.
func (s *testServer) call(action string, params map[string]any) (map[string]any, error) {
	return callWith(s.sdk(testID, testKey), action, params)
}

func callWith(c *common.Client, action string, params map[string]any) (map[string]any, error) {
	req := tchttp.NewCommonRequest("trtc", "2019-07-22", action)
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
func (s *testServer) mustCall(t *testing.T, action string, params map[string]any) map[string]any {
	t.Helper()
	r, err := s.call(action, params)
	if err != nil {
		t.Fatalf("%s: %v", action, err)
	}
	return r
}

// createRecording starts a single-stream recording of room through the
// API and returns its TaskId.
func (s *testServer) createRecording(t *testing.T, room string) string {
	t.Helper()
	r := s.mustCall(t, "CreateCloudRecording", map[string]any{
		"SdkAppId": testApp, "RoomId": room, "UserId": recorderUserID, "UserSig": "unused",
		"RecordParams": map[string]any{"RecordMode": 1, "MaxIdleTime": 30},
	})
	id, _ := r["TaskId"].(string)
	if id == "" {
		t.Fatalf("CreateCloudRecording answered no TaskId: %v", r)
	}
	return id
}

// task describes a running task through /ui/tasks/{id}, which carries the
// per-stream diagnostics the API's Describe does not.
func (s *testServer) task(id string) (taskView, error) {
	var v taskView
	return v, s.getJSON("/ui/tasks/"+id, &v)
}

// stream returns the state of one stream of a task view.
func (v taskView) stream(user, kind string) (streamView, bool) {
	for _, s := range v.Streams {
		if s.UserID == user && s.Kind == kind {
			return s, true
		}
	}
	return streamView{}, false
}

// events returns the events of a task the server's event log holds.
func (s *testServer) events(taskID string) ([]loggedEvent, error) {
	var r struct{ Events []loggedEvent }
	if err := s.getJSON("/ui/events", &r); err != nil {
		return nil, err
	}
	var out []loggedEvent
	for _, e := range r.Events {
		if e.TaskID == taskID {
			out = append(out, e)
		}
	}
	return out, nil
}

// hasEvent reports whether events holds one of type typ.
func hasEvent(events []loggedEvent, typ int) bool {
	for _, e := range events {
		if e.Type == typ {
			return true
		}
	}
	return false
}
