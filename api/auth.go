package api

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/roomrec/roomrec/errcode"
)

// TC3-HMAC-SHA256, the signature method v3 of Tencent Cloud API 3.0.
const (
	tc3Algorithm    = "TC3-HMAC-SHA256"
	tc3Terminator   = "tc3_request"
	unsignedPayload = "UNSIGNED-PAYLOAD"
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
	bad := func(format string, args ...any) (tc3Auth, error) {
		return tc3Auth{}, errcode.New(CodeInvalidAuthorization, "Authorization: "+format, args...)
	}
	rest, ok := strings.CutPrefix(h, tc3Algorithm+" ")
	if !ok {
		return bad("must start with %q (signature method v3)", tc3Algorithm)
	}
	fields := map[string]string{}
	for part := range strings.SplitSeq(rest, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok || fields[k] != "" {
			return bad("%q is not one Key=Value pair", part)
		}
		fields[k] = v
	}
	var a tc3Auth
	cred := strings.Split(fields["Credential"], "/")
	if len(cred) != 4 || cred[0] == "" || cred[3] != tc3Terminator {
		return bad("Credential must be SecretId/date/service/%s", tc3Terminator)
	}
	a.secretID, a.date, a.service = cred[0], cred[1], cred[2]
	sh := fields["SignedHeaders"]
	a.signedHeaders = strings.Split(sh, ";")
	if err := checkSignedHeaders(a.signedHeaders); err != "" {
		return bad("SignedHeaders %q %s", sh, err)
	}
	sig, err := hex.DecodeString(fields["Signature"])
	if err != nil || len(sig) != sha256.Size {
		return bad("Signature must be %d hex digits", 2*sha256.Size)
	}
	a.signature = sig
	return a, nil
}

// checkSignedHeaders returns what is wrong with the list, or "": names must
// be lower case, strictly ascending, and include content-type and host.
func checkSignedHeaders(names []string) string {
	var ct, host bool
	for i, n := range names {
		if n == "" || n != strings.ToLower(n) {
			return "must be lower-case header names separated by ';'"
		}
		if i > 0 && names[i-1] >= n {
			return "must be sorted and without duplicates"
		}
		ct = ct || n == "content-type"
		host = host || n == "host"
	}
	if !ct || !host {
		return "must include content-type and host"
	}
	return ""
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
// more than MaxClockSkew away from now.
func (v verifier) verify(r *http.Request, body []byte, now time.Time) error {
	h := r.Header.Get("Authorization")
	if h == "" {
		return errcode.New(CodeSignatureFailure, "the request is not signed: send an Authorization header (TC3-HMAC-SHA256)")
	}
	a, err := parseTC3(h)
	if err != nil {
		return err
	}
	key, ok := v.secretKey(a.secretID)
	if !ok {
		return errcode.New(CodeSecretIDNotFound, "SecretId %q is not known to this server", a.secretID)
	}
	tsText := r.Header.Get("X-TC-Timestamp")
	ts, err := strconv.ParseInt(tsText, 10, 64)
	if err != nil {
		return errcode.New(CodeInvalidAuthorization, "X-TC-Timestamp %q is not a Unix time in seconds", tsText)
	}
	date := time.Unix(ts, 0).UTC().Format(time.DateOnly)
	if a.date != date || a.service != v.service {
		return errcode.New(CodeSignatureFailure, "credential scope %s/%s/%s does not match the request: want %s/%s/%s (the UTC date of X-TC-Timestamp and the service)",
			a.date, a.service, tc3Terminator, date, v.service, tc3Terminator)
	}
	payload := sha256Hex(body)
	if r.Header.Get("X-TC-Content-SHA256") == unsignedPayload {
		if !v.allowUnsigned {
			return errcode.New(CodeSignatureFailure, "unsigned payloads (X-TC-Content-SHA256: UNSIGNED-PAYLOAD) are not accepted by this server; sign the body")
		}
		payload = sha256Hex([]byte(unsignedPayload))
	}
	canonical := canonicalRequest(r, a.signedHeaders, payload)
	want := tc3Signature(key, date, v.service, stringToSign(tsText, date, v.service, canonical))
	if !hmac.Equal(want, a.signature) {
		return errcode.New(CodeSignatureFailure, "the signature does not match: check the SecretKey and the signing steps of signature method v3")
	}
	// In whole seconds, as the timestamp has no finer precision.
	if server, limit := now.Unix(), int64(MaxClockSkew/time.Second); ts < server-limit || ts > server+limit {
		return errcode.New(CodeSignatureExpire, "X-TC-Timestamp %d is more than %v away from the server's time %d (synchronise the clock)", ts, MaxClockSkew, server)
	}
	return nil
}

// canonicalRequest builds the canonical request of a POST: method, the
// constant URI "/", an empty query string, the signed headers as
// "name:value\n" (value trimmed and lower-cased), the signed header list and
// the hashed payload, joined by "\n".
func canonicalRequest(r *http.Request, signed []string, hashedPayload string) string {
	var b strings.Builder
	b.WriteString(r.Method + "\n/\n\n")
	for _, name := range signed {
		value := r.Header.Get(name)
		if name == "host" {
			value = r.Host
		}
		b.WriteString(name + ":" + strings.ToLower(strings.TrimSpace(value)) + "\n")
	}
	b.WriteString("\n" + strings.Join(signed, ";") + "\n" + hashedPayload)
	return b.String()
}

// stringToSign returns the string the signature is computed over.
func stringToSign(timestamp, date, service, canonical string) string {
	return tc3Algorithm + "\n" + timestamp + "\n" + date + "/" + service + "/" + tc3Terminator + "\n" + sha256Hex([]byte(canonical))
}

// tc3Signature derives the signing key from the SecretKey, date and service
// and returns the HMAC-SHA256 of s.
func tc3Signature(secretKey, date, service, s string) []byte {
	k := hmacSHA256([]byte("TC3"+secretKey), date)
	k = hmacSHA256(k, service)
	k = hmacSHA256(k, tc3Terminator)
	return hmacSHA256(k, s)
}

func hmacSHA256(key []byte, s string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(s))
	return m.Sum(nil)
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}
