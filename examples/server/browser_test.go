package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/roomrec/roomrec/callback"
	"github.com/roomrec/roomrec/internal/browsertest"
	"github.com/roomrec/roomrec/internal/oracle"
)

// browserRun is one publish-record-play run of the real-browser test and
// what it must show, as a table so that a change of the recorder's codecs
// is a change of data. With the codec layer (cgo), audio is recorded as
// AAC and VP8 is transcoded to H.264, so hls.js plays every playlist.
// Without it (the recorder before the codec layer), the VP8 run's table
// was: recorded {"audio"}, skipped {"video": "VP8"} (Describe gives a
// reason naming VP8 and transcoding), and audio was Opus in MPEG-TS, which
// FFmpeg decodes but hls.js cannot play (fragParsingError): play
// {"video"} for H.264 and nothing for VP8.
type browserRun struct {
	codec    string            // the page's codec choice
	room     string            // a room of its own per run
	sentMime string            // what Chrome's stats must say it sends
	recorded []string          // kinds recorded: a playlist, segments, FFmpeg decodes it
	skipped  map[string]string // kinds reported Skipped, with a word the reason must hold
	play     []string          // kinds whose playlist hls.js must play in the page
	codecOf  map[string]string // kind -> the codec FFmpeg must find in the playlist
}

var browserRuns = []browserRun{
	{
		codec: "H264", room: "2001", sentMime: "video/H264",
		recorded: []string{"audio", "video"},
		play:     []string{"video", "audio"},
		codecOf:  map[string]string{"audio": "aac", "video": "h264"},
	},
	{
		codec: "VP8", room: "2002", sentMime: "video/VP8",
		recorded: []string{"audio", "video"},
		play:     []string{"video", "audio"},
		codecOf:  map[string]string{"audio": "aac", "video": "h264"},
	},
}

// Timing of a run: ~10 s of media recorded in 2 s segments. Audio segments
// are cut every 2 s; video segments only at keyframes, which Chrome sends
// when asked (about every 5 s here), so the 10 s are counted on the audio.
const (
	testSegment = 2 * time.Second
	minSegments = 5   // audio segments recorded before the stop: ~10 s
	minDuration = 8.0 // seconds FFmpeg must find in each playlist
	minPlayback = 2.0 // seconds hls.js must have played
)

// TestBrowser publishes from headless Chromium over WHIP (Chrome's own
// WebRTC stack, its fake camera and microphone), records through the API
// with the Tencent Cloud SDK, and plays the recording back in the same page
// with hls.js; FFmpeg decodes every file.
func TestBrowser(t *testing.T) {
	if _, err := os.Stat(testHLSJS); err != nil {
		t.Fatalf("hls.js is not installed at %s: run `make hlsjs` (make test does): %v", testHLSJS, err)
	}
	srv := startServer(t, "-segment-duration", testSegment.String())
	browser := browsertest.Start(t)
	for _, run := range browserRuns {
		t.Run(run.codec, func(t *testing.T) {
			start := time.Now()
			runBrowser(t, srv, browser, run)
			t.Logf("%s run took %v", run.codec, time.Since(start).Round(100*time.Millisecond))
		})
	}
}

func runBrowser(t *testing.T, srv *testServer, browser context.Context, run browserRun) {
	tab, closeTab := chromedp.NewContext(browser)
	if err := chromedp.Do(tab); err != nil { // opens the tab for the lifetime of tab
		t.Fatalf("opening a tab: %v", err)
	}
	console := browsertest.ReadConsole(tab)
	defer func() {
		closeTab()
		console.Wait()
		if t.Failed() {
			t.Logf("page console:\n%s\nserver output:\n%s", console.String(), srv.out.String())
		}
	}()

	// 1. Publish from the page over WHIP.
	publishInPage(t, srv, tab, run)

	// 2. Record ~10 s through the API with the SDK.
	id := srv.createRecording(t, run.room)
	var view taskView
	wait(t, fmt.Sprintf("%d audio segments and one of every stream in %v", minSegments, run.recorded), func() (bool, error) {
		var err error
		view, err = srv.task(id)
		return err == nil && recordedEnough(view, run), err
	})
	checkStreams(t, view, run)
	t.Logf("recorded: %s", streamsText(view))
	desc := srv.mustCall(t, "DescribeCloudRecording", map[string]any{"SdkAppId": testApp, "TaskId": id})
	if desc["Status"] != "InProgress" {
		t.Errorf("DescribeCloudRecording Status = %v, want InProgress", desc["Status"])
	}
	srv.mustCall(t, "DeleteCloudRecording", map[string]any{"SdkAppId": testApp, "TaskId": id})
	browsertest.Poll(t, tab, "the page to show UPLOAD_STOP (305)", fmt.Sprintf(
		`window.roomrecPage.events.some(e => e.type === %d && e.taskId === %q) ? 'yes' : ''`, int(callback.EventUploadStop), id))

	// 3. Play in the page with hls.js.
	for _, kind := range run.play {
		playInPage(t, tab, view, kind)
	}
	browsertest.Run(t, tab, "stop publishing", chromedp.Click(chromedp.ID("unpublish-btn")))
	wait(t, "the WHIP session to end", func() (bool, error) {
		var sessions []sessionView
		err := srv.getJSON("/ui/sessions", &sessions)
		return len(sessions) == 0, err
	})

	// 4. FFmpeg decodes every file.
	checkFiles(t, srv, view, run)
}

