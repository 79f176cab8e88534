package s3_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"go.uber.org/goleak"

	"github.com/roomrec/roomrec/storage"
	"github.com/roomrec/roomrec/storage/internal/objstore/objstoretest"
	"github.com/roomrec/roomrec/storage/s3"
	"github.com/roomrec/roomrec/storage/s3/s3test"
	"github.com/roomrec/roomrec/storage/storagetest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// bucketer hands out fresh bucket names on one server.
type bucketer struct {
	srv *s3test.Server
	n   atomic.Int64
}

// newStorage creates a fresh bucket and returns a Storage on it; edit
// changes the Config first. The test fails if a multipart upload is left
// open in the bucket.
func (b *bucketer) newStorage(t *testing.T, edit func(*s3.Config)) *s3.Storage {
	t.Helper()
	bucket := fmt.Sprintf("b%03d", b.n.Add(1))
	if err := b.srv.CreateBucket(context.Background(), bucket); err != nil {
		t.Fatal(err)
	}
	cfg := b.srv.Config(bucket)
	if edit != nil {
		edit(&cfg)
	}
	st, err := s3.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { checkNoUploads(t, b.srv, bucket) })
	return st
}

func checkNoUploads(t *testing.T, srv *s3test.Server, bucket string) {
	t.Helper()
	c, err := srv.Client()
	if err != nil {
		t.Fatal(err)
	}
	res, err := (&minio.Core{Client: c}).ListMultipartUploads(context.Background(), bucket, "", "", "", "", 1000)
	if err != nil {
		t.Fatalf("listing multipart uploads: %v", err)
	}
	if len(res.Uploads) != 0 {
		t.Errorf("%d multipart uploads left open (not aborted): %+v", len(res.Uploads), res.Uploads)
	}
}

func TestS3(t *testing.T) {
	b := &bucketer{srv: s3test.Start(t)}
	t.Run("Conformance", func(t *testing.T) {
		storagetest.Run(t, func(t *testing.T) storage.Storage { return b.newStorage(t, nil) })
	})
	t.Run("ConformanceMultipart", func(t *testing.T) {
		storagetest.Run(t, func(t *testing.T) storage.Storage {
			return b.newStorage(t, func(c *s3.Config) { c.PartSize, c.MultipartThreshold = s3.MinPartSize, s3.MinPartSize })
		})
	})
	t.Run("MultipartLarge", func(t *testing.T) { testMultipartLarge(t, b) })
	t.Run("WrongCredentials", func(t *testing.T) { testWrongCredentials(t, b) })
	t.Run("MissingBucket", func(t *testing.T) { testMissingBucket(t, b) })
	t.Run("ServerErrors", func(t *testing.T) { testServerErrors(t, b) })
	t.Run("NetworkFaults", func(t *testing.T) { testNetworkFaults(t, b) })
	t.Run("SizeChecks", func(t *testing.T) { testSizeChecks(t, b) })
}

func testMultipartLarge(t *testing.T, b *bucketer) {
	st := b.newStorage(t, func(c *s3.Config) { c.PartSize, c.MultipartThreshold = 5<<20, 5<<20 })
	objstoretest.RoundTripLarge(t, st, objstoretest.RandomBytes(12<<20, 42))
}

func testWrongCredentials(t *testing.T, b *bucketer) {
	cases := []struct {
		name     string
		edit     func(*s3.Config)
		wantCode string
	}{
		{"wrong secret key", func(c *s3.Config) { c.SecretKey = "not-the-key" }, "SignatureDoesNotMatch"},
		// versitygw's code for an unknown key; AWS says InvalidAccessKeyId.
		{"unknown access key", func(c *s3.Config) { c.AccessKey = "nobody" }, "XAdminUserNotFound"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st := b.newStorage(t, c.edit)
			objstoretest.CheckRefused(t, st, c.wantCode)
		})
	}
}

func testMissingBucket(t *testing.T, b *bucketer) {
	cfg := b.srv.Config("no-such-bucket")
	st, err := s3.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	_, err = st.List(context.Background(), "")
	if se := objstoretest.StorageError(t, err); se.Code != "NoSuchBucket" || se.Retryable {
		t.Errorf("List on a missing bucket: %+v, want NoSuchBucket", se)
	}
	err = st.Put(context.Background(), "a.ts", strings.NewReader("x"), 1, "")
	if se := objstoretest.StorageError(t, err); se.Code != "NoSuchBucket" || se.Retryable {
		t.Errorf("Put to a missing bucket: %+v, want NoSuchBucket", se)
	}
}

