package cos_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/roomrec/roomrec/storage"
	"github.com/roomrec/roomrec/storage/cos"
	"github.com/roomrec/roomrec/storage/cos/costest"
	"github.com/roomrec/roomrec/storage/internal/objstore/objstoretest"
	"github.com/roomrec/roomrec/storage/storagetest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const (
	bucket   = "records-1250000000"
	region   = "ap-guangzhou"
	secretID = "AKIDroomrecTEST"
	secret   = "roomrec-test-secret-key"
)

// newServer starts a fake COS bucket that the test closes.
func newServer(t *testing.T) *costest.Server {
	t.Helper()
	srv, err := costest.New(costest.Config{Bucket: bucket, Region: region, SecretID: secretID, SecretKey: secret})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := srv.Close(); err != nil {
			t.Errorf("closing the fake COS: %v", err)
		}
	})
	return srv
}

// newStorage returns a Storage on srv; edit changes the Config first.
func newStorage(t *testing.T, srv *costest.Server, edit func(*cos.Config)) *cos.Storage {
	t.Helper()
	cfg := cos.Config{Bucket: bucket, Region: region, BaseURL: srv.URL(), SecretID: secretID, SecretKey: secret,
		HTTPClient: srv.Client()}
	if edit != nil {
		edit(&cfg)
	}
	st, err := cos.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// checkNoUploads fails when a multipart upload was left open.
func checkNoUploads(t *testing.T, srv *costest.Server) {
	t.Helper()
	t.Cleanup(func() {
		if n := srv.Uploads(); n != 0 {
			t.Errorf("%d multipart uploads left open (not aborted)", n)
		}
	})
}

func TestConformance(t *testing.T) {
	storagetest.Run(t, func(t *testing.T) storage.Storage {
		srv := newServer(t)
		checkNoUploads(t, srv)
		return newStorage(t, srv, nil)
	})
}

// TestConformanceMultipart runs the suite with 1 MiB parts, so every Put of
// 1 MiB or more, and every one of unknown size beyond 1 MiB, is a
// multipart upload (failures and cancellations mid-upload included).
func TestConformanceMultipart(t *testing.T) {
	storagetest.Run(t, func(t *testing.T) storage.Storage {
		srv := newServer(t)
		checkNoUploads(t, srv)
		return newStorage(t, srv, func(c *cos.Config) { c.PartSize, c.MultipartThreshold = cos.MinPartSize, cos.MinPartSize })
	})
}

// TestBucketHost talks to the bucket's real host name
// (<bucket>.cos.<region>.myqcloud.com, connected to the fake), which the
// fake checks.
func TestBucketHost(t *testing.T) {
	srv := newServer(t)
	st := newStorage(t, srv, func(c *cos.Config) { c.BaseURL = srv.BucketURL() })
	ctx := context.Background()
	want := []byte("#EXTM3U\n")
	if err := st.Put(ctx, "h/a.m3u8", bytes.NewReader(want), int64(len(want)), ""); err != nil {
		t.Fatal(err)
	}
	if objs, err := st.List(ctx, "h/"); err != nil || len(objs) != 1 || objs[0].Key != "h/a.m3u8" {
		t.Fatalf("List = %+v, %v", objs, err)
	}
	if o, err := st.Stat(ctx, "h/a.m3u8"); err != nil || o.ContentType != "application/vnd.apple.mpegurl" {
		t.Fatalf("Stat = %+v, %v; want the type of the key's extension", o, err)
	}
	if got, _, _ := srv.Object("h/a.m3u8"); !bytes.Equal(got, want) {
		t.Fatalf("stored %q", got)
	}
}

func TestMultipartLarge(t *testing.T) {
	srv := newServer(t)
	checkNoUploads(t, srv)
	st := newStorage(t, srv, func(c *cos.Config) { c.PartSize, c.MultipartThreshold = 5<<20, 5<<20 })
	objstoretest.RoundTripLarge(t, st, objstoretest.RandomBytes(12<<20, 42))
	parts := 0
	for _, r := range srv.Requests() {
		switch r.Op {
		case costest.OpUploadPart:
			parts++
		case costest.OpPutObject:
			t.Errorf("a 12 MiB Put used a single PUT")
		}
	}
	if parts != 6 { // 5+5+2 MiB, twice
		t.Errorf("%d parts uploaded, want 6", parts)
	}
}

func TestWrongCredentials(t *testing.T) {
	srv := newServer(t)
	cases := []struct {
		name     string
		edit     func(*cos.Config)
		wantCode string
	}{
		{"wrong secret key", func(c *cos.Config) { c.SecretKey = "not-the-key" }, "SignatureDoesNotMatch"},
		{"unknown secret id", func(c *cos.Config) { c.SecretID = "AKIDunknown" }, "InvalidAccessKeyId"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st := newStorage(t, srv, c.edit)
			objstoretest.CheckRefused(t, st, c.wantCode)
		})
	}
	if keys := srv.Keys(); len(keys) != 0 {
		t.Errorf("objects stored with wrong credentials: %q", keys)
	}
}

