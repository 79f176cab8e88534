package costest_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"strings"

	"github.com/roomrec/roomrec/storage"
	"github.com/roomrec/roomrec/storage/cos"
	"github.com/roomrec/roomrec/storage/cos/costest"
)

// ExampleServer_SetFault makes the fake COS refuse uploads with 503 for a
// while, as a struggling COS would, and shows what the storage reports.
func ExampleServer_SetFault() {
	srv, err := costest.New(costest.Config{Bucket: "records-1250000000", Region: "ap-guangzhou",
		SecretID: "AKIDexample", SecretKey: "example-key"})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	st, err := cos.New(cos.Config{Bucket: "records-1250000000", BaseURL: srv.URL(), HTTPClient: srv.Client(),
		SecretID: "AKIDexample", SecretKey: "example-key"})
	if err != nil {
		log.Fatal(err)
	}

	srv.SetFault(func(r costest.Request) costest.Fault {
		if r.Op == costest.OpPutObject {
			return costest.Fault{Status: http.StatusServiceUnavailable, Code: "SlowDown", Message: "please slow down"}
		}
		return costest.Fault{}
	})
	err = st.Put(context.Background(), "a.ts", strings.NewReader("data"), 4, "video/mp2t")
	var se *storage.Error
	if errors.As(err, &se) {
		fmt.Println(se.Code, "|", se.Message, "| retry:", se.Retryable)
	}

	srv.SetFault(nil) // COS is back
	err = st.Put(context.Background(), "a.ts", strings.NewReader("data"), 4, "video/mp2t")
	fmt.Println(err, srv.Keys())
	// Output:
	// SlowDown | please slow down | retry: true
	// <nil> [a.ts]
}
