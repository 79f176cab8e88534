package vod_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/roomrec/roomrec/clock"
	"github.com/roomrec/roomrec/errcode"
	"github.com/roomrec/roomrec/storage/cos"
	"github.com/roomrec/roomrec/storage/cos/costest"
	"github.com/roomrec/roomrec/vod"
	"github.com/roomrec/roomrec/vod/vodtest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const (
	testID  = "AKIDvodclienttest"
	testKey = "vod-client-test-key"
)

// env is a fake VOD and a client for it.
type env struct {
	t   *testing.T
	srv *vodtest.Server
	clk *clock.Fake
	c   *vod.Client
}

// newEnv starts a fake VOD whose time stands still, and a client with the
// test key whose fake clock starts at the same time; mod changes the
// client's Config.
func newEnv(t *testing.T, mod func(*vod.Config)) *env {
	t.Helper()
	start := time.Now().Truncate(time.Second)
	clk := clock.NewFake(start)
	srv, err := vodtest.New(vodtest.Config{SecretID: testID, SecretKey: testKey, Now: func() time.Time { return start }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := srv.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	cfg := vod.Config{
		SecretID: testID, SecretKey: testKey, SubAppID: 1500000001,
		Endpoint: srv.URL(), HTTPClient: srv.Client(), Clock: clk,
		COS: cos.Config{BaseURL: srv.COS().URL()},
	}
	if mod != nil {
		mod(&cfg)
	}
	c, err := vod.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, srv: srv, clk: clk, c: c}
}

// ctx returns a context that ends with the test, bounded to a minute.
func (e *env) ctx() context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	e.t.Cleanup(cancel)
	return ctx
}

// actions returns the actions and answered codes the fake logged.
func (e *env) actions() []string {
	var out []string
	for _, c := range e.srv.Calls() {
		out = append(out, c.Action+":"+c.Code)
	}
	return out
}

// cosOps returns the COS operations the fake bucket answered.
func (e *env) cosOps() []costest.Op {
	var out []costest.Op
	for _, r := range e.srv.COS().Requests() {
		out = append(out, r.Op)
	}
	return out
}

func randomBytes(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, 1))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// vodError returns err as a *vod.Error, failing the test otherwise.
func vodError(t *testing.T, err error) *vod.Error {
	t.Helper()
	var ve *vod.Error
	if !errors.As(err, &ve) {
		t.Fatalf("error %v (%T) is not a *vod.Error", err, err)
	}
	return ve
}

// TestUploadStoresAndCommits uploads single-PUT, unknown-size and
// multipart media and checks what VOD and COS received.
func TestUploadStoresAndCommits(t *testing.T) {
	cases := []struct {
		name      string
		size      int
		sendSize  bool // pass the size (else -1)
		multipart bool // expected
	}{
		{"small", 100 << 10, true, false},
		{"empty", 0, true, false},
		{"unknown size", 300 << 10, false, false},
		{"multipart", 3<<20 + 12345, true, true},
		{"multipart unknown size", 2<<20 + 1, false, true},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, func(cfg *vod.Config) {
				cfg.COS.PartSize, cfg.COS.MultipartThreshold = cos.MinPartSize, cos.MinPartSize
			})
			data := randomBytes(c.size, uint64(i))
			size := int64(-1)
			if c.sendSize {
				size = int64(len(data))
			}
			res, err := e.c.Upload(e.ctx(), bytes.NewReader(data), size, "1400123456_room_user", "mp4")
			if err != nil {
				t.Fatalf("Upload: %v", err)
			}
			media := e.srv.Media()
			if len(media) != 1 || media[0].FileID != res.FileID || media[0].MediaURL != res.MediaURL || res.FileID == "" || res.MediaURL == "" {
				t.Fatalf("result %+v, committed %+v", res, media)
			}
			got, ct, ok := e.srv.COS().Object(media[0].Key)
			if !ok || !bytes.Equal(got, data) || media[0].Size != int64(len(data)) || ct != "video/mp4" {
				t.Fatalf("object %q: %d bytes (identical %v), type %q; committed size %d; want %d bytes", media[0].Key, len(got), bytes.Equal(got, data), ct, media[0].Size, len(data))
			}
			ops := e.cosOps()
			if multipart := slices.Contains(ops, costest.OpUploadPart); multipart != c.multipart || e.srv.COS().Uploads() != 0 {
				t.Errorf("COS operations %v, multipart %v want %v; %d uploads left open", ops, multipart, c.multipart, e.srv.COS().Uploads())
			}
			if got := e.actions(); !slices.Equal(got, []string{"ApplyUpload:", "CommitUpload:"}) {
				t.Errorf("calls %v", got)
			}
		})
	}
}

// TestApplyUploadParameters checks the parameters ApplyUpload carries.
func TestApplyUploadParameters(t *testing.T) {
	e := newEnv(t, func(c *vod.Config) {
		c.Procedure, c.ClassID, c.StorageRegion = "LongVideoPreset", 7, "ap-chongqing"
		c.ExpireAfter = 24 * time.Hour
		c.SourceContext, c.SessionContext = "task-1", "session ✓"
	})
	if _, err := e.c.Upload(e.ctx(), strings.NewReader("x"), 1, "a b/c", "m4a"); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"MediaType": "m4a", "MediaName": "a b/c", "Procedure": "LongVideoPreset", "ClassId": "7",
		"StorageRegion": "ap-chongqing", "ExpireTime": e.clk.Now().Add(24 * time.Hour).UTC().Format(time.RFC3339),
		"SourceContext": "task-1", "SessionContext": "session ✓", "SubAppId": "1500000001",
	}
	calls := e.srv.Calls()
	if len(calls) != 2 {
		t.Fatalf("calls %+v", calls)
	}
	apply := calls[0].Params
	if len(apply) != len(want) {
		t.Errorf("ApplyUpload parameters %v, want %v", apply, want)
	}
	for k, v := range want {
		if got := fmt.Sprint(apply[k]); got != v {
			t.Errorf("ApplyUpload %s = %q, want %q", k, got, v)
		}
	}
	if commit := calls[1].Params; fmt.Sprint(commit["SubAppId"]) != "1500000001" || commit["VodSessionKey"] == "" || len(commit) != 2 {
		t.Errorf("CommitUpload parameters %v", commit)
	}
}

