package storage

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"syscall"

	"github.com/roomrec/roomrec/errcode"
)

// Local is the embedded default Storage: objects are files under a root
// directory, the key's segments being the path's folders. It is safe for
// concurrent use, also by several Locals (or processes) on one directory.
//
// Writes are atomic and durable: Put writes a temporary file in the target
// folder, fsyncs it, renames it over the final name and fsyncs the folder,
// so a reader sees the old object or the whole new one, never part of it,
// and a crash loses nothing that Put reported as stored. A failed or
// cancelled Put removes its temporary file. Temporary files are named
// ".roomrec-tmp-*" (a crash can leave one behind; List never shows them and
// they may be deleted when no Put runs).
//
// Content types are not stored: Local reports ContentType(key), derived
// from the extension (.m3u8, .ts, .mp4, .m4a, .json; others
// application/octet-stream), whatever type Put was given. The recorder only
// writes those extensions with those types, so nothing is lost; a sidecar
// file per object would double the file count for no gain.
//
// Files are written with mode 0644 and folders with 0755. A file system
// cannot hold both "a" and "a/b": the second Put fails with CodeKeyConflict.
type Local struct {
	dir string
}

// NewLocal returns a Local storing under dir, which is created (with its
// parents) when missing. It returns an *errcode.Error with code
// InvalidParameter.Dir when dir is empty or names a file, and an
// InternalError.Storage one when dir cannot be created.
func NewLocal(dir string) (*Local, error) {
	if dir == "" {
		return nil, errcode.New(errcode.InvalidParameter.Detail("Dir"), "the storage directory is empty; name a directory")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, errcode.Wrap(errcode.InvalidParameter.Detail("Dir"), err, "cannot resolve the storage directory %q", dir)
	}
	if fi, err := os.Stat(abs); err == nil && !fi.IsDir() {
		return nil, errcode.New(errcode.InvalidParameter.Detail("Dir"), "the storage directory %q is a file, not a directory", abs)
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return nil, errcode.Wrap(errcode.InternalError.Detail("Storage"), err, "cannot create the storage directory %q", abs)
	}
	return &Local{dir: abs}, nil
}

// Dir returns the absolute root directory.
func (l *Local) Dir() string { return l.dir }

// Path returns the file path of key under the root, or "" when ValidateKey
// rejects key. The file exists only once a Put of key has succeeded.
func (l *Local) Path(key string) string {
	if ValidateKey(key) != nil {
		return ""
	}
	return filepath.Join(l.dir, filepath.FromSlash(key))
}

// Put stores r under key atomically (see Local). contentType is not stored
// (Local reports ContentType(key)). It returns an *Error: CodeInvalidKey,
// CodeSizeMismatch when size >= 0 and r yields another count, CodeSourceError
// when r fails, CodeCanceled when ctx ends first, CodeKeyConflict, or a
// classified file-system error (CodeNoSpace, CodeAccessDenied, CodeIOError).
func (l *Local) Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error {
	final, err := l.prepare(ctx, OpPut, key)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(final), tempPrefix+"*")
	if err != nil {
		return l.fsError(OpPut, key, err)
	}
	if err := l.fill(ctx, tmp, key, r, size); err != nil {
		_ = tmp.Close()
		_ = os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		_ = os.Remove(tmp.Name())
		return l.fsError(OpPut, key, err)
	}
	if err := l.commit(tmp.Name(), final, key); err != nil {
		_ = os.Remove(tmp.Name())
		return err
	}
	return nil
}

// prepare validates key, checks ctx and creates the key's folders; it
// returns the final path.
func (l *Local) prepare(ctx context.Context, op, key string) (string, error) {
	if err := ValidateKey(key); err != nil {
		return "", &Error{Op: op, Key: key, Code: CodeInvalidKey, Message: "invalid key", Err: err}
	}
	if err := ctx.Err(); err != nil {
		return "", canceled(op, key, err)
	}
	final := filepath.Join(l.dir, filepath.FromSlash(key))
	if err := l.mkdirs(filepath.Dir(final)); err != nil {
		return "", l.fsError(op, key, err)
	}
	return final, nil
}

// fill copies r into the temporary file f, checks the size and fsyncs.
func (l *Local) fill(ctx context.Context, f *os.File, key string, r io.Reader, size int64) error {
	if err := f.Chmod(0o644); err != nil && runtime.GOOS != "windows" {
		return l.fsError(OpPut, key, err)
	}
	src := &sourceReader{ctx: ctx, r: r}
	var in io.Reader = src
	if size >= 0 {
		in = io.LimitReader(src, size+1) // one more byte reveals a long reader
	}
	n, err := io.CopyBuffer(writerOnly{f}, in, make([]byte, 128<<10))
	switch {
	case src.ctxErr != nil:
		return canceled(OpPut, key, src.ctxErr)
	case src.err != nil:
		return &Error{Op: OpPut, Key: key, Code: CodeSourceError, Message: "reading the data to store failed", Err: src.err}
	case err != nil:
		return l.fsError(OpPut, key, err)
	case size >= 0 && n != size:
		return &Error{Op: OpPut, Key: key, Code: CodeSizeMismatch,
			Message: sizeMessage(size, n)}
	}
	if err := f.Sync(); err != nil {
		return l.fsError(OpPut, key, err)
	}
	return nil
}

