package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/pion/webrtc/v4"

	"github.com/roomrec/roomrec/callback"
	"github.com/roomrec/roomrec/internal/loopback"
	"github.com/roomrec/roomrec/internal/testpub"
	"github.com/roomrec/roomrec/naming"
	"github.com/roomrec/roomrec/pionrec"
	"github.com/roomrec/roomrec/recorder"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

type options struct {
	dir      string
	duration time.Duration
	speed    float64
	media    string
}

func parseFlags(args []string) (options, error) {
	var o options
	fs := flag.NewFlagSet("quickstart", flag.ContinueOnError)
	fs.StringVar(&o.dir, "dir", "recordings", "where the recording goes (local storage)")
	fs.DurationVar(&o.duration, "duration", 20*time.Second, "how much media each publisher sends")
	fs.Float64Var(&o.speed, "speed", 1, "publishing pace: 1 is real time")
	fs.StringVar(&o.media, "media", testpub.MediaDir(), "folder of the test clips")
	return o, fs.Parse(args)
}

// run records a room with two publishers and prints what it recorded.
func run(ctx context.Context, args []string, stdout io.Writer) error {
	o, err := parseFlags(args)
	if err != nil {
		return err
	}
	events := &eventLog{}
	rec, err := recorder.New(recorder.Config{Dir: o.dir, Notifier: callback.Func(events.add)})
	if err != nil {
		return err
	}
	room, err := rec.Room(1400123456, naming.RoomID{Num: 12345})
	if err != nil {
		return err
	}
	// Two tasks on the same room: each user's audio and video apart
	// (single-stream), and everyone composited in a grid (mixed-stream).
	single, err := rec.Start(ctx, recorder.StartParams{
		SdkAppID: 1400123456,
		Room:     naming.RoomID{Num: 12345},
		UserID:   "recorder_bot",
	})
	if err != nil {
		return err
	}
	mixed, err := rec.Start(ctx, recorder.StartParams{
		SdkAppID: 1400123456,
		Room:     naming.RoomID{Num: 12345},
		UserID:   "recorder_bot",
		Record:   recorder.RecordParams{Mode: recorder.Mixed},
		Mix:      recorder.MixParams{Transcode: recorder.MixTranscodeParams{Width: 1280, Height: 360}},
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "tasks %s (single-stream) and %s (mixed, grid) started; publishing for %v\n", single, mixed, o.duration)
	if err := publish(ctx, room, o); err != nil {
		return err
	}
	stopCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var files []recorder.File
	for _, id := range []string{single, mixed} {
		desc, err := rec.Stop(stopCtx, id)
		if err != nil {
			return err
		}
		files = append(files, desc.StorageFileList...)
	}
	return report(stdout, o.dir, files, events)
}

// publish connects two publishers to a loopback "media server" whose
// PeerConnections hand their tracks to the room, and sends the clips.
func publish(ctx context.Context, room *recorder.Room, o options) error {
	api, err := loopback.API()
	if err != nil {
		return err
	}
	h264, err := testpub.LoadH264(filepath.Join(o.media, "h264_640x360_15fps.h264"), 15)
	if err != nil {
		return err
	}
	vp8, err := testpub.LoadIVF(filepath.Join(o.media, "vp8_640x360_15fps.ivf"))
	if err != nil {
		return err
	}
	audio, err := testpub.LoadOgg(filepath.Join(o.media, "opus_48k_stereo.ogg"))
	if err != nil {
		return err
	}
	var running []*testpub.Publisher
	defer func() {
		for _, p := range running {
			p.Close()
		}
	}()
	// alice sends H.264 (remuxed as received), bob VP8 (transcoded to
	// H.264, as most browsers send VP8 by default); both send Opus
	// (transcoded to AAC).
	pubs := []struct {
		user  string
		video []testpub.Sample
		mime  string
	}{{"alice", h264, webrtc.MimeTypeH264}, {"bob", vp8, webrtc.MimeTypeVP8}}
	for _, pub := range pubs {
		user := pub.user
		server, err := api.NewPeerConnection(loopback.Configuration())
		if err != nil {
			return err
		}
		defer server.Close()
		server.OnTrack(pionrec.OnTrack(room, server, user, nil))
		p, err := testpub.Publish(ctx, api, server, testpub.Options{
			Video: pub.video, VideoMime: pub.mime, Audio: audio,
			Duration: o.duration, Speed: o.speed,
		})
		if err != nil {
			return fmt.Errorf("%s: %w", user, err)
		}
		running = append(running, p)
	}
	var wg sync.WaitGroup
	errs := make([]error, len(running))
	for i, p := range running {
		wg.Go(func() { errs[i] = p.Run(ctx) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// eventLog keeps the events the recorder sent.
type eventLog struct {
	mu     sync.Mutex
	events []callback.Event
}

func (l *eventLog) add(e callback.Event) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.events = append(l.events, e)
}

func report(w io.Writer, dir string, files []recorder.File, events *eventLog) error {
	fmt.Fprintf(w, "\nrecorded files (%d playlists):\n", len(files))
	for _, f := range files {
		user := f.UserID
		if user == "" {
			user = "(mix)"
		}
		fmt.Fprintf(w, "  %-5s %-11s begin=%d  %s\n", user, f.TrackType, f.BeginTimeStamp, filepath.Join(dir, f.Key))
	}
	events.mu.Lock()
	fmt.Fprintf(w, "\nevents (%d):\n", len(events.events))
	for _, e := range events.events {
		fmt.Fprintf(w, "  %d %-13s %+v\n", int(e.Type()), e.Type(), e.Payload)
	}
	events.mu.Unlock()
	fmt.Fprintln(w, "\nffprobe:")
	for _, f := range files {
		out, err := exec.Command("ffprobe", "-v", "error", "-show_entries",
			"format=duration:stream=codec_name,width,height,sample_rate,channels",
			"-of", "compact=p=0:nk=0", filepath.Join(dir, f.Key)).CombinedOutput()
		if err != nil {
			return fmt.Errorf("ffprobe %s: %v: %s", f.Key, err, out)
		}
		// HLS input lists each stream twice (in its program and alone).
		var lines []string
		for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			if l = strings.TrimSpace(l); l != "" && !slices.Contains(lines, l) {
				lines = append(lines, l)
			}
		}
		fmt.Fprintf(w, "  %-5s %-11s %s\n", f.UserID, f.TrackType, strings.Join(lines, " | "))
	}
	return nil
}
