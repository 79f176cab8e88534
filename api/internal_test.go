package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/roomrec/roomrec/clock"
	"github.com/roomrec/roomrec/errcode"
	"github.com/roomrec/roomrec/recorder"
)

// TestCanonicalRequestDocumentedExample checks the canonicalization against
// the worked example of the signature method v3 documentation (a CVM
// DescribeInstances call signed at 1551113065 with x-tc-action as an extra
// signed header). The documentation masks its SecretKey, so the hashes of
// the canonical request and the string to sign are what can be compared.
func TestCanonicalRequestDocumentedExample(t *testing.T) {
	payload := `{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}`
	r, err := http.NewRequest(http.MethodPost, "https://cvm.tencentcloudapi.com/", strings.NewReader(payload))
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("Content-Type", "application/json; charset=utf-8")
	r.Header.Set("X-TC-Action", "DescribeInstances")
	if got := sha256Hex([]byte(payload)); got != "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064" {
		t.Fatalf("payload hash %s", got)
	}
	canonical := canonicalRequest(r, []string{"content-type", "host", "x-tc-action"}, sha256Hex([]byte(payload)))
	if got := sha256Hex([]byte(canonical)); got != "7019a55be8395899b900fb5564e4200d984910f34794a27cb3fb7d10ff6a1e84" {
		t.Fatalf("canonical request hash %s of\n%s", got, canonical)
	}
	want := "TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n7019a55be8395899b900fb5564e4200d984910f34794a27cb3fb7d10ff6a1e84"
	if got := stringToSign("1551113065", "2019-02-25", "cvm", canonical); got != want {
		t.Fatalf("string to sign\n%s\nwant\n%s", got, want)
	}
}

func TestParseTC3(t *testing.T) {
	sig := strings.Repeat("ab", 32)
	good := "TC3-HMAC-SHA256 Credential=AKID/2019-02-25/trtc/tc3_request, SignedHeaders=content-type;host, Signature=" + sig
	a, err := parseTC3(good)
	if err != nil || a.secretID != "AKID" || a.date != "2019-02-25" || a.service != "trtc" || len(a.signedHeaders) != 2 {
		t.Fatalf("parseTC3(good) = %+v, %v", a, err)
	}
	bad := []string{
		"",
		"TC3-HMAC-SHA1 Credential=AKID/2019-02-25/trtc/tc3_request, SignedHeaders=content-type;host, Signature=" + sig,
		"TC3-HMAC-SHA256 Credential=AKID/2019-02-25/trtc/other, SignedHeaders=content-type;host, Signature=" + sig,
		"TC3-HMAC-SHA256 Credential=/2019-02-25/trtc/tc3_request, SignedHeaders=content-type;host, Signature=" + sig,
		"TC3-HMAC-SHA256 Credential=AKID/2019-02-25/trtc/tc3_request, SignedHeaders=Content-Type;host, Signature=" + sig,
		"TC3-HMAC-SHA256 Credential=AKID/2019-02-25/trtc/tc3_request, SignedHeaders=content-type;host;host, Signature=" + sig,
		"TC3-HMAC-SHA256 Credential=AKID/2019-02-25/trtc/tc3_request, SignedHeaders=content-type;host, Signature=" + sig[:10],
		"TC3-HMAC-SHA256 Credential=AKID/2019-02-25/trtc/tc3_request, SignedHeaders=content-type;host, Signature=zz" + sig[2:],
		"TC3-HMAC-SHA256 Credential=AKID/2019-02-25/trtc/tc3_request SignedHeaders=content-type;host",
		"TC3-HMAC-SHA256 Credential=AKID/2019-02-25/trtc/tc3_request, Credential=x, SignedHeaders=content-type;host, Signature=" + sig,
	}
	for _, h := range bad {
		if _, err := parseTC3(h); !errors.Is(err, CodeInvalidAuthorization) {
			t.Errorf("parseTC3(%q) = %v, want %s", h, err, CodeInvalidAuthorization)
		}
	}
}

