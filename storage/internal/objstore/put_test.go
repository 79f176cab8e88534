package objstore_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/roomrec/roomrec/storage"
	"github.com/roomrec/roomrec/storage/internal/objstore"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// testConfig has 4-byte parts and goes multipart from 8 bytes on.
var testConfig = objstore.Config{PartSize: 4, MultipartThreshold: 8, MaxParts: 10000, Timeout: time.Minute}

// mapped is what testToError makes of every Uploader error.
const mapped = "Mapped"

func testToError(ctx context.Context, op, key string, err error) *storage.Error {
	return &storage.Error{Op: op, Key: key, Code: mapped, Message: "mapped", Err: err}
}

func newPutter(f *fake, cfg objstore.Config) *objstore.Putter {
	return &objstore.Putter{Uploader: f, Config: cfg, ToError: testToError}
}

// onlyReader hides bytes.Reader's WriteTo and Len.
type onlyReader struct{ r io.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }

// failingReader yields n bytes of data, then fails with err.
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

func data(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('a' + i%26)
	}
	return b
}

func storageError(t *testing.T, err error) *storage.Error {
	t.Helper()
	var se *storage.Error
	if !errors.As(err, &se) {
		t.Fatalf("error %v (%T) is not a *storage.Error", err, err)
	}
	return se
}

// checkFake fails on misuse the fake noticed and on uploads left open.
func checkFake(t *testing.T, f *fake) {
	t.Helper()
	for _, p := range f.problems {
		t.Error(p)
	}
	if len(f.uploads) != 0 {
		t.Errorf("%d multipart uploads left open", len(f.uploads))
	}
}

// TestPutSizes runs readers of n bytes declared as size through 4-byte
// parts with a threshold of 8 and checks the requests made and the outcome.
func TestPutSizes(t *testing.T) {
	cases := []struct {
		name      string
		n, size   int
		maxParts  int    // 0: testConfig's
		wantCode  string // "" = stored
		wantMsg   string // a part of the error message
		wantCalls string
	}{
		{"single", 5, 5, 0, "", "", "[put]"},
		{"single empty", 0, 0, 0, "", "", "[put]"},
		{"single just under threshold", 7, 7, 0, "", "", "[put]"},
		{"single one byte too many", 6, 5, 0, storage.CodeSizeMismatch, "more than the declared 5 bytes", "[put]"},
		{"single short", 4, 5, 0, storage.CodeSizeMismatch, "yields 4 bytes, not the declared 5", "[put]"},
		{"empty declared, one byte", 1, 0, 0, storage.CodeSizeMismatch, "more than the declared 0 bytes", "[]"},
		{"multipart", 10, 10, 0, "", "", "[initiate part 1 part 2 part 3 complete]"},
		{"multipart on a part boundary", 8, 8, 0, "", "", "[initiate part 1 part 2 complete]"},
		{"multipart one byte too many", 9, 8, 0, storage.CodeSizeMismatch, "more than the declared 8 bytes", "[initiate part 1 abort]"},
		{"multipart short", 9, 12, 0, storage.CodeSizeMismatch, "yields 9 bytes, not the declared 12", "[initiate part 1 part 2 abort]"},
		{"unknown size within one part", 3, -1, 0, "", "", "[put]"},
		{"unknown size, empty", 0, -1, 0, "", "", "[put]"},
		{"unknown size filling one part", 4, -1, 0, "", "", "[initiate part 1 complete]"},
		{"unknown size, multipart", 10, -1, 0, "", "", "[initiate part 1 part 2 part 3 complete]"},
		{"unknown size beyond MaxParts", 9, -1, 2, objstore.CodeTooLarge, "more than 2 parts of 4 bytes", "[initiate part 1 part 2 abort]"},
		{"known size beyond MaxParts·PartSize gets larger parts", 9, 9, 2, "", "", "[initiate part 1 complete]"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFake()
			cfg := testConfig
			if c.maxParts > 0 {
				cfg.MaxParts = c.maxParts
			}
			want := data(c.n)
			err := newPutter(f, cfg).Put(context.Background(), "k/a.ts", onlyReader{bytes.NewReader(want)}, int64(c.size), "")
			checkFake(t, f)
			if got := fmt.Sprint(f.calls); got != c.wantCalls {
				t.Errorf("calls %s, want %s", got, c.wantCalls)
			}
			if c.wantCode == "" {
				if err != nil {
					t.Fatal(err)
				}
				if got := f.objects["k/a.ts"]; !bytes.Equal(got, want) {
					t.Errorf("stored %q, want %q", got, want)
				}
				return
			}
			se := storageError(t, err)
			if se.Code != c.wantCode || se.Retryable || se.Op != storage.OpPut || se.Key != "k/a.ts" || !strings.Contains(se.Message, c.wantMsg) {
				t.Errorf("error %+v, want %s not retryable, message with %q", se, c.wantCode, c.wantMsg)
			}
			if _, ok := f.objects["k/a.ts"]; ok {
				t.Error("a failed Put stored an object")
			}
		})
	}
}

