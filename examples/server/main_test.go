package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tcerr "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/errors"
)

// TestRun starts the server, checks what it prints and serves, and shuts
// it down through its context.
func TestRun(t *testing.T) {
	srv := startServer(t)
	for _, want := range []string{"/api  service trtc", "SdkAppId 1400000777", "SecretId " + testID, "WHIP:", "/recordings/", "hls.js:     " + testHLSJS, "loopback only"} {
		if !strings.Contains(srv.out.String(), want) {
			t.Errorf("the banner lacks %q:\n%s", want, srv.out.String())
		}
	}
	cases := []struct {
		path, contentType, body string
	}{
		{"/", "text/html; charset=utf-8", `id="publish-btn"`},
		{"/static/app.js", "text/javascript; charset=utf-8", "window.roomrecPage"},
		{"/static/style.css", "text/css; charset=utf-8", "body"},
		{"/static/hls.min.js", "text/javascript; charset=utf-8", "Hls"},
	}
	for _, c := range cases {
		status, header, body := get(t, srv.url+c.path)
		if status != http.StatusOK || header.Get("Content-Type") != c.contentType || !strings.Contains(body, c.body) {
			t.Errorf("GET %s: %d %s, body has %q: %v", c.path, status, header.Get("Content-Type"), c.body, strings.Contains(body, c.body))
		}
	}
	if status, _, _ := get(t, srv.url+"/nothing-here"); status != http.StatusNotFound {
		t.Errorf("GET /nothing-here: %d, want 404", status)
	}
}

func get(t *testing.T, url string) (int, http.Header, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, string(b)
}

// TestFlags checks that bad command lines are refused with a clear error.
func TestFlags(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"-sdkappid", "0"}, "-sdkappid"},
		{[]string{"-secret-key", ""}, "-secret-key"},
		{[]string{"-ice-public-ip", "203.0.113.7"}, "-ice-interface"},
		{[]string{"-callback-url", "http://127.0.0.1:1/cb"}, "-callback-key"},
		{[]string{"extra"}, "unexpected arguments"},
		{[]string{"-no-such-flag"}, "no-such-flag"},
	}
	var help strings.Builder
	if err := run(context.Background(), []string{"-h"}, &help); err != nil || !strings.Contains(help.String(), "-whip-token") {
		t.Errorf("-h: %v, printed %q", err, help.String())
	}
	for _, c := range cases {
		err := run(context.Background(), c.args, io.Discard)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("run(%q) = %v, want an error naming %s", c.args, err, c.want)
		}
	}
	for _, bad := range [][]string{
		{"-ice-interface", "lo", "-ice-public-ip", "not-an-ip"},
		{"-udp-ports", "9-1"},
		{"-udp-ports", "x"},
	} {
		o, err := parseFlags(bad, io.Discard)
		if err == nil {
			_, err = newWebRTCAPI(o)
		}
		if err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if lo, hi, err := parsePortRange("50000-50100"); err != nil || lo != 50000 || hi != 50100 {
		t.Errorf("parsePortRange = %d, %d, %v", lo, hi, err)
	}
}

// TestHLSJSMissing checks that a missing hls.js is said clearly: in the
// banner, in the page's config and at its URL.
func TestHLSJSMissing(t *testing.T) {
	srv := startServer(t, "-hlsjs", filepath.Join(t.TempDir(), "hls.min.js"))
	if !strings.Contains(srv.out.String(), "WARNING: hls.js is missing") || !strings.Contains(srv.out.String(), "make hlsjs") {
		t.Errorf("the banner does not warn about hls.js:\n%s", srv.out.String())
	}
	status, _, body := get(t, srv.url+"/static/hls.min.js")
	if status != http.StatusNotFound || !strings.Contains(body, "make hlsjs") {
		t.Errorf("GET /static/hls.min.js: %d %q, want 404 saying how to install it", status, body)
	}
	var cfg struct{ HlsjsMissing string }
	if err := srv.getJSON("/ui/config", &cfg); err != nil || !strings.Contains(cfg.HlsjsMissing, "make hlsjs") {
		t.Errorf("/ui/config hlsjsMissing = %q, %v", cfg.HlsjsMissing, err)
	}
}

