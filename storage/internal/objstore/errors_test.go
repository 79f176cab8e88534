package objstore_test

import (
	"context"
	"errors"
	"testing"

	"github.com/roomrec/roomrec/storage"
	"github.com/roomrec/roomrec/storage/internal/objstore"
)

func TestFromAnswer(t *testing.T) {
	cause := errors.New("the SDK's error")
	cases := []struct {
		name          string
		op            string
		a             objstore.Answer
		wantCode      string
		wantMsg       string
		wantRetryable bool
		wantNotExist  bool
	}{
		{"store's code kept", storage.OpPut, objstore.Answer{Status: 403, Code: "AccessDenied", Message: "no"}, "AccessDenied", "no", false, false},
		{"5xx retryable", storage.OpPut, objstore.Answer{Status: 500, Code: "InternalError", Message: "we broke"}, "InternalError", "we broke", true, false},
		{"429 retryable", storage.OpList, objstore.Answer{Status: 429, Code: "TooManyRequests"}, "TooManyRequests", "Too Many Requests", true, false},
		{"throttling code under 4xx retryable", storage.OpPut, objstore.Answer{Status: 400, Code: "RequestTimeout"}, "RequestTimeout", "Bad Request", true, false},
		{"SlowDown under 4xx retryable", storage.OpPut, objstore.Answer{Status: 403, Code: "SlowDown"}, "SlowDown", "Forbidden", true, false},
		{"no code, 4xx", storage.OpStat, objstore.Answer{Status: 400}, "InvalidRequest", "Bad Request", false, false},
		{"no code, 5xx", storage.OpStat, objstore.Answer{Status: 502}, "InternalError", "Bad Gateway", true, false},
		{"no code, no status", storage.OpPut, objstore.Answer{}, "InternalError", "", true, false},
		{"NoSuchKey on Get", storage.OpGet, objstore.Answer{Status: 404, Code: "NoSuchKey"}, "NoSuchKey", "Not Found", false, true},
		{"NoSuchKey on Stat", storage.OpStat, objstore.Answer{Status: 404, Code: "NoSuchKey"}, "NoSuchKey", "Not Found", false, true},
		{"NoSuchKey on Put", storage.OpPut, objstore.Answer{Status: 404, Code: "NoSuchKey"}, "NoSuchKey", "Not Found", false, false},
		{"NoSuchBucket", storage.OpGet, objstore.Answer{Status: 404, Code: "NoSuchBucket"}, "NoSuchBucket", "Not Found", false, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := objstore.FromAnswer(c.op, "k", c.a, cause)
			if e.Op != c.op || e.Key != "k" || e.Code != c.wantCode || e.Message != c.wantMsg || e.Retryable != c.wantRetryable {
				t.Errorf("FromAnswer = %+v, want code %q message %q retryable %v", e, c.wantCode, c.wantMsg, c.wantRetryable)
			}
			if !errors.Is(e, cause) || errors.Is(e, storage.ErrNotExist) != c.wantNotExist {
				t.Errorf("FromAnswer wraps %v; want the cause, and ErrNotExist %v", e.Err, c.wantNotExist)
			}
		})
	}
}

func TestNoAnswer(t *testing.T) {
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	netErr := errors.New("connection reset by peer")
	cases := []struct {
		name          string
		ctx           context.Context
		err           error
		wantCode      string
		wantMsg       string
		wantRetryable bool
	}{
		{"caller's ctx ended", cancelled, netErr, storage.CodeCanceled, "cancelled", false},
		{"own timeout", context.Background(), context.DeadlineExceeded, objstore.CodeRequestTimeout, "COS did not answer in time (Config.Timeout)", true},
		{"wrapped timeout", context.Background(), errors.Join(netErr, context.DeadlineExceeded), objstore.CodeRequestTimeout, "COS did not answer in time (Config.Timeout)", true},
		{"network", context.Background(), netErr, objstore.CodeNetworkError, "no answer from COS", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := objstore.NoAnswer(c.ctx, storage.OpGet, "k", "COS", c.err)
			if e.Op != storage.OpGet || e.Key != "k" || e.Code != c.wantCode || e.Message != c.wantMsg || e.Retryable != c.wantRetryable || e.Err == nil {
				t.Errorf("NoAnswer = %+v, want code %q message %q retryable %v", e, c.wantCode, c.wantMsg, c.wantRetryable)
			}
		})
	}
}

func TestCanceled(t *testing.T) {
	if e := objstore.Canceled(storage.OpList, "p/", context.Canceled); e.Code != storage.CodeCanceled || e.Retryable || !errors.Is(e, context.Canceled) {
		t.Errorf("Canceled(Canceled) = %+v, want %s, not retryable", e, storage.CodeCanceled)
	}
	if e := objstore.Canceled(storage.OpList, "p/", context.DeadlineExceeded); e.Code != storage.CodeCanceled || !e.Retryable {
		t.Errorf("Canceled(DeadlineExceeded) = %+v, want %s, retryable", e, storage.CodeCanceled)
	}
}

func TestPrecheck(t *testing.T) {
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	if err := objstore.Precheck(context.Background(), storage.OpGet, "a/b.ts"); err != nil {
		t.Errorf("Precheck of a good call = %v", err)
	}
	// A bad key is reported before an ended context.
	err := objstore.Precheck(cancelled, storage.OpGet, "a//b.ts")
	if se := storageError(t, err); se.Code != storage.CodeInvalidKey || se.Op != storage.OpGet || !errors.Is(err, storage.ErrKey) {
		t.Errorf("Precheck of a bad key = %+v, want %s", se, storage.CodeInvalidKey)
	}
	err = objstore.Precheck(cancelled, storage.OpStat, "a/b.ts")
	if se := storageError(t, err); se.Code != storage.CodeCanceled || se.Op != storage.OpStat {
		t.Errorf("Precheck with an ended context = %+v, want %s", se, storage.CodeCanceled)
	}
}
