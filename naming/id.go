package naming

import (
	"encoding/base64"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/roomrec/roomrec/errcode"
)

// toName and fromName map standard base64 to the name alphabet and back
// (immutable, built once).
var (
	toName   = strings.NewReplacer("/", "-", "=", ".")
	fromName = strings.NewReplacer("-", "/", ".", "=")
)

// EncodeID returns the SPEC §3 encoding of an id: standard base64 (with
// padding) of its UTF-8 bytes, then '/' replaced by '-' and '=' by '.'.
// EncodeID("1686119") == "MTY4NjExOQ..". The result never contains '_'.
func EncodeID(id string) string {
	s := base64.StdEncoding.EncodeToString([]byte(id))
	return toName.Replace(s)
}

// DecodeID returns the id whose EncodeID is s. It accepts only the canonical
// encoding (so EncodeID(DecodeID(s)) == s) of UTF-8 text; anything else —
// other characters, wrong padding, non-zero padding bits, invalid UTF-8 —
// returns an *errcode.Error with code ErrEncodedID. DecodeID("") is "".
func DecodeID(s string) (string, error) {
	for i := 0; i < len(s); i++ {
		if !isEncodedByte(s[i]) {
			return "", errcode.New(ErrEncodedID, "encoded id %q has the character %q at byte %d; allowed are A-Z a-z 0-9 + - .", s, s[i], i)
		}
	}
	std := fromName.Replace(s)
	b, err := base64.StdEncoding.Strict().DecodeString(std)
	if err != nil {
		return "", errcode.Wrap(ErrEncodedID, err, "encoded id %q is not canonical padded base64", s)
	}
	if !utf8.Valid(b) {
		return "", errcode.New(ErrEncodedID, "encoded id %q does not decode to UTF-8 text", s)
	}
	return string(b), nil
}

// isEncodedByte reports whether c belongs to the encoded alphabet
// A-Z a-z 0-9 + - . (base64 after the '/'→'-', '='→'.' substitution).
func isEncodedByte(c byte) bool {
	return isASCIILetter(c) || isDigit(c) || c == '+' || c == '-' || c == '.'
}

func isASCIILetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// utcLen is the length of a <UTC> stamp: yyyyMMddHHmmssSSS.
const utcLen = 17

// formatUTC returns t in UTC+0 as yyyyMMddHHmmssSSS, truncated to the
// millisecond. The year must be 0001–9999 (Validate checks it).
func formatUTC(t time.Time) string {
	u := t.UTC()
	ms := u.Nanosecond() / int(time.Millisecond)
	return u.Format("20060102150405") + strconv.Itoa(1000 + ms)[1:]
}

// parseUTC reads a 17-digit yyyyMMddHHmmssSSS stamp as a UTC time; it
// rejects anything else, including impossible dates.
func parseUTC(s string) (time.Time, error) {
	if len(s) != utcLen || !allDigits(s) {
		return time.Time{}, errcode.New(ErrUTC, "UTC stamp %q is not 17 digits yyyyMMddHHmmssSSS", s)
	}
	t, err := time.ParseInLocation("20060102150405", s[:14], time.UTC)
	if err != nil {
		return time.Time{}, errcode.Wrap(ErrUTC, err, "UTC stamp %q is not a valid time", s)
	}
	ms, _ := strconv.Atoi(s[14:]) // three digits, cannot fail
	return t.Add(time.Duration(ms) * time.Millisecond), nil
}

// allDigits reports whether s is non-empty and made of ASCII digits only.
func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// parseDecimal reads s as a canonical decimal number (digits only, no sign,
// no leading zero unless s is "0") that fits in bits bits.
func parseDecimal(s string, bits int) (uint64, bool) {
	if !allDigits(s) || len(s) > 1 && s[0] == '0' {
		return 0, false
	}
	v, err := strconv.ParseUint(s, 10, bits)
	return v, err == nil
}
