package cos

import (
	"bytes"
	"context"
	"io"

	sdk "github.com/tencentyun/cos-go-sdk-v5"

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
// CodeTooLarge, or a COS or network error.
func (s *Storage) Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error {
	return s.putter.Put(ctx, key, r, size, contentType)
}

// uploader is the objstore.Uploader of COS: one SDK call each.
type uploader struct{ client *sdk.Client }

func (u uploader) PutObject(ctx context.Context, key string, body io.Reader, size int64, contentType string) error {
	_, err := u.client.Object.Put(ctx, key, body, &sdk.ObjectPutOptions{
		ObjectPutHeaderOptions: &sdk.ObjectPutHeaderOptions{ContentType: contentType, ContentLength: size},
	})
	return err
}

func (u uploader) Initiate(ctx context.Context, key, contentType string) (string, error) {
	up, _, err := u.client.Object.InitiateMultipartUpload(ctx, key, &sdk.InitiateMultipartUploadOptions{
		ObjectPutHeaderOptions: &sdk.ObjectPutHeaderOptions{ContentType: contentType},
	})
	if err != nil {
		return "", err
	}
	return up.UploadID, nil
}

func (u uploader) UploadPart(ctx context.Context, key, id string, num int, data []byte) (string, error) {
	resp, err := u.client.Object.UploadPart(ctx, key, id, num, bytes.NewReader(data), nil)
	if err != nil {
		return "", err
	}
	return resp.Header.Get("ETag"), nil
}

func (u uploader) Complete(ctx context.Context, key, id string, parts []objstore.Part) error {
	objs := make([]sdk.Object, len(parts))
	for i, p := range parts {
		objs[i] = sdk.Object{PartNumber: p.Number, ETag: p.ETag}
	}
	_, _, err := u.client.Object.CompleteMultipartUpload(ctx, key, id, &sdk.CompleteMultipartUploadOptions{Parts: objs})
	return err
}

func (u uploader) Abort(ctx context.Context, key, id string) error {
	_, err := u.client.Object.AbortMultipartUpload(ctx, key, id)
	return err
}