func TestLimiter(t *testing.T) {
	clk := clock.NewFake(time.Unix(1_700_000_000, 0))
	l := newLimiter(clk, 20)
	a, b := limitKey{1, "X"}, limitKey{2, "X"}
	for i := range 20 {
		if !l.allow(a) {
			t.Fatalf("call %d refused", i+1)
		}
	}
	if l.allow(a) {
		t.Fatal("21st call in the same instant allowed")
	}
	if !l.allow(b) {
		t.Fatal("another SdkAppId was limited")
	}
	clk.Advance(49 * time.Millisecond)
	if l.allow(a) {
		t.Fatal("a token appeared before 50 ms")
	}
	clk.Advance(time.Millisecond)
	if !l.allow(a) || l.allow(a) {
		t.Fatal("want exactly one token after 50 ms")
	}
	clk.Advance(time.Hour)
	for i := range 20 {
		if !l.allow(a) {
			t.Fatalf("after a rest, call %d refused: the burst is 20", i+1)
		}
	}
	if l.allow(a) {
		t.Fatal("the burst grew beyond 20 after a long rest")
	}
	// Idle buckets are dropped once the map is full.
	for i := range maxBuckets {
		l.allow(limitKey{uint64(1000 + i), "X"})
	}
	clk.Advance(time.Second)
	l.allow(limitKey{99, "X"})
	if n := len(l.buckets); n != 1 {
		t.Errorf("%d buckets after pruning, want 1", n)
	}
}

