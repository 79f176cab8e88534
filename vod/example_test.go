package vod_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"strings"

	"github.com/roomrec/roomrec/storage/cos"
	"github.com/roomrec/roomrec/vod"
	"github.com/roomrec/roomrec/vod/vodtest"
)

// ExampleClient_Upload uploads one MP4 to VOD and prints what event 311
// carries, then shows a refused commit as the recorder sees it. A fake VOD
// stands in here; in production leave Endpoint, HTTPClient and COS out.
func ExampleClient_Upload() {
	fake, err := vodtest.New(vodtest.Config{SecretID: "AKIDexample", SecretKey: "example-key"})
	if err != nil {
		log.Fatal(err)
	}
	defer fake.Close()

	c, err := vod.New(vod.Config{
		SecretID:   "AKIDexample",
		SecretKey:  "example-key",
		SubAppID:   1500000001,
		Procedure:  "LongVideoPreset",
		Endpoint:   fake.URL(),                            // only for the fake
		HTTPClient: fake.Client(),                         // only for the fake
		COS:        cos.Config{BaseURL: fake.COS().URL()}, // only for the fake
	})
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	media := "...an MP4 file..."
	res, err := c.Upload(ctx, strings.NewReader(media), int64(len(media)), "1400123456_room1__UserId_s_dXNlcjE__UserId_e_main", "mp4")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.FileID, res.MediaURL)

	fake.SetFault(func(call vodtest.Call) vodtest.Fault {
		if call.Action == "CommitUpload" {
			return vodtest.Fault{Code: "FailedOperation.InvalidVodUser", Message: "VOD is not enabled for this account"}
		}
		return vodtest.Fault{}
	})
	_, err = c.Upload(ctx, strings.NewReader(media), int64(len(media)), "second", "mp4")
	var ve *vod.Error
	if errors.As(err, &ve) {
		fmt.Println(ve.Op, ve.Code, ve.Message, ve.Retryable)
	}
	// Output:
	// 5285890780000000001 http://1250000000.vod2.myqcloud.com/vodtest/5285890780000000001/f0.mp4
	// CommitUpload FailedOperation.InvalidVodUser VOD is not enabled for this account false
}

// ExampleConfig_Validate shows the service code of a wrong parameter.
func ExampleConfig_Validate() {
	err := vod.Config{SecretID: "AKIDexample", SecretKey: "example-key", ExpireAfter: -1}.Validate()
	fmt.Println(err)
	// Output: InvalidParameter.StorageParams.ExpireTime: VOD ExpireAfter -1ns: must be 0 (keep the files) or a positive number of whole seconds
}
