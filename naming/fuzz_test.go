package naming

import (
	"errors"
	"path"
	"testing"

	"github.com/roomrec/roomrec/errcode"
)

// FuzzParse checks that Parse, ParseFile and DecodeID never panic, reject
// garbage with an InvalidParameter code, and that whatever they accept
// rebuilds to exactly the same string. Seeds: the keys and file names of the
// test tables, plus the corpus committed in testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	for _, c := range goodCases {
		f.Add(c.key)
		f.Add(path.Base(c.key))
	}
	for _, c := range badKeys {
		f.Add(c.key)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if n, err := Parse(s); err == nil {
			if got := n.String(); got != s {
				t.Fatalf("Parse(%q).String() = %q", s, got)
			}
			if err := n.Validate(); err != nil {
				t.Fatalf("Parse(%q) returned a Name that does not validate: %v", s, err)
			}
		} else {
			checkError(t, "Parse", s, err)
		}
		if n, err := ParseFile(s); err == nil {
			if got := n.File(); got != s {
				t.Fatalf("ParseFile(%q).File() = %q", s, got)
			}
			if n.Prefix != "" || n.TaskID != "" {
				t.Fatalf("ParseFile(%q) set folders: %+v", s, n)
			}
		} else {
			checkError(t, "ParseFile", s, err)
		}
		if id, err := DecodeID(s); err == nil {
			if got := EncodeID(id); got != s {
				t.Fatalf("EncodeID(DecodeID(%q)) = %q", s, got)
			}
		} else if !errors.Is(err, ErrEncodedID) {
			t.Fatalf("DecodeID(%q) error %v has not the code %v", s, err, ErrEncodedID)
		}
	})
}

// checkError fails t unless err is an *errcode.Error of class InvalidParameter.
func checkError(t *testing.T, fn, s string, err error) {
	t.Helper()
	var e *errcode.Error
	if !errors.As(err, &e) || !errors.Is(err, errcode.InvalidParameter) {
		t.Fatalf("%s(%q) error %v is not an InvalidParameter *errcode.Error", fn, s, err)
	}
}
