package costest_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	sdk "github.com/tencentyun/cos-go-sdk-v5"
	"go.uber.org/goleak"

	"github.com/roomrec/roomrec/clock"
	"github.com/roomrec/roomrec/storage"
	"github.com/roomrec/roomrec/storage/cos"
	"github.com/roomrec/roomrec/storage/cos/costest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const (
	bucket   = "records-1250000000"
	region   = "ap-guangzhou"
	secretID = "AKIDfake"
	secret   = "fake-secret"
)

func start(t *testing.T, edit func(*costest.Config)) *costest.Server {
	t.Helper()
	cfg := costest.Config{Bucket: bucket, Region: region, SecretID: secretID, SecretKey: secret}
	if edit != nil {
		edit(&cfg)
	}
	srv, err := costest.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return srv
}

// tamper changes requests after the SDK has signed them.
type tamper struct {
	base http.RoundTripper
	edit func(*http.Request)
}

func (t tamper) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	t.edit(r)
	return t.base.RoundTrip(r)
}

func TestSignatureChecks(t *testing.T) {
	srv := start(t, nil)
	cases := []struct {
		name     string
		edit     func(*http.Request)
		cfg      func(*cos.Config)
		wantCode string // "" = success
	}{
		{"valid", func(*http.Request) {}, nil, ""},
		{"path changed", func(r *http.Request) { r.URL.Path += "x"; r.URL.RawPath = "" }, nil, "SignatureDoesNotMatch"},
		{"content type changed", func(r *http.Request) { r.Header.Set("Content-Type", "text/plain") }, nil, "SignatureDoesNotMatch"},
		{"unsigned x-cos header", func(r *http.Request) { r.Header.Set("x-cos-meta-a", "1") }, nil, "AccessDenied"},
		{"unsigned parameter", func(r *http.Request) { r.URL.RawQuery = "versionId=1" }, nil, "AccessDenied"},
		{"no authorization", func(r *http.Request) { r.Header.Del("Authorization") }, nil, "AccessDenied"},
		{"signature changed", func(r *http.Request) {
			a := r.Header.Get("Authorization")
			r.Header.Set("Authorization", a[:len(a)-1]+string('0'+(a[len(a)-1]-'0'+1)%10))
		}, nil, "SignatureDoesNotMatch"},
		{"wrong secret key", func(*http.Request) {}, func(c *cos.Config) { c.SecretKey = "other" }, "SignatureDoesNotMatch"},
		{"unknown secret id", func(*http.Request) {}, func(c *cos.Config) { c.SecretID = "other" }, "InvalidAccessKeyId"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := cos.Config{Bucket: bucket, Region: region, BaseURL: srv.URL(), SecretID: secretID, SecretKey: secret,
				HTTPClient: &http.Client{Transport: tamper{base: srv.Client().Transport, edit: c.edit}}}
			if c.cfg != nil {
				c.cfg(&cfg)
			}
			st, err := cos.New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			err = st.Put(context.Background(), "sig/"+strings.ReplaceAll(c.name, " ", "_")+".ts", strings.NewReader("data"), 4, "video/mp2t")
			var se *storage.Error
			switch {
			case c.wantCode == "" && err != nil:
				t.Fatalf("Put: %v", err)
			case c.wantCode != "" && (!errors.As(err, &se) || se.Code != c.wantCode || se.Retryable):
				t.Fatalf("Put error = %v, want a non-retryable %s", err, c.wantCode)
			}
		})
	}
	if keys := srv.Keys(); len(keys) != 1 || keys[0] != "sig/valid.ts" {
		t.Errorf("stored %q, want only the validly signed object", keys)
	}
}

