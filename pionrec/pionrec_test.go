package pionrec_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pion/webrtc/v4"
	"go.uber.org/goleak"

	"github.com/roomrec/roomrec/callback"
	"github.com/roomrec/roomrec/hls"
	"github.com/roomrec/roomrec/internal/loopback"
	"github.com/roomrec/roomrec/internal/oracle"
	"github.com/roomrec/roomrec/internal/testpub"
	"github.com/roomrec/roomrec/naming"
	"github.com/roomrec/roomrec/pionrec"
	"github.com/roomrec/roomrec/recorder"
)

// TestRecordOverWebRTC records two publishers that send the committed clips
// over real pion PeerConnections on loopback (one H.264, one VP8, both
// Opus), and checks the files with FFmpeg: every playlist decodes without a
// word, is H.264 or AAC, lasts what was sent (± 0.2 s), and is named and
// tagged as SPEC §3 says.
func TestRecordOverWebRTC(t *testing.T) {
	defer goleak.VerifyNone(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	dir := t.TempDir()
	events := &callback.Collector{}
	rec, err := recorder.New(recorder.Config{Dir: dir, Notifier: events, SegmentDuration: 2 * time.Second,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	room, err := rec.Room(1400123456, naming.RoomID{Str: "demo room"})
	if err != nil {
		t.Fatal(err)
	}
	taskID, err := rec.Start(ctx, recorder.StartParams{SdkAppID: 1400123456, Room: naming.RoomID{Str: "demo room"}, UserID: "bot"})
	if err != nil {
		t.Fatal(err)
	}
	api, err := loopback.API()
	if err != nil {
		t.Fatal(err)
	}
	h264, err := testpub.LoadH264(filepath.Join(testpub.MediaDir(), "h264_640x360_15fps.h264"), 15)
	if err != nil {
		t.Fatal(err)
	}
	vp8, err := testpub.LoadIVF(filepath.Join(testpub.MediaDir(), "vp8_640x360_15fps.ivf"))
	if err != nil {
		t.Fatal(err)
	}
	audio, err := testpub.LoadOgg(filepath.Join(testpub.MediaDir(), "opus_48k_stereo.ogg"))
	if err != nil {
		t.Fatal(err)
	}
	const sent = 6 * time.Second
	var pubs []*testpub.Publisher
	// alice publishes H.264 (remuxed), bob VP8 (transcoded to H.264).
	for _, pub := range []struct {
		user  string
		video []testpub.Sample
		mime  string
	}{{"alice", h264, webrtc.MimeTypeH264}, {"bob", vp8, webrtc.MimeTypeVP8}} {
		user := pub.user
		server, err := api.NewPeerConnection(loopback.Configuration())
		if err != nil {
			t.Fatal(err)
		}
		defer server.Close()
		server.OnTrack(pionrec.OnTrack(room, server, user, nil))
		p, err := testpub.Publish(ctx, api, server, testpub.Options{
			Video: pub.video, VideoMime: pub.mime, Audio: audio, Duration: sent, Speed: 2,
		})
		if err != nil {
			t.Fatal(err)
		}
		defer p.Close()
		pubs = append(pubs, p)
	}
	errs := make(chan error, len(pubs))
	for _, p := range pubs {
		go func() { errs <- p.Run(ctx) }()
	}
	for range pubs {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	final, err := rec.Stop(ctx, taskID)
	if err != nil {
		t.Fatal(err)
	}
	if len(final.StorageFileList) != 4 {
		t.Fatalf("files: %+v", final.StorageFileList)
	}
	for _, f := range final.StorageFileList {
		checkRecording(t, dir, taskID, f, sent)
	}
	if len(events.OfType(callback.EventFileSlice)) != 4 || len(events.OfType(callback.EventUploadStop)) != 1 {
		t.Errorf("events: %v", events.Events())
	}
	for _, p := range pubs {
		p.Close()
	}
	if err := rec.Close(ctx); err != nil {
		t.Fatal(err)
	}
}

func checkRecording(t *testing.T, dir, taskID string, f recorder.File, sent time.Duration) {
	t.Helper()
	path := filepath.Join(dir, f.Key)
	if err := oracle.Decode(path); err != nil {
		t.Fatal(err)
	}
	info, err := oracle.Probe(path, false)
	if err != nil {
		t.Fatal(err)
	}
	got := time.Duration(info.Duration() * float64(time.Second))
	if d := got - sent; d < -200*time.Millisecond || d > 200*time.Millisecond {
		t.Errorf("%s: %v recorded, %v sent", f.FileName, got, sent)
	}
	n, err := naming.Parse(f.Key)
	if err != nil || n.TaskID != taskID || n.Room.Str != "demo room" || n.UserID != f.UserID || string(n.Type) != f.TrackType {
		t.Errorf("%s parsed to %+v, %v", f.Key, n, err)
	}
	pl, err := readPlaylist(path)
	if err != nil {
		t.Fatal(err)
	}
	if !pl.Ended || pl.StartRecTime.UnixMilli() != f.BeginTimeStamp || pl.TargetDuration < 2 {
		t.Errorf("%s: tags %+v", f.FileName, pl)
	}
	if (f.TrackType == "video") != (pl.Width == 640 && pl.Height == 360) {
		t.Errorf("%s: video metadata %dx%d", f.FileName, pl.Width, pl.Height)
	}
	if want := map[string]string{"audio": "aac", "video": "h264"}[f.TrackType]; len(info.Streams) == 0 || info.Streams[0].CodecName != want {
		t.Errorf("%s: streams %+v, want %s", f.FileName, info.Streams, want)
	}
	for _, s := range pl.Segments {
		sn, err := naming.ParseFile(s.URI)
		if err != nil || sn.Kind != naming.KindTS || !strings.HasPrefix(s.URI, strings.TrimSuffix(f.FileName, ".m3u8")) {
			t.Errorf("segment %s: %v", s.URI, err)
		}
		if ceil := int((s.Duration + time.Second - 1) / time.Second); ceil > pl.TargetDuration {
			t.Errorf("EXTINF %v above target %d", s.Duration, pl.TargetDuration)
		}
	}
}

func readPlaylist(path string) (*hls.Playlist, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return hls.ReadPlaylist(f)
}
