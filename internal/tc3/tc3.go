package tc3

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Constants of the signature method.
const (
	// Algorithm starts every Authorization header and string to sign.
	Algorithm = "TC3-HMAC-SHA256"
	// Terminator ends the credential scope.
	Terminator = "tc3_request"
	// UnsignedPayload is the X-TC-Content-SHA256 value of a request whose
	// body is not signed; its hash then stands in for the body's.
	UnsignedPayload = "UNSIGNED-PAYLOAD"
)

// Auth is a parsed Authorization header:
//
//	TC3-HMAC-SHA256 Credential=<SecretId>/<yyyy-mm-dd>/<service>/tc3_request,
//	SignedHeaders=content-type;host, Signature=<64 hex digits>
type Auth struct {
	SecretID      string
	Date          string   // the credential scope's date, yyyy-mm-dd (UTC)
	Service       string   // the credential scope's service, for example "vod"
	SignedHeaders []string // lower case, sorted, with content-type and host
	Signature     []byte   // sha256.Size bytes
}

// String formats a as an Authorization header value.
func (a Auth) String() string {
	return Algorithm + " Credential=" + a.SecretID + "/" + a.Date + "/" + a.Service + "/" + Terminator +
		", SignedHeaders=" + strings.Join(a.SignedHeaders, ";") + ", Signature=" + hex.EncodeToString(a.Signature)
}

// Parse parses an Authorization header. It returns an error saying what is
// malformed (the algorithm, a Key=Value pair, the credential scope, the
// signed header list or the signature's hex digits).
func Parse(h string) (Auth, error) {
	bad := func(format string, args ...any) (Auth, error) {
		return Auth{}, fmt.Errorf(format, args...)
	}
	rest, ok := strings.CutPrefix(h, Algorithm+" ")
	if !ok {
		return bad("must start with %q (signature method v3)", Algorithm)
	}
	fields := map[string]string{}
	for part := range strings.SplitSeq(rest, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok || fields[k] != "" {
			return bad("%q is not one Key=Value pair", part)
		}
		fields[k] = v
	}
	var a Auth
	cred := strings.Split(fields["Credential"], "/")
	if len(cred) != 4 || cred[0] == "" || cred[3] != Terminator {
		return bad("Credential must be SecretId/date/service/%s", Terminator)
	}
	a.SecretID, a.Date, a.Service = cred[0], cred[1], cred[2]
	sh := fields["SignedHeaders"]
	a.SignedHeaders = strings.Split(sh, ";")
	if err := checkSignedHeaders(a.SignedHeaders); err != nil {
		return bad("SignedHeaders %q %v", sh, err)
	}
	sig, err := hex.DecodeString(fields["Signature"])
	if err != nil || len(sig) != sha256.Size {
		return bad("Signature must be %d hex digits", 2*sha256.Size)
	}
	a.Signature = sig
	return a, nil
}

// checkSignedHeaders returns what is wrong with the list, or nil: names
// must be lower case, strictly ascending, and include content-type and host.
func checkSignedHeaders(names []string) error {
	var ct, host bool
	for i, n := range names {
		if n == "" || n != strings.ToLower(n) {
			return errors.New("must be lower-case header names separated by ';'")
		}
		if i > 0 && names[i-1] >= n {
			return errors.New("must be sorted and without duplicates")
		}
		ct = ct || n == "content-type"
		host = host || n == "host"
	}
	if !ct || !host {
		return errors.New("must include content-type and host")
	}
	return nil
}

// Date returns the credential-scope date of a Unix timestamp: its UTC date
// as yyyy-mm-dd.
func Date(unix int64) string { return time.Unix(unix, 0).UTC().Format(time.DateOnly) }

// CanonicalRequest builds the canonical request of a POST: the method, the
// constant URI "/", an empty query string, the signed headers as
// "name:value\n" (value trimmed and lower-cased; host is r.Host, or
// r.URL.Host on a client request that leaves Host empty), the signed
// header list and the hashed payload, joined by "\n".
func CanonicalRequest(r *http.Request, signed []string, hashedPayload string) string {
	var b strings.Builder
	b.WriteString(r.Method + "\n/\n\n")
	for _, name := range signed {
		value := r.Header.Get(name)
		if name == "host" {
			value = r.Host
			if value == "" && r.URL != nil {
				value = r.URL.Host
			}
		}
		b.WriteString(name + ":" + strings.ToLower(strings.TrimSpace(value)) + "\n")
	}
	b.WriteString("\n" + strings.Join(signed, ";") + "\n" + hashedPayload)
	return b.String()
}

// StringToSign returns the string the signature is computed over.
func StringToSign(timestamp, date, service, canonical string) string {
	return Algorithm + "\n" + timestamp + "\n" + date + "/" + service + "/" + Terminator + "\n" + HashHex([]byte(canonical))
}

// Signature derives the signing key from the SecretKey, date and service
// and returns the HMAC-SHA256 of stringToSign.
func Signature(secretKey, date, service, stringToSign string) []byte {
	k := hmacSHA256([]byte("TC3"+secretKey), date)
	k = hmacSHA256(k, service)
	k = hmacSHA256(k, Terminator)
	return hmacSHA256(k, stringToSign)
}

// HashHex returns the lower-case hex SHA-256 of b.
func HashHex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func hmacSHA256(key []byte, s string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(s))
	return m.Sum(nil)
}

// Sign signs the POST r with body (the bytes r will send) for service at
// time now: it sets X-TC-Timestamp and Authorization. The signed headers
// are content-type, host and, when r has it, x-tc-action; the caller sets
// Content-Type (and X-TC-Action) first. Sign does no I/O and cannot fail.
func Sign(r *http.Request, body []byte, service, secretID, secretKey string, now time.Time) {
	ts := now.Unix()
	tsText := strconv.FormatInt(ts, 10)
	r.Header.Set("X-TC-Timestamp", tsText)
	signed := []string{"content-type", "host"}
	if r.Header.Get("X-TC-Action") != "" {
		signed = append(signed, "x-tc-action")
	}
	date := Date(ts)
	canonical := CanonicalRequest(r, signed, HashHex(body))
	sig := Signature(secretKey, date, service, StringToSign(tsText, date, service, canonical))
	r.Header.Set("Authorization", Auth{SecretID: secretID, Date: date, Service: service, SignedHeaders: signed, Signature: sig}.String())
}
