package vodtest_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	tcerr "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/errors"
	tchttp "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/http"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/profile"
	"go.uber.org/goleak"

	"github.com/roomrec/roomrec/internal/tc3"
	"github.com/roomrec/roomrec/storage/cos"
	"github.com/roomrec/roomrec/vod/vodtest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const (
	testID  = "AKIDvodtest"
	testKey = "vodtest-key"
)

func newServer(t *testing.T) *vodtest.Server {
	t.Helper()
	s, err := vodtest.New(vodtest.Config{SecretID: testID, SecretKey: testKey})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return s
}

// sdkCall sends one action with the official SDK's common client, an
// independent TC3-HMAC-SHA256 signer.
func sdkCall(t *testing.T, s *vodtest.Server, key, action string, params map[string]any) (map[string]any, error) {
	t.Helper()
	prof := profile.NewClientProfile()
	prof.HttpProfile.Endpoint = strings.TrimPrefix(s.URL(), "http://")
	prof.HttpProfile.Scheme = "HTTP"
	c := common.NewCommonClient(common.NewCredential(testID, key), "ap-guangzhou", prof)
	c.WithHttpTransport(s.Client().Transport)
	req := tchttp.NewCommonRequest("vod", vodtest.APIVersion, action)
	if err := req.SetActionParameters(params); err != nil {
		t.Fatal(err)
	}
	resp := tchttp.NewCommonResponse()
	if err := c.Send(req, resp); err != nil {
		return nil, err
	}
	var body struct{ Response map[string]any }
	if err := json.Unmarshal(resp.GetBody(), &body); err != nil {
		t.Fatal(err)
	}
	return body.Response, nil
}

func sdkCode(err error) string {
	var e *tcerr.TencentCloudSDKError
	if errors.As(err, &e) {
		return e.GetCode()
	}
	return ""
}

// TestOfficialSDK: the server accepts the official SDK's signatures and
// answers what VOD answers; a wrong key is refused as VOD refuses it.
func TestOfficialSDK(t *testing.T) {
	s := newServer(t)
	r, err := sdkCall(t, s, testKey, "ApplyUpload", map[string]any{"MediaType": "mp4", "MediaName": "n", "SubAppId": 1500000001})
	if err != nil {
		t.Fatalf("ApplyUpload: %v", err)
	}
	cert, _ := r["TempCertificate"].(map[string]any)
	if r["StorageBucket"] != vodtest.DefaultBucket || r["StorageRegion"] != vodtest.DefaultRegion || r["VodSessionKey"] == "" ||
		!strings.HasPrefix(r["MediaStoragePath"].(string), "/") || cert["SecretId"] != vodtest.DefaultTempSecretID ||
		cert["Token"] != vodtest.DefaultTempToken || r["RequestId"] == "" {
		t.Fatalf("ApplyUpload answered %v", r)
	}
	session := r["VodSessionKey"]
	_, err = sdkCall(t, s, testKey, "CommitUpload", map[string]any{"VodSessionKey": session, "SubAppId": 1500000001})
	if sdkCode(err) != "FailedOperation.FileNotExist" {
		t.Fatalf("CommitUpload before the upload: %v", err)
	}
	_, err = sdkCall(t, s, "wrong-key", "ApplyUpload", map[string]any{"MediaType": "mp4"})
	if sdkCode(err) != "AuthFailure.SignatureFailure" {
		t.Fatalf("wrong key: %v", err)
	}
	if calls := s.Calls(); len(calls) != 3 || calls[0].Code != "" || calls[1].Code != "FailedOperation.FileNotExist" || calls[2].Action != "ApplyUpload" {
		t.Fatalf("calls %+v", calls)
	}
}

// raw sends a POST signed with internal/tc3 and returns the error code
// answered ("" for success) and the Response.
func raw(t *testing.T, s *vodtest.Server, mod func(r *http.Request), action, body string) (string, map[string]any) {
	t.Helper()
	r, err := http.NewRequest(http.MethodPost, s.URL()+"/", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("X-TC-Action", action)
	r.Header.Set("X-TC-Version", vodtest.APIVersion)
	r.Header.Set("X-TC-Region", "ap-guangzhou")
	if mod != nil {
		mod(r)
	}
	tc3.Sign(r, []byte(body), "vod", testID, testKey, time.Now())
	resp, err := s.Client().Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Response map[string]any
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("HTTP %d: %v", resp.StatusCode, err)
	}
	e, _ := out.Response["Error"].(map[string]any)
	code, _ := e["Code"].(string)
	return code, out.Response
}

