package s3_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"strings"

	"github.com/roomrec/roomrec/storage"
	"github.com/roomrec/roomrec/storage/s3"
	"github.com/roomrec/roomrec/storage/s3/s3test"
)

// ExampleNew stores a playlist in a bucket of an S3-compatible server and
// reads back its metadata. A versitygw on 127.0.0.1 stands in for the
// server here; for AWS use Endpoint "s3.amazonaws.com" with UseSSL.
func ExampleNew() {
	srv, err := s3test.Launch()
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	ctx := context.Background()
	if err := srv.CreateBucket(ctx, "records"); err != nil {
		log.Fatal(err)
	}

	st, err := s3.New(s3.Config{
		Endpoint:  srv.Endpoint,
		Region:    "us-east-1",
		Bucket:    "records",
		AccessKey: s3test.AccessKey,
		SecretKey: s3test.SecretKey,
		PathStyle: true,
	})
	if err != nil {
		log.Fatal(err)
	}
	const key = "rec/task-1/1400123456_12345.m3u8"
	body := "#EXTM3U\n#EXT-X-VERSION:3\n"
	if err := st.Put(ctx, key, strings.NewReader(body), int64(len(body)), storage.ContentType(key)); err != nil {
		log.Fatal(err)
	}
	o, err := st.Stat(ctx, key)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(o.Key, o.Size, o.ContentType)

	_, err = st.Get(ctx, "rec/task-1/missing.ts")
	var se *storage.Error
	if errors.As(err, &se) {
		fmt.Println(se.Code, errors.Is(err, storage.ErrNotExist), se.Retryable)
	}
	// Output:
	// rec/task-1/1400123456_12345.m3u8 25 application/vnd.apple.mpegurl
	// NoSuchKey true false
}

// ExampleConfig_Validate shows the service code of a wrong parameter.
func ExampleConfig_Validate() {
	err := s3.Config{Endpoint: "https://s3.amazonaws.com", Bucket: "records", AccessKey: "a", SecretKey: "s"}.Validate()
	fmt.Println(err)
	// Output: InvalidParameter.StorageParams.Endpoint: S3 endpoint "https://s3.amazonaws.com": give "host[:port]" without a scheme (UseSSL chooses https)
}
