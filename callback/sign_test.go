package callback

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/roomrec/roomrec/naming"
)

func TestSignKnownVectors(t *testing.T) {
	cases := []struct{ key, body, sign string }{
		// RFC 4231 test case 2 (HMAC-SHA256 5bdcc146…ec3843), in base64.
		{"Jefe", "what do ya want for nothing?", "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM="},
		// printf '%s' '{"EventGroupId":3}' | openssl dgst -sha256 -hmac my-callback-key -binary | base64
		{"my-callback-key", `{"EventGroupId":3}`, "Lt24/dKiT/L+QlBEcxRPAB+/ZcBbeN8Eb9gin8I5/cE="},
	}
	for _, c := range cases {
		if got := Sign(c.key, []byte(c.body)); got != c.sign {
			t.Errorf("Sign(%q, %q) = %s, want %s", c.key, c.body, got, c.sign)
		}
		if err := Verify(c.key, []byte(c.body), c.sign); err != nil {
			t.Errorf("Verify of the known vector: %v", err)
		}
	}
	// printf '%s' '{"EventGroupId":3}' | sha256sum | cut -c1-32
	if got := DeliveryID([]byte(`{"EventGroupId":3}`)); got != "703226023e031c057d6a408c5e760c19" {
		t.Errorf("DeliveryID = %s", got)
	}
}

func TestVerifyRejects(t *testing.T) {
	body := []byte(`{"EventGroupId":3}`)
	good := Sign("k", body)
	cases := map[string]struct {
		key, sign string
		body      []byte
	}{
		"missing":     {"k", "", body},
		"not base64":  {"k", "%%%", body},
		"wrong key":   {"other", good, body},
		"body change": {"k", good, []byte(`{"EventGroupId":4}`)},
		"truncated":   {"k", good[:20], body},
	}
	for name, c := range cases {
		if err := Verify(c.key, c.body, c.sign); !errors.Is(err, ErrSignature) {
			t.Errorf("%s: Verify = %v, want %s", name, err, ErrSignature)
		}
	}
}

func TestHandler(t *testing.T) {
	const key = "secret"
	ev := Event{Room: naming.RoomID{Str: "room"}, TaskID: "t1", UserID: "rec", Time: time.Unix(1622191965, 0).UTC(),
		SentAt: time.UnixMilli(1622191965320).UTC(), Payload: FileInfo{FileList: "a.m3u8"}}
	body, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	var got []Event
	h := Handler(key, func(e Event) { got = append(got, e) })
	badJSON := []byte(`{"EventGroupId":3,"EventType":999}`)
	cases := []struct {
		name   string
		method string
		body   []byte
		sign   string
		status int
	}{
		{"ok", http.MethodPost, body, Sign(key, body), http.StatusOK},
		{"GET", http.MethodGet, nil, "", http.StatusMethodNotAllowed},
		{"no sign", http.MethodPost, body, "", http.StatusUnauthorized},
		{"bad sign", http.MethodPost, body, Sign("other", body), http.StatusUnauthorized},
		{"malformed", http.MethodPost, badJSON, Sign(key, badJSON), http.StatusBadRequest},
		{"too big", http.MethodPost, make([]byte, MaxBodySize+1), "x", http.StatusRequestEntityTooLarge},
	}
	for _, c := range cases {
		req := httptest.NewRequest(c.method, "/cb", strings.NewReader(string(c.body)))
		if c.sign != "" {
			req.Header.Set(HeaderSign, c.sign)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != c.status {
			t.Errorf("%s: status %d, want %d (%s)", c.name, rec.Code, c.status, rec.Body)
		}
		if c.status == http.StatusOK {
			b, _ := io.ReadAll(rec.Body)
			if string(b) != `{"code":0}` || rec.Header().Get("Content-Type") != "application/json" {
				t.Errorf("%s: answer %q (%s)", c.name, b, rec.Header().Get("Content-Type"))
			}
		}
	}
	if len(got) != 1 || got[0].TaskID != "t1" || got[0].Payload != (FileInfo{FileList: "a.m3u8"}) || !got[0].SentAt.Equal(ev.SentAt) {
		t.Fatalf("next got %+v, want the one valid event", got)
	}
}