// commit renames the finished file over final and makes the rename durable.
func (l *Local) commit(from, final, key string) error {
	if err := os.Rename(from, final); err != nil {
		if fi, serr := os.Lstat(final); serr == nil && fi.IsDir() {
			return conflict(OpPut, key, err)
		}
		return l.fsError(OpPut, key, err)
	}
	if err := syncDir(filepath.Dir(final)); err != nil {
		return l.fsError(OpPut, key, err)
	}
	return nil
}

// Get opens the file of key. It returns an *Error wrapping ErrNotExist when
// there is no object under key (also when key is a folder of other keys).
func (l *Local) Get(ctx context.Context, key string) (io.ReadCloser, error) {
	p, err := l.existing(ctx, OpGet, key)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, l.fsError(OpGet, key, err)
	}
	return f, nil
}

// Stat returns the metadata of key's file, with ContentType(key) as its type.
// It returns an *Error wrapping ErrNotExist when there is no object.
func (l *Local) Stat(ctx context.Context, key string) (Object, error) {
	p, err := l.existing(ctx, OpStat, key)
	if err != nil {
		return Object{}, err
	}
	fi, err := os.Lstat(p)
	if err != nil {
		return Object{}, l.fsError(OpStat, key, err)
	}
	return Object{Key: key, Size: fi.Size(), ContentType: ContentType(key), ModTime: fi.ModTime()}, nil
}

// existing validates key and returns its path when it is a regular file.
func (l *Local) existing(ctx context.Context, op, key string) (string, error) {
	if err := ValidateKey(key); err != nil {
		return "", &Error{Op: op, Key: key, Code: CodeInvalidKey, Message: "invalid key", Err: err}
	}
	if err := ctx.Err(); err != nil {
		return "", canceled(op, key, err)
	}
	p := filepath.Join(l.dir, filepath.FromSlash(key))
	fi, err := os.Lstat(p)
	if err != nil {
		return "", l.fsError(op, key, err)
	}
	if !fi.Mode().IsRegular() {
		return "", notExist(op, key, nil)
	}
	return p, nil
}

// List walks the folders under prefix and returns the regular files whose
// keys begin with prefix, sorted by key, skipping temporary files. It
// returns an *Error (CodeInvalidKey for a bad prefix, CodeCanceled, or a
// file-system error).
func (l *Local) List(ctx context.Context, prefix string) ([]Object, error) {
	if err := ValidatePrefix(prefix); err != nil {
		return nil, &Error{Op: OpList, Key: prefix, Code: CodeInvalidKey, Message: "invalid prefix", Err: err}
	}
	if err := ctx.Err(); err != nil {
		return nil, canceled(OpList, prefix, err)
	}
	dir, _ := splitPrefix(prefix)
	root := filepath.Join(l.dir, filepath.FromSlash(dir))
	var out []Object
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if isNotExist(err) || errors.Is(err, syscall.ENOTDIR) {
				return nil // no such folder, or removed while we walk
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		rel, err := filepath.Rel(l.dir, p)
		if err != nil {
			return err
		}
		key := filepath.ToSlash(rel)
		if d.IsDir() {
			if p != root && !strings.HasPrefix(key+"/", prefix) && !strings.HasPrefix(prefix, key+"/") {
				return fs.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() || strings.HasPrefix(d.Name(), tempPrefix) || !strings.HasPrefix(key, prefix) {
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			if isNotExist(err) { // removed while we walked
				return nil
			}
			return err
		}
		out = append(out, Object{Key: key, Size: fi.Size(), ContentType: ContentType(key), ModTime: fi.ModTime()})
		return nil
	})
	if err != nil {
		if cerr := ctx.Err(); cerr != nil {
			return nil, canceled(OpList, prefix, cerr)
		}
		return nil, l.fsError(OpList, prefix, err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

// mkdirs creates dir and its missing parents up to the root, fsyncing each
// parent whose entries changed so the new folders survive a crash.
func (l *Local) mkdirs(dir string) error {
	fi, err := os.Stat(dir)
	if err == nil {
		if !fi.IsDir() {
			return &fs.PathError{Op: "mkdir", Path: dir, Err: syscall.ENOTDIR}
		}
		return nil
	}
	if !errors.Is(err, fs.ErrNotExist) || dir == l.dir {
		return err
	}
	parent := filepath.Dir(dir)
	if err := l.mkdirs(parent); err != nil {
		return err
	}
	if err := os.Mkdir(dir, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	return syncDir(parent)
}

// syncDir fsyncs a directory so that renames and new entries in it are
// durable. Windows cannot fsync a directory (and does not need to).
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	if err := d.Sync(); err != nil {
		_ = d.Close()
		return err
	}
	return d.Close()
}

// writerOnly hides *os.File's ReadFrom so io.CopyBuffer uses our buffer.
type writerOnly struct{ w io.Writer }

func (w writerOnly) Write(p []byte) (int, error) { return w.w.Write(p) }

// sourceReader reads the caller's data, stops when ctx ends and remembers
// which side failed, so Put can tell the caller's reader from the disk.
type sourceReader struct {
	ctx    context.Context
	r      io.Reader
	err    error // the reader's failure
	ctxErr error // ctx's error, when it ended the copy
}

func (s *sourceReader) Read(p []byte) (int, error) {
	if err := s.ctx.Err(); err != nil {
		s.ctxErr = err
		return 0, err
	}
	n, err := s.r.Read(p)
	if err != nil && err != io.EOF {
		s.err = err
	}
	return n, err
}
