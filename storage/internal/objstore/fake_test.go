package objstore_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/roomrec/roomrec/storage/internal/objstore"
)

// fake is an in-memory objstore.Uploader that logs its calls and checks
// what the Putter hands it. Not safe for concurrent use (Put is
// sequential).
type fake struct {
	objects map[string][]byte
	uploads map[string][][]byte // open uploads: parts by number-1
	types   map[string]string   // content type of each object or upload

	calls []string          // "put", "initiate", "part N", "complete", "abort"
	fail  map[string]error  // call name → error it returns
	after func(call string) // runs after a call that succeeded

	deadlines map[string]time.Duration // time left to each call's deadline; -1: none
	abortErr  error                    // ctx.Err() that Abort saw
	problems  []string                 // misuse the fake noticed
	nextID    int
}

func newFake() *fake {
	return &fake{objects: map[string][]byte{}, uploads: map[string][][]byte{}, types: map[string]string{},
		fail: map[string]error{}, deadlines: map[string]time.Duration{}}
}

// call logs name and returns the error the test set for it.
func (f *fake) call(ctx context.Context, name string) error {
	f.calls = append(f.calls, name)
	f.deadlines[name] = -1
	if d, ok := ctx.Deadline(); ok {
		f.deadlines[name] = time.Until(d)
	}
	if err := ctx.Err(); err != nil {
		f.problems = append(f.problems, name+" called with an ended context")
		return err
	}
	return f.fail[name]
}

func (f *fake) done(name string) {
	if f.after != nil {
		f.after(name)
	}
}

func (f *fake) PutObject(ctx context.Context, key string, body io.Reader, size int64, contentType string) error {
	if err := f.call(ctx, "put"); err != nil {
		return err
	}
	b, err := io.ReadAll(body)
	if err != nil {
		return fmt.Errorf("sending the body: %w", err)
	}
	if int64(len(b)) != size {
		return fmt.Errorf("body of %d bytes, Content-Length %d", len(b), size)
	}
	f.objects[key], f.types[key] = b, contentType
	f.done("put")
	return nil
}

func (f *fake) Initiate(ctx context.Context, key, contentType string) (string, error) {
	if err := f.call(ctx, "initiate"); err != nil {
		return "", err
	}
	f.nextID++
	id := "upload-" + strconv.Itoa(f.nextID)
	f.uploads[id], f.types[id] = nil, contentType
	f.done("initiate")
	return id, nil
}

func (f *fake) UploadPart(ctx context.Context, key, id string, num int, data []byte) (string, error) {
	name := "part " + strconv.Itoa(num)
	if err := f.call(ctx, name); err != nil {
		return "", err
	}
	parts, ok := f.uploads[id]
	if !ok || num != len(parts)+1 {
		f.problems = append(f.problems, fmt.Sprintf("%s of upload %q (open: %v, parts so far %d)", name, id, ok, len(parts)))
		return "", errors.New("bad part")
	}
	f.uploads[id] = append(parts, bytes.Clone(data))
	f.done(name)
	return "etag-" + strconv.Itoa(num), nil
}

func (f *fake) Complete(ctx context.Context, key, id string, parts []objstore.Part) error {
	if err := f.call(ctx, "complete"); err != nil {
		return err
	}
	have, ok := f.uploads[id]
	if !ok || len(parts) != len(have) {
		f.problems = append(f.problems, fmt.Sprintf("complete of upload %q with %d parts, %d uploaded", id, len(parts), len(have)))
		return errors.New("bad complete")
	}
	var obj []byte
	for i, p := range parts {
		if p.Number != i+1 || p.ETag != "etag-"+strconv.Itoa(i+1) {
			f.problems = append(f.problems, fmt.Sprintf("complete: part %d is %+v", i+1, p))
		}
		obj = append(obj, have[i]...)
	}
	delete(f.uploads, id)
	f.objects[key], f.types[key] = obj, f.types[id]
	f.done("complete")
	return nil
}

func (f *fake) Abort(ctx context.Context, key, id string) error {
	f.abortErr = ctx.Err()
	if err := f.call(ctx, "abort"); err != nil {
		return err
	}
	delete(f.uploads, id)
	return nil
}