func TestPattern(t *testing.T) {
	for in, want := range map[string]string{
		"alice": "alice", "*": "*", "abc*": "abc*", "abc.*$": "abc*", "^abc.*$": "abc*", "abc.*": "abc*", ".*": "*", "a.b": "a.b",
	} {
		if got := pattern(in); got != want {
			t.Errorf("pattern(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestClockDeadline(t *testing.T) {
	clk := clock.NewFake(time.Unix(1_700_000_000, 0))
	ctx, cancel := withClockTimeout(context.Background(), clk, 6*time.Second)
	defer cancel()
	if d, ok := ctx.Deadline(); !ok || !d.Equal(clk.Now().Add(6*time.Second)) {
		t.Errorf("Deadline = %v %v", d, ok)
	}
	clk.Advance(5 * time.Second)
	if ctx.Err() != nil {
		t.Fatal("ended early")
	}
	clk.Advance(time.Second)
	<-ctx.Done()
	if ctx.Err() != context.DeadlineExceeded {
		t.Errorf("Err = %v, want DeadlineExceeded", ctx.Err())
	}

	ctx2, cancel2 := withClockTimeout(context.Background(), clk, time.Second)
	cancel2()
	if ctx2.Err() != context.Canceled {
		t.Errorf("Err after cancel = %v, want Canceled", ctx2.Err())
	}
	if clk.Waiters() != 0 {
		t.Errorf("%d timers left armed", clk.Waiters())
	}
}

func TestConfigValidate(t *testing.T) {
	rec := nopRecorder{}
	creds := map[string]string{"id": "key"}
	cases := map[string]Config{
		"no recorder":        {Credentials: creds},
		"no credentials":     {Recorder: rec},
		"stop wait too long": {Recorder: rec, Credentials: creds, Timeout: time.Second, StopWait: time.Second},
		"zero app":           {Recorder: rec, Credentials: creds, SdkAppIDs: []uint64{0}},
	}
	for name, c := range cases {
		if _, err := NewHandler(c); errcode.CodeOf(err) != "InvalidParameter.Config" {
			t.Errorf("%s: NewHandler = %v, want InvalidParameter.Config", name, err)
		}
	}
	if _, err := NewHandler(Config{Recorder: rec, SecretKey: func(string) (string, bool) { return "", false }}); err != nil {
		t.Errorf("a SecretKey lookup alone is enough: %v", err)
	}
}

// nopRecorder is a Recorder that has no tasks.
type nopRecorder struct{}

func (nopRecorder) Start(context.Context, recorder.StartParams) (string, error) { return "t", nil }
func (nopRecorder) Describe(context.Context, string) (recorder.Description, error) {
	return recorder.Description{}, errcode.New(errcode.TaskNotExist, "no")
}
func (nopRecorder) Modify(context.Context, string, recorder.ModifyParams) error { return nil }
func (nopRecorder) Stop(context.Context, string) (recorder.Description, error) {
	return recorder.Description{}, nil
}
func (nopRecorder) Tasks() []string { return nil }

// panicRequest is an action that panics.
type panicRequest struct{}

func (panicRequest) appID() *uint64                                  { return nil }
func (panicRequest) run(context.Context, *Handler) (response, error) { panic("boom") }

func TestCallRecoversPanic(t *testing.T) {
	h, err := NewHandler(Config{Recorder: nopRecorder{}, Credentials: map[string]string{"id": "key"}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = h.call(context.Background(), panicRequest{})
	if errcode.CodeOf(err) != errcode.InternalError {
		t.Fatalf("call = %v, want InternalError", err)
	}
}

func TestErrorBody(t *testing.T) {
	type body struct {
		Error     struct{ Code, Message string }
		RequestId string
	}
	decode := func(v any) body {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		var out body
		if err := json.Unmarshal(b, &out); err != nil {
			t.Fatal(err)
		}
		return out
	}
	cause := errors.New("/secret/path: permission denied")
	cases := []struct {
		err           error
		code, message string
	}{
		{errors.New("plain"), "InternalError", "internal error"},
		{errcode.Wrap(errcode.InternalError.Detail("Storage"), cause, "cannot store"), "InternalError.Storage", "cannot store"},
		{errcode.Wrap(errcode.InvalidParameter.Detail("X"), cause, "bad X"), "InvalidParameter.X", "bad X: /secret/path: permission denied"},
	}
	for _, c := range cases {
		got := decode(errorBody("rid", c.err))
		if got.Error.Code != c.code || got.Error.Message != c.message || got.RequestId != "rid" {
			t.Errorf("errorBody(%v) = %+v, want %s %q", c.err, got, c.code, c.message)
		}
	}
}

func TestRecordParamsConversion(t *testing.T) {
	u := func(v uint64) *uint64 { return &v }
	cases := []struct {
		name string
		p    recordParams
		want errcode.Code // "" = accepted
		out  recorder.OutputFormat
	}{
		{"defaults", recordParams{RecordMode: u(1)}, "", recorder.HLS},
		{"hls+mp4", recordParams{RecordMode: u(1), OutputFormat: u(1)}, "", recorder.HLSAndMP4},
		{"mp4", recordParams{RecordMode: u(1), OutputFormat: u(3)}, "", recorder.MP4},
		{"aac", recordParams{RecordMode: u(1), OutputFormat: u(4)}, errcode.Unsupported, 0},
		{"huge mode", recordParams{RecordMode: u(1<<32 + 1)}, "InvalidParameter.RecordMode", 0},
		{"AvMerge 2", recordParams{RecordMode: u(1), AvMerge: u(2)}, "InvalidParameter.AvMerge", 0},
		{"MediaId main", recordParams{RecordMode: u(1), MediaId: u(1)}, errcode.Unsupported, 0},
		{"MediaId 3", recordParams{RecordMode: u(1), MediaId: u(3)}, "InvalidParameter.MediaId", 0},
		{"MaxMediaFileDuration 1440", recordParams{RecordMode: u(1), MaxMediaFileDuration: u(1440)}, "", recorder.HLS},
		{"MaxMediaFileDuration 1441", recordParams{RecordMode: u(1), MaxMediaFileDuration: u(1441)}, "InvalidParameter.MaxMediaFileDuration", 0},
		{"FillType 2", recordParams{RecordMode: u(1), FillType: u(2)}, "InvalidParameter.FillType", 0},
		{"SubscribeAbility 2", recordParams{RecordMode: u(1), SubscribeAbility: u(2)}, "InvalidParameter.SubscribeAbility", 0},
		{"SubscribeAbility 1", recordParams{RecordMode: u(1), SubscribeAbility: u(1), FillType: u(1)}, "", recorder.HLS},
	}
	for _, c := range cases {
		out, err := c.p.toRecorder()
		if errcode.CodeOf(err) != c.want || (err == nil && out.Output != c.out) {
			t.Errorf("%s: toRecorder = %+v, %v; want %q, output %d", c.name, out, err, c.want, c.out)
		}
	}
	// A huge MaxIdleTime stays out of range instead of overflowing.
	out, err := (&recordParams{RecordMode: u(1), MaxIdleTime: u(1 << 62)}).toRecorder()
	if err != nil || out.MaxIdleTime <= recorder.MaxMaxIdleTime {
		t.Errorf("MaxIdleTime 2^62 s became %v (%v)", out.MaxIdleTime, err)
	}
}

// tasksRecorder is a nopRecorder that reports a fixed set of running tasks.
type tasksRecorder struct {
	nopRecorder
	running []string
}

func (r tasksRecorder) Tasks() []string { return r.running }

func TestOwnersPruned(t *testing.T) {
	h, err := NewHandler(Config{Recorder: tasksRecorder{running: []string{"t0", "t1"}}, Credentials: map[string]string{"id": "key"}})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 64 {
		h.own(fmt.Sprintf("t%d", i), owner{app: 1})
	}
	if len(h.owners) != 2 {
		t.Errorf("%d owners kept, want the 2 running tasks", len(h.owners))
	}
	if _, err := h.ownedTask(taskRequest{SdkAppId: new(uint64(2)), TaskId: new("t1")}); !errors.Is(err, errcode.TaskNotExist) {
		t.Errorf("another SdkAppId reached task t1: %v", err)
	}
}
