package storage_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"strings"

	"github.com/roomrec/roomrec/storage"
)

// ExampleLocal stores a playlist on local disk, lists the task folder and
// reads it back.
func ExampleLocal() {
	dir, err := os.MkdirTemp("", "roomrec-example-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	st, err := storage.NewLocal(dir)
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	const key = "rec/task-1/1400123456_12345.m3u8"
	body := "#EXTM3U\n#EXT-X-VERSION:3\n"
	if err := st.Put(ctx, key, strings.NewReader(body), int64(len(body)), storage.ContentType(key)); err != nil {
		log.Fatal(err)
	}
	objs, err := st.List(ctx, "rec/task-1/")
	if err != nil {
		log.Fatal(err)
	}
	for _, o := range objs {
		fmt.Println(o.Key, o.Size, o.ContentType)
	}
	_, err = st.Stat(ctx, "rec/task-1/missing.ts")
	fmt.Println(errors.Is(err, storage.ErrNotExist))
	// Output:
	// rec/task-1/1400123456_12345.m3u8 25 application/vnd.apple.mpegurl
	// true
}

// ExampleAsError shows how an upload failure becomes event 308's Code and
// Message, and whether to retry.
func ExampleAsError() {
	st := storage.NewFaulty(nil, storage.FaultConfig{Down: true,
		Err: &storage.Error{Code: "InvalidParameter", Message: "AccessKey invalid"}})
	err := st.Put(context.Background(), "a.ts", strings.NewReader("x"), 1, "video/mp2t")
	e := storage.AsError(err)
	fmt.Println(e.Code, "|", e.Message, "| retry:", e.Retryable)
	// Output: InvalidParameter | AccessKey invalid | retry: false
}
