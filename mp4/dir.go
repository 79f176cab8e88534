package mp4

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// partReader reads a finished part: the header bytes, then the media data
// from the part's file. WriteTo lets a file sink copy the media data
// inside the kernel (copy_file_range).
type partReader struct {
	head []byte
	f    *os.File
	size int64 // whole file
	off  int64
}

// Read reads the next bytes of the part.
func (r *partReader) Read(b []byte) (int, error) {
	h := int64(len(r.head))
	switch {
	case r.off >= r.size:
		return 0, io.EOF
	case r.off < h:
		n := copy(b, r.head[r.off:])
		r.off += int64(n)
		return n, nil
	}
	if rest := r.size - r.off; int64(len(b)) > rest {
		b = b[:rest]
	}
	n, err := r.f.ReadAt(b, r.off-h)
	r.off += int64(n)
	if n == len(b) {
		err = nil
	}
	return n, err
}

// Seek sets the offset of the next Read (io.Seeker semantics).
func (r *partReader) Seek(offset int64, whence int) (int64, error) {
	switch whence {
	case io.SeekCurrent:
		offset += r.off
	case io.SeekEnd:
		offset += r.size
	}
	if offset < 0 {
		return r.off, errors.New("mp4: seek before the start of the part")
	}
	r.off = offset
	return offset, nil
}

// WriteTo writes the rest of the part to w.
func (r *partReader) WriteTo(w io.Writer) (int64, error) {
	var total int64
	if h := int64(len(r.head)); r.off < h {
		n, err := w.Write(r.head[r.off:])
		total += int64(n)
		r.off += int64(n)
		if err != nil {
			return total, err
		}
	}
	if r.off >= r.size {
		return total, nil
	}
	if _, err := r.f.Seek(r.off-int64(len(r.head)), io.SeekStart); err != nil {
		return total, err
	}
	n, err := io.Copy(w, io.LimitReader(r.f, r.size-r.off))
	total += n
	r.off += n
	return total, err
}

// Dir is a folder of the local disk used as a Source and a Sink: the key
// "a/b.ts" is the file Dir/a/b.ts. Tools and tests use it; recordings go
// through the recorder's storage.
type Dir string

// Get opens the file under key. It returns an error matching
// fs.ErrNotExist for a missing file, or an error for a key that is not a
// local path.
func (d Dir) Get(ctx context.Context, key string) (io.ReadCloser, error) {
	p, err := d.path(key)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return os.Open(p)
}

// Put writes r (size bytes, -1 when unknown) to the file under key: to a
// temporary file in the same folder first, renamed into place once
// complete, so a failed Put leaves no partial file. It creates missing
// folders; contentType is not stored. It returns the first error of these
// steps, or one for a reader that yields another number of bytes.
func (d Dir) Put(ctx context.Context, key string, r io.Reader, size int64, _ string) (err error) {
	p, err := d.path(key)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(p), "."+filepath.Base(p)+".tmp*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = os.Remove(f.Name())
		}
	}()
	n, err := io.Copy(f, r)
	if err == nil && size >= 0 && n != size {
		err = fmt.Errorf("mp4: %s: got %d bytes, want %d", key, n, size)
	}
	if err == nil {
		err = f.Chmod(0o644)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		return err
	}
	return os.Rename(f.Name(), p)
}

// path maps a key to a path under d.
func (d Dir) path(key string) (string, error) {
	local := filepath.FromSlash(key)
	if !filepath.IsLocal(local) {
		return "", fmt.Errorf("mp4: key %q is not a local path", key)
	}
	return filepath.Join(string(d), local), nil
}
