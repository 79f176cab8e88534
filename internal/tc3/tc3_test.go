package tc3_test

import (
	"bytes"
	"encoding/hex"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/roomrec/roomrec/internal/tc3"
)

// The worked example of the signature method v3 documentation (Tencent
// Cloud API 3.0, "Signature v3", e.g. tencentcloud.com/document/product/266/34114):
// a CVM DescribeInstances call signed at 1551113065. Its older revision
// spells the key out as ...EXAMPLE; the current one masks it as
// ...******* and prints the signature computed with that literal string.
const (
	docPayload   = `{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}`
	docTimestamp = 1551113065
	docSecretID  = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE"
)

var docVectors = []struct {
	name, secretKey, signature string
}{
	{"example key", "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE", "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"},
	{"masked key", "Gu5t9xGARNpq86cd98joQYCN3*******", "2230eefd229f582d8b1b891af7107b91597240707d778ab3738f756258d7652c"},
}

func docRequest(t *testing.T, action bool) *http.Request {
	t.Helper()
	r, err := http.NewRequest(http.MethodPost, "https://cvm.tencentcloudapi.com/", strings.NewReader(docPayload))
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("Content-Type", "application/json; charset=utf-8")
	if action {
		r.Header.Set("X-TC-Action", "DescribeInstances")
	}
	return r
}

// TestDocumentedSteps checks every intermediate value the documentation
// prints, and the final signature and Authorization header.
func TestDocumentedSteps(t *testing.T) {
	r := docRequest(t, false)
	if got := tc3.HashHex([]byte(docPayload)); got != "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064" {
		t.Fatalf("payload hash %s", got)
	}
	canonical := tc3.CanonicalRequest(r, []string{"content-type", "host"}, tc3.HashHex([]byte(docPayload)))
	wantCanonical := "POST\n/\n\ncontent-type:application/json; charset=utf-8\nhost:cvm.tencentcloudapi.com\n\ncontent-type;host\n35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064"
	if canonical != wantCanonical {
		t.Fatalf("canonical request\n%s\nwant\n%s", canonical, wantCanonical)
	}
	date := tc3.Date(docTimestamp)
	if date != "2019-02-25" {
		t.Fatalf("date %s", date)
	}
	toSign := tc3.StringToSign("1551113065", date, "cvm", canonical)
	if want := "TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031"; toSign != want {
		t.Fatalf("string to sign\n%s\nwant\n%s", toSign, want)
	}
	for _, v := range docVectors {
		t.Run(v.name, func(t *testing.T) {
			sig := tc3.Signature(v.secretKey, date, "cvm", toSign)
			if got := hex.EncodeToString(sig); got != v.signature {
				t.Fatalf("signature %s, want %s", got, v.signature)
			}
			a := tc3.Auth{SecretID: docSecretID, Date: date, Service: "cvm", SignedHeaders: []string{"content-type", "host"}, Signature: sig}
			want := "TC3-HMAC-SHA256 Credential=" + docSecretID + "/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, Signature=" + v.signature
			if a.String() != want {
				t.Fatalf("Authorization\n%s\nwant\n%s", a, want)
			}
		})
	}
}

// TestSignDocumentedExample signs the documented request with Sign and
// gets the documented Authorization header.
func TestSignDocumentedExample(t *testing.T) {
	for _, v := range docVectors {
		t.Run(v.name, func(t *testing.T) {
			r := docRequest(t, false)
			tc3.Sign(r, []byte(docPayload), "cvm", docSecretID, v.secretKey, time.Unix(docTimestamp, 0))
			if got := r.Header.Get("X-TC-Timestamp"); got != "1551113065" {
				t.Errorf("X-TC-Timestamp %q", got)
			}
			want := "TC3-HMAC-SHA256 Credential=" + docSecretID + "/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, Signature=" + v.signature
			if got := r.Header.Get("Authorization"); got != want {
				t.Errorf("Authorization\n%s\nwant\n%s", got, want)
			}
		})
	}
}

// TestCanonicalRequestWithAction is the current documentation's variant,
// which also signs x-tc-action.
func TestCanonicalRequestWithAction(t *testing.T) {
	r := docRequest(t, true)
	canonical := tc3.CanonicalRequest(r, []string{"content-type", "host", "x-tc-action"}, tc3.HashHex([]byte(docPayload)))
	if got := tc3.HashHex([]byte(canonical)); got != "7019a55be8395899b900fb5564e4200d984910f34794a27cb3fb7d10ff6a1e84" {
		t.Fatalf("canonical request hash %s of\n%s", got, canonical)
	}
	// A server-side request carries the host in r.Host, not r.URL.
	r.Host, r.URL.Host = r.URL.Host, ""
	if again := tc3.CanonicalRequest(r, []string{"content-type", "host", "x-tc-action"}, tc3.HashHex([]byte(docPayload))); again != canonical {
		t.Fatalf("r.Host gives\n%s\nwant\n%s", again, canonical)
	}
}