func TestPutReaderFails(t *testing.T) {
	boom := errors.New("disk read error")
	cases := []struct {
		name      string
		n, size   int // bytes before the failure, declared size
		wantCalls string
	}{
		{"single", 3, 5, "[put]"},
		{"single, right after the declared size", 5, 5, "[put]"},
		{"multipart, right after the declared size", 8, 8, "[initiate part 1 abort]"},
		{"multipart, in the first part", 3, 12, "[]"},
		{"multipart, in the second part", 6, 12, "[initiate part 1 abort]"},
		{"unknown size, in the second part", 6, -1, "[initiate part 1 abort]"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFake()
			err := newPutter(f, testConfig).Put(context.Background(), "k/a.ts", &failingReader{data: data(c.n), err: boom}, int64(c.size), "")
			checkFake(t, f)
			if got := fmt.Sprint(f.calls); got != c.wantCalls {
				t.Errorf("calls %s, want %s", got, c.wantCalls)
			}
			if se := storageError(t, err); se.Code != storage.CodeSourceError || se.Retryable || !errors.Is(err, boom) {
				t.Errorf("error %+v, want %s wrapping the reader's error", se, storage.CodeSourceError)
			}
			if len(f.objects) != 0 {
				t.Error("a failed Put stored an object")
			}
		})
	}
}

// TestPutCancelBetweenParts cancels ctx once a request of a multipart
// upload is done: no further part is sent, the upload is aborted with a
// live context, and Put says cancelled.
func TestPutCancelBetweenParts(t *testing.T) {
	cases := []struct{ after, wantCalls string }{
		{"initiate", "[initiate abort]"}, // the first part is read already
		{"part 1", "[initiate part 1 abort]"},
		{"part 2", "[initiate part 1 part 2 abort]"},
	}
	for _, c := range cases {
		t.Run(c.after, func(t *testing.T) {
			f := newFake()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			f.after = func(call string) {
				if call == c.after {
					cancel()
				}
			}
			err := newPutter(f, testConfig).Put(ctx, "k/a.ts", bytes.NewReader(data(12)), 12, "")
			checkFake(t, f)
			if got := fmt.Sprint(f.calls); got != c.wantCalls {
				t.Errorf("calls %s, want %s", got, c.wantCalls)
			}
			if f.abortErr != nil {
				t.Errorf("Abort ran with an ended context: %v", f.abortErr)
			}
			if d := f.deadlines["abort"]; d <= 0 || d > objstore.AbortTimeout {
				t.Errorf("Abort's context has %v left, want (0, %v]", d, objstore.AbortTimeout)
			}
			if se := storageError(t, err); se.Code != storage.CodeCanceled || se.Retryable || !errors.Is(err, context.Canceled) {
				t.Errorf("error %+v, want %s, not retryable", se, storage.CodeCanceled)
			}
		})
	}
}

