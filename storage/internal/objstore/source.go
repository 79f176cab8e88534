package objstore

import (
	"context"
	"errors"
	"io"
	"strconv"

	"github.com/roomrec/roomrec/storage"
)

// errSize marks a reader that yielded another number of bytes than
// declared; source.failure reports it as CodeSizeMismatch.
var errSize = errors.New("size mismatch")

// source reads the data of a Put. It stops at once when ctx ends, enforces
// the declared size and remembers why it failed, so Put can tell the
// caller's reader from the store. A reader that turns out longer than declared
// is caught before its last declared bytes are handed on, so no upload can
// complete with them.
type source struct {
	ctx  context.Context
	r    io.Reader
	size int64 // declared size, or -1
	n    int64 // bytes handed on
	eof  bool  // the reader has ended where it should

	ctxErr error // ctx's error, when it stopped the reading
	srcErr error // the reader's own failure
	long   bool  // the reader had more than size bytes
	err    error // the first of the above, returned from then on
}

func newSource(ctx context.Context, r io.Reader, size int64) *source {
	return &source{ctx: ctx, r: r, size: size}
}

// Read hands on the reader's bytes; see source.
func (s *source) Read(p []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	if err := s.ctx.Err(); err != nil {
		s.ctxErr, s.err = err, err
		return 0, err
	}
	if s.eof {
		return 0, io.EOF
	}
	if s.size >= 0 {
		left := s.size - s.n
		if left == 0 {
			return 0, s.atEnd()
		}
		if int64(len(p)) > left {
			p = p[:left]
		}
	}
	n, err := s.r.Read(p)
	s.n += int64(n)
	switch {
	case err == io.EOF && s.size >= 0 && s.n < s.size:
		s.err = errSize
		return n, s.err
	case err == io.EOF:
		s.eof = true
		return n, io.EOF
	case err != nil:
		s.srcErr, s.err = err, err
		return n, err
	case s.size >= 0 && s.n == s.size:
		if err := s.atEnd(); err != io.EOF {
			return 0, err // withhold the last bytes: the reader is too long or broken
		}
	}
	return n, nil
}

// atEnd checks that the reader has nothing after the declared size.
func (s *source) atEnd() error {
	var b [1]byte
	n, err := io.ReadAtLeast(s.r, b[:], 1)
	switch {
	case n > 0:
		s.long, s.err = true, errSize
	case err == io.EOF:
		s.eof = true
		return io.EOF
	default:
		s.srcErr, s.err = err, err
	}
	return s.err
}

// failure returns the *storage.Error of a failed source, or nil when the
// source did not fail.
func (s *source) failure(key string) *storage.Error {
	switch {
	case s.ctxErr != nil:
		return Canceled(storage.OpPut, key, s.ctxErr)
	case s.srcErr != nil:
		return &storage.Error{Op: storage.OpPut, Key: key, Code: storage.CodeSourceError,
			Message: "reading the data to store failed", Err: s.srcErr}
	case s.err == errSize:
		msg := "the reader yields more than the declared " + strconv.FormatInt(s.size, 10) + " bytes"
		if !s.long {
			msg = "the reader yields " + strconv.FormatInt(s.n, 10) + " bytes, not the declared " + strconv.FormatInt(s.size, 10)
		}
		return &storage.Error{Op: storage.OpPut, Key: key, Code: storage.CodeSizeMismatch, Message: msg}
	}
	return nil
}

// readPart fills buf from the source as io.ReadFull does; last reports
// that the data ended within (or right at the end of) buf.
func (s *source) readPart(buf []byte) (n int, last bool, err error) {
	n, err = io.ReadFull(s, buf)
	switch {
	case err == io.EOF || err == io.ErrUnexpectedEOF:
		return n, true, nil
	case err != nil:
		return n, false, err
	}
	if s.size >= 0 && s.n == s.size {
		return n, true, nil // declared size reached and checked by Read
	}
	return n, false, nil
}
