package api_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	tcerr "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/errors"

	"github.com/roomrec/roomrec/api"
	"github.com/roomrec/roomrec/errcode"
	"github.com/roomrec/roomrec/layout"
	"github.com/roomrec/roomrec/naming"
	"github.com/roomrec/roomrec/recorder"
)

// spy is the real Recorder, keeping the parameters the handler passes to
// Start and Modify (the layout is not visible through Describe).
type spy struct {
	*recorder.Recorder
	mu     sync.Mutex
	starts []recorder.StartParams
	mods   []recorder.ModifyParams
}

func (s *spy) Start(ctx context.Context, p recorder.StartParams) (string, error) {
	s.mu.Lock()
	s.starts = append(s.starts, p)
	s.mu.Unlock()
	return s.Recorder.Start(ctx, p)
}

func (s *spy) Modify(ctx context.Context, id string, p recorder.ModifyParams) error {
	s.mu.Lock()
	s.mods = append(s.mods, p)
	s.mu.Unlock()
	return s.Recorder.Modify(ctx, id, p)
}

func (s *spy) lastStart() recorder.StartParams {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.starts[len(s.starts)-1]
}

func (s *spy) lastModify() recorder.ModifyParams {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.mods[len(s.mods)-1]
}

// newSpyEnv is an env without a rate limit whose handler calls the
// Recorder through a spy.
func newSpyEnv(t *testing.T) (*env, *spy) {
	s := &spy{}
	e := newEnv(t, envOptions{api: func(c *api.Config) {
		s.Recorder = c.Recorder.(*recorder.Recorder)
		c.Recorder = s
		c.RateLimit = -1
	}})
	return e, s
}

// imageServer serves a small PNG on loopback for the watermark and the
// background image; it is closed after the recorder (cleanups run last
// registered first).
func imageServer(t *testing.T) *httptest.Server {
	img := image.NewNRGBA(image.Rect(0, 0, 8, 8))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	img.Set(0, 0, color.NRGBA{R: 255, A: 255})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		_, _ = w.Write(buf.Bytes())
	}))
	t.Cleanup(srv.Close)
	return srv
}

// mixedParams are CreateCloudRecording parameters for a mixed-stream task
// with the transcode and layout given (nil: left out).
func mixedParams(transcode, lay map[string]any) map[string]any {
	return createParams(func(p map[string]any) {
		p["RecordParams"].(map[string]any)["RecordMode"] = 2
		if transcode != nil {
			p["MixTranscodeParams"] = transcode
		}
		if lay != nil {
			p["MixLayoutParams"] = lay
		}
	})
}

func watermark(url string, top, left, width, height int) map[string]any {
	return map[string]any{"WaterMarkType": 0, "WaterMarkImage": map[string]any{
		"WaterMarkUrl": url, "Top": top, "Left": left, "Width": width, "Height": height}}
}

