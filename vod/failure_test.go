package vod_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/roomrec/roomrec/errcode"
	"github.com/roomrec/roomrec/storage/cos"
	"github.com/roomrec/roomrec/storage/cos/costest"
	"github.com/roomrec/roomrec/vod"
	"github.com/roomrec/roomrec/vod/vodtest"
)

// TestApplyUploadRefused: a wrong key or clock ends the upload at
// ApplyUpload with the service's AuthFailure code; nothing reaches COS.
func TestApplyUploadRefused(t *testing.T) {
	cases := []struct {
		name string
		mod  func(*vod.Config)
		skew time.Duration // client clock minus server clock
		want string
	}{
		{"wrong SecretKey", func(c *vod.Config) { c.SecretKey = "not-the-key" }, 0, "AuthFailure.SignatureFailure"},
		{"unknown SecretId", func(c *vod.Config) { c.SecretID = "AKIDunknown" }, 0, "AuthFailure.SecretIdNotFound"},
		{"clock 6 min ahead", nil, 6 * time.Minute, "AuthFailure.SignatureExpire"},
		{"clock 4 min behind", nil, -4 * time.Minute, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, c.mod)
			e.clk.Advance(c.skew) // the client's clock only
			_, err := e.c.Upload(e.ctx(), strings.NewReader("media"), 5, "n", "mp4")
			if c.want == "" {
				if err != nil {
					t.Fatalf("Upload: %v", err)
				}
				return
			}
			ve := vodError(t, err)
			if ve.Op != vod.OpApplyUpload || ve.Code != c.want || ve.Retryable || ve.RequestID == "" || !errors.Is(err, errcode.AuthFailure) {
				t.Fatalf("error %+v", ve)
			}
			if ops := e.srv.COS().Requests(); len(ops) != 0 {
				t.Errorf("COS got %v", ops)
			}
		})
	}
}

// TestUploadToCOSFails: COS refusing or dropping the media ends the
// upload with COS's code; no commit, no multipart upload left open.
func TestUploadToCOSFails(t *testing.T) {
	cases := []struct {
		name      string
		size      int
		fault     func(r costest.Request) costest.Fault
		want      string
		retryable bool
	}{
		{"access denied", 10, func(costest.Request) costest.Fault {
			return costest.Fault{Status: http.StatusForbidden, Code: "AccessDenied", Message: "no"}
		}, "AccessDenied", false},
		{"slow down", 10, func(costest.Request) costest.Fault {
			return costest.Fault{Status: http.StatusServiceUnavailable, Code: "SlowDown"}
		}, "SlowDown", true},
		{"connection dropped", 10, func(costest.Request) costest.Fault { return costest.Fault{Drop: true} }, "NetworkError", true},
		{"third part fails", 3 << 20, func(r costest.Request) costest.Fault {
			if r.Op == costest.OpUploadPart && r.PartNumber == 3 {
				return costest.Fault{Status: http.StatusInternalServerError, Code: "InternalError"}
			}
			return costest.Fault{}
		}, "InternalError", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, func(cfg *vod.Config) {
				cfg.COS.PartSize, cfg.COS.MultipartThreshold = cos.MinPartSize, cos.MinPartSize
			})
			e.srv.COS().SetFault(c.fault)
			_, err := e.c.Upload(e.ctx(), bytes.NewReader(randomBytes(c.size, 9)), int64(c.size), "n", "mp4")
			ve := vodError(t, err)
			if ve.Op != vod.OpUpload || ve.Code != c.want || ve.Retryable != c.retryable || ve.Err == nil {
				t.Fatalf("error %+v", ve)
			}
			if got := e.actions(); !slices.Equal(got, []string{"ApplyUpload:"}) {
				t.Errorf("calls %v", got)
			}
			if n := e.srv.COS().Uploads(); n != 0 || len(e.srv.COS().Keys()) != 0 {
				t.Errorf("%d multipart uploads open, objects %v", n, e.srv.COS().Keys())
			}
		})
	}
}

// TestSourceFails: a reader that breaks or yields fewer bytes than
// promised fails the upload without a commit.
func TestSourceFails(t *testing.T) {
	boom := errors.New("disk gone")
	e := newEnv(t, nil)
	_, err := e.c.Upload(e.ctx(), &failingReader{data: []byte("abc"), err: boom}, 10, "n", "mp4")
	if ve := vodError(t, err); ve.Op != vod.OpUpload || ve.Code != "SourceError" || ve.Retryable || !errors.Is(err, boom) {
		t.Fatalf("error %+v", ve)
	}
	_, err = e.c.Upload(e.ctx(), strings.NewReader("short"), 10, "n", "mp4")
	if ve := vodError(t, err); ve.Op != vod.OpUpload || ve.Code != "SizeMismatch" {
		t.Fatalf("error %+v", ve)
	}
	if len(e.srv.Media()) != 0 {
		t.Fatalf("committed %v", e.srv.Media())
	}
}

type failingReader struct {
	data []byte
	err  error
}

