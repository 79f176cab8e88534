package hls

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// DirOutput is an Output that writes files under a local directory: a file
// name "a/b.ts" becomes Dir/a/b.ts (folders are created). It is also an
// Appender: the playlist is appended to, never modified in place. It is
// meant for tools, tests and examples; recordings go through the storage
// spool.
type DirOutput struct {
	// Dir is the root directory; it must exist.
	Dir string
}

// Create creates (or truncates) the file name under Dir. It returns an error
// for a name that is not local (absolute, or with "..") or when the file
// cannot be created.
func (o DirOutput) Create(name string) (io.WriteCloser, error) {
	p, err := o.path(name)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return nil, err
	}
	return os.Create(p)
}

// WriteFile replaces the file name under Dir with data atomically: it writes
// a temporary file in the same folder, syncs it and renames it into place.
// It returns the first error of these steps.
func (o DirOutput) WriteFile(name string, data []byte) error {
	p, err := o.path(name)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return replaceFile(p, func(f *os.File) error {
		_, err := f.Write(data)
		return err
	})
}

// AppendFile replaces the file name under Dir with its content followed by
// data (hls.Appender), atomically and without touching the existing file:
// the new content is written to a temporary file that is renamed into
// place, as WriteFile does, so a reader that has the old file open keeps
// reading the old version. It returns an error when the file does not
// exist or a step fails; the file is then unchanged.
func (o DirOutput) AppendFile(name string, data []byte) error {
	p, err := o.path(name)
	if err != nil {
		return err
	}
	old, err := os.Open(p)
	if err != nil {
		return err
	}
	defer old.Close()
	return replaceFile(p, func(f *os.File) error {
		if _, err := io.Copy(f, old); err != nil {
			return err
		}
		_, err := f.Write(data)
		return err
	})
}

// ReadFile returns the content of the file name under Dir (hls.Appender).
func (o DirOutput) ReadFile(name string) ([]byte, error) {
	p, err := o.path(name)
	if err != nil {
		return nil, err
	}
	return os.ReadFile(p)
}

// replaceFile atomically replaces the file at p with what fill writes: it
// fills a temporary file in the same folder, syncs it and renames it into
// place. It returns the first error of these steps (the temporary file is
// then removed).
func replaceFile(p string, fill func(*os.File) error) (err error) {
	f, err := os.CreateTemp(filepath.Dir(p), "."+filepath.Base(p)+".tmp*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = os.Remove(f.Name())
		}
	}()
	if err = fill(f); err == nil {
		err = f.Chmod(0o644) // CreateTemp makes it 0600; match os.Create
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return os.Rename(f.Name(), p)
}

// path maps a file name to a path under Dir.
func (o DirOutput) path(name string) (string, error) {
	local := filepath.FromSlash(name)
	if !filepath.IsLocal(local) {
		return "", fmt.Errorf("hls: file name %q is not a local path", name)
	}
	return filepath.Join(o.Dir, local), nil
}