// TestMixedCreateAndModify creates a mixed-stream task with every
// parameter the recorder has, checks what the recorder got, and replaces
// the layout with Modify.
func TestMixedCreateAndModify(t *testing.T) {
	img := imageServer(t)
	e, s := newSpyEnv(t)
	mark := watermark(img.URL+"/logo.png", 10, 20, 64, 32)
	r := e.mustCall("CreateCloudRecording", mixedParams(
		map[string]any{
			"VideoParams": map[string]any{"Width": 640, "Height": 360, "Fps": 20, "BitRate": 800000, "Gop": 4},
			"AudioParams": map[string]any{"SampleRate": 2, "Channel": 1, "BitRate": 48000},
		},
		map[string]any{
			"MixLayoutMode": 1, "MaxResolutionUserId": "alice", "MediaId": 1, "RenderMode": 2,
			"BackGroundColor": "#FFA500", "BackgroundImageUrl": img.URL + "/bg.png", "BackgroundImageRenderMode": 1,
			"PlaceHolderMode": 1, "MaxResolutionUserAlign": 0, "PureAudioDisableLayout": false,
			"WaterMarkList": []any{mark},
		}))
	id, _ := r["TaskId"].(string)
	got := s.lastStart()
	want := recorder.MixParams{
		Transcode: recorder.MixTranscodeParams{Width: 640, Height: 360, FPS: 20, VideoBitrate: 800000, GOP: 4 * time.Second,
			SampleRate: 44100, Channels: 1, AudioBitrate: 48000, BackgroundColor: 0xFFA500},
		Layout: recorder.MixLayoutParams{Mode: layout.Float, BigUserID: "alice", BigMedia: naming.MediaAux,
			Render: layout.RenderFit, BackgroundImageURL: img.URL + "/bg.png"},
		Watermarks: []layout.Watermark{{Top: 10, Left: 20, Width: 64, Height: 32, URL: img.URL + "/logo.png"}},
	}
	if got.Record.Mode != recorder.Mixed || !reflect.DeepEqual(got.Mix, want) {
		t.Fatalf("the recorder got mode %d and\n%+v\nwant\n%+v", got.Record.Mode, got.Mix, want)
	}
	d := e.mustCall("DescribeCloudRecording", task(id))
	if d["TaskId"] != id || d["Status"] != "Idle" {
		t.Errorf("Describe = %v, want TaskId %s and Status Idle", d, id)
	}

	// A custom layout replaces the float layout; the colour and the
	// watermarks Create set may be repeated.
	e.mustCall("ModifyCloudRecording", map[string]any{"SdkAppId": testApp, "TaskId": id, "MixLayoutParams": map[string]any{
		"MixLayoutMode": 4, "BackGroundColor": "#ffa500", "WaterMarkList": []any{mark},
		"MixLayoutList": []any{
			map[string]any{"UserId": "alice", "Top": 0, "Left": 0, "Width": 320, "Height": 360, "RenderMode": 0},
			map[string]any{"UserId": "bob", "MediaId": 1, "Top": 0, "Left": 320, "Width": 320, "Height": 360, "ImageLayer": 2},
			map[string]any{"Top": 260, "Left": 540, "Width": 100, "Height": 100, "RenderMode": 2, "Alpha": 0},
		},
	}})
	wantLayout := recorder.MixLayoutParams{Mode: layout.Custom, BigMedia: naming.MediaMain, Render: layout.RenderCrop,
		Custom: []layout.Slot{
			{UserID: "alice", Media: naming.MediaMain, Width: 320, Height: 360, Render: layout.RenderStretch},
			{UserID: "bob", Media: naming.MediaAux, Left: 320, Width: 320, Height: 360, Layer: 2, Render: layout.RenderCrop},
			{Media: naming.MediaMain, Top: 260, Left: 540, Width: 100, Height: 100, Render: layout.RenderFit},
		}}
	if m := s.lastModify(); m.Layout == nil || !reflect.DeepEqual(*m.Layout, wantLayout) {
		t.Fatalf("Modify gave the recorder the layout %+v, want %+v", m.Layout, wantLayout)
	}
	// Modify without MixLayoutParams leaves the layout alone.
	e.mustCall("ModifyCloudRecording", task(id))
	if m := s.lastModify(); m.Layout != nil {
		t.Errorf("Modify without MixLayoutParams replaced the layout with %+v", *m.Layout)
	}
	e.mustCall("DeleteCloudRecording", task(id))
}

