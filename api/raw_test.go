package api_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/roomrec/roomrec/api"
)

// rawRequest is a request built by hand, for what the SDK cannot send
// (malformed bodies and headers, chosen timestamps). Its TC3 signature is
// computed by sign below, which TestSignerMatchesSDK checks against the
// official SDK's.
type rawRequest struct {
	method      string // default POST
	contentType string // default application/json
	action      string // default DescribeCloudRecording
	body        []byte // default a valid Describe body
	ts          int64  // default the server's clock
	service     string // of the credential scope; default trtc
	date        string // of the credential scope; default the UTC date of ts
	signed      []string
	unsigned    bool // X-TC-Content-SHA256: UNSIGNED-PAYLOAD
	auth        *string
	tamper      func(*http.Request) // after signing
}

// sign returns the TC3-HMAC-SHA256 Authorization of a POST, computed the
// way the signature method v3 documentation describes it.
func sign(secretID, secretKey, service, date string, ts int64, headers map[string]string, signed []string, payload []byte) string {
	hash := func(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }
	mac := func(key []byte, s string) []byte {
		m := hmac.New(sha256.New, key)
		m.Write([]byte(s))
		return m.Sum(nil)
	}
	var canon strings.Builder
	canon.WriteString("POST\n/\n\n")
	for _, h := range signed {
		fmt.Fprintf(&canon, "%s:%s\n", h, strings.ToLower(strings.TrimSpace(headers[h])))
	}
	fmt.Fprintf(&canon, "\n%s\n%s", strings.Join(signed, ";"), hash(payload))
	scope := date + "/" + service + "/tc3_request"
	toSign := "TC3-HMAC-SHA256\n" + strconv.FormatInt(ts, 10) + "\n" + scope + "\n" + hash([]byte(canon.String()))
	key := mac(mac(mac([]byte("TC3"+secretKey), date), service), "tc3_request")
	return fmt.Sprintf("TC3-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, Signature=%s",
		secretID, scope, strings.Join(signed, ";"), hex.EncodeToString(mac(key, toSign)))
}

// withDefaults fills the fields left zero: a valid signed Describe call at
// the server's time.
func (r rawRequest) withDefaults(now int64) rawRequest {
	def := func(s *string, v string) {
		if *s == "" {
			*s = v
		}
	}
	def(&r.method, http.MethodPost)
	def(&r.contentType, "application/json")
	def(&r.action, "DescribeCloudRecording")
	def(&r.service, "trtc")
	if r.body == nil {
		r.body = []byte(`{"SdkAppId":1400123456,"TaskId":"none"}`)
	}
	if r.ts == 0 {
		r.ts = now
	}
	def(&r.date, time.Unix(r.ts, 0).UTC().Format(time.DateOnly))
	if r.signed == nil {
		r.signed = []string{"content-type", "host"}
	}
	return r
}

// raw sends r and returns the answer's Response object.
func (e *env) raw(r rawRequest) map[string]any {
	e.t.Helper()
	r = r.withDefaults(e.clk.Now().Unix())
	req, err := http.NewRequest(r.method, e.srv.URL, bytes.NewReader(r.body))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", r.contentType)
	req.Header.Set("X-TC-Action", r.action)
	req.Header.Set("X-TC-Version", Version)
	req.Header.Set("X-TC-Timestamp", strconv.FormatInt(r.ts, 10))
	req.Header.Set("X-TC-Region", "ap-guangzhou")
	headers := map[string]string{"content-type": r.contentType, "host": req.URL.Host, "x-tc-action": r.action}
	payload := r.body
	if r.unsigned {
		req.Header.Set("X-TC-Content-SHA256", "UNSIGNED-PAYLOAD")
		payload = []byte("UNSIGNED-PAYLOAD")
	}
	auth := sign(testID, testKey, r.service, r.date, r.ts, headers, r.signed, payload)
	if r.auth != nil {
		auth = *r.auth
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	if r.tamper != nil {
		r.tamper(req)
	}
	resp, err := (&http.Client{Transport: e.tr}).Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/json" {
		e.t.Fatalf("answer %s with Content-Type %q, want 200 and application/json", resp.Status, resp.Header.Get("Content-Type"))
	}
	var body struct{ Response map[string]any }
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		e.t.Fatal(err)
	}
	if id, _ := body.Response["RequestId"].(string); !uuidRE.MatchString(id) {
		e.t.Errorf("RequestId %q is not a UUID", id)
	}
	return body.Response
}

// errCode returns Response.Error.Code, or "" for a success.
func errCode(resp map[string]any) string {
	e, _ := resp["Error"].(map[string]any)
	code, _ := e["Code"].(string)
	return code
}

// capture is a RoundTripper that keeps the last request it forwards.
type capture struct {
	next http.RoundTripper
	mu   sync.Mutex
	req  *http.Request
	body []byte
}

func (c *capture) RoundTrip(r *http.Request) (*http.Response, error) {
	b, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.req, c.body = r, b
	c.mu.Unlock()
	r2 := r.Clone(r.Context())
	r2.Body = io.NopCloser(bytes.NewReader(b))
	return c.next.RoundTrip(r2)
}