// TestRecordingsFolder checks what /recordings/ serves and what
// /ui/playlists lists.
func TestRecordingsFolder(t *testing.T) {
	srv := startServer(t)
	files := map[string]string{
		"task1/a.m3u8":          "#EXTM3U\n#EXTINF:2.0,\na_1.ts\n",
		"task1/a_1.ts":          "\x47ts",
		"task2/b.m3u8":          "#EXTM3U\n#EXTINF:2.0,\nb_1.ts\n#EXTINF:2.0,\nb_2.ts\n#EXT-X-ENDLIST\n",
		".spool/task1/a_2.ts":   "spooled",
		"task1/.roomrec-tmp-01": "temporary",
	}
	for name, content := range files {
		p := filepath.Join(srv.dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		path        string
		status      int
		contentType string
	}{
		{"/recordings/task1/a.m3u8", 200, "application/vnd.apple.mpegurl"},
		{"/recordings/task1/a_1.ts", 200, "video/mp2t"},
		{"/recordings/.spool/task1/a_2.ts", 404, ""},
		{"/recordings/task1/.roomrec-tmp-01", 404, ""},
		{"/recordings/task1/", 404, ""},
		{"/recordings/task1", 404, ""},
		{"/recordings/../main.go", 404, ""},
		{"/recordings/task1/%2e%2e/%2e%2e/main.go", 404, ""},
	}
	for _, c := range cases {
		status, header, _ := get(t, srv.url+c.path)
		if status != c.status || (c.contentType != "" && header.Get("Content-Type") != c.contentType) {
			t.Errorf("GET %s: %d %s, want %d %s", c.path, status, header.Get("Content-Type"), c.status, c.contentType)
		}
		if c.status == 200 && strings.HasSuffix(c.path, ".m3u8") && header.Get("Cache-Control") != "no-cache" {
			t.Errorf("GET %s: Cache-Control %q, want no-cache", c.path, header.Get("Cache-Control"))
		}
	}
	var list []playlist
	if err := srv.getJSON("/ui/playlists", &list); err != nil {
		t.Fatal(err)
	}
	got := map[string]playlist{}
	for _, p := range list {
		got[p.Key] = p
	}
	if len(list) != 2 || !got["task1/a.m3u8"].Live || got["task2/b.m3u8"].Live || got["task2/b.m3u8"].Segments != 2 ||
		got["task2/b.m3u8"].URL != "/recordings/task2/b.m3u8" || got["task1/a.m3u8"].TaskID != "task1" {
		t.Errorf("playlists %+v", list)
	}
}

// TestUI starts and stops a recording through the page's endpoints and
// reads its events.
func TestUI(t *testing.T) {
	srv := startServer(t)
	var started taskView
	if err := srv.doJSON(http.MethodPost, "/ui/tasks", map[string]string{"room": "4001"}, &started); err != nil {
		t.Fatal(err)
	}
	if started.TaskID == "" || started.Room != "4001" || started.Status != "Idle" || started.UserID != recorderUserID {
		t.Errorf("started %+v", started)
	}
	var tasks []taskView
	if err := srv.getJSON("/ui/tasks", &tasks); err != nil || len(tasks) != 1 || tasks[0].TaskID != started.TaskID {
		t.Errorf("tasks %+v, %v", tasks, err)
	}
	var stopped taskView
	if err := srv.doJSON(http.MethodPost, "/ui/tasks/"+started.TaskID+"/stop", map[string]string{}, &stopped); err != nil {
		t.Fatal(err)
	}
	wait(t, "RECORDER_START and RECORDER_STOP", func() (bool, error) {
		events, err := srv.events(started.TaskID)
		return hasEvent(events, 301) && hasEvent(events, 302), err
	})
	var page struct {
		Events []loggedEvent
		Last   uint64
	}
	if err := srv.getJSON("/ui/events?after=1", &page); err != nil || len(page.Events) == 0 || page.Events[0].Seq != 2 || page.Last < 2 {
		t.Errorf("events after 1: %+v, %v", page, err)
	}

	errCases := []struct {
		method, path string
		body         any
		want         string
	}{
		{"POST", "/ui/tasks", map[string]string{"room": ""}, "InvalidParameter"},
		{"POST", "/ui/tasks", map[string]string{"room": strings.Repeat("x", 65)}, "InvalidParameter"},
		{"POST", "/ui/tasks/nope/stop", map[string]string{}, "FailedOperation.TaskNotExist"},
		{"GET", "/ui/tasks/nope", nil, "404 Not Found"},
		{"GET", "/ui/events?after=x", nil, "InvalidParameter.after"},
	}
	for _, c := range errCases {
		err := srv.doJSON(c.method, c.path, c.body, &struct{}{})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s %s: %v, want an error with %q", c.method, c.path, err, c.want)
		}
	}
	// A form post (no JSON content type) is refused.
	resp, err := http.Post(srv.url+"/ui/tasks", "application/x-www-form-urlencoded", strings.NewReader("room=1"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnsupportedMediaType {
		t.Errorf("form POST: %d, want 415", resp.StatusCode)
	}
}

// TestUILoopbackOnly checks that the unsigned endpoints refuse clients that
// are not on loopback unless -ui-any-client is given.
func TestUILoopbackOnly(t *testing.T) {
	for _, anyClient := range []bool{false, true} {
		o, err := parseFlags([]string{"-dir", t.TempDir(), "-hlsjs", testHLSJS}, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		o.uiAnyClient = anyClient
		s, err := newServer(o, io.Discard, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			t.Fatal(err)
		}
		h := s.routes()
		for _, remote := range []string{"127.0.0.1:5000", "[::1]:5000", "192.0.2.10:5000"} {
			req := httptest.NewRequest(http.MethodGet, "/ui/config", nil)
			req.RemoteAddr = remote
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			want := http.StatusOK
			if !anyClient && remote == "192.0.2.10:5000" {
				want = http.StatusForbidden
			}
			if w.Code != want {
				t.Errorf("-ui-any-client=%v, client %s: %d %s, want %d", anyClient, remote, w.Code, w.Body, want)
			}
		}
		s.close()
	}
}

// TestAPISignature checks that /api takes the configured credentials only.
func TestAPISignature(t *testing.T) {
	srv := startServer(t)
	_, err := callWith(srv.sdk(testID, "wrong-key"), "DescribeCloudRecording", map[string]any{"SdkAppId": testApp, "TaskId": "x"})
	var se *tcerr.TencentCloudSDKError
	if !errors.As(err, &se) || se.Code != "AuthFailure.SignatureFailure" {
		t.Errorf("wrong key: %v, want AuthFailure.SignatureFailure", err)
	}
	_, err = srv.call("DescribeCloudRecording", map[string]any{"SdkAppId": 1400000001, "TaskId": "x"})
	if !errors.As(err, &se) || se.Code != "InvalidParameter.SdkAppId" {
		t.Errorf("another SdkAppId: %v, want InvalidParameter.SdkAppId", err)
	}
	id := srv.createRecording(t, "5001")
	d := srv.mustCall(t, "DescribeCloudRecording", map[string]any{"SdkAppId": testApp, "TaskId": id})
	if d["Status"] != "Idle" {
		t.Errorf("Describe: %v, want Idle", d)
	}
	srv.mustCall(t, "DeleteCloudRecording", map[string]any{"SdkAppId": testApp, "TaskId": id})
}