// TestMixedModify checks the layouts Modify refuses on a 640×360 mixed
// task and on a single-stream task, and that it takes a new colour,
// background image and watermarks (a full overwrite).
func TestMixedModify(t *testing.T) {
	e := newEnv(t, envOptions{})
	id := e.create(func(p map[string]any) {
		p["RecordParams"].(map[string]any)["RecordMode"] = 2
		p["MixTranscodeParams"] = map[string]any{"VideoParams": map[string]any{"Width": 640, "Height": 360}}
		p["MixLayoutParams"] = map[string]any{"BackGroundColor": "#102030",
			"WaterMarkList": []any{watermark("http://127.0.0.1:1/w.png", 0, 0, 32, 32)}}
	})
	custom := func(entry map[string]any) map[string]any {
		return map[string]any{"MixLayoutMode": 4, "MixLayoutList": []any{entry}}
	}
	cases := []struct {
		name  string
		lay   map[string]any
		want  string
		field string // named in the message
	}{
		{"entry outside the canvas", custom(map[string]any{"Left": 400, "Width": 320, "Height": 180}), "InvalidParameter.MixLayoutList", "outside"},
		{"entry too small", custom(map[string]any{"Width": 1, "Height": 180}), "InvalidParameter.MixLayoutList", "MixLayoutList[0]"},
		{"empty custom list", map[string]any{"MixLayoutMode": 4}, "InvalidParameter.MixLayoutList", "MixLayoutList"},
		{"bad mode", map[string]any{"MixLayoutMode": 7}, "InvalidParameter.MixLayoutMode", "MixLayoutMode"},
		{"huge mode", map[string]any{"MixLayoutMode": 259}, "InvalidParameter.MixLayoutMode", "MixLayoutMode"},
		{"smart stretch", map[string]any{"RenderMode": 3}, string(errcode.Unsupported), "RenderMode"},
		{"watermark outside the canvas", map[string]any{"WaterMarkList": []any{watermark("http://127.0.0.1:1/w.png", 0, 630, 32, 32)}}, "InvalidParameter.MixWatermark", "outside"},
		{"background image not http", map[string]any{"BackgroundImageUrl": "file:///etc/passwd"}, "InvalidParameter.MixLayoutParams", "BackgroundImageURL"},
		{"unknown field", map[string]any{"Colour": "red"}, "UnknownParameter", "Colour"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := e.call("ModifyCloudRecording", map[string]any{"SdkAppId": testApp, "TaskId": id, "MixLayoutParams": c.lay})
			wantCodeNaming(t, err, c.want, c.field)
		})
	}
	// Modify overwrites MixLayoutParams as a whole: another colour, other
	// watermarks and a background image are taken (downloads that fail
	// fire 309 and the recording goes on).
	e.mustCall("ModifyCloudRecording", map[string]any{"SdkAppId": testApp, "TaskId": id,
		"MixLayoutParams": map[string]any{"MixLayoutMode": 3, "BackGroundColor": "#FFFFFF",
			"BackgroundImageUrl": "http://127.0.0.1:1/bg.png",
			"WaterMarkList":      []any{watermark("http://127.0.0.1:1/w.png", 2, 0, 32, 32)}}})
	e.mustCall("ModifyCloudRecording", map[string]any{"SdkAppId": testApp, "TaskId": id,
		"MixLayoutParams": map[string]any{"MixLayoutMode": 3}})

	single := e.create(func(p map[string]any) { p["UserId"] = "single_bot" })
	_, err := e.call("ModifyCloudRecording", map[string]any{"SdkAppId": testApp, "TaskId": single,
		"MixLayoutParams": map[string]any{"MixLayoutMode": 3}})
	wantCodeNaming(t, err, "InvalidParameter.MixLayoutParams", "single-stream")
}

