package vodtest_test

import (
	"context"
	"fmt"
	"log"
	"strings"

	"github.com/roomrec/roomrec/storage/cos"
	"github.com/roomrec/roomrec/vod"
	"github.com/roomrec/roomrec/vod/vodtest"
)

// ExampleNew points a VOD client at the fake and reads back what VOD
// and its bucket received.
func ExampleNew() {
	fake, err := vodtest.New(vodtest.Config{SecretID: "AKIDexample", SecretKey: "example-key"})
	if err != nil {
		log.Fatal(err)
	}
	defer fake.Close()
	c, err := vod.New(vod.Config{SecretID: "AKIDexample", SecretKey: "example-key",
		Endpoint: fake.URL(), HTTPClient: fake.Client(), COS: cos.Config{BaseURL: fake.COS().URL()}})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := c.Upload(context.Background(), strings.NewReader("audio"), 5, "room1_user1", "m4a"); err != nil {
		log.Fatal(err)
	}
	for _, m := range fake.Media() {
		data, contentType, _ := fake.COS().Object(m.Key)
		fmt.Println(m.Apply["MediaName"], m.Key, m.Size, string(data), contentType)
	}
	for _, call := range fake.Calls() {
		fmt.Println(call.Action, call.Status, call.Code == "")
	}
	// Output:
	// room1_user1 1250000000/vodtest/1/f0.m4a 5 audio audio/mp4
	// ApplyUpload 200 true
	// CommitUpload 200 true
}
