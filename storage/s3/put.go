package s3

import (
	"bytes"
	"context"
	"io"

	"github.com/minio/minio-go/v7"

	"github.com/roomrec/roomrec/storage/internal/objstore"
)

// Put stores the bytes of r under key with the given content type (""
// means storage.ContentType(key)). A known size under MultipartThreshold
// is streamed in one PUT; a larger or unknown size goes as a multipart
// upload of PartSize parts, one part in memory at a time (an unknown size
// that ends within the first part is sent as one PUT). A Put that fails or
// is cancelled leaves no new object: a single PUT that did not complete
// stores nothing, and a multipart upload is aborted (with a fresh context
// when ctx has ended). It returns a *storage.Error: CodeInvalidKey,
// CodeCanceled, CodeSourceError (wrapping r's error), CodeSizeMismatch,
// CodeTooLarge, or an S3 or network error.
func (s *Storage) Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error {
	return s.putter.Put(ctx, key, r, size, contentType)
}

// uploader is the objstore.Uploader of an S3 bucket: one minio-go Core
// call each.
type uploader struct {
	core   *minio.Core
	bucket string
}

func (u uploader) PutObject(ctx context.Context, key string, body io.Reader, size int64, contentType string) error {
	_, err := u.core.PutObject(ctx, u.bucket, key, body, size, "", "", minio.PutObjectOptions{ContentType: contentType})
	return err
}

func (u uploader) Initiate(ctx context.Context, key, contentType string) (string, error) {
	return u.core.NewMultipartUpload(ctx, u.bucket, key, minio.PutObjectOptions{ContentType: contentType})
}

func (u uploader) UploadPart(ctx context.Context, key, id string, num int, data []byte) (string, error) {
	p, err := u.core.PutObjectPart(ctx, u.bucket, key, id, num, bytes.NewReader(data), int64(len(data)), minio.PutObjectPartOptions{})
	if err != nil {
		return "", err
	}
	return p.ETag, nil
}

func (u uploader) Complete(ctx context.Context, key, id string, parts []objstore.Part) error {
	cps := make([]minio.CompletePart, len(parts))
	for i, p := range parts {
		cps[i] = minio.CompletePart{PartNumber: p.Number, ETag: p.ETag}
	}
	_, err := u.core.CompleteMultipartUpload(ctx, u.bucket, key, id, cps, minio.PutObjectOptions{})
	return err
}

func (u uploader) Abort(ctx context.Context, key, id string) error {
	return u.core.AbortMultipartUpload(ctx, u.bucket, key, id)
}