// TestMixedCreateErrors checks the codes of bad and unsupported
// mixed-stream parameters at Create.
func TestMixedCreateErrors(t *testing.T) {
	e := newEnv(t, envOptions{api: func(c *api.Config) { c.RateLimit = -1 }})
	video := func(k string, v any) map[string]any {
		return map[string]any{"VideoParams": map[string]any{k: v}}
	}
	audio := func(k string, v any) map[string]any {
		return map[string]any{"AudioParams": map[string]any{k: v}}
	}
	custom := func(entry map[string]any) map[string]any {
		return map[string]any{"MixLayoutMode": 4, "MixLayoutList": []any{entry}}
	}
	slot := func(k string, v any) map[string]any {
		s := map[string]any{"UserId": "alice", "Top": 0, "Left": 0, "Width": 320, "Height": 180}
		s[k] = v
		return custom(s)
	}
	marks := func(n int, w map[string]any) map[string]any {
		list := make([]any, n)
		for i := range list {
			list[i] = w
		}
		return map[string]any{"WaterMarkList": list}
	}
	good := watermark("http://127.0.0.1:1/w.png", 0, 0, 32, 32)
	const (
		transcode = "InvalidParameter.MixTranscodeParams"
		list      = "InvalidParameter.MixLayoutList"
		marksCode = "InvalidParameter.MixWatermark"
	)
	unsup := string(errcode.Unsupported)
	cases := []struct {
		name        string
		tc, lay     map[string]any
		want, name2 string // code, and a word of the message
	}{
		{"odd width", video("Width", 641), nil, transcode, "Width"},
		{"huge height", video("Height", 1<<40), nil, transcode, "Height"},
		{"fps 61", video("Fps", 61), nil, transcode, "Fps"},
		{"video bitrate in kbit/s", video("BitRate", 550), nil, transcode, "BitRate"},
		{"gop 61 s", video("Gop", 61), nil, transcode, "Gop"},
		{"huge gop", video("Gop", uint64(1)<<62), nil, transcode, "Gop"},
		{"sample rate in hertz", audio("SampleRate", 48000), nil, transcode, "SampleRate"},
		{"channel 3", audio("Channel", 3), nil, transcode, "Channel"},
		{"audio bitrate", audio("BitRate", 500000), nil, transcode, "BitRate"},
		{"width as a string", video("Width", "640"), nil, "InvalidParameter.Width", "Width"},
		{"unknown video field", video("Codec", "h265"), nil, "UnknownParameter", "Codec"},
		{"mode 5", nil, map[string]any{"MixLayoutMode": 5}, "InvalidParameter.MixLayoutMode", "MixLayoutMode"},
		{"empty custom list", nil, map[string]any{"MixLayoutMode": 4, "MixLayoutList": []any{}}, list, "MixLayoutList"},
		{"entry outside the canvas", nil, slot("Left", 1200), list, "outside"},
		{"entry layer 99", nil, slot("ImageLayer", 99), list, "ImageLayer"},
		{"entry MediaId 2", nil, slot("MediaId", 2), list, "MixLayoutList[0].MediaId"},
		{"entry render 4", nil, slot("RenderMode", 4), list, "MixLayoutList[0].RenderMode"},
		{"entry smart stretch", nil, slot("RenderMode", 3), unsup, "MixLayoutList[0].RenderMode"},
		{"entry alpha", nil, slot("Alpha", 128), unsup, "Alpha"},
		{"entry alpha 300", nil, slot("Alpha", 300), list, "Alpha"},
		{"entry unknown field", nil, slot("Opacity", 1), "UnknownParameter", "Opacity"},
		{"render 9", nil, map[string]any{"RenderMode": 9}, "InvalidParameter.RenderMode", "RenderMode"},
		{"smart stretch", nil, map[string]any{"RenderMode": 3}, unsup, "RenderMode"},
		{"MediaId 2", nil, map[string]any{"MediaId": 2}, "InvalidParameter.MediaId", "MediaId"},
		{"colour name", nil, map[string]any{"BackGroundColor": "orange"}, "InvalidParameter.BackGroundColor", "BackGroundColor"},
		{"colour without #", nil, map[string]any{"BackGroundColor": "FFA500"}, "InvalidParameter.BackGroundColor", "BackGroundColor"},
		{"background not http", nil, map[string]any{"BackgroundImageUrl": "ftp://h/bg.png"}, "InvalidParameter.MixLayoutParams", "BackgroundImageURL"},
		{"background stretched", nil, map[string]any{"BackgroundImageUrl": "http://127.0.0.1:1/bg.png", "BackgroundImageRenderMode": 0}, unsup, "BackgroundImageRenderMode"},
		{"background render 4", nil, map[string]any{"BackgroundImageRenderMode": 4}, "InvalidParameter.BackgroundImageRenderMode", "BackgroundImageRenderMode"},
		{"placeholder image", nil, map[string]any{"PlaceHolderMode": 1, "DefaultSubBackgroundImage": "http://127.0.0.1:1/p.png"}, unsup, "DefaultSubBackgroundImage"},
		{"entry placeholder image", nil, func() map[string]any {
			l := slot("SubBackgroundImage", "http://127.0.0.1:1/p.png")
			l["PlaceHolderMode"] = 1
			return l
		}(), unsup, "SubBackgroundImage"},
		{"placeholder mode 2", nil, map[string]any{"PlaceHolderMode": 2}, "InvalidParameter.PlaceHolderMode", "PlaceHolderMode"},
		{"big screen right", nil, map[string]any{"MixLayoutMode": 2, "MaxResolutionUserAlign": 1}, unsup, "MaxResolutionUserAlign"},
		{"align 2", nil, map[string]any{"MaxResolutionUserAlign": 2}, "InvalidParameter.MaxResolutionUserAlign", "MaxResolutionUserAlign"},
		{"audio-only users hidden", nil, map[string]any{"PureAudioDisableLayout": true}, unsup, "PureAudioDisableLayout"},
		{"watermark outside", nil, marks(1, watermark("http://127.0.0.1:1/w.png", 700, 0, 32, 32)), marksCode, "outside"},
		{"26 watermarks", nil, marks(26, good), marksCode, "26"},
		{"watermark file URL", nil, marks(1, watermark("file:///etc/passwd", 0, 0, 32, 32)), marksCode, "http"},
		{"text watermark", nil, marks(1, map[string]any{"WaterMarkType": 1, "WaterMarkChar": map[string]any{"Chars": "hi"}}), unsup, "WaterMarkType"},
		{"timestamp watermark", nil, marks(1, map[string]any{"WaterMarkType": 2, "WaterMarkTimestamp": map[string]any{"Pos": 0}}), unsup, "WaterMarkType"},
		{"watermark type 5", nil, marks(1, map[string]any{"WaterMarkType": 5}), marksCode, "WaterMarkType"},
		{"watermark without image", nil, marks(1, map[string]any{"WaterMarkType": 0}), "MissingParameter.WaterMarkImage", "WaterMarkImage"},
		{"unknown watermark field", nil, marks(1, map[string]any{"WaterMarkImage": map[string]any{"Url": "x"}}), "UnknownParameter", "Url"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := e.call("CreateCloudRecording", mixedParams(c.tc, c.lay))
			wantCodeNaming(t, err, c.want, c.name2)
		})
	}
	t.Run("audio-only mixed", func(t *testing.T) {
		_, err := e.call("CreateCloudRecording", createParams(func(p map[string]any) {
			p["RecordParams"].(map[string]any)["RecordMode"] = 2
			p["RecordParams"].(map[string]any)["StreamType"] = 1
		}))
		wantCodeNaming(t, err, unsup, "StreamType")
	})
	if n := len(e.rec.Tasks()); n != 0 {
		t.Errorf("%d tasks started by bad requests", n)
	}
}

