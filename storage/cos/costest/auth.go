package costest

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/hex"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The request-signature check, written from COS's documentation of the
// "q-sign-algorithm=sha1" Authorization header (not from the SDK):
//
//	SignKey      = hex(HMAC-SHA1(SecretKey, KeyTime))
//	HttpString   = lower(Method) \n Path \n HttpParameters \n HttpHeaders \n
//	StringToSign = "sha1" \n KeyTime \n hex(SHA1(HttpString)) \n
//	Signature    = hex(HMAC-SHA1(SignKey, StringToSign))
//
// Path is the decoded URL path; HttpParameters and HttpHeaders are the
// parameters and headers named in q-url-param-list and q-header-list,
// sorted, as "name=value" joined with "&", names in lower case and both
// sides percent-encoded (everything but A-Z a-z 0-9 - _ . ~).

// maxSkew is how far a request's signing time may lie in the server's
// future.
const maxSkew = 15 * time.Minute

// authorization is a parsed Authorization header.
type authorization struct {
	algorithm, ak, signTime, keyTime, signature string
	headers, params                             []string
}

func parseAuthorization(h string) (authorization, bool) {
	var a authorization
	seen := map[string]bool{}
	for _, kv := range strings.Split(h, "&") {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || seen[k] {
			return a, false
		}
		seen[k] = true
		switch k {
		case "q-sign-algorithm":
			a.algorithm = v
		case "q-ak":
			a.ak = v
		case "q-sign-time":
			a.signTime = v
		case "q-key-time":
			a.keyTime = v
		case "q-header-list":
			a.headers = splitList(v)
		case "q-url-param-list":
			a.params = splitList(v)
		case "q-signature":
			a.signature = v
		}
	}
	return a, len(seen) == 7 && a.ak != "" && a.signature != ""
}

func splitList(v string) []string {
	if v == "" {
		return nil
	}
	return strings.Split(v, ";")
}

// verify checks r's signature as COS does and returns nil or the error
// answer.
func (s *Server) verify(r *http.Request) *apiError {
	h := r.Header.Get("Authorization")
	if h == "" {
		return &apiError{http.StatusForbidden, "AccessDenied", "the request carries no Authorization header"}
	}
	a, ok := parseAuthorization(h)
	if !ok || a.algorithm != "sha1" {
		return &apiError{http.StatusForbidden, "AccessDenied", "malformed Authorization header"}
	}
	if a.ak != s.cfg.SecretID {
		return &apiError{http.StatusForbidden, "InvalidAccessKeyId", "the SecretId does not exist"}
	}
	if e := s.checkTime(a); e != nil {
		return e
	}
	if e := checkLists(r, a); e != nil {
		return e
	}
	if s.cfg.SessionToken != "" && r.Header.Get("x-cos-security-token") != s.cfg.SessionToken {
		return &apiError{http.StatusForbidden, "InvalidAccessKeyId", "the x-cos-security-token is missing or wrong"}
	}
	want := signature(s.cfg.SecretKey, a.keyTime, httpString(r, a))
	if !hmac.Equal([]byte(want), []byte(a.signature)) {
		return &apiError{http.StatusForbidden, "SignatureDoesNotMatch", "the request signature we calculated does not match the signature you provided"}
	}
	return nil
}

// checkTime checks q-sign-time and q-key-time.
func (s *Server) checkTime(a authorization) *apiError {
	start, end, ok := parseWindow(a.signTime)
	if !ok || a.keyTime != a.signTime {
		return &apiError{http.StatusForbidden, "AccessDenied", "q-sign-time and q-key-time must be the same \"<start>;<end>\" Unix seconds"}
	}
	now := s.cfg.Now()
	if now.Before(start.Add(-maxSkew)) || now.After(end) {
		return &apiError{http.StatusForbidden, "RequestTimeTooSkewed", "the signature's time window does not contain the server's time"}
	}
	return nil
}

