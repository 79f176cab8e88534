package callback_test

import (
	"context"
	"fmt"
	"log"
	"net/http/httptest"
	"time"

	"github.com/roomrec/roomrec/callback"
	"github.com/roomrec/roomrec/naming"
)

// ExampleHTTP sends event 307 to a receiver built with Handler.
func ExampleHTTP() {
	const key = "my-callback-key"
	got := make(chan callback.Event, 1)
	srv := httptest.NewServer(callback.Handler(key, func(e callback.Event) { got <- e }))
	defer srv.Close()

	n, err := callback.NewHTTP(callback.HTTPConfig{URL: srv.URL, Key: key, SdkAppID: 1400123456})
	if err != nil {
		log.Fatal(err)
	}
	err = n.Notify(context.Background(), callback.Event{
		Room:   naming.RoomID{Num: 12345},
		TaskID: "task-1",
		UserID: "recorder",
		Time:   time.Now(),
		Payload: callback.FileSlice{
			FileName:       "1400123456_12345__UserId_s_MTY4NjExOQ..__UserId_e_main_audio.m3u8",
			UserID:         "1686119",
			TrackType:      callback.TrackAudio,
			BeginTimeStamp: 1622186279144,
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	e := <-got
	fmt.Println(e.Type(), e.TaskID, e.Room, e.Payload.(callback.FileSlice).BeginTimeStamp)
	if err := n.Close(context.Background()); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%+v\n", n.Stats())
	// Output:
	// FILE_SLICE task-1 12345 1622186279144
	// {Queued:0 Delivered:1 Retries:0 Failures:0 Dropped:0}
}

// ExampleCollector waits for an event in a test without sleeping.
func ExampleCollector() {
	var c callback.Collector
	go func() {
		_ = c.Notify(context.Background(), callback.Event{
			Room: naming.RoomID{Str: "room"}, TaskID: "t", UserID: "rec", Time: time.Now(),
			Payload: callback.RecorderStop{LeaveCode: callback.LeaveIdle},
		})
	}()
	e, err := c.Wait(context.Background(), callback.EventRecorderStop)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(e.Type(), e.Payload.(callback.RecorderStop).LeaveCode)
	// Output: RECORDER_STOP Idle
}

// ExampleVerify checks a callback's signature the way a receiver without
// Handler would.
func ExampleVerify() {
	body := []byte(`{"EventGroupId":3}`)
	sign := callback.Sign("my-callback-key", body)
	fmt.Println(sign)
	fmt.Println(callback.Verify("my-callback-key", body, sign) == nil)
	fmt.Println(callback.Verify("wrong-key", body, sign))
	// Output:
	// Lt24/dKiT/L+QlBEcxRPAB+/ZcBbeN8Eb9gin8I5/cE=
	// true
	// AuthFailure.Signature: the Sign header does not match the body: wrong callback key, or the body was changed
}