func TestTimeWindowAndToken(t *testing.T) {
	later := func() time.Time { return time.Now().Add(2 * time.Hour) }
	cases := []struct {
		name     string
		srv      func(*costest.Config)
		token    string
		wantCode string
	}{
		{"server clock past the window", func(c *costest.Config) { c.Now = later }, "", "RequestTimeTooSkewed"},
		{"token required, none sent", func(c *costest.Config) { c.SessionToken = "tok" }, "", "InvalidAccessKeyId"},
		{"token required, wrong one", func(c *costest.Config) { c.SessionToken = "tok" }, "bad", "InvalidAccessKeyId"},
		{"token required and sent", func(c *costest.Config) { c.SessionToken = "tok" }, "tok", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := start(t, c.srv)
			st, err := cos.New(cos.Config{Bucket: bucket, BaseURL: srv.URL(), SecretID: secretID, SecretKey: secret,
				SessionToken: c.token, HTTPClient: srv.Client()})
			if err != nil {
				t.Fatal(err)
			}
			_, err = st.List(context.Background(), "")
			var se *storage.Error
			if c.wantCode == "" && err != nil || c.wantCode != "" && (!errors.As(err, &se) || se.Code != c.wantCode) {
				t.Fatalf("List error = %v, want code %q", err, c.wantCode)
			}
		})
	}
}