func TestServerErrorsAreRetryable(t *testing.T) {
	srv := newServer(t)
	checkNoUploads(t, srv)
	st := newStorage(t, srv, func(c *cos.Config) { c.PartSize, c.MultipartThreshold = cos.MinPartSize, cos.MinPartSize })
	var calls atomic.Int64
	srv.SetFault(func(r costest.Request) costest.Fault {
		calls.Add(1)
		return costest.Fault{Status: http.StatusInternalServerError, Code: "InternalError", Message: "we broke"}
	})
	ctx := context.Background()
	checks := []struct {
		name string
		err  func() error
	}{
		{"Put", func() error { return st.Put(ctx, "a.ts", bytes.NewReader([]byte("x")), 1, "") }},
		{"Get", func() error { _, err := st.Get(ctx, "a.ts"); return err }},
		{"Stat", func() error { _, err := st.Stat(ctx, "a.ts"); return err }},
		{"List", func() error { _, err := st.List(ctx, "a"); return err }},
	}
	for _, c := range checks {
		se := objstoretest.StorageError(t, c.err())
		if !se.Retryable || se.Code != "InternalError" {
			t.Errorf("%s error = %+v, want retryable InternalError", c.name, se)
		}
		if c.name != "Stat" && se.Message != "we broke" {
			t.Errorf("%s message = %q, want COS's", c.name, se.Message)
		}
	}
	if n := calls.Load(); n != int64(len(checks)) {
		t.Errorf("%d requests for %d calls: the SDK retried by itself", n, len(checks))
	}
	// A part failing mid-upload aborts the upload and stores nothing.
	srv.SetFault(func(r costest.Request) costest.Fault {
		if r.Op == costest.OpUploadPart && r.PartNumber == 2 {
			return costest.Fault{Status: http.StatusServiceUnavailable}
		}
		return costest.Fault{}
	})
	err := st.Put(ctx, "m.ts", bytes.NewReader(objstoretest.RandomBytes(3<<20, 1)), 3<<20, "")
	if se := objstoretest.StorageError(t, err); !se.Retryable || se.Code != "ServiceUnavailable" {
		t.Errorf("Put with a failing part: %+v, want retryable ServiceUnavailable", se)
	}
	if keys := srv.Keys(); len(keys) != 0 {
		t.Errorf("objects after failed Puts: %q", keys)
	}
}

