package vod_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/roomrec/roomrec/vod"
)

// cannedVOD answers ApplyUpload and CommitUpload with fixed bodies.
func cannedVOD(t *testing.T, apply, commit string) *vod.Client {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-TC-Action") == vod.OpApplyUpload {
			_, _ = w.Write([]byte(apply))
			return
		}
		_, _ = w.Write([]byte(commit))
	}))
	t.Cleanup(srv.Close)
	c, err := vod.New(vod.Config{SecretID: "id", SecretKey: "key", Endpoint: srv.URL, HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

const cert = `"TempCertificate":{"SecretId":"a","SecretKey":"b","Token":"c","ExpiredTime":1}`

// TestIncompleteAnswers: an answer without what the next step needs is
// CodeBadResponse at that step, before anything is sent on.
func TestIncompleteAnswers(t *testing.T) {
	cases := []struct {
		name, apply, commit, op string
	}{
		{"no StorageBucket", `{"Response":{"StorageRegion":"ap-guangzhou","VodSessionKey":"k","MediaStoragePath":"/p/f0.mp4",` + cert + `,"RequestId":"r"}}`, ``, vod.OpApplyUpload},
		{"no StorageRegion", `{"Response":{"StorageBucket":"b-1","VodSessionKey":"k","MediaStoragePath":"/p/f0.mp4",` + cert + `,"RequestId":"r"}}`, ``, vod.OpApplyUpload},
		{"no VodSessionKey", `{"Response":{"StorageBucket":"b-1","StorageRegion":"ap-guangzhou","MediaStoragePath":"/p/f0.mp4",` + cert + `,"RequestId":"r"}}`, ``, vod.OpApplyUpload},
		{"root MediaStoragePath", `{"Response":{"StorageBucket":"b-1","StorageRegion":"ap-guangzhou","VodSessionKey":"k","MediaStoragePath":"/",` + cert + `,"RequestId":"r"}}`, ``, vod.OpApplyUpload},
		{"no TempCertificate", `{"Response":{"StorageBucket":"b-1","StorageRegion":"ap-guangzhou","VodSessionKey":"k","MediaStoragePath":"/p/f0.mp4","RequestId":"r"}}`, ``, vod.OpApplyUpload},
		{"bucket COS cannot address", `{"Response":{"StorageBucket":"Not A Bucket","StorageRegion":"ap-guangzhou","VodSessionKey":"k","MediaStoragePath":"/p/f0.mp4",` + cert + `,"RequestId":"r"}}`, ``, vod.OpUpload},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			client := cannedVOD(t, c.apply, c.commit)
			_, err := client.Upload(t.Context(), strings.NewReader("x"), 1, "n", "mp4")
			ve := vodError(t, err)
			if ve.Op != c.op || ve.Code != vod.CodeBadResponse {
				t.Fatalf("error %+v", ve)
			}
			if c.op == vod.OpApplyUpload && (ve.RequestID != "r" || !ve.Retryable) {
				t.Fatalf("error %+v: want VOD's RequestId, retryable", ve)
			}
		})
	}
}