func TestWrongBucketHost(t *testing.T) {
	srv := start(t, nil)
	st, err := cos.New(cos.Config{Bucket: "other-1250000000", Region: region, BaseURL: "http://other-1250000000.cos." + region + ".myqcloud.com",
		SecretID: secretID, SecretKey: secret, HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	_, err = st.List(context.Background(), "")
	var se *storage.Error
	if !errors.As(err, &se) || se.Code != "NoSuchBucket" || se.Retryable {
		t.Fatalf("List on another bucket: %v, want NoSuchBucket", err)
	}
}

// sdkClient returns the SDK's client on srv, for calls Storage never makes.
func sdkClient(t *testing.T, srv *costest.Server) *sdk.Client {
	t.Helper()
	u, err := sdk.NewBucketURL(bucket, region, false)
	if err != nil {
		t.Fatal(err)
	}
	u.Host = srv.URL()[len("http://"):]
	c := sdk.NewClient(&sdk.BaseURL{BucketURL: u}, &http.Client{Transport: &sdk.AuthorizationTransport{
		SecretID: secretID, SecretKey: secret, Transport: srv.Client().Transport}})
	c.Conf.RetryOpt.Count = 1
	return c
}

func cosCode(err error) string {
	var er *sdk.ErrorResponse
	if errors.As(err, &er) {
		return er.Code
	}
	return "no COS error: " + errors.Unwrap(err).Error()
}

func TestMultipartRules(t *testing.T) {
	srv := start(t, nil)
	c := sdkClient(t, srv)
	ctx := context.Background()
	up, _, err := c.Object.InitiateMultipartUpload(ctx, "mp/a.ts", nil)
	if err != nil {
		t.Fatal(err)
	}
	small := bytes.Repeat([]byte("s"), 10)
	big := bytes.Repeat([]byte("b"), 1<<20)
	etags := map[int]string{}
	for n, b := range map[int][]byte{1: big, 2: small, 3: small} {
		resp, err := c.Object.UploadPart(ctx, "mp/a.ts", up.UploadID, n, bytes.NewReader(b), nil)
		if err != nil {
			t.Fatal(err)
		}
		etags[n] = resp.Header.Get("ETag")
	}
	parts := func(nums ...int) *sdk.CompleteMultipartUploadOptions {
		o := &sdk.CompleteMultipartUploadOptions{}
		for _, n := range nums {
			o.Parts = append(o.Parts, sdk.Object{PartNumber: n, ETag: etags[n]})
		}
		return o
	}
	for _, c2 := range []struct {
		opt  *sdk.CompleteMultipartUploadOptions
		want string
	}{
		{parts(2, 3), "EntityTooSmall"},
		{parts(3, 1), "InvalidPartOrder"},
		{&sdk.CompleteMultipartUploadOptions{Parts: []sdk.Object{{PartNumber: 1, ETag: `"0"`}}}, "InvalidPart"},
		{parts(1, 4), "InvalidPart"},
	} {
		if _, _, err := c.Object.CompleteMultipartUpload(ctx, "mp/a.ts", up.UploadID, c2.opt); cosCode(err) != c2.want {
			t.Errorf("Complete(%v) error = %v, want %s", c2.opt.Parts, err, c2.want)
		}
	}
	if _, _, err := c.Object.CompleteMultipartUpload(ctx, "mp/other.ts", up.UploadID, parts(1)); cosCode(err) != "NoSuchUpload" {
		t.Errorf("Complete under another key: %v, want NoSuchUpload", err)
	}
	if _, _, err := c.Object.CompleteMultipartUpload(ctx, "mp/a.ts", up.UploadID, parts(1, 3)); err != nil {
		t.Fatalf("Complete(1, 3): %v", err)
	}
	if data, _, ok := srv.Object("mp/a.ts"); !ok || !bytes.Equal(data, append(append([]byte{}, big...), small...)) {
		t.Errorf("assembled object: %d bytes, %v", len(data), ok)
	}
	if _, err := c.Object.AbortMultipartUpload(ctx, "mp/a.ts", up.UploadID); cosCode(err) != "NoSuchUpload" {
		t.Errorf("Abort of a completed upload: %v, want NoSuchUpload", err)
	}
}

func TestOtherCalls(t *testing.T) {
	srv := start(t, nil)
	c := sdkClient(t, srv)
	ctx := context.Background()
	if _, err := c.Object.Put(ctx, "a.ts", strings.NewReader("a"), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Object.Delete(ctx, "a.ts"); err != nil {
		t.Fatal(err)
	}
	if _, _, ok := srv.Object("a.ts"); ok {
		t.Error("object still there after Delete")
	}
	if _, _, err := c.Service.Get(ctx); cosCode(err) != "NoSuchBucket" {
		t.Errorf("GET Service (not a bucket call): %v, want NoSuchBucket", err)
	}
	if _, _, err := c.Bucket.Get(ctx, &sdk.BucketGetOptions{Delimiter: "/"}); cosCode(err) != "NotImplemented" {
		t.Errorf("listing with a delimiter: %v, want NotImplemented", err)
	}
}

func TestListPages(t *testing.T) {
	srv := start(t, nil)
	c := sdkClient(t, srv)
	ctx := context.Background()
	for _, k := range []string{"p/a", "p/b", "p/c", "q/a"} {
		if _, err := c.Object.Put(ctx, k, strings.NewReader(k), nil); err != nil {
			t.Fatal(err)
		}
	}
	res, _, err := c.Bucket.Get(ctx, &sdk.BucketGetOptions{Prefix: "p/", MaxKeys: 2})
	if err != nil || !res.IsTruncated || len(res.Contents) != 2 || res.NextMarker != "p/b" {
		t.Fatalf("first page = %+v, %v", res, err)
	}
	res, _, err = c.Bucket.Get(ctx, &sdk.BucketGetOptions{Prefix: "p/", Marker: res.NextMarker, MaxKeys: 2})
	if err != nil || res.IsTruncated || len(res.Contents) != 1 || res.Contents[0].Key != "p/c" || res.Contents[0].Size != 3 {
		t.Fatalf("second page = %+v, %v", res, err)
	}
}

func TestFaultDelayOnFakeClock(t *testing.T) {
	clk := clock.NewFake(time.Now())
	srv := start(t, func(c *costest.Config) { c.Clock = clk })
	srv.SetFault(func(r costest.Request) costest.Fault {
		if r.Op == costest.OpPutObject {
			return costest.Fault{Delay: time.Minute}
		}
		return costest.Fault{}
	})
	st, err := cos.New(cos.Config{Bucket: bucket, BaseURL: srv.URL(), SecretID: secretID, SecretKey: secret, HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- st.Put(context.Background(), "slow.ts", strings.NewReader("x"), 1, "") }()
	if !clk.WaitForWaiters(1, nil) {
		t.Fatal("the delay never started")
	}
	select {
	case err := <-done:
		t.Fatalf("Put returned during the delay: %v", err)
	default:
	}
	clk.Advance(time.Minute)
	if err := <-done; err != nil {
		t.Fatalf("Put after the delay: %v", err)
	}
	log := srv.Requests()
	if len(log) != 1 || log[0].Op != costest.OpPutObject || log[0].Status != http.StatusOK || log[0].Key != "slow.ts" {
		t.Errorf("request log = %+v", log)
	}
}