func TestNetworkFaults(t *testing.T) {
	srv := newServer(t)
	checkNoUploads(t, srv)
	ctx := context.Background()
	st := newStorage(t, srv, nil)
	srv.SetFault(func(r costest.Request) costest.Fault { return costest.Fault{Drop: true} })
	err := st.Put(ctx, "a.ts", bytes.NewReader([]byte("abc")), 3, "")
	if se := objstoretest.StorageError(t, err); !se.Retryable || se.Code != cos.CodeNetworkError {
		t.Errorf("dropped connection: %+v, want retryable %s", se, cos.CodeNetworkError)
	}
	st = newStorage(t, srv, func(c *cos.Config) { c.Timeout = 50 * time.Millisecond })
	srv.SetFault(func(r costest.Request) costest.Fault { return costest.Fault{Hang: true} })
	objstoretest.CheckHung(t, st, cos.CodeRequestTimeout)
	srv.SetFault(nil)
	if keys := srv.Keys(); len(keys) != 0 {
		t.Errorf("objects after failed Puts: %q", keys)
	}
}

func TestPutSizeChecks(t *testing.T) {
	srv := newServer(t)
	checkNoUploads(t, srv)
	st := newStorage(t, srv, func(c *cos.Config) { c.PartSize, c.MultipartThreshold = cos.MinPartSize, 2*cos.MinPartSize })
	data := objstoretest.RandomBytes(3*cos.MinPartSize, 5)
	cases := []struct {
		name     string
		n, size  int
		wantCode string
		wantOps  []costest.Op // requests made; nil: not checked
	}{
		// A single PUT may reach the server with a body cut short (which it
		// refuses) or not at all: nil skips the request check.
		{"single, one byte too many", 1000, 999, storage.CodeSizeMismatch, nil},
		{"single, short", 1000, 1001, storage.CodeSizeMismatch, nil},
		{"empty declared, one byte", 1, 0, storage.CodeSizeMismatch, []costest.Op{}},
		{"multipart, one byte too many", 2*cos.MinPartSize + 1, 2 * cos.MinPartSize, storage.CodeSizeMismatch,
			[]costest.Op{costest.OpInitiate, costest.OpUploadPart, costest.OpAbort}},
		{"multipart, short", 2*cos.MinPartSize + 5, 3 * cos.MinPartSize, storage.CodeSizeMismatch,
			[]costest.Op{costest.OpInitiate, costest.OpUploadPart, costest.OpUploadPart, costest.OpAbort}},
		{"unknown size within one part", 1000, -1, "", []costest.Op{costest.OpPutObject}},
		{"unknown size on a part boundary", 2 * cos.MinPartSize, -1, "",
			[]costest.Op{costest.OpInitiate, costest.OpUploadPart, costest.OpUploadPart, costest.OpComplete}},
		{"known size on a part boundary", 2 * cos.MinPartSize, 2 * cos.MinPartSize, "",
			[]costest.Op{costest.OpInitiate, costest.OpUploadPart, costest.OpUploadPart, costest.OpComplete}},
		{"known size, empty", 0, 0, "", []costest.Op{costest.OpPutObject}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			key := "size/" + c.name
			err := st.Put(context.Background(), key, struct{ io.Reader }{bytes.NewReader(data[:c.n])}, int64(c.size), "")
			var ops []costest.Op
			for _, r := range srv.Requests() {
				if r.Key == key {
					ops = append(ops, r.Op)
				}
			}
			if c.wantOps != nil && fmt.Sprint(ops) != fmt.Sprint(c.wantOps) {
				t.Errorf("requests %v, want %v", ops, c.wantOps)
			}
			if c.wantCode == "" {
				if err != nil {
					t.Fatal(err)
				}
				if got, _, _ := srv.Object(key); !bytes.Equal(got, data[:c.n]) {
					t.Errorf("stored %d bytes, want the %d put", len(got), c.n)
				}
				return
			}
			if se := objstoretest.StorageError(t, err); se.Code != c.wantCode || se.Retryable {
				t.Errorf("Put error = %+v, want %s", se, c.wantCode)
			}
			if _, _, ok := srv.Object(key); ok {
				t.Error("a failed Put stored an object")
			}
		})
	}
}