// TestMixedAccepted checks values that are accepted although they change
// nothing, and that a single-stream task ignores the mixed-stream
// parameters as the service does.
func TestMixedAccepted(t *testing.T) {
	e, s := newSpyEnv(t)
	cases := []struct {
		name    string
		record  int
		tc, lay map[string]any
		want    recorder.MixParams
	}{
		{"defaults", 2, nil, nil, recorder.MixParams{}},
		{"placeholders without images", 2, nil, map[string]any{"PlaceHolderMode": 1},
			recorder.MixParams{Layout: recorder.MixLayoutParams{BigMedia: naming.MediaMain}}},
		{"placeholder image not enabled", 2, nil, map[string]any{"PlaceHolderMode": 0, "DefaultSubBackgroundImage": "http://127.0.0.1:1/p.png"},
			recorder.MixParams{Layout: recorder.MixLayoutParams{BigMedia: naming.MediaMain}}},
		{"background mode without image", 2, nil, map[string]any{"BackgroundImageRenderMode": 0},
			recorder.MixParams{Layout: recorder.MixLayoutParams{BigMedia: naming.MediaMain}}},
		{"zeros take the defaults", 2, map[string]any{
			"VideoParams": map[string]any{"Width": 0, "Height": 0, "Fps": 0, "BitRate": 0, "Gop": 0},
			"AudioParams": map[string]any{"SampleRate": 0, "Channel": 0, "BitRate": 0}}, nil, recorder.MixParams{}},
		{"single-stream ignores them", 1, video640(), map[string]any{"MixLayoutMode": 9, "BackGroundColor": "pink"}, recorder.MixParams{}},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := mixedParams(c.tc, c.lay)
			p["UserId"] = "bot_" + string(rune('a'+i))
			p["RecordParams"].(map[string]any)["RecordMode"] = c.record
			id, _ := e.mustCall("CreateCloudRecording", p)["TaskId"].(string)
			if got := s.lastStart().Mix; !reflect.DeepEqual(got, c.want) {
				t.Errorf("the recorder got %+v, want %+v", got, c.want)
			}
			e.mustCall("DeleteCloudRecording", task(id))
		})
	}
}

func video640() map[string]any {
	return map[string]any{"VideoParams": map[string]any{"Width": 640, "Height": 360}}
}

// wantCodeNaming is wantCode that also wants word in the message.
func wantCodeNaming(t *testing.T, err error, code, word string) {
	t.Helper()
	wantCode(t, err, code)
	var se *tcerr.TencentCloudSDKError
	if errors.As(err, &se) && !strings.Contains(se.Message, word) {
		t.Errorf("message %q does not name %q", se.Message, word)
	}
}
