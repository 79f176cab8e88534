package tc3_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/roomrec/roomrec/errcode"
	"github.com/roomrec/roomrec/internal/tc3"
)

const (
	testID  = "AKIDtest"
	testKey = "test-secret-key"
)

var testNow = time.Date(2026, 3, 1, 23, 59, 50, 0, time.UTC)

func lookup(id string) (string, bool) { return testKey, id == testID }

// signed returns a request to a vod server signed by Sign with the test key.
func signed(t *testing.T, body string, at time.Time) *http.Request {
	t.Helper()
	r, err := http.NewRequest(http.MethodPost, "http://127.0.0.1:9000/", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("X-TC-Action", "ApplyUpload")
	tc3.Sign(r, []byte(body), "vod", testID, testKey, at)
	return r
}

// TestVerify runs Sign's output, and spoiled copies of it, through Verify.
func TestVerify(t *testing.T) {
	body := `{"MediaType":"mp4"}`
	v := tc3.Verifier{Service: "vod", SecretKey: lookup, MaxSkew: 5 * time.Minute}
	cases := []struct {
		name   string
		at     time.Time // signing time; zero = testNow
		body   string    // the body the server sees; "" = body
		tamper func(r *http.Request)
		v      func(v *tc3.Verifier)
		want   errcode.Code // "" = accepted
	}{
		{name: "valid"},
		{name: "300 s behind", at: testNow.Add(-300 * time.Second)},
		{name: "300 s ahead (next UTC day)", at: testNow.Add(300 * time.Second)},
		{name: "301 s behind", at: testNow.Add(-301 * time.Second), want: tc3.CodeSignatureExpire},
		{name: "301 s ahead", at: testNow.Add(301 * time.Second), want: tc3.CodeSignatureExpire},
		{name: "no Authorization", tamper: func(r *http.Request) { r.Header.Del("Authorization") }, want: tc3.CodeSignatureFailure},
		{name: "other scheme", tamper: func(r *http.Request) { r.Header.Set("Authorization", "Bearer x") }, want: tc3.CodeInvalidAuthorization},
		{name: "bad timestamp", tamper: func(r *http.Request) { r.Header.Set("X-TC-Timestamp", "soon") }, want: tc3.CodeInvalidAuthorization},
		{name: "timestamp changed", tamper: func(r *http.Request) {
			r.Header.Set("X-TC-Timestamp", strconv.FormatInt(testNow.Unix()-1, 10))
		}, want: tc3.CodeSignatureFailure},
		{name: "action changed", tamper: func(r *http.Request) { r.Header.Set("X-TC-Action", "CommitUpload") }, want: tc3.CodeSignatureFailure},
		{name: "content type changed", tamper: func(r *http.Request) { r.Header.Set("Content-Type", "text/plain") }, want: tc3.CodeSignatureFailure},
		{name: "host changed", tamper: func(r *http.Request) { r.Host = "127.0.0.1:9001" }, want: tc3.CodeSignatureFailure},
		{name: "body changed", body: `{"MediaType":"mp3"}`, want: tc3.CodeSignatureFailure},
		{name: "unknown SecretId", v: func(v *tc3.Verifier) {
			v.SecretKey = func(string) (string, bool) { return "", false }
		}, want: tc3.CodeSecretIDNotFound},
		{name: "other key", v: func(v *tc3.Verifier) {
			v.SecretKey = func(string) (string, bool) { return "other", true }
		}, want: tc3.CodeSignatureFailure},
		{name: "other service", v: func(v *tc3.Verifier) { v.Service = "trtc" }, want: tc3.CodeSignatureFailure},
		{name: "unsigned payload refused", tamper: func(r *http.Request) { r.Header.Set("X-TC-Content-SHA256", tc3.UnsignedPayload) }, want: tc3.CodeSignatureFailure},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			at := c.at
			if at.IsZero() {
				at = testNow
			}
			r := signed(t, body, at)
			r.Host = r.URL.Host // as a server sees it
			if c.tamper != nil {
				c.tamper(r)
			}
			vv := v
			if c.v != nil {
				c.v(&vv)
			}
			seen := body
			if c.body != "" {
				seen = c.body
			}
			err := vv.Verify(r, []byte(seen), testNow)
			if got := errcode.CodeOf(err); got != c.want {
				t.Fatalf("Verify = %v, want code %q", err, c.want)
			}
			if err != nil && !errorsIsAuth(err) {
				t.Fatalf("%v is not of class AuthFailure", err)
			}
		})
	}
}

func errorsIsAuth(err error) bool { return errcode.CodeOf(err).Class() == errcode.AuthFailure }

// TestVerifyUnsignedAllowed accepts an unsigned payload when allowed,
// whatever the body.
func TestVerifyUnsignedAllowed(t *testing.T) {
	r, err := http.NewRequest(http.MethodPost, "http://127.0.0.1:9000/", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("X-TC-Content-SHA256", tc3.UnsignedPayload)
	// Sign over the hash of "UNSIGNED-PAYLOAD", as such a client does.
	tc3.Sign(r, []byte(tc3.UnsignedPayload), "vod", testID, testKey, testNow)
	v := tc3.Verifier{Service: "vod", SecretKey: lookup, AllowUnsigned: true, MaxSkew: time.Minute}
	if err := v.Verify(r, []byte(`{"anything":1}`), testNow); err != nil {
		t.Fatalf("Verify = %v", err)
	}
}