// parseCases feed TestParse and the seeds of FuzzParse.
var parseCases = []struct {
	header string
	ok     bool
}{
	{"TC3-HMAC-SHA256 Credential=AKID/2019-02-25/vod/tc3_request, SignedHeaders=content-type;host, Signature=" + strings.Repeat("ab", 32), true},
	{"TC3-HMAC-SHA256 Credential=AKID/2019-02-25/vod/tc3_request, SignedHeaders=content-type;host;x-tc-action, Signature=" + strings.Repeat("0f", 32), true},
	{"", false},
	{"Bearer abc", false},
	{"TC3-HMAC-SHA1 Credential=AKID/2019-02-25/vod/tc3_request, SignedHeaders=content-type;host, Signature=" + strings.Repeat("ab", 32), false},
	{"TC3-HMAC-SHA256 Credential=AKID/2019-02-25/vod/other, SignedHeaders=content-type;host, Signature=" + strings.Repeat("ab", 32), false},
	{"TC3-HMAC-SHA256 Credential=/2019-02-25/vod/tc3_request, SignedHeaders=content-type;host, Signature=" + strings.Repeat("ab", 32), false},
	{"TC3-HMAC-SHA256 Credential=AKID/2019-02-25/vod/tc3_request, SignedHeaders=Content-Type;host, Signature=" + strings.Repeat("ab", 32), false},
	{"TC3-HMAC-SHA256 Credential=AKID/2019-02-25/vod/tc3_request, SignedHeaders=host;content-type, Signature=" + strings.Repeat("ab", 32), false},
	{"TC3-HMAC-SHA256 Credential=AKID/2019-02-25/vod/tc3_request, SignedHeaders=content-type;host;host, Signature=" + strings.Repeat("ab", 32), false},
	{"TC3-HMAC-SHA256 Credential=AKID/2019-02-25/vod/tc3_request, SignedHeaders=content-type, Signature=" + strings.Repeat("ab", 32), false},
	{"TC3-HMAC-SHA256 Credential=AKID/2019-02-25/vod/tc3_request, SignedHeaders=content-type;host, Signature=abab", false},
	{"TC3-HMAC-SHA256 Credential=AKID/2019-02-25/vod/tc3_request, SignedHeaders=content-type;host, Signature=zz" + strings.Repeat("ab", 31), false},
	{"TC3-HMAC-SHA256 Credential=AKID/2019-02-25/vod/tc3_request SignedHeaders=content-type;host", false},
	{"TC3-HMAC-SHA256 Credential=AKID/2019-02-25/vod/tc3_request, Credential=x, SignedHeaders=content-type;host, Signature=" + strings.Repeat("ab", 32), false},
	{"TC3-HMAC-SHA256 ,,,,", false},
}

func TestParse(t *testing.T) {
	for _, c := range parseCases {
		a, err := tc3.Parse(c.header)
		if (err == nil) != c.ok {
			t.Errorf("Parse(%q) = %+v, %v; want ok %v", c.header, a, err, c.ok)
			continue
		}
		if c.ok && a.String() != c.header {
			t.Errorf("Parse(%q).String() = %q", c.header, a)
		}
	}
}

// FuzzParse checks that Parse never panics and that what it accepts
// formats back to itself.
func FuzzParse(f *testing.F) {
	for _, c := range parseCases {
		f.Add(c.header)
	}
	f.Fuzz(func(t *testing.T, h string) {
		a, err := tc3.Parse(h)
		if err != nil {
			return
		}
		b, err := tc3.Parse(a.String())
		if err != nil || b.String() != a.String() || !bytes.Equal(a.Signature, b.Signature) {
			t.Fatalf("Parse(%q) = %+v; reparsing %q: %+v, %v", h, a, a.String(), b, err)
		}
	})
}

func TestParseError(t *testing.T) {
	_, err := tc3.Parse("Bearer x")
	if err == nil || !strings.Contains(err.Error(), "TC3-HMAC-SHA256") {
		t.Fatalf("error %v does not name the algorithm", err)
	}
}
