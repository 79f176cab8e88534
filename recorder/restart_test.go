package recorder

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/roomrec/roomrec/callback"
	"github.com/roomrec/roomrec/clock"
	"github.com/roomrec/roomrec/internal/testpub"
	"github.com/roomrec/roomrec/naming"
)

// childEnv makes the test binary run runKilledChild instead of the tests.
const childEnv = "ROOMREC_TEST_KILLED_CHILD_DIR"

// childMedia is how much media the child records before it is killed.
const childMedia = 7 * time.Second

// runKilledChild records childMedia of one user into dir, reports READY on
// stdout once everything fed is processed, and waits to be killed.
func runKilledChild(dir string) {
	fail := func(err error) {
		fmt.Println("ERROR", err)
		os.Exit(2)
	}
	clk := clock.NewFake(testT0)
	rec, err := New(Config{Dir: dir, Clock: clk, QueuePackets: 1 << 15, SegmentDuration: 2 * time.Second,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		fail(err)
	}
	room, _ := rec.Room(testApp, testRoom)
	id, err := rec.Start(context.Background(), baseParams())
	if err != nil {
		fail(err)
	}
	var sends []send
	for i, mime := range []string{"video/H264", "audio/opus"} {
		kind := naming.TrackVideo
		if i == 1 {
			kind = naming.TrackAudio
		}
		tr, err := room.AddTrack(TrackInfo{UserID: "alice", Kind: kind, MimeType: mime}, nil)
		if err != nil {
			fail(err)
		}
		var samples []testpub.Sample
		if i == 0 {
			samples, err = testpub.LoadH264(filepath.Join(testpub.MediaDir(), "h264_640x360_15fps.h264"), 15)
		} else {
			samples, err = testpub.LoadOgg(filepath.Join(testpub.MediaDir(), "opus_48k_stereo.ogg"))
		}
		if err != nil {
			fail(err)
		}
		pkts, err := testpub.Packetize(samples, testpub.RTPOptions{MimeType: mime, Duration: childMedia, SSRC: uint32(i + 1)})
		if err != nil {
			fail(err)
		}
		sends = append(sends, send{tr, pkts})
	}
	for _, p := range testpub.Merge(sends[0].pkts, sends[1].pkts) {
		clk.Set(testT0.Add(p.At))
		tr := sends[1].tr
		if p.PayloadType == 102 {
			tr = sends[0].tr
		}
		_ = tr.WriteRTP(p.Packet)
	}
	tk, err := rec.task(id)
	if err != nil {
		fail(err)
	}
	tk.settle()
	tk.up.drain(context.Background()) // what was committed is uploaded
	fmt.Println("READY")
	select {}
}

// TestRestartAfterKill: a recorder process killed with SIGKILL mid-recording
// leaves a spool that a new Recorder on the same folder finishes and
// uploads: every playlist ends with #EXT-X-ENDLIST, every segment it lists
// is in the storage exactly once, FFmpeg decodes it all, and at most the
// media still in memory at the kill (reorder delay + flush interval) is
// missing.
func TestRestartAfterKill(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || strings.TrimSpace(line) != "READY" {
		_ = cmd.Process.Kill()
		t.Fatalf("child said %q: %v", line, err)
	}
	if err := cmd.Process.Kill(); err != nil { // SIGKILL
		t.Fatal(err)
	}
	_ = cmd.Wait()
	parts, _ := filepath.Glob(filepath.Join(dir, ".spool", "*", "*.part"))
	if len(parts) == 0 {
		t.Fatal("the child left no segment half-written: the test does not test salvage")
	}

	events := &callback.Collector{}
	rec, err := New(Config{Dir: dir, Notifier: events, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	e, err := events.Wait(ctx, callback.EventUploadStop)
	if err != nil {
		t.Fatalf("no 305 after recovery: %v", err)
	}
	if st := e.Payload.(callback.UploadStop).Status; st != callback.UploadStopRecovered || e.TaskID == "" || e.UserID != "recorder_bot" {
		t.Fatalf("305: %+v", e)
	}
	if err := rec.Close(ctx); err != nil {
		t.Fatal(err)
	}

	h := &harness{t: t, dir: dir}
	playlists, _ := filepath.Glob(filepath.Join(dir, e.TaskID, "*.m3u8"))
	if len(playlists) != 2 {
		t.Fatalf("playlists in the storage: %v", playlists)
	}
	seen := map[string]bool{}
	for _, p := range playlists {
		key, _ := filepath.Rel(dir, p)
		pl := h.readPlaylist(key)
		if !pl.Ended {
			t.Errorf("%s: no ENDLIST", key)
		}
		for _, s := range pl.Segments {
			if seen[s.URI] {
				t.Errorf("segment %s listed twice", s.URI)
			}
			seen[s.URI] = true
		}
		info := h.checkDecodes(key, childMedia, time.Second)
		if got := time.Duration(info.Duration() * float64(time.Second)); got < childMedia-800*time.Millisecond {
			t.Errorf("%s: %v recovered of %v", filepath.Base(key), got, childMedia)
		}
	}
	files, _ := filepath.Glob(filepath.Join(dir, e.TaskID, "*"))
	if len(files) != len(seen)+2 {
		t.Errorf("storage holds %d files, playlists list %d segments (+2 playlists): %v", len(files), len(seen), files)
	}
	err = filepath.WalkDir(filepath.Join(dir, ".spool"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			t.Errorf("left in the spool: %s", p)
		}
		return err
	})
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
}
