package vod

import (
	"net/http"
	"strings"
	"testing"
)

// TestDecodeAnswer covers the shapes of API answers.
func TestDecodeAnswer(t *testing.T) {
	cases := []struct {
		name      string
		status    int
		body      string
		wantCode  string // "" = decoded
		retryable bool
		wantRID   string
	}{
		{"success", 200, `{"Response":{"FileId":"1","MediaUrl":"u","RequestId":"r1"}}`, "", false, "r1"},
		{"service error", 200, `{"Response":{"Error":{"Code":"InvalidParameter.ClassId","Message":"m"},"RequestId":"r2"}}`, "InvalidParameter.ClassId", false, "r2"},
		{"internal error", 200, `{"Response":{"Error":{"Code":"InternalError.DBError","Message":"m"},"RequestId":"r3"}}`, "InternalError.DBError", true, "r3"},
		{"service error with HTTP 500", 500, `{"Response":{"Error":{"Code":"InternalError","Message":"m"},"RequestId":"r4"}}`, "InternalError", true, "r4"},
		{"not JSON", 200, `<html>`, CodeBadResponse, false, ""},
		{"no Response", 200, `{"FileId":"1"}`, CodeBadResponse, false, ""},
		{"Response not an object", 200, `{"Response":[1]}`, CodeBadResponse, false, ""},
		{"wrong field type", 200, `{"Response":{"FileId":1,"RequestId":"r5"}}`, CodeBadResponse, false, "r5"},
		{"empty error code", 200, `{"Response":{"Error":{"Code":""},"FileId":"1"}}`, "", false, ""},
		{"HTTP 502 HTML", 502, `<html>bad gateway</html>`, CodeBadResponse, true, ""},
		{"HTTP 403 JSON without error", 403, `{"Response":{}}`, CodeBadResponse, false, ""},
		{"empty", 200, ``, CodeBadResponse, false, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out commitResponse
			rid, err := decodeAnswer(OpCommitUpload, c.status, []byte(c.body), &out)
			if c.wantCode == "" {
				if err != nil || out.FileID != "1" || rid != c.wantRID {
					t.Fatalf("decodeAnswer = %q, %v, %+v", rid, err, out)
				}
				return
			}
			e, ok := err.(*Error)
			if !ok || e.Code != c.wantCode || e.Retryable != c.retryable || e.RequestID != c.wantRID || e.Op != OpCommitUpload {
				t.Fatalf("decodeAnswer error %#v", err)
			}
		})
	}
}

// TestDecodeAnswerQuotesLongBodies keeps messages short.
func TestDecodeAnswerQuotesLongBodies(t *testing.T) {
	_, err := decodeAnswer(OpApplyUpload, http.StatusBadGateway, []byte(strings.Repeat("x", 5000)), &applyResponse{})
	if err == nil || len(err.Error()) > 400 {
		t.Fatalf("error %d bytes: %v", len(err.Error()), err)
	}
}
