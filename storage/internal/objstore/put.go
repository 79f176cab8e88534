package objstore

import (
	"bytes"
	"context"
	"io"
	"strconv"
	"time"

	"github.com/roomrec/roomrec/storage"
)

// AbortTimeout bounds the clean-up of a failed multipart upload, which
// runs even when the caller's ctx has ended.
const AbortTimeout = 30 * time.Second

// Uploader is the five requests of an object store that Putter drives. A
// back-end implements it as a thin adapter over its SDK; each call is one
// request (the SDK's own retries off) and returns the SDK's error as it is,
// for the Putter's ErrorFunc to map.
type Uploader interface {
	// PutObject stores size bytes of body (size >= 0) under key in one
	// request.
	PutObject(ctx context.Context, key string, body io.Reader, size int64, contentType string) error
	// Initiate starts a multipart upload and returns its upload ID.
	Initiate(ctx context.Context, key, contentType string) (uploadID string, err error)
	// UploadPart sends part number num (from 1) and returns its ETag. It
	// must not keep data after it returns: the Putter reuses the buffer.
	UploadPart(ctx context.Context, key, uploadID string, num int, data []byte) (etag string, err error)
	// Complete joins the uploaded parts, in order, into the object.
	Complete(ctx context.Context, key, uploadID string, parts []Part) error
	// Abort discards the upload and its parts.
	Abort(ctx context.Context, key, uploadID string) error
}

// Part is one uploaded part of a multipart upload.
type Part struct {
	Number int    // from 1
	ETag   string // as UploadPart returned it
}

// ErrorFunc turns an error an Uploader returned for the call op on key
// into a *storage.Error (the back-end's mapping of its SDK's errors).
type ErrorFunc func(ctx context.Context, op, key string, err error) *storage.Error

// Config tunes a Putter. The back-end fills it from its own validated
// Config with the defaults applied; every field must be positive.
type Config struct {
	PartSize           int64         // bytes per part (the last may be smaller)
	MultipartThreshold int64         // known sizes from here on go multipart
	MaxParts           int           // the store's limit of parts per upload
	Timeout            time.Duration // bounds each request
}

// PartSizeFor returns the part size for an upload of size bytes (-1
// unknown): PartSize, or larger (in whole MiB) when size needs more than
// MaxParts parts.
func (c Config) PartSizeFor(size int64) int64 {
	ps := c.PartSize
	if n := int64(c.MaxParts); size > ps*n {
		ps = (size + n - 1) / n
		ps = (ps + 1<<20 - 1) >> 20 << 20 // whole MiB
	}
	return ps
}

// Putter carries out storage.Storage's Put over an Uploader. All three
// fields must be set (a back-end's New does it once). It holds no state of
// its own between calls and is safe for concurrent use when its Uploader
// is.
type Putter struct {
	Uploader Uploader
	Config   Config
	ToError  ErrorFunc
}

// Put stores the bytes of r under key with the given content type (""
// means storage.ContentType(key)), as the back-ends' Put documents: a
// known size under MultipartThreshold is streamed in one PutObject; a
// larger or unknown size goes as a multipart upload of PartSize parts, one
// part in memory at a time (an unknown size that ends within the first
// part is sent with one PutObject). A multipart upload that fails is
// aborted, with a fresh context when ctx has ended. It returns a
// *storage.Error: CodeInvalidKey, CodeCanceled, CodeSourceError (wrapping
// r's error), CodeSizeMismatch, CodeTooLarge, storage.CodeInternal for a
// Config with a field that is not positive, or what ToError makes of the
// Uploader's error.
func (p *Putter) Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error {
	if err := Precheck(ctx, storage.OpPut, key); err != nil {
		return err
	}
	c := p.Config
	if c.PartSize <= 0 || c.MultipartThreshold <= 0 || c.MaxParts <= 0 || c.Timeout <= 0 {
		return &storage.Error{Op: storage.OpPut, Key: key, Code: storage.CodeInternal,
			Message: "the back-end's upload settings are not all positive"}
	}
	if contentType == "" {
		contentType = storage.ContentType(key)
	}
	src := newSource(ctx, r, size)
	var err error
	if size >= 0 && size < c.MultipartThreshold {
		err = p.putSingle(ctx, key, src, size, contentType)
	} else {
		err = p.putMultipart(ctx, key, src, size, contentType)
	}
	if err == nil {
		return nil
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		return Canceled(storage.OpPut, key, ctxErr)
	}
	if f := src.failure(key); f != nil {
		return f
	}
	if se, ok := err.(*storage.Error); ok {
		return se
	}
	return p.ToError(ctx, storage.OpPut, key, err)
}