// TestSignerMatchesSDK checks the tests' own signer against a request the
// official SDK signed, so that the hand-made requests below are signed
// right.
func TestSignerMatchesSDK(t *testing.T) {
	e := newEnv(t, envOptions{})
	c := &capture{next: e.tr}
	client := e.client(testID, testKey)
	client.WithHttpTransport(c)
	if _, err := callWith(client, Version, "CreateCloudRecording", createParams(nil)); err != nil {
		t.Fatal(err)
	}
	c.mu.Lock()
	req, body := c.req, c.body
	c.mu.Unlock()
	ts, err := strconv.ParseInt(req.Header.Get("X-TC-Timestamp"), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	headers := map[string]string{"content-type": req.Header.Get("Content-Type"), "host": req.Host}
	got := sign(testID, testKey, "trtc", time.Unix(ts, 0).UTC().Format(time.DateOnly), ts, headers, []string{"content-type", "host"}, body)
	if want := req.Header.Get("Authorization"); got != want {
		t.Fatalf("signer:\n %s\nSDK:\n %s", got, want)
	}
}

// TestRawRequests covers the protocol, signature and body errors the SDK
// never produces.
func TestRawRequests(t *testing.T) {
	e := newEnv(t, envOptions{})
	now := e.clk.Now().Unix()
	str := func(s string) *string { return &s }
	cases := []struct {
		name string
		req  rawRequest
		want string // "" = accepted (the task does not exist)
	}{
		{"valid", rawRequest{}, "FailedOperation.TaskNotExist"},
		{"extra signed header", rawRequest{signed: []string{"content-type", "host", "x-tc-action"}}, "FailedOperation.TaskNotExist"},
		{"charset in content type", rawRequest{contentType: "application/json; charset=utf-8"}, "FailedOperation.TaskNotExist"},
		{"timestamp 300 s behind", rawRequest{ts: now - 300}, "FailedOperation.TaskNotExist"},
		{"timestamp 300 s ahead", rawRequest{ts: now + 300}, "FailedOperation.TaskNotExist"},
		{"timestamp 301 s behind", rawRequest{ts: now - 301}, "AuthFailure.SignatureExpire"},
		{"timestamp 301 s ahead", rawRequest{ts: now + 301}, "AuthFailure.SignatureExpire"},
		{"GET", rawRequest{method: http.MethodGet}, "UnsupportedProtocol"},
		{"PUT", rawRequest{method: http.MethodPut}, "UnsupportedProtocol"},
		{"form body", rawRequest{contentType: "application/x-www-form-urlencoded"}, "UnsupportedProtocol"},
		{"no content type", rawRequest{tamper: func(r *http.Request) { r.Header.Del("Content-Type") }}, "UnsupportedProtocol"},
		{"not signed", rawRequest{auth: str("")}, "AuthFailure.SignatureFailure"},
		{"other scheme", rawRequest{auth: str("Bearer abc")}, "AuthFailure.InvalidAuthorization"},
		{"no signature", rawRequest{auth: str("TC3-HMAC-SHA256 Credential=" + testID + "/2020-01-01/trtc/tc3_request, SignedHeaders=content-type;host")}, "AuthFailure.InvalidAuthorization"},
		{"short credential", rawRequest{auth: str("TC3-HMAC-SHA256 Credential=" + testID + ", SignedHeaders=content-type;host, Signature=00")}, "AuthFailure.InvalidAuthorization"},
		{"host not signed", rawRequest{signed: []string{"content-type"}}, "AuthFailure.InvalidAuthorization"},
		{"unsorted signed headers", rawRequest{signed: []string{"host", "content-type"}}, "AuthFailure.InvalidAuthorization"},
		{"bad timestamp", rawRequest{tamper: func(r *http.Request) { r.Header.Set("X-TC-Timestamp", "soon") }}, "AuthFailure.InvalidAuthorization"},
		{"other service", rawRequest{service: "cvm"}, "AuthFailure.SignatureFailure"},
		{"other date", rawRequest{date: "2001-01-01"}, "AuthFailure.SignatureFailure"},
		{"timestamp changed", rawRequest{tamper: func(r *http.Request) { r.Header.Set("X-TC-Timestamp", strconv.FormatInt(now-1, 10)) }}, "AuthFailure.SignatureFailure"},
		{"body changed", rawRequest{tamper: func(r *http.Request) {
			b := []byte(`{"SdkAppId":1400123456,"TaskId":"nonf"}`)
			r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(b)), int64(len(b))
		}}, "AuthFailure.SignatureFailure"},
		{"unsigned payload", rawRequest{unsigned: true}, "AuthFailure.SignatureFailure"},
		{"too large", rawRequest{body: bytes.Repeat([]byte(" "), api.MaxBodySize+1)}, "RequestSizeLimitExceeded"},
		{"not JSON", rawRequest{body: []byte(`{"SdkAppId":`)}, "InvalidParameter"},
		{"empty body", rawRequest{body: []byte{}}, "InvalidParameter"},
		{"array", rawRequest{body: []byte(`[1]`)}, "InvalidParameter"},
		{"trailing data", rawRequest{body: []byte(`{"SdkAppId":1400123456,"TaskId":"x"} {}`)}, "InvalidParameter"},
		{"no action", rawRequest{action: " "}, "InvalidAction"},
		{"version missing", rawRequest{tamper: func(r *http.Request) { r.Header.Del("X-TC-Version") }}, "NoSuchVersion"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := errCode(e.raw(c.req)); got != c.want {
				t.Errorf("code %q, want %q", got, c.want)
			}
		})
	}
}

// TestUnsignedPayloadAllowed accepts UNSIGNED-PAYLOAD when configured.
func TestUnsignedPayloadAllowed(t *testing.T) {
	e := newEnv(t, envOptions{api: func(c *api.Config) { c.AllowUnsignedPayload = true }})
	if got := errCode(e.raw(rawRequest{unsigned: true})); got != "FailedOperation.TaskNotExist" {
		t.Errorf("code %q, want the call to reach the recorder", got)
	}
}
