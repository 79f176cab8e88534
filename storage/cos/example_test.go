package cos_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"strings"

	"github.com/roomrec/roomrec/storage"
	"github.com/roomrec/roomrec/storage/cos"
	"github.com/roomrec/roomrec/storage/cos/costest"
)

// ExampleNew stores a playlist in a COS bucket and reads back its
// metadata. A fake bucket stands in for COS here; in production leave
// BaseURL and HTTPClient out and set your bucket's Region.
func ExampleNew() {
	fake, err := costest.New(costest.Config{Bucket: "records-1250000000", Region: "ap-guangzhou",
		SecretID: "AKIDexample", SecretKey: "example-key"})
	if err != nil {
		log.Fatal(err)
	}
	defer fake.Close()

	st, err := cos.New(cos.Config{
		Bucket:     "records-1250000000",
		Region:     "ap-guangzhou",
		SecretID:   "AKIDexample",
		SecretKey:  "example-key",
		BaseURL:    fake.URL(),    // only for the fake
		HTTPClient: fake.Client(), // only for the fake
	})
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
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
	err := cos.Config{Bucket: "records", Region: "ap-guangzhou", SecretID: "id", SecretKey: "key"}.Validate()
	fmt.Println(err)
	// Output: InvalidParameter.StorageParams.Bucket: COS bucket "records": must be "<name>-<appid>" in lower-case letters, digits and '-', for example "records-1250000000"
}