// requestCtx bounds one request by Config.Timeout.
func (p *Putter) requestCtx(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, p.Config.Timeout)
}

// putSingle streams size bytes of src in one PutObject.
func (p *Putter) putSingle(ctx context.Context, key string, src *source, size int64, contentType string) error {
	var body io.Reader = src
	if size == 0 {
		// The SDKs send no body for size 0; check that the caller's reader
		// is empty indeed.
		if n, err := src.Read(make([]byte, 1)); n > 0 || err != io.EOF {
			return errSize
		}
		body = bytes.NewReader(nil)
	}
	rctx, cancel := p.requestCtx(ctx)
	defer cancel()
	return p.Uploader.PutObject(rctx, key, body, size, contentType)
}

// putMultipart sends src as a multipart upload, or as one PutObject when
// its size is unknown and it ends within the first part.
func (p *Putter) putMultipart(ctx context.Context, key string, src *source, size int64, contentType string) error {
	ps := p.Config.PartSizeFor(size)
	if size >= 0 && size < ps {
		ps = size // a small threshold: no larger buffer than the data
	}
	buf := make([]byte, ps)
	n, last, err := src.readPart(buf)
	if err != nil {
		return err
	}
	if last && size < 0 {
		return p.putSingle(ctx, key, newSource(ctx, bytes.NewReader(buf[:n]), int64(n)), int64(n), contentType)
	}
	rctx, cancel := p.requestCtx(ctx)
	id, err := p.Uploader.Initiate(rctx, key, contentType)
	cancel()
	if err != nil {
		return err
	}
	if err := p.sendParts(ctx, key, id, src, buf, n, last); err != nil {
		actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), AbortTimeout)
		_ = p.Uploader.Abort(actx, key, id) // best effort; the error that matters is err
		cancel()
		return err
	}
	return nil
}

// sendParts uploads the parts, the first already in buf[:n], and
// completes the upload.
func (p *Putter) sendParts(ctx context.Context, key, id string, src *source, buf []byte, n int, last bool) error {
	var parts []Part
	for num := 1; ; num++ {
		if num > p.Config.MaxParts {
			return &storage.Error{Op: storage.OpPut, Key: key, Code: CodeTooLarge,
				Message: "the data needs more than " + strconv.Itoa(p.Config.MaxParts) + " parts of " + strconv.FormatInt(int64(len(buf)), 10) + " bytes; raise PartSize"}
		}
		etag, err := p.uploadPart(ctx, key, id, num, buf[:n])
		if err != nil {
			return err
		}
		parts = append(parts, Part{Number: num, ETag: etag})
		if last {
			break
		}
		if n, last, err = src.readPart(buf); err != nil {
			return err
		}
		if n == 0 { // the data ended on a part boundary
			break
		}
	}
	rctx, cancel := p.requestCtx(ctx)
	defer cancel()
	return p.Uploader.Complete(rctx, key, id, parts)
}

func (p *Putter) uploadPart(ctx context.Context, key, id string, num int, b []byte) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	rctx, cancel := p.requestCtx(ctx)
	defer cancel()
	return p.Uploader.UploadPart(rctx, key, id, num, b)
}
