package storage

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"syscall"
)

// PutFile moves the file at localPath to key: a rename when both are on
// one file system (no copy), otherwise a Put of its content followed by
// the removal of localPath. The file is fsynced before it appears under
// key, so the result is as durable and atomic as Put's. On success
// localPath is gone; on failure it is left as it was. It returns the errors
// of Put, CodeSourceError when localPath is missing or not a regular file.
func (l *Local) PutFile(ctx context.Context, key, localPath string) error {
	final, err := l.prepare(ctx, OpPut, key)
	if err != nil {
		return err
	}
	fi, err := os.Lstat(localPath)
	if err != nil || !fi.Mode().IsRegular() {
		if err == nil {
			err = &fs.PathError{Op: "putfile", Path: localPath, Err: errors.New("not a regular file")}
		}
		return &Error{Op: OpPut, Key: key, Code: CodeSourceError, Message: "the file to move cannot be used", Err: err}
	}
	if err := syncFile(localPath); err != nil {
		return &Error{Op: OpPut, Key: key, Code: CodeSourceError, Message: "cannot fsync the file to move", Err: err}
	}
	if err := os.Rename(localPath, final); err == nil {
		if runtime.GOOS != "windows" {
			_ = os.Chmod(final, 0o644) // as Put's files; best effort
		}
		if err := syncDir(filepath.Dir(final)); err != nil {
			return l.fsError(OpPut, key, err)
		}
		_ = syncDir(filepath.Dir(localPath)) // the source entry's removal; best effort
		return nil
	} else if fi, serr := os.Lstat(final); serr == nil && fi.IsDir() {
		return conflict(OpPut, key, err)
	}
	// Another file system (or a rename the OS refuses): copy, then remove.
	return l.copyFile(ctx, key, localPath, fi.Size())
}

// copyFile Puts the content of localPath under key and removes localPath.
func (l *Local) copyFile(ctx context.Context, key, localPath string, size int64) error {
	f, err := os.Open(localPath)
	if err != nil {
		return &Error{Op: OpPut, Key: key, Code: CodeSourceError, Message: "cannot open the file to move", Err: err}
	}
	err = l.Put(ctx, key, f, size, ContentType(key))
	_ = f.Close() // read-only; Put has checked every byte
	if err != nil {
		return err
	}
	if err := os.Remove(localPath); err != nil {
		return &Error{Op: OpPut, Key: key, Code: CodeSourceError, Message: "stored, but cannot remove the moved file", Err: err}
	}
	return nil
}

func syncFile(p string) error {
	f, err := os.OpenFile(p, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}

// fsError turns a file-system error into an *Error with a code saying what
// happened and whether a retry may help.
func (l *Local) fsError(op, key string, err error) *Error {
	switch {
	case isNotExist(err), op != OpPut && errors.Is(err, syscall.ENOTDIR):
		// A lookup through a file ("a/b" when "a" is a file) finds nothing.
		return notExist(op, key, err)
	case errors.Is(err, syscall.ENOTDIR):
		return conflict(op, key, err)
	case errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT):
		return &Error{Op: op, Key: key, Code: CodeNoSpace, Message: "no space left in " + l.dir, Retryable: true, Err: err}
	case errors.Is(err, fs.ErrPermission), errors.Is(err, syscall.EROFS):
		return &Error{Op: op, Key: key, Code: CodeAccessDenied, Message: "permission denied in " + l.dir, Err: err}
	}
	return &Error{Op: op, Key: key, Code: CodeIOError, Message: "file-system error", Retryable: true, Err: err}
}

// isNotExist reports a missing file or folder.
func isNotExist(err error) bool {
	return errors.Is(err, fs.ErrNotExist)
}

// notExist returns the *Error of a missing key; it wraps ErrNotExist and
// the cause (when there is one).
func notExist(op, key string, cause error) *Error {
	var err error
	switch {
	case cause == nil:
		err = ErrNotExist
	case errors.Is(cause, ErrNotExist):
		err = cause
	default:
		err = errors.Join(ErrNotExist, cause)
	}
	return &Error{Op: op, Key: key, Code: CodeNoSuchKey, Message: "no such object", Err: err}
}

func conflict(op, key string, err error) *Error {
	return &Error{Op: op, Key: key, Code: CodeKeyConflict,
		Message: "a file system cannot hold both a key and keys below it (\"a\" and \"a/b\")", Err: err}
}

func canceled(op, key string, err error) *Error {
	return &Error{Op: op, Key: key, Code: CodeCanceled, Message: "cancelled",
		Retryable: errors.Is(err, context.DeadlineExceeded), Err: err}
}

func sizeMessage(want, got int64) string {
	if got > want {
		return "the reader yields more than the declared " + strconv.FormatInt(want, 10) + " bytes"
	}
	return "the reader yields " + strconv.FormatInt(got, 10) + " bytes, not the declared " + strconv.FormatInt(want, 10)
}
