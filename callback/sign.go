package callback

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/roomrec/roomrec/errcode"
)

// The HTTP headers of a callback request.
const (
	HeaderSign       = "Sign"                  // base64(HMAC-SHA256(key, body))
	HeaderSdkAppID   = "SdkAppId"              // the application's SdkAppId, in decimal
	HeaderDeliveryID = "X-Roomrec-Delivery-Id" // DeliveryID(body): the same on every retry
)

// MaxBodySize is the largest callback body Handler accepts (1 MiB; real
// bodies are well under 4 KiB).
const MaxBodySize = 1 << 20

// Sign returns the Sign header of a body: the standard base64 of
// HMAC-SHA256 keyed with the callback key over the raw body bytes.
func Sign(key string, body []byte) string {
	m := hmac.New(sha256.New, []byte(key))
	m.Write(body)
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// Verify checks a callback's Sign header against its raw body with a
// constant-time comparison. It returns nil, or an *errcode.Error with code
// ErrSignature when sign is empty, not base64 or does not match.
func Verify(key string, body []byte, sign string) error {
	if sign == "" {
		return errcode.New(ErrSignature, "the %s header is missing", HeaderSign)
	}
	got, err := base64.StdEncoding.DecodeString(sign)
	if err != nil {
		return errcode.Wrap(ErrSignature, err, "the %s header is not base64", HeaderSign)
	}
	m := hmac.New(sha256.New, []byte(key))
	m.Write(body)
	if !hmac.Equal(got, m.Sum(nil)) {
		return errcode.New(ErrSignature, "the %s header does not match the body: wrong callback key, or the body was changed", HeaderSign)
	}
	return nil
}

// DeliveryID returns the idempotency key of a callback body: the first 16
// bytes of its SHA-256 in hex. The HTTP notifier sends it as
// X-Roomrec-Delivery-Id; since a retry resends the very same body (its
// CallbackTs is fixed at the first attempt), a receiver that sees an id
// twice has seen the same event twice. Receivers may compute it from the
// body themselves instead of trusting the header (the body is signed, the
// header is not).
func DeliveryID(body []byte) string {
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:16])
}

// Handler returns an http.Handler for a callback receiver: it accepts POSTs
// whose Sign header matches the body under key, parses the body as an Event
// and calls next with it, then answers 200 {"code":0}. It answers 405 to
// other methods, 413 to bodies over MaxBodySize, 401 to a missing or wrong
// signature and 400 to a body that is not an event, without calling next.
// next runs on the request's goroutine; delivery is at-least-once, so next
// may see an event twice (see DeliveryID).
func Handler(key string, next func(Event)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "callbacks are POSTed", http.StatusMethodNotAllowed)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodySize))
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
				return
			}
			http.Error(w, "cannot read the body", http.StatusBadRequest)
			return
		}
		if err := Verify(key, body, r.Header.Get(HeaderSign)); err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		var e Event
		if err := json.Unmarshal(body, &e); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		next(e)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"code":0}`)
	})
}
