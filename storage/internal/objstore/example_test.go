package objstore_test

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/roomrec/roomrec/storage"
	"github.com/roomrec/roomrec/storage/internal/objstore"
)

// printUploader prints each request; a back-end's adapter makes one SDK
// call each instead.
type printUploader struct{}

func (printUploader) PutObject(_ context.Context, key string, body io.Reader, size int64, contentType string) error {
	b, err := io.ReadAll(body)
	fmt.Printf("PUT %s (%s) %q\n", key, contentType, b)
	return err
}

func (printUploader) Initiate(_ context.Context, key, contentType string) (string, error) {
	fmt.Printf("initiate %s (%s)\n", key, contentType)
	return "u1", nil
}

func (printUploader) UploadPart(_ context.Context, key, id string, num int, data []byte) (string, error) {
	fmt.Printf("part %d of %s: %q\n", num, id, data)
	return fmt.Sprintf("e%d", num), nil
}

func (printUploader) Complete(_ context.Context, key, id string, parts []objstore.Part) error {
	fmt.Printf("complete %s with %v\n", id, parts)
	return nil
}

func (printUploader) Abort(_ context.Context, key, id string) error {
	fmt.Printf("abort %s\n", id)
	return nil
}

// ExamplePutter_Put puts a small object (one request) and a larger one of
// unknown size (a multipart upload), with 4-byte parts.
func ExamplePutter_Put() {
	p := &objstore.Putter{
		Uploader: printUploader{},
		Config:   objstore.Config{PartSize: 4, MultipartThreshold: 8, MaxParts: 10000, Timeout: time.Minute},
		ToError:  func(ctx context.Context, op, key string, err error) *storage.Error { return storage.AsError(err) },
	}
	ctx := context.Background()
	if err := p.Put(ctx, "rec/a.m3u8", strings.NewReader("#EXTM3U"), 7, ""); err != nil {
		fmt.Println(err)
	}
	if err := p.Put(ctx, "rec/a.ts", strings.NewReader("0123456789"), -1, ""); err != nil {
		fmt.Println(err)
	}
	err := p.Put(ctx, "rec/b.ts", strings.NewReader("0123456789"), 8, "")
	fmt.Println(storage.AsError(err).Code)
	// Output:
	// PUT rec/a.m3u8 (application/vnd.apple.mpegurl) "#EXTM3U"
	// initiate rec/a.ts (video/mp2t)
	// part 1 of u1: "0123"
	// part 2 of u1: "4567"
	// part 3 of u1: "89"
	// complete u1 with [{1 e1} {2 e2} {3 e3}]
	// initiate rec/b.ts (video/mp2t)
	// part 1 of u1: "0123"
	// abort u1
	// SizeMismatch
}
