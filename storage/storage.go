package storage

import (
	"context"
	"io"
	"path"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/roomrec/roomrec/errcode"
)

// Storage is an object store the recorder writes a recording's files
// through. Implementations are safe for concurrent use. Every error they
// return is an *Error (AsError classifies foreign ones).
type Storage interface {
	// Put stores the bytes of r under key, replacing any object there. size
	// is the number of bytes r yields, or -1 when unknown; a reader that
	// yields another number of bytes fails the Put. A Put that fails or is
	// cancelled leaves the previous object (or none) in place, never a
	// partial one. contentType is the MIME type to store (ContentType(key)
	// is the usual choice).
	Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error
	// Get opens the object under key for reading; the caller closes it. A
	// missing key returns an error matching ErrNotExist.
	Get(ctx context.Context, key string) (io.ReadCloser, error)
	// Stat returns the object's metadata; a missing key returns an error
	// matching ErrNotExist.
	Stat(ctx context.Context, key string) (Object, error)
	// List returns the objects whose keys begin with prefix (plain string
	// prefix, "" for all), sorted by key. No match is an empty list, not an
	// error.
	List(ctx context.Context, prefix string) ([]Object, error)
}

// Object is the metadata of a stored object.
type Object struct {
	Key         string    // the object key
	Size        int64     // size in bytes
	ContentType string    // MIME type
	ModTime     time.Time // last modification, as the storage reports it
}

// MaxKeyLen is the longest key in bytes (the limit of S3 and COS).
const MaxKeyLen = 1024

// tempPrefix starts the names of Local's temporary files; no key segment may
// start with it, so a temporary file never shadows an object.
const tempPrefix = ".roomrec-tmp-"

// ValidateKey checks that key is a well-formed object key: 1..MaxKeyLen
// bytes of UTF-8 without control characters or backslashes, not starting
// with "/", made of non-empty "/"-separated segments none of which is "." or
// ".." (".." inside a segment, as in the encoded id "MTY4NjExOQ..", is
// fine) or starts with the reserved ".roomrec-tmp-". It returns nil or an
// *errcode.Error with code ErrKey that says what is wrong.
func ValidateKey(key string) error {
	if key == "" {
		return errcode.New(ErrKey, "the key is empty")
	}
	if err := validateChars(key, "key"); err != nil {
		return err
	}
	for _, seg := range strings.Split(key, "/") {
		if err := validateSegment(key, seg); err != nil {
			return err
		}
	}
	return nil
}

// ValidatePrefix checks a List prefix: "" (everything), a valid key, a valid
// key followed by "/", or a valid key's folders followed by the beginning of
// a segment. It returns nil or an *errcode.Error with code ErrKey.
func ValidatePrefix(prefix string) error {
	if prefix == "" {
		return nil
	}
	if err := validateChars(prefix, "prefix"); err != nil {
		return err
	}
	dir, _ := splitPrefix(prefix)
	if dir == "" {
		return nil
	}
	for _, seg := range strings.Split(strings.TrimSuffix(dir, "/"), "/") {
		if err := validateSegment(prefix, seg); err != nil {
			return err
		}
	}
	return nil
}

// splitPrefix splits a prefix after its last "/": "a/b/c" → "a/b/", "c".
func splitPrefix(prefix string) (dir, partial string) {
	i := strings.LastIndexByte(prefix, '/') + 1
	return prefix[:i], prefix[i:]
}

func validateChars(s, what string) error {
	if len(s) > MaxKeyLen {
		return errcode.New(ErrKey, "the %s is %d bytes long; at most %d allowed", what, len(s), MaxKeyLen)
	}
	if !utf8.ValidString(s) {
		return errcode.New(ErrKey, "the %s %q is not valid UTF-8", what, s)
	}
	if s[0] == '/' {
		return errcode.New(ErrKey, "the %s %q starts with '/'; keys are relative", what, s)
	}
	for i, r := range s {
		if r == '\\' {
			return errcode.New(ErrKey, "the %s %q has a backslash at byte %d; use '/' between segments", what, s, i)
		}
		if unicode.IsControl(r) {
			return errcode.New(ErrKey, "the %s %q has the control character %U at byte %d", what, s, r, i)
		}
	}
	return nil
}

func validateSegment(key, seg string) error {
	switch {
	case seg == "":
		return errcode.New(ErrKey, "the key %q has an empty segment (a leading, trailing or doubled '/')", key)
	case seg == "." || seg == "..":
		return errcode.New(ErrKey, "the key %q has the segment %q; keys cannot walk folders", key, seg)
	case strings.HasPrefix(seg, tempPrefix):
		return errcode.New(ErrKey, "the key %q has a segment starting with %q, which is reserved for temporary files", key, tempPrefix)
	}
	return nil
}

// DefaultContentType is the type of a key whose extension ContentType does
// not know.
const DefaultContentType = "application/octet-stream"

// ContentType returns the MIME type of a recording file from its key's
// extension (case-insensitive): .m3u8 application/vnd.apple.mpegurl, .ts
// video/mp2t, .mp4 video/mp4, .m4a audio/mp4, .json application/json, and
// DefaultContentType for anything else.
func ContentType(key string) string {
	switch strings.ToLower(path.Ext(key)) {
	case ".m3u8":
		return "application/vnd.apple.mpegurl" // RFC 8216
	case ".ts":
		return "video/mp2t"
	case ".mp4":
		return "video/mp4"
	case ".m4a":
		return "audio/mp4"
	case ".json":
		return "application/json"
	}
	return DefaultContentType
}
