package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	tchttp "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/http"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/profile"

	"github.com/roomrec/roomrec/api"
	"github.com/roomrec/roomrec/recorder"
)

// ExampleNewHandler serves a Recorder over the service's API and calls it
// with the official Tencent Cloud SDK, as an existing client would.
func ExampleNewHandler() {
	dir, err := os.MkdirTemp("", "roomrec-api")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	rec, err := recorder.New(recorder.Config{Dir: dir, Logger: quiet})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer rec.Close(context.Background())

	h, err := api.NewHandler(api.Config{
		Recorder:    rec,
		Credentials: map[string]string{"AKIDexample": "example-secret-key"},
		SdkAppIDs:   []uint64{1400123456},
		Logger:      quiet,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	srv := httptest.NewServer(h) // in production: http.ListenAndServe(addr, h) behind TLS
	defer srv.Close()

	// The client side: the SDK's common request, pointed at the handler.
	prof := profile.NewClientProfile()
	prof.HttpProfile.Endpoint = strings.TrimPrefix(srv.URL, "http://")
	prof.HttpProfile.Scheme = "HTTP"
	client := common.NewCommonClient(common.NewCredential("AKIDexample", "example-secret-key"), "ap-guangzhou", prof)
	transport := &http.Transport{}
	defer transport.CloseIdleConnections()
	client.WithHttpTransport(transport)

	send := func(action, params string) map[string]any {
		req := tchttp.NewCommonRequest("trtc", "2019-07-22", action)
		resp := tchttp.NewCommonResponse()
		var body struct{ Response map[string]any }
		err := req.SetActionParameters(params)
		if err == nil {
			err = client.Send(req, resp)
		}
		if err != nil {
			fmt.Println(err) // a *errors.TencentCloudSDKError carries the service's Code
			return nil
		}
		_ = json.Unmarshal(resp.GetBody(), &body)
		return body.Response
	}
	created := send("CreateCloudRecording", `{"SdkAppId":1400123456,"RoomId":"12345","UserId":"recorder_bot",
		"UserSig":"-","RecordParams":{"RecordMode":1,"MaxIdleTime":60}}`)
	taskID, _ := created["TaskId"].(string)
	described := send("DescribeCloudRecording", `{"SdkAppId":1400123456,"TaskId":"`+taskID+`"}`)
	fmt.Println("Status:", described["Status"])
	send("DeleteCloudRecording", `{"SdkAppId":1400123456,"TaskId":"`+taskID+`"}`)
	fmt.Println("tasks left:", len(rec.Tasks()))
	// Output:
	// Status: Idle
	// tasks left: 0
}
