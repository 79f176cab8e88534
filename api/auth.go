package api

import (
	"net/http"
	"time"

	"github.com/roomrec/roomrec/errcode"
	"github.com/roomrec/roomrec/internal/tc3"
)

// TC3-HMAC-SHA256, the signature method v3 of Tencent Cloud API 3.0. The
// canonicalisation, key derivation and checks live in internal/tc3, shared
// with the VOD client's signer; this file adapts them to the API's codes.
const (
	// MaxClockSkew is how far X-TC-Timestamp may be from the server's clock,
	// either way, before a request fails with AuthFailure.SignatureExpire.
	MaxClockSkew = 5 * time.Minute
)

// tc3Auth is a parsed Authorization header:
//
//	TC3-HMAC-SHA256 Credential=<SecretId>/<yyyy-mm-dd>/<service>/tc3_request,
//	SignedHeaders=content-type;host, Signature=<64 hex digits>
type tc3Auth struct {
	secretID      string
	date          string
	service       string
	signedHeaders []string
	signature     []byte
}

// parseTC3 parses an Authorization header. It returns
// AuthFailure.InvalidAuthorization for anything that is not a well-formed
// TC3-HMAC-SHA256 authorization.
func parseTC3(h string) (tc3Auth, error) {
	a, err := tc3.Parse(h)
	if err != nil {
		return tc3Auth{}, errcode.New(CodeInvalidAuthorization, "Authorization: %v", err)
	}
	return tc3Auth{secretID: a.SecretID, date: a.Date, service: a.Service, signedHeaders: a.SignedHeaders, signature: a.Signature}, nil
}

// verifier checks TC3-HMAC-SHA256 signatures.
type verifier struct {
	service       string
	secretKey     func(secretID string) (string, bool)
	allowUnsigned bool
}

// verify checks r's signature over body at server time now. It returns
// AuthFailure.SignatureFailure for a missing or wrong signature,
// AuthFailure.InvalidAuthorization for a malformed one,
// AuthFailure.SecretIdNotFound for an unknown SecretId, and
// AuthFailure.SignatureExpire for a correct signature whose timestamp is
// more than MaxClockSkew away from now (the codes of tc3.Verifier, which
// are the API's Code* values).
func (v verifier) verify(r *http.Request, body []byte, now time.Time) error {
	return tc3.Verifier{Service: v.service, SecretKey: v.secretKey, AllowUnsigned: v.allowUnsigned, MaxSkew: MaxClockSkew}.Verify(r, body, now)
}

// canonicalRequest builds the canonical request of a POST (tc3.CanonicalRequest).
func canonicalRequest(r *http.Request, signed []string, hashedPayload string) string {
	return tc3.CanonicalRequest(r, signed, hashedPayload)
}

// stringToSign returns the string the signature is computed over.
func stringToSign(timestamp, date, service, canonical string) string {
	return tc3.StringToSign(timestamp, date, service, canonical)
}

func sha256Hex(b []byte) string { return tc3.HashHex(b) }