// publishInPage opens the page, publishes the fake camera and microphone
// as alice with the run's codec and waits until the WHIP session is
// connected and Chrome sends the codec.
func publishInPage(t *testing.T, srv *testServer, tab context.Context, run browserRun) {
	t.Helper()
	browsertest.Run(t, tab, "open the page and publish",
		chromedp.Navigate(srv.url+"/"),
		chromedp.WaitVisible(chromedp.ID("publish-btn")),
		chromedp.SetValue(chromedp.ID("room"), run.room),
		chromedp.SetValue(chromedp.ID("user"), "alice"),
		chromedp.SetValue(chromedp.ID("codec"), run.codec),
		chromedp.Click(chromedp.ID("publish-btn")),
	)
	state := browsertest.Poll(t, tab, "the WHIP session to connect", `(() => {
		const e = document.getElementById('pub-state');
		return ['connected', 'failed'].includes(e.dataset.state) && window.roomrecPage.sentCodec ? e.textContent : '';
	})()`)
	sent := browsertest.Value(t, tab, "read the codec sent", chromedp.Evaluate[string](`window.roomrecPage.sentCodec`))
	if !strings.HasPrefix(state, "connected") || !strings.EqualFold(sent, run.sentMime) {
		t.Fatalf("publishing: %q, sending %q; want connected, sending %s", state, sent, run.sentMime)
	}
}

// recordedEnough reports whether the audio has minSegments segments, every
// stream the run records one at least, and every skipped stream is
// reported.
func recordedEnough(v taskView, run browserRun) bool {
	if s, _ := v.stream("alice", "audio"); s.Segments < minSegments {
		return false
	}
	for _, kind := range run.recorded {
		if s, ok := v.stream("alice", kind); !ok || s.Segments < 1 {
			return false
		}
	}
	for kind := range run.skipped {
		if s, ok := v.stream("alice", kind); !ok || s.Skipped == "" {
			return false
		}
	}
	return true
}

// checkStreams checks the per-stream state of the task and its playlists.
func checkStreams(t *testing.T, v taskView, run browserRun) {
	t.Helper()
	for _, kind := range run.recorded {
		s, _ := v.stream("alice", kind)
		if !s.Recording || s.Skipped != "" {
			t.Errorf("%s: recording %v, skipped %q; want recorded", kind, s.Recording, s.Skipped)
		}
		if kind == "video" && !strings.EqualFold(s.Codec, run.sentMime) {
			t.Errorf("video received as %q, want %s", s.Codec, run.sentMime)
		}
	}
	for kind, word := range run.skipped {
		s, _ := v.stream("alice", kind)
		if s.Recording || !strings.Contains(s.Skipped, word) || !strings.Contains(s.Skipped, "transcod") {
			t.Errorf("%s: recording %v, skipped %q; want skipped with a reason naming %s and transcoding", kind, s.Recording, s.Skipped, word)
		}
	}
	var kinds []string
	for _, f := range v.Files {
		kinds = append(kinds, f.TrackType)
	}
	slices.Sort(kinds)
	if want := slices.Sorted(slices.Values(run.recorded)); !slices.Equal(kinds, want) {
		t.Errorf("playlists for %v, want %v", kinds, want)
	}
}

// playInPage clicks the playlist of kind in the page's list and waits until
// the video element played minPlayback seconds without an hls.js error.
func playInPage(t *testing.T, tab context.Context, v taskView, kind string) {
	t.Helper()
	key := ""
	for _, f := range v.Files {
		if f.TrackType == kind {
			key = f.Key
		}
	}
	// Click the playlist's Play button from within the page: the list is
	// re-rendered every second, so a node found by one DevTools call may be
	// gone by the next (a Click after WaitVisible races with the refresh).
	browsertest.Run(t, tab, "refresh the playlists", chromedp.Click(chromedp.ID("refresh-btn")))
	browsertest.Poll(t, tab, "play the "+kind+" playlist", fmt.Sprintf(`(() => {
		const b = document.querySelector('#playlists button[data-key=%q]');
		if (!b) return '';
		b.click();
		return 'clicked';
	})()`, key))
	res := browsertest.Poll(t, tab, "playback of "+key, fmt.Sprintf(`(() => {
		const p = window.roomrecPage, v = document.getElementById('player');
		if (p.playerErrors.length) return 'hls.js errors: ' + JSON.stringify(p.playerErrors);
		return v.currentTime > %v ? 'played ' + v.currentTime.toFixed(2) : '';
	})()`, minPlayback))
	if !strings.HasPrefix(res, "played") {
		t.Fatalf("%s: %s", key, res)
	}
	t.Logf("hls.js %s %s", key, res)
}

// checkFiles decodes every playlist with FFmpeg and checks its codec and
// duration.
func checkFiles(t *testing.T, srv *testServer, v taskView, run browserRun) {
	t.Helper()
	for _, f := range v.Files {
		p := filepath.Join(srv.dir, filepath.FromSlash(f.Key))
		if err := oracle.Decode(p); err != nil {
			t.Error(err)
			continue
		}
		info, err := oracle.Probe(p, false)
		if err != nil {
			t.Error(err)
			continue
		}
		var codecs []string
		for _, s := range info.Streams {
			codecs = append(codecs, s.CodecName)
		}
		if want := run.codecOf[f.TrackType]; !slices.Contains(codecs, want) || info.Duration() < minDuration {
			t.Errorf("%s: codecs %v, %.1f s; want %s, at least %.0f s", f.Key, codecs, info.Duration(), want, minDuration)
		}
	}
}

// streamsText summarises a task's streams for the log.
func streamsText(v taskView) string {
	var parts []string
	for _, s := range v.Streams {
		state := fmt.Sprintf("%d segments, %d packets, %d lost", s.Segments, s.Packets, s.Lost)
		if s.Skipped != "" {
			state = "skipped: " + s.Skipped
		}
		parts = append(parts, fmt.Sprintf("%s/%s %s (%s)", s.UserID, s.Kind, s.Codec, state))
	}
	return strings.Join(parts, "; ")
}