// testServerErrors puts a proxy that answers 500 in front of versitygw.
func testServerErrors(t *testing.T, b *bucketer) {
	var calls atomic.Int64
	var failPart atomic.Bool
	proxy := s3test.NewProxy(t, b.srv.Endpoint, func(r *http.Request) *s3test.Fault {
		if failPart.Load() {
			if r.Method == http.MethodPut && r.URL.Query().Get("partNumber") == "2" {
				return &s3test.Fault{Status: http.StatusServiceUnavailable, Code: "SlowDown", Message: "reduce your request rate"}
			}
			return nil
		}
		calls.Add(1)
		return &s3test.Fault{Status: http.StatusInternalServerError, Code: "InternalError", Message: "we broke"}
	})
	st := b.newStorage(t, func(c *s3.Config) {
		c.Endpoint, c.PartSize, c.MultipartThreshold = proxy.Endpoint(), s3.MinPartSize, s3.MinPartSize
	})
	ctx := context.Background()
	checks := []struct {
		name string
		err  func() error
	}{
		{"Put", func() error { return st.Put(ctx, "a.ts", strings.NewReader("x"), 1, "") }},
		{"Get", func() error { _, err := st.Get(ctx, "a.ts"); return err }},
		{"Stat", func() error { _, err := st.Stat(ctx, "a.ts"); return err }},
		{"List", func() error { _, err := st.List(ctx, "a"); return err }},
	}
	for _, c := range checks {
		se := objstoretest.StorageError(t, c.err())
		if !se.Retryable || c.name != "Stat" && (se.Code != "InternalError" || se.Message != "we broke") {
			t.Errorf("%s error = %+v, want retryable InternalError", c.name, se)
		}
	}
	if n := calls.Load(); n != int64(len(checks)) {
		t.Errorf("%d requests for %d calls: minio-go retried by itself", n, len(checks))
	}
	// A part failing mid-upload aborts the upload and stores nothing.
	failPart.Store(true)
	err := st.Put(ctx, "m.ts", bytes.NewReader(objstoretest.RandomBytes(11<<20, 1)), 11<<20, "")
	if se := objstoretest.StorageError(t, err); !se.Retryable || se.Code != "SlowDown" {
		t.Errorf("Put with a failing part: %+v, want retryable SlowDown", se)
	}
	if objs, err := st.List(ctx, ""); err != nil || len(objs) != 0 {
		t.Errorf("after failed Puts List = %+v, %v; want nothing", objs, err)
	}
}

// TestNoServer checks the error of a server that is not there.
func TestNoServer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0") // a port nobody serves once closed
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	st, err := s3.New(s3.Config{Endpoint: addr, Bucket: "bkt", AccessKey: "a", SecretKey: "b", PathStyle: true})
	if err != nil {
		t.Fatal(err)
	}
	_, err = st.Stat(context.Background(), "a.ts")
	if se := objstoretest.StorageError(t, err); !se.Retryable || se.Code != s3.CodeNetworkError {
		t.Errorf("Stat with no server: %+v, want retryable %s", se, s3.CodeNetworkError)
	}
}

func testNetworkFaults(t *testing.T, b *bucketer) {
	var fault atomic.Pointer[s3test.Fault]
	proxy := s3test.NewProxy(t, b.srv.Endpoint, func(*http.Request) *s3test.Fault { return fault.Load() })
	ctx := context.Background()
	st := b.newStorage(t, func(c *s3.Config) { c.Endpoint = proxy.Endpoint() })
	fault.Store(&s3test.Fault{Drop: true})
	err := st.Put(ctx, "a.ts", strings.NewReader("abc"), 3, "")
	if se := objstoretest.StorageError(t, err); !se.Retryable || se.Code != s3.CodeNetworkError {
		t.Errorf("dropped connection: %+v, want retryable %s", se, s3.CodeNetworkError)
	}
	st = b.newStorage(t, func(c *s3.Config) { c.Endpoint, c.Timeout = proxy.Endpoint(), 50*time.Millisecond })
	fault.Store(&s3test.Fault{Hang: true})
	objstoretest.CheckHung(t, st, s3.CodeRequestTimeout)
	fault.Store(nil)
}

func testSizeChecks(t *testing.T, b *bucketer) {
	st := b.newStorage(t, func(c *s3.Config) { c.PartSize, c.MultipartThreshold = s3.MinPartSize, 2*s3.MinPartSize })
	data := objstoretest.RandomBytes(3*s3.MinPartSize, 5)
	cases := []struct {
		name     string
		n, size  int
		wantCode string
	}{
		{"single, one byte too many", 1000, 999, storage.CodeSizeMismatch},
		{"single, short", 1000, 1001, storage.CodeSizeMismatch},
		{"empty declared, one byte", 1, 0, storage.CodeSizeMismatch},
		{"multipart, one byte too many", 2*s3.MinPartSize + 1, 2 * s3.MinPartSize, storage.CodeSizeMismatch},
		{"multipart, short", 2*s3.MinPartSize + 5, 3 * s3.MinPartSize, storage.CodeSizeMismatch},
		{"unknown size on a part boundary", 2 * s3.MinPartSize, -1, ""},
		{"known size, empty", 0, 0, ""},
	}
	for i, c := range cases {
		key := fmt.Sprintf("size/%d.ts", i)
		err := st.Put(context.Background(), key, struct{ io.Reader }{bytes.NewReader(data[:c.n])}, int64(c.size), "")
		if c.wantCode == "" {
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			continue
		}
		if se := objstoretest.StorageError(t, err); se.Code != c.wantCode || se.Retryable {
			t.Errorf("%s: Put error = %+v, want %s", c.name, se, c.wantCode)
		}
		if _, err := st.Stat(context.Background(), key); !errors.Is(err, storage.ErrNotExist) {
			t.Errorf("%s: a failed Put left an object (Stat error %v)", c.name, err)
		}
	}
}