func (r *failingReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, r.err
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

// TestCancel cancels the context while each step is in flight, and before
// the upload starts.
func TestCancel(t *testing.T) {
	cases := []struct {
		name   string
		hangAt string // "ApplyUpload", "Upload" (COS) or "CommitUpload"
		wantOp string
		calls  []string
	}{
		{"before start", "", vod.OpApplyUpload, nil},
		{"during ApplyUpload", "ApplyUpload", vod.OpApplyUpload, []string{"ApplyUpload:"}},
		{"during the COS upload", "Upload", vod.OpUpload, []string{"ApplyUpload:"}},
		{"during CommitUpload", "CommitUpload", vod.OpCommitUpload, []string{"ApplyUpload:", "CommitUpload:"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, nil)
			ctx, cancel := context.WithCancel(e.ctx())
			arrived := make(chan struct{}, 1)
			hang := func() { arrived <- struct{}{} }
			e.srv.SetFault(func(call vodtest.Call) vodtest.Fault {
				if call.Action == c.hangAt {
					hang()
					return vodtest.Fault{Hang: true}
				}
				return vodtest.Fault{}
			})
			e.srv.COS().SetFault(func(costest.Request) costest.Fault {
				if c.hangAt == "Upload" {
					hang()
					return costest.Fault{Hang: true}
				}
				return costest.Fault{}
			})
			if c.hangAt == "" {
				cancel()
			} else {
				go func() {
					select {
					case <-arrived:
						cancel()
					case <-ctx.Done():
					}
				}()
			}
			_, err := e.c.Upload(ctx, strings.NewReader("media"), 5, "n", "mp4")
			cancel()
			ve := vodError(t, err)
			if ve.Op != c.wantOp || ve.Code != vod.CodeCanceled || ve.Retryable || !errors.Is(err, context.Canceled) {
				t.Fatalf("error %+v", ve)
			}
			e.srv.Close() // wait for the hung handlers, so the log is complete
			if got := e.actions(); !slices.Equal(got, c.calls) {
				t.Errorf("calls %v, want %v", got, c.calls)
			}
			if len(e.srv.Media()) != 0 {
				t.Errorf("committed %v", e.srv.Media())
			}
		})
	}
}

// TestAPIErrors covers answers that are not VOD's usual ones.
func TestAPIErrors(t *testing.T) {
	cases := []struct {
		name      string
		fault     vodtest.Fault
		want      string
		retryable bool
	}{
		{"bad gateway", vodtest.Fault{Status: http.StatusBadGateway}, vod.CodeBadResponse, true},
		{"not found", vodtest.Fault{Status: http.StatusNotFound}, vod.CodeBadResponse, false},
		{"too many requests", vodtest.Fault{Status: http.StatusTooManyRequests}, vod.CodeBadResponse, true},
		{"throttled by the service", vodtest.Fault{Code: "RequestLimitExceeded", Message: "slow down"}, "RequestLimitExceeded", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, nil)
			e.srv.SetFault(func(vodtest.Call) vodtest.Fault { return c.fault })
			_, err := e.c.Upload(e.ctx(), strings.NewReader("media"), 5, "n", "mp4")
			if ve := vodError(t, err); ve.Op != vod.OpApplyUpload || ve.Code != c.want || ve.Retryable != c.retryable {
				t.Fatalf("error %+v", ve)
			}
		})
	}
}

// TestAPITimeout: a call that does not answer within Config.Timeout fails
// with CodeRequestTimeout, retryable.
func TestAPITimeout(t *testing.T) {
	e := newEnv(t, func(c *vod.Config) { c.Timeout = 100 * time.Millisecond })
	e.srv.SetFault(func(vodtest.Call) vodtest.Fault { return vodtest.Fault{Hang: true} })
	_, err := e.c.Upload(e.ctx(), strings.NewReader("media"), 5, "n", "mp4")
	if ve := vodError(t, err); ve.Op != vod.OpApplyUpload || ve.Code != vod.CodeRequestTimeout || !ve.Retryable {
		t.Fatalf("error %+v", ve)
	}
}

// TestNetworkError: a closed endpoint gives CodeNetworkError, retryable.
func TestNetworkError(t *testing.T) {
	e := newEnv(t, nil)
	if err := e.srv.Close(); err != nil {
		t.Fatal(err)
	}
	_, err := e.c.Upload(e.ctx(), strings.NewReader("media"), 5, "n", "mp4")
	if ve := vodError(t, err); ve.Op != vod.OpApplyUpload || ve.Code != vod.CodeNetworkError || !ve.Retryable {
		t.Fatalf("error %+v", ve)
	}
}

// TestBadArguments are refused before any call.
func TestBadArguments(t *testing.T) {
	e := newEnv(t, nil)
	for _, mt := range []string{"", "MP4", ".mp4", "mp 4", "m/p4", strings.Repeat("a", 17)} {
		_, err := e.c.Upload(e.ctx(), strings.NewReader("x"), 1, "n", mt)
		if ve := vodError(t, err); ve.Code != "InvalidParameter.MediaType" || !errors.Is(err, errcode.InvalidParameter) {
			t.Errorf("media type %q: %+v", mt, ve)
		}
	}
	if _, err := e.c.Upload(e.ctx(), strings.NewReader("x"), -2, "n", "mp4"); vodError(t, err).Code != "InvalidParameter.Size" {
		t.Errorf("size -2: %v", err)
	}
	if calls := e.srv.Calls(); len(calls) != 0 {
		t.Errorf("calls %v", calls)
	}
}
