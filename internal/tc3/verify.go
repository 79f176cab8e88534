package tc3

import (
	"crypto/hmac"
	"net/http"
	"strconv"
	"time"

	"github.com/roomrec/roomrec/errcode"
)

// The codes Tencent Cloud API 3.0 answers for a rejected signature, which
// Verify returns.
const (
	// CodeInvalidAuthorization: the Authorization header or X-TC-Timestamp
	// is malformed.
	CodeInvalidAuthorization errcode.Code = "AuthFailure.InvalidAuthorization"
	// CodeSignatureFailure: the signature is missing or does not match.
	CodeSignatureFailure errcode.Code = "AuthFailure.SignatureFailure"
	// CodeSignatureExpire: X-TC-Timestamp is too far from the server's time.
	CodeSignatureExpire errcode.Code = "AuthFailure.SignatureExpire"
	// CodeSecretIDNotFound: the SecretId of the Credential is not known.
	CodeSecretIDNotFound errcode.Code = "AuthFailure.SecretIdNotFound"
)

// Verifier checks TC3-HMAC-SHA256 signatures of POST requests, as a
// Tencent Cloud API server does.
type Verifier struct {
	// Service is the credential scope's service the server is, for
	// example "trtc" or "vod".
	Service string
	// SecretKey returns the SecretKey of a SecretId, and whether it is
	// known.
	SecretKey func(secretID string) (string, bool)
	// AllowUnsigned accepts X-TC-Content-SHA256: UNSIGNED-PAYLOAD.
	AllowUnsigned bool
	// MaxSkew is how far X-TC-Timestamp may be from the server's time,
	// either way.
	MaxSkew time.Duration
}

// Verify checks r's signature over body (the bytes r carried) at server
// time now. It returns nil or an *errcode.Error: CodeSignatureFailure for
// a missing or wrong signature (or a refused unsigned payload),
// CodeInvalidAuthorization for a malformed one, CodeSecretIDNotFound for
// an unknown SecretId, and CodeSignatureExpire for a correct signature
// whose timestamp is more than MaxSkew away from now.
func (v Verifier) Verify(r *http.Request, body []byte, now time.Time) error {
	h := r.Header.Get("Authorization")
	if h == "" {
		return errcode.New(CodeSignatureFailure, "the request is not signed: send an Authorization header (TC3-HMAC-SHA256)")
	}
	a, err := Parse(h)
	if err != nil {
		return errcode.New(CodeInvalidAuthorization, "Authorization: %v", err)
	}
	key, ok := v.SecretKey(a.SecretID)
	if !ok {
		return errcode.New(CodeSecretIDNotFound, "SecretId %q is not known to this server", a.SecretID)
	}
	tsText := r.Header.Get("X-TC-Timestamp")
	ts, err := strconv.ParseInt(tsText, 10, 64)
	if err != nil {
		return errcode.New(CodeInvalidAuthorization, "X-TC-Timestamp %q is not a Unix time in seconds", tsText)
	}
	date := Date(ts)
	if a.Date != date || a.Service != v.Service {
		return errcode.New(CodeSignatureFailure, "credential scope %s/%s/%s does not match the request: want %s/%s/%s (the UTC date of X-TC-Timestamp and the service)",
			a.Date, a.Service, Terminator, date, v.Service, Terminator)
	}
	payload := HashHex(body)
	if r.Header.Get("X-TC-Content-SHA256") == UnsignedPayload {
		if !v.AllowUnsigned {
			return errcode.New(CodeSignatureFailure, "unsigned payloads (X-TC-Content-SHA256: %s) are not accepted by this server; sign the body", UnsignedPayload)
		}
		payload = HashHex([]byte(UnsignedPayload))
	}
	canonical := CanonicalRequest(r, a.SignedHeaders, payload)
	want := Signature(key, date, v.Service, StringToSign(tsText, date, v.Service, canonical))
	if !hmac.Equal(want, a.Signature) {
		return errcode.New(CodeSignatureFailure, "the signature does not match: check the SecretKey and the signing steps of signature method v3")
	}
	// In whole seconds, as the timestamp has no finer precision.
	if server, limit := now.Unix(), int64(v.MaxSkew/time.Second); ts < server-limit || ts > server+limit {
		return errcode.New(CodeSignatureExpire, "X-TC-Timestamp %d is more than %v away from the server's time %d (synchronise the clock)", ts, v.MaxSkew, server)
	}
	return nil
}