// TestProtocol covers the requests a client must get right.
func TestProtocol(t *testing.T) {
	s := newServer(t)
	cases := []struct {
		name, action, body string
		mod                func(r *http.Request)
		want               string
	}{
		{"valid", "ApplyUpload", `{"MediaType":"mp4"}`, nil, ""},
		{"charset", "ApplyUpload", `{"MediaType":"mp4"}`, func(r *http.Request) { r.Header.Set("Content-Type", "application/json; charset=utf-8") }, ""},
		{"form body", "ApplyUpload", `MediaType=mp4`, func(r *http.Request) { r.Header.Set("Content-Type", "application/x-www-form-urlencoded") }, "UnsupportedProtocol"},
		{"GET", "ApplyUpload", ``, func(r *http.Request) { r.Method = http.MethodGet }, "UnsupportedProtocol"},
		{"other version", "ApplyUpload", `{"MediaType":"mp4"}`, func(r *http.Request) { r.Header.Set("X-TC-Version", "2024-07-18") }, "NoSuchVersion"},
		{"no region", "ApplyUpload", `{"MediaType":"mp4"}`, func(r *http.Request) { r.Header.Del("X-TC-Region") }, "MissingParameter"},
		{"other action", "DescribeMediaInfos", `{}`, nil, "InvalidAction"},
		{"unknown parameter", "ApplyUpload", `{"MediaType":"mp4","Colour":"red"}`, nil, "UnknownParameter"},
		{"not an object", "ApplyUpload", `["mp4"]`, nil, "InvalidParameter"},
		{"two objects", "ApplyUpload", `{"MediaType":"mp4"}{}`, nil, "InvalidParameter"},
		{"no media type", "ApplyUpload", `{"MediaName":"n"}`, nil, "MissingParameter"},
		{"bad media type", "ApplyUpload", `{"MediaType":".MP4"}`, nil, "InvalidParameterValue.MediaType"},
		{"no session", "CommitUpload", `{}`, nil, "MissingParameter"},
		{"unknown session", "CommitUpload", `{"VodSessionKey":"nope"}`, nil, "InvalidParameterValue.VodSessionKey"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if code, r := raw(t, s, c.mod, c.action, c.body); code != c.want {
				t.Fatalf("code %q, want %q (%v)", code, c.want, r)
			}
		})
	}
}

// TestCommitChecks: the session's SubAppId must match, the object exist,
// and a session commits once.
func TestCommitChecks(t *testing.T) {
	s := newServer(t)
	_, r := raw(t, s, nil, "ApplyUpload", `{"MediaType":"m4a","SubAppId":7}`)
	session, _ := r["VodSessionKey"].(string)
	key := strings.TrimPrefix(r["MediaStoragePath"].(string), "/")
	commit := func(sub string) string {
		code, _ := raw(t, s, nil, "CommitUpload", `{"VodSessionKey":"`+session+`"`+sub+`}`)
		return code
	}
	if got := commit(""); got != "InvalidParameterValue.SubAppId" {
		t.Fatalf("commit without SubAppId: %q", got)
	}
	if got := commit(`,"SubAppId":7`); got != "FailedOperation.FileNotExist" {
		t.Fatalf("commit before the upload: %q", got)
	}
	putObject(t, s, key, "audio")
	if got := commit(`,"SubAppId":7`); got != "" {
		t.Fatalf("commit: %q", got)
	}
	if got := commit(`,"SubAppId":7`); got != "InvalidParameterValue.VodSessionKey" {
		t.Fatalf("second commit: %q", got)
	}
	media := s.Media()
	if len(media) != 1 || media[0].Key != key || media[0].Size != 5 || media[0].FileID == "" || !strings.HasSuffix(media[0].MediaURL, ".m4a") {
		t.Fatalf("media %+v", media)
	}
}

// putObject stores an object in the fake bucket with the temporary
// credentials ApplyUpload hands out, through the module's COS back-end.
func putObject(t *testing.T, s *vodtest.Server, key, data string) {
	t.Helper()
	st, err := cos.New(cos.Config{Bucket: vodtest.DefaultBucket, Region: vodtest.DefaultRegion,
		SecretID: vodtest.DefaultTempSecretID, SecretKey: vodtest.DefaultTempSecretKey, SessionToken: vodtest.DefaultTempToken,
		BaseURL: s.COS().URL(), HTTPClient: s.Client()})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Put(t.Context(), key, strings.NewReader(data), int64(len(data)), "audio/mp4"); err != nil {
		t.Fatal(err)
	}
}

// TestFaults: the hook's service error, HTTP status and hang.
func TestFaults(t *testing.T) {
	s := newServer(t)
	arrived := make(chan struct{})
	s.SetFault(func(c vodtest.Call) vodtest.Fault {
		switch c.Params["MediaName"] {
		case "error":
			return vodtest.Fault{Code: "InternalError", Message: "injected"}
		case "status":
			return vodtest.Fault{Status: http.StatusBadGateway}
		case "hang":
			close(arrived) // once: the test sends one such call
			return vodtest.Fault{Hang: true}
		}
		return vodtest.Fault{}
	})
	if code, r := raw(t, s, nil, "ApplyUpload", `{"MediaType":"mp4","MediaName":"error"}`); code != "InternalError" || r["Error"].(map[string]any)["Message"] != "injected" {
		t.Fatalf("error fault: %q %v", code, r)
	}
	r, err := http.NewRequest(http.MethodPost, s.URL()+"/", strings.NewReader(`{"MediaType":"mp4","MediaName":"status"}`))
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("X-TC-Action", "ApplyUpload")
	r.Header.Set("X-TC-Version", vodtest.APIVersion)
	r.Header.Set("X-TC-Region", "ap-guangzhou")
	tc3.Sign(r, []byte(`{"MediaType":"mp4","MediaName":"status"}`), "vod", testID, testKey, time.Now())
	resp, err := s.Client().Do(r)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadGateway {
		t.Fatalf("status fault: HTTP %d", resp.StatusCode)
	}
	// A hung call ends when the server closes.
	done := make(chan error, 1)
	go func() {
		_, err := sdkCall(t, s, testKey, "ApplyUpload", map[string]any{"MediaType": "mp4", "MediaName": "hang"})
		done <- err
	}()
	<-arrived
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err == nil {
		t.Fatal("the hung call succeeded")
	}
	if calls := s.Calls(); len(calls) != 3 || calls[2].Status != 0 || calls[1].Status != http.StatusBadGateway {
		t.Fatalf("calls %+v", calls)
	}
}