func parseWindow(v string) (start, end time.Time, ok bool) {
	a, b, found := strings.Cut(v, ";")
	s, err1 := strconv.ParseInt(a, 10, 64)
	e, err2 := strconv.ParseInt(b, 10, 64)
	if !found || err1 != nil || err2 != nil || e < s {
		return start, end, false
	}
	return time.Unix(s, 0), time.Unix(e, 0), true
}

// mustSign says whether a header present in a request has to be signed.
func mustSign(name string) bool {
	switch name {
	case "host", "content-type", "content-length", "content-md5":
		return true
	}
	return strings.HasPrefix(name, "x-cos-")
}

// checkLists checks that the signed lists are sorted and name what the
// request carries: host, the content headers and every x-cos-* header,
// and every URL parameter.
func checkLists(r *http.Request, a authorization) *apiError {
	bad := func(msg string) *apiError {
		return &apiError{http.StatusForbidden, "AccessDenied", msg}
	}
	if !slices.IsSorted(a.headers) || !slices.IsSorted(a.params) {
		return bad("q-header-list and q-url-param-list must be sorted")
	}
	if !slices.Contains(a.headers, "host") {
		return bad("the Host header is not signed")
	}
	for name := range r.Header {
		if n := strings.ToLower(name); mustSign(n) && n != "authorization" && !slices.Contains(a.headers, encode(n)) {
			return bad("the header " + n + " is not signed")
		}
	}
	for _, n := range a.headers {
		if n != "host" && len(headerValues(r, n)) == 0 {
			return bad("the signed header " + n + " is not in the request")
		}
	}
	for name := range r.URL.Query() {
		if !slices.Contains(a.params, encode(strings.ToLower(name))) {
			return bad("the URL parameter " + name + " is not signed")
		}
	}
	return nil
}

// headerValues returns the values of the header whose encoded lower-case
// name is n ("host" is r.Host).
func headerValues(r *http.Request, n string) []string {
	if n == "host" {
		return []string{r.Host}
	}
	var vs []string
	for name, v := range r.Header {
		if encode(strings.ToLower(name)) == n {
			vs = append(vs, v...)
		}
	}
	return vs
}

// httpString builds COS's HttpString from the signed lists.
func httpString(r *http.Request, a authorization) string {
	var params, headers []string
	q := r.URL.Query()
	for _, n := range uniq(a.params) {
		for name, vs := range q {
			if encode(strings.ToLower(name)) == n {
				params = append(params, pairs(n, vs)...)
			}
		}
	}
	for _, n := range uniq(a.headers) {
		headers = append(headers, pairs(n, headerValues(r, n))...)
	}
	return strings.ToLower(r.Method) + "\n" + r.URL.Path + "\n" +
		strings.Join(params, "&") + "\n" + strings.Join(headers, "&") + "\n"
}

func uniq(names []string) []string { return slices.Compact(slices.Clone(names)) }

// pairs returns "n=enc(v)" for each value, sorted by value.
func pairs(n string, vs []string) []string {
	vs = slices.Clone(vs)
	slices.Sort(vs)
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = n + "=" + encode(v)
	}
	return out
}

// signature computes the q-signature of httpString.
func signature(secretKey, keyTime, httpString string) string {
	signKey := hex.EncodeToString(hmacSHA1([]byte(secretKey), keyTime))
	sum := sha1.Sum([]byte(httpString))
	toSign := "sha1\n" + keyTime + "\n" + hex.EncodeToString(sum[:]) + "\n"
	return hex.EncodeToString(hmacSHA1([]byte(signKey), toSign))
}

func hmacSHA1(key []byte, msg string) []byte {
	m := hmac.New(sha1.New, key)
	m.Write([]byte(msg))
	return m.Sum(nil)
}

// encode percent-encodes every byte but the RFC 3986 unreserved ones.
func encode(s string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}

// queryParam returns the value of the URL parameter named name, and
// whether it is there.
func queryParam(q url.Values, name string) (string, bool) {
	vs, ok := q[name]
	if !ok || len(vs) == 0 {
		return "", false
	}
	return vs[0], true
}