// TestPutRequestFails fails each request in turn: Put returns what
// ToError makes of the error and aborts an upload it had started.
func TestPutRequestFails(t *testing.T) {
	boom := errors.New("503 Service Unavailable")
	cases := []struct {
		fail      string
		n         int
		wantCalls string
	}{
		{"put", 5, "[put]"},
		{"initiate", 10, "[initiate]"},
		{"part 1", 10, "[initiate part 1 abort]"},
		{"part 2", 10, "[initiate part 1 part 2 abort]"},
		{"complete", 10, "[initiate part 1 part 2 part 3 complete abort]"},
	}
	for _, c := range cases {
		t.Run(c.fail, func(t *testing.T) {
			f := newFake()
			f.fail[c.fail] = boom
			f.fail["abort"] = errors.New("abort failed too") // ignored: the first error matters
			err := newPutter(f, testConfig).Put(context.Background(), "k/a.ts", bytes.NewReader(data(c.n)), int64(c.n), "")
			for _, p := range f.problems {
				t.Error(p)
			}
			if got := fmt.Sprint(f.calls); got != c.wantCalls {
				t.Errorf("calls %s, want %s", got, c.wantCalls)
			}
			if se := storageError(t, err); se.Code != mapped || se.Op != storage.OpPut || se.Key != "k/a.ts" || !errors.Is(err, boom) {
				t.Errorf("error %+v, want ToError's of %v", se, boom)
			}
			if len(f.objects) != 0 {
				t.Error("a failed Put stored an object")
			}
		})
	}
}

func TestPutBeforeAnyRequest(t *testing.T) {
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	cases := []struct {
		name     string
		ctx      context.Context
		key      string
		cfg      objstore.Config
		wantCode string
	}{
		{"invalid key", context.Background(), "../a.ts", testConfig, storage.CodeInvalidKey},
		{"empty key", context.Background(), "", testConfig, storage.CodeInvalidKey},
		{"cancelled", cancelled, "k/a.ts", testConfig, storage.CodeCanceled},
		{"no part size", context.Background(), "k/a.ts", objstore.Config{MultipartThreshold: 8, MaxParts: 1, Timeout: time.Second}, storage.CodeInternal},
		{"no timeout", context.Background(), "k/a.ts", objstore.Config{PartSize: 4, MultipartThreshold: 8, MaxParts: 1}, storage.CodeInternal},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFake()
			err := newPutter(f, c.cfg).Put(c.ctx, c.key, bytes.NewReader(data(3)), 3, "")
			if se := storageError(t, err); se.Code != c.wantCode || se.Op != storage.OpPut || se.Key != c.key {
				t.Errorf("error %+v, want %s", se, c.wantCode)
			}
			if len(f.calls) != 0 {
				t.Errorf("requests made: %v", f.calls)
			}
		})
	}
}

// TestPutRequestContexts checks the content type handed on and that every
// request but Abort is bounded by Config.Timeout.
func TestPutRequestContexts(t *testing.T) {
	for _, n := range []int{5, 10} {
		f := newFake()
		cfg := testConfig
		cfg.Timeout = time.Hour
		if err := newPutter(f, cfg).Put(context.Background(), "k/a.m3u8", bytes.NewReader(data(n)), int64(n), ""); err != nil {
			t.Fatal(err)
		}
		if got := f.types["k/a.m3u8"]; got != "application/vnd.apple.mpegurl" {
			t.Errorf("%d bytes: content type %q, want the key's", n, got)
		}
		for call, d := range f.deadlines {
			if d <= cfg.Timeout-time.Minute || d > cfg.Timeout {
				t.Errorf("%d bytes: %s had %v left, want about %v", n, call, d, cfg.Timeout)
			}
		}
	}
	f := newFake()
	if err := newPutter(f, testConfig).Put(context.Background(), "k/a.bin", bytes.NewReader(data(10)), 10, "application/x-test"); err != nil {
		t.Fatal(err)
	}
	if got := f.types["k/a.bin"]; got != "application/x-test" {
		t.Errorf("content type %q, want the caller's", got)
	}
}

func TestPartSizeFor(t *testing.T) {
	for _, ps := range []int64{1 << 20, 5 << 20} { // COS's and S3's MinPartSize
		const maxParts = 10000
		c := objstore.Config{PartSize: ps, MaxParts: maxParts}
		cases := []struct{ size, want int64 }{
			{-1, ps},
			{0, ps},
			{ps * maxParts, ps},
			{ps*maxParts + 1, ps + 1<<20}, // next whole MiB
			{50 << 30, ((50<<30+maxParts-1)/maxParts + 1<<20 - 1) >> 20 << 20}, // 50 GiB
		}
		for _, tc := range cases {
			got := c.PartSizeFor(tc.size)
			if got != tc.want || got%(1<<20) != 0 || tc.size > 0 && (tc.size+got-1)/got > maxParts {
				t.Errorf("PartSize %d: PartSizeFor(%d) = %d, want %d (whole MiB, at most %d parts)", ps, tc.size, got, tc.want, maxParts)
			}
		}
	}
}
