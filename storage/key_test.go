package storage_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/roomrec/roomrec/errcode"
	"github.com/roomrec/roomrec/storage"
)

func TestValidateKey(t *testing.T) {
	cases := []struct {
		key string
		ok  bool
	}{
		{"a.ts", true},
		{"rec/task/1400123456_12345__UserId_s_MTY4NjExOQ..__UserId_e_main_audio.m3u8", true},
		{"a/..b/c..", true},
		{"a/.hidden", true},
		{"空/白 .ts", true},
		{strings.Repeat("a", storage.MaxKeyLen), true},
		{"", false},
		{"/a", false},
		{"a/", false},
		{"a//b", false},
		{"..", false},
		{"a/../b", false},
		{"./a", false},
		{`a\b`, false},
		{"a\x01", false},
		{"a\x7f", false},
		{"a\u0085", false},
		{"\xc3\x28", false},
		{".roomrec-tmp-1", false},
		{strings.Repeat("a", storage.MaxKeyLen+1), false},
	}
	for _, c := range cases {
		err := storage.ValidateKey(c.key)
		if (err == nil) != c.ok {
			t.Errorf("ValidateKey(%q) = %v, want ok=%v", c.key, err, c.ok)
		}
		if err != nil && (!errors.Is(err, storage.ErrKey) || !errors.Is(err, errcode.InvalidParameter)) {
			t.Errorf("ValidateKey(%q) error %v is not %s", c.key, err, storage.ErrKey)
		}
	}
}

func TestValidatePrefix(t *testing.T) {
	cases := []struct {
		prefix string
		ok     bool
	}{
		{"", true}, {"a", true}, {"a/", true}, {"a/b", true}, {"a/b/", true},
		{"a/..", true}, // the beginning of a segment such as "..x" is a fine filter
		{".", true},
		{"/", false}, {"/a", false}, {"a//", false}, {"../", false}, {"a/../b", false},
		{`a\`, false}, {"a\n", false}, {"\xff", false},
	}
	for _, c := range cases {
		if err := storage.ValidatePrefix(c.prefix); (err == nil) != c.ok {
			t.Errorf("ValidatePrefix(%q) = %v, want ok=%v", c.prefix, err, c.ok)
		}
	}
}

func FuzzValidateKey(f *testing.F) {
	for _, s := range []string{"a.ts", "a/../b", "a//b", `a\b`, "a/.roomrec-tmp-", "MTY4NjExOQ.."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, key string) {
		if storage.ValidateKey(key) != nil {
			return
		}
		// A valid key never escapes the root and is a valid prefix.
		for _, seg := range strings.Split(key, "/") {
			if seg == "" || seg == "." || seg == ".." {
				t.Fatalf("ValidateKey accepted %q", key)
			}
		}
		if strings.ContainsAny(key, "\\\x00") || key[0] == '/' {
			t.Fatalf("ValidateKey accepted %q", key)
		}
		if err := storage.ValidatePrefix(key); err != nil {
			t.Fatalf("valid key %q is not a valid prefix: %v", key, err)
		}
	})
}

func TestContentType(t *testing.T) {
	cases := map[string]string{
		"a/b.m3u8": "application/vnd.apple.mpegurl",
		"a/B.M3U8": "application/vnd.apple.mpegurl",
		"x.ts":     "video/mp2t",
		"x.mp4":    "video/mp4",
		"x.m4a":    "audio/mp4",
		"x.json":   "application/json",
		"x.bin":    storage.DefaultContentType,
		"x":        storage.DefaultContentType,
		"a.ts/x":   storage.DefaultContentType,
	}
	for key, want := range cases {
		if got := storage.ContentType(key); got != want {
			t.Errorf("ContentType(%q) = %q, want %q", key, got, want)
		}
	}
}

func TestAsError(t *testing.T) {
	plain := errors.New("connection reset")
	cases := []struct {
		err       error
		code      string
		retryable bool
	}{
		{plain, storage.CodeInternal, true},
		{context.Canceled, storage.CodeCanceled, false},
		{context.DeadlineExceeded, storage.CodeCanceled, true},
		{storage.ErrNotExist, storage.CodeNoSuchKey, false},
		{storage.ValidateKey(""), storage.CodeInvalidKey, false},
		{&storage.Error{Op: storage.OpPut, Code: "NoSuchBucket", Message: "The specified bucket does not exist"}, "NoSuchBucket", false},
	}
	for _, c := range cases {
		e := storage.AsError(c.err)
		if e.Code != c.code || e.Retryable != c.retryable || !errors.Is(e, c.err) {
			t.Errorf("AsError(%v) = %+v, want code %s retryable %v wrapping the error", c.err, e, c.code, c.retryable)
		}
	}
	if storage.AsError(nil) != nil {
		t.Error("AsError(nil) != nil")
	}
	e := &storage.Error{Op: storage.OpPut, Key: "a\nb", Code: "X", Message: "m", Err: plain}
	if got, want := e.Error(), `storage: put "a\nb": X: m: connection reset`; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}
