package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"sync"
	"syscall"
	"time"

	"github.com/roomrec/roomrec/internal/loadgen"
	"github.com/roomrec/roomrec/internal/testpub"
	"github.com/roomrec/roomrec/naming"
	"github.com/roomrec/roomrec/recorder"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "roomrec-load:", err)
		os.Exit(1)
	}
}

// sdkAppID is the application id of every load room.
const sdkAppID = 1400000001

type options struct {
	tasks    int
	duration time.Duration
	dir      string
	audio    string
	segment  time.Duration
	interval time.Duration
	video    string
	fps      int
	queue    int
	cpuprof  string
}

func parseFlags(args []string, out io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("roomrec-load", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.IntVar(&o.tasks, "tasks", 100, "concurrent single-stream tasks, each one room with one H.264 + Opus publisher")
	fs.DurationVar(&o.duration, "duration", 3*time.Minute, "how long the publishers send")
	fs.StringVar(&o.dir, "dir", "", "folder for the recordings and the generated clip, kept; default a temporary folder removed at the end")
	fs.StringVar(&o.audio, "audio", "aac", "how audio is written: aac (transcoded from the Opus) or opus (as received)")
	fs.DurationVar(&o.segment, "segment", 10*time.Second, "HLS segment duration (the recorder's default is 10s)")
	fs.DurationVar(&o.interval, "interval", 30*time.Second, "how often a row of the table is printed")
	fs.StringVar(&o.video, "video", "", "Annex B H.264 clip to publish, at -fps; default the benchmarks' 720p30 1 Mbit/s clip, made with ffmpeg")
	fs.IntVar(&o.fps, "fps", loadgen.GeneratedFPS, "frame rate of the -video clip")
	fs.IntVar(&o.queue, "queue", 0, "the recorder's per-track packet queue; 0 means its default (1024)")
	fs.StringVar(&o.cpuprof, "cpuprofile", "", "write a CPU profile of the feeding period to this file (go tool pprof)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	return o, o.validate()
}

func (o options) validate() error {
	switch {
	case o.tasks < 1:
		return fmt.Errorf("-tasks %d: must be at least 1", o.tasks)
	case o.duration <= 0:
		return fmt.Errorf("-duration %v: must be positive", o.duration)
	case o.audio != "aac" && o.audio != "opus":
		return fmt.Errorf("-audio %q: must be aac or opus", o.audio)
	case o.segment < time.Second:
		return fmt.Errorf("-segment %v: must be at least 1s", o.segment)
	case o.interval <= 0:
		return fmt.Errorf("-interval %v: must be positive", o.interval)
	case o.fps < 1:
		return fmt.Errorf("-fps %d: must be positive", o.fps)
	case o.queue < 0:
		return fmt.Errorf("-queue %d: must not be negative", o.queue)
	}
	return nil
}

func (o options) audioCodec() recorder.AudioCodec {
	if o.audio == "opus" {
		return recorder.AudioOpus
	}
	return recorder.AudioAAC
}

// run records -tasks rooms for -duration, prints the table and the
// summary, and returns an error when the run failed (see the package doc).
func run(ctx context.Context, args []string, stdout io.Writer) error {
	o, err := parseFlags(args, stdout)
	if err != nil {
		return err
	}
	work := o.dir
	if work == "" {
		if work, err = os.MkdirTemp("", "roomrec-load-"); err != nil {
			return err
		}
		defer os.RemoveAll(work)
	}
	video, audio, err := loadClips(ctx, o, work)
	if err != nil {
		return err
	}
	out := &syncWriter{w: stdout}
	l, err := newLoad(o, out, filepath.Join(work, "recordings"))
	if err != nil {
		return err
	}
	l.printSetup(video, audio)
	if err := l.start(ctx, video, audio); err != nil {
		l.stopAll()
		return err
	}
	feedErr := l.profiled(l.feed)(ctx)
	l.stopAll()
	if feedErr != nil && !errors.Is(feedErr, context.Canceled) {
		return feedErr
	}
	return l.report(ctx)
}

// loadClips makes or reads the video clip and reads the committed Opus clip.
func loadClips(ctx context.Context, o options, work string) (video, audio *loadgen.Clip, err error) {
	path, fps := o.video, o.fps
	if path == "" {
		clips := filepath.Join(work, "clips")
		if err := os.MkdirAll(clips, 0o755); err != nil {
			return nil, nil, err
		}
		if path, err = loadgen.GenerateH264(ctx, clips); err != nil {
			return nil, nil, err
		}
		fps = loadgen.GeneratedFPS
	}
	if video, err = loadgen.LoadH264(path, fps); err != nil {
		return nil, nil, err
	}
	audio, err = loadgen.LoadOpus(filepath.Join(testpub.MediaDir(), "opus_48k_stereo.ogg"))
	return video, audio, err
}

// load is one run: the recorder, its tasks, the feeder and what was measured.
type load struct {
	o      options
	out    io.Writer
	recDir string
	rec    *recorder.Recorder
	feeder *loadgen.Feeder
	ids    []string

	samples  []sample
	feedCPU  time.Duration // process CPU while the publishers sent
	feedWall time.Duration
	stopWall time.Duration
	statsMax time.Duration // the longest Recorder.Stats call
	stopErrs []error
	loadAvg0 string
}

func newLoad(o options, out io.Writer, recDir string) (*load, error) {
	rec, err := recorder.New(recorder.Config{
		Dir:             recDir,
		Logger:          slog.New(slog.NewTextHandler(out, &slog.HandlerOptions{Level: slog.LevelWarn})),
		MaxTasks:        max(o.tasks, 100),
		SegmentDuration: o.segment,
		QueuePackets:    o.queue,
	})
	if err != nil {
		return nil, err
	}
	return &load{o: o, out: out, recDir: recDir, rec: rec, feeder: loadgen.NewFeeder(loadgen.Config{}), loadAvg0: loadAverage()}, nil
}

// start starts one task per room and adds its publisher's two tracks, the
// publishers staggered over 2 s (one GOP of the generated clip).
func (l *load) start(ctx context.Context, video, audio *loadgen.Clip) error {
	for i := range l.o.tasks {
		id := naming.RoomID{Num: uint32(1000 + i)}
		room, err := l.rec.Room(sdkAppID, id)
		if err != nil {
			return err
		}
		p := recorder.StartParams{SdkAppID: sdkAppID, Room: id, UserID: "recorder_bot"}
		p.Record.Audio.Codec = l.o.audioCodec()
		taskID, err := l.rec.Start(ctx, p)
		if err != nil {
			return fmt.Errorf("task %d: %w", i, err)
		}
		l.ids = append(l.ids, taskID)
		offset := time.Duration(i) * 2 * time.Second / time.Duration(l.o.tasks)
		user := fmt.Sprintf("user%04d", i)
		for k, c := range []*loadgen.Clip{video, audio} {
			kind := naming.TrackVideo
			if c.MimeType == "audio/opus" {
				kind = naming.TrackAudio
			}
			tr, err := room.AddTrack(recorder.TrackInfo{UserID: user, Kind: kind, MimeType: c.MimeType}, nil)
			if err != nil {
				return err
			}
			if err := l.feeder.Add(tr, c, uint32(10*i+k+1), offset); err != nil {
				return err
			}
		}
	}
	return nil
}

// stopAll stops every task at once and closes the recorder, waiting for
// the last segments and playlists to be stored (at most 5 minutes).
func (l *load) stopAll() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	t0 := time.Now()
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, id := range l.ids {
		wg.Go(func() {
			if _, err := l.rec.Stop(ctx, id); err != nil {
				mu.Lock()
				l.stopErrs = append(l.stopErrs, err)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if err := l.rec.Close(ctx); err != nil {
		l.stopErrs = append(l.stopErrs, err)
	}
	l.stopWall = time.Since(t0)
}

// profiled returns f, wrapped in a CPU profile written to -cpuprofile when
// that is set.
func (l *load) profiled(f func(context.Context) error) func(context.Context) error {
	if l.o.cpuprof == "" {
		return f
	}
	return func(ctx context.Context) error {
		file, err := os.Create(l.o.cpuprof)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(file); err != nil {
			file.Close()
			return err
		}
		ferr := f(ctx)
		pprof.StopCPUProfile()
		return errors.Join(ferr, file.Close())
	}
}

// syncWriter serialises the writes of the table and the recorder's log.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}