// TestMinimalParameters: a Config with only the key sends only MediaType
// (and the name when given).
func TestMinimalParameters(t *testing.T) {
	e := newEnv(t, func(c *vod.Config) { c.SubAppID = 0 })
	if _, err := e.c.Upload(e.ctx(), strings.NewReader("x"), 1, "", "aac"); err != nil {
		t.Fatal(err)
	}
	calls := e.srv.Calls()
	if len(calls) != 2 || len(calls[0].Params) != 1 || calls[0].Params["MediaType"] != "aac" || len(calls[1].Params) != 1 {
		t.Fatalf("calls %+v", calls)
	}
}

// TestCommitFails: a refused CommitUpload returns VOD's code and message
// (what event 311 Status 2 and 312 Status 1 report); the media was
// uploaded but no file committed.
func TestCommitFails(t *testing.T) {
	cases := []struct {
		code      string
		retryable bool
	}{
		{"FailedOperation.InvalidVodUser", false},
		{"InternalError", true},
		{"RequestLimitExceeded", true},
		{"ResourceNotFound.FileNotExist", false},
	}
	for _, c := range cases {
		t.Run(c.code, func(t *testing.T) {
			e := newEnv(t, nil)
			e.srv.SetFault(func(call vodtest.Call) vodtest.Fault {
				if call.Action == "CommitUpload" {
					return vodtest.Fault{Code: c.code, Message: "refused by the test"}
				}
				return vodtest.Fault{}
			})
			_, err := e.c.Upload(e.ctx(), strings.NewReader("media"), 5, "n", "mp4")
			ve := vodError(t, err)
			calls := e.srv.Calls()
			if ve.Op != vod.OpCommitUpload || ve.Code != c.code || ve.Message != "refused by the test" || ve.Retryable != c.retryable ||
				len(calls) != 2 || ve.RequestID != calls[1].RequestID || ve.RequestID == "" {
				t.Fatalf("error %+v; calls %+v", ve, calls)
			}
			if !errors.Is(err, errcode.Code(c.code)) || !errors.Is(err, errcode.Code(c.code).Class()) {
				t.Errorf("errors.Is does not match the code %s", c.code)
			}
			want := "vod: CommitUpload: " + c.code + ": refused by the test (RequestId " + ve.RequestID + ")"
			if err.Error() != want {
				t.Errorf("message %q, want %q", err, want)
			}
			if len(e.srv.Media()) != 0 || len(e.srv.COS().Keys()) != 1 {
				t.Errorf("committed %v, objects %v", e.srv.Media(), e.srv.COS().Keys())
			}
		})
	}
}

// TestCommitWithoutUpload: the fake refuses to commit a session whose
// object is missing, which proves the check the happy path passes.
func TestCommitWithoutUpload(t *testing.T) {
	e := newEnv(t, nil)
	e.srv.COS().SetFault(func(r costest.Request) costest.Fault {
		return costest.Fault{Status: http.StatusServiceUnavailable}
	})
	_, err := e.c.Upload(e.ctx(), strings.NewReader("media"), 5, "n", "mp4")
	if ve := vodError(t, err); ve.Op != vod.OpUpload || ve.Code != "ServiceUnavailable" || !ve.Retryable {
		t.Fatalf("error %+v", ve)
	}
	if got := e.actions(); !slices.Equal(got, []string{"ApplyUpload:"}) {
		t.Fatalf("calls %v: no commit after a failed upload", got)
	}
}

// TestServiceBucketShape: the bucket and region of the service's own
// ApplyUpload example ("xadagzp111211-100922" in "ap-guangzhou-2") are
// addressed and uploaded to.
func TestServiceBucketShape(t *testing.T) {
	const bucket, region = "xadagzp111211-100922", "ap-guangzhou-2"
	srv, err := vodtest.New(vodtest.Config{SecretID: testID, SecretKey: testKey, Bucket: bucket, Region: region})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	c, err := vod.New(vod.Config{SecretID: testID, SecretKey: testKey, Endpoint: srv.URL(), HTTPClient: srv.Client(),
		COS: cos.Config{BaseURL: srv.COS().URL()}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	data := randomBytes(1000, 7)
	res, err := c.Upload(ctx, bytes.NewReader(data), int64(len(data)), "1400123456_room_user", "mp4")
	if err != nil {
		t.Fatalf("Upload to %s in %s: %v", bucket, region, err)
	}
	media := srv.Media()
	if len(media) != 1 || media[0].FileID != res.FileID {
		t.Fatalf("committed %+v, result %+v", media, res)
	}
	if got, _, ok := srv.COS().Object(media[0].Key); !ok || !bytes.Equal(got, data) {
		t.Errorf("object %q: stored %v, %d bytes", media[0].Key, ok, len(got))
	}
}
