package recorder

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/roomrec/roomrec/callback"
	"github.com/roomrec/roomrec/internal/oracle"
	"github.com/roomrec/roomrec/internal/testpub"
	"github.com/roomrec/roomrec/naming"
	"github.com/roomrec/roomrec/taskstate/etcd"
	"github.com/roomrec/roomrec/taskstate/etcd/etcdtest"
)

// haChildEnv makes the test binary run runHAChild (a recorder instance of
// TestFailoverAcrossProcesses) instead of the tests.
const haChildEnv = "ROOMREC_TEST_HA_CHILD"

// haChild is the configuration of one instance.
type haChild struct {
	Dir, Spool string // shared storage, own spool
	Etcd       []string
	Owner      string
	Start      bool // start the task
}

// haTTL is the lease time of the instances: takeover comes about one TTL
// after the owner's death.
const haTTL = 3 * time.Second

// runHAChild is one recorder instance: it feeds its room in real time with
// the committed clips, starts the task if told to, prints every event as a
// line "EVENT <type> <task> <json>" and obeys "stop <task>" on stdin.
func runHAChild(js string) {
	var c haChild
	if err := json.Unmarshal([]byte(js), &c); err != nil {
		fmt.Println("ERROR", err)
		os.Exit(2)
	}
	ctx := context.Background()
	store, err := etcd.Open(ctx, etcd.Config{Endpoints: c.Etcd, TTL: haTTL, Owner: c.Owner})
	if err != nil {
		fmt.Println("ERROR", err)
		os.Exit(2)
	}
	var out sync.Mutex
	say := func(format string, args ...any) {
		out.Lock()
		defer out.Unlock()
		fmt.Printf(format+"\n", args...)
	}
	rec, err := New(Config{Dir: c.Dir, SpoolDir: c.Spool, TaskStore: store, SegmentDuration: time.Second,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Notifier: callback.Func(func(e callback.Event) {
			b, _ := json.Marshal(e.Payload)
			say("EVENT %d %s %s", int(e.Type()), e.TaskID, b)
		})})
	if err != nil {
		fmt.Println("ERROR", err)
		os.Exit(2)
	}
	room, _ := rec.Room(testApp, testRoom)
	go feedRealTime(room)
	if c.Start {
		id, err := rec.Start(ctx, baseParams())
		if err != nil {
			fmt.Println("ERROR", err)
			os.Exit(2)
		}
		say("TASK %s", id)
	}
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		if id, ok := strings.CutPrefix(in.Text(), "stop "); ok {
			_, err := rec.Stop(ctx, id)
			say("STOPPED %v", err)
		}
	}
	cctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	_ = rec.Close(cctx)
	_ = store.Close()
	os.Exit(0)
}

// feedRealTime publishes alice's H.264 and Opus into room, paced in real
// time, looping, until the process ends.
func feedRealTime(room *Room) {
	video, _ := testpub.LoadH264(filepath.Join(testpub.MediaDir(), "h264_640x360_15fps.h264"), 15)
	audio, _ := testpub.LoadOgg(filepath.Join(testpub.MediaDir(), "opus_48k_stereo.ogg"))
	vp, _ := testpub.Packetize(video, testpub.RTPOptions{MimeType: "video/H264", Duration: 10 * time.Minute, SSRC: 1})
	ap, _ := testpub.Packetize(audio, testpub.RTPOptions{MimeType: "audio/opus", Duration: 10 * time.Minute, SSRC: 2})
	vt, _ := room.AddTrack(TrackInfo{UserID: "alice", Kind: naming.TrackVideo, MimeType: "video/H264"}, nil)
	at, _ := room.AddTrack(TrackInfo{UserID: "alice", Kind: naming.TrackAudio, MimeType: "audio/opus"}, nil)
	start := time.Now()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for _, p := range testpub.Merge(vp, ap) {
		for time.Since(start) < p.At {
			<-tick.C
		}
		tr := at
		if p.PayloadType == 102 {
			tr = vt
		}
		_ = tr.WriteRTP(p.Packet)
	}
}

// instance is a running child process.
type instance struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	lines chan string
}

func startInstance(t *testing.T, c haChild) *instance {
	t.Helper()
	js, _ := json.Marshal(c)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), haChildEnv+"="+string(js))
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	in := &instance{cmd: cmd, stdin: stdin, lines: make(chan string, 1000)}
	go func() {
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			in.lines <- sc.Text()
		}
		close(in.lines)
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	return in
}

// wait returns the first line (after those already read) with prefix, or
// fails after d.
func (in *instance) wait(t *testing.T, prefix string, d time.Duration) string {
	t.Helper()
	deadline := time.NewTimer(d)
	defer deadline.Stop()
	for {
		select {
		case l, ok := <-in.lines:
			if !ok {
				t.Fatalf("instance ended while waiting for %q", prefix)
			}
			if strings.HasPrefix(l, "ERROR") {
				t.Fatalf("instance: %s", l)
			}
			if strings.HasPrefix(l, prefix) {
				return l
			}
		case <-deadline.C:
			t.Fatalf("no %q within %v", prefix, d)
		}
	}
}

// TestFailoverAcrossProcesses: three recorder processes share an etcd task
// store and the storage; the owner of a task is killed (SIGKILL) while
// recording. Another instance takes the task over within 10 s (306),
// records it with ha1_ names while the third stays out (one owner at a
// time), and when the killed instance comes back its spool brings every
// segment it had written into the storage; every playlist ends with
// #EXT-X-ENDLIST and decodes.
func TestFailoverAcrossProcesses(t *testing.T) {
	endpoints := etcdtest.Start(t)
	shared := t.TempDir()
	spools := []string{t.TempDir(), t.TempDir(), t.TempDir()}
	a := startInstance(t, haChild{Dir: shared, Spool: spools[0], Etcd: endpoints, Owner: "a", Start: true})
	id := strings.Fields(a.wait(t, "TASK ", 60*time.Second))[1]
	others := []*instance{
		startInstance(t, haChild{Dir: shared, Spool: spools[1], Etcd: endpoints, Owner: "b"}),
		startInstance(t, haChild{Dir: shared, Spool: spools[2], Etcd: endpoints, Owner: "c"}),
	}
	a.wait(t, "EVENT 307 "+id, 30*time.Second)
	a.wait(t, "EVENT 307 "+id, 30*time.Second) // audio and video are being recorded
	killed := time.Now()
	if err := a.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = a.cmd.Wait()

	winner, loser := waitEither(t, others, "EVENT 306 "+id, 20*time.Second)
	takeover := time.Since(killed)
	t.Logf("takeover %v after the kill (lease TTL %v)", takeover.Round(10*time.Millisecond), haTTL)
	if takeover > 10*time.Second {
		t.Errorf("takeover took %v, goal 10 s", takeover)
	}
	// Recording again, under ha1_ names: the first frame the new owner
	// wrote (its stream's BeginTimeStamp) is the goal's measure.
	l := winner.wait(t, "EVENT 307 "+id, 30*time.Second)
	var slice struct{ BeginTimeStamp int64 }
	if err := json.Unmarshal([]byte(l[strings.Index(l, "{"):]), &slice); err != nil || slice.BeginTimeStamp == 0 {
		t.Fatalf("307 line %q: %v", l, err)
	}
	again := time.UnixMilli(slice.BeginTimeStamp).Sub(killed)
	t.Logf("recording again %v after the kill", again.Round(10*time.Millisecond))
	if again > 10*time.Second {
		t.Errorf("recording again %v after the kill, goal 10 s", again)
	}
	fmt.Fprintf(winner.stdin, "stop %s\n", id)
	if l := winner.wait(t, "STOPPED", 30*time.Second); l != "STOPPED <nil>" {
		t.Fatalf("stop: %s", l)
	}
	for _, l := range drain(loser) {
		if strings.HasPrefix(l, "EVENT 306") || strings.HasPrefix(l, "EVENT 307") {
			t.Errorf("a second instance recorded the task: %s", l)
		}
	}

	// The killed instance comes back: its spool finishes and uploads what
	// it had written.
	back := startInstance(t, haChild{Dir: shared, Spool: spools[0], Etcd: endpoints, Owner: "a-again"})
	if l := back.wait(t, "EVENT 305 "+id, 30*time.Second); !strings.HasSuffix(l, `{"Status":2}`) {
		t.Errorf("recovered spool: %s", l)
	}
	checkFailoverFiles(t, shared, id)
}

// checkFailoverFiles: the first owner's playlists and the ha1_ ones, all
// finished and whole.
func checkFailoverFiles(t *testing.T, dir, id string) {
	t.Helper()
	h := &harness{t: t, dir: dir}
	playlists, _ := filepath.Glob(filepath.Join(dir, id, "*.m3u8"))
	var first, ha1 int
	for _, p := range playlists {
		n, err := naming.ParseFile(filepath.Base(p))
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		switch n.HA {
		case 0:
			first++
		case 1:
			ha1++
		default:
			t.Errorf("unexpected %s", filepath.Base(p))
		}
		key, _ := filepath.Rel(dir, p)
		pl := h.readPlaylist(key)
		if !pl.Ended || len(pl.Segments) == 0 {
			t.Errorf("%s: ended %v, %d segments", key, pl.Ended, len(pl.Segments))
		}
		for _, s := range pl.Segments {
			if _, err := os.Stat(filepath.Join(dir, id, s.URI)); err != nil {
				t.Errorf("%s lists a segment the storage lacks: %v", key, err)
			}
		}
		if err := oracle.Decode(p); err != nil {
			t.Error(err)
		}
	}
	if first != 2 || ha1 != 2 {
		t.Errorf("playlists: %d of the first owner, %d ha1_ (want 2 and 2): %v", first, ha1, playlists)
	}
}

// waitEither waits for a line with prefix from any of two instances and
// returns that one and the other.
func waitEither(t *testing.T, two []*instance, prefix string, d time.Duration) (*instance, *instance) {
	t.Helper()
	deadline := time.NewTimer(d)
	defer deadline.Stop()
	for {
		select {
		case l := <-two[0].lines:
			if strings.HasPrefix(l, prefix) {
				return two[0], two[1]
			}
		case l := <-two[1].lines:
			if strings.HasPrefix(l, prefix) {
				return two[1], two[0]
			}
		case <-deadline.C:
			t.Fatalf("no instance said %q within %v", prefix, d)
		}
	}
}

// drain returns the lines an instance has printed and not been read yet.
func drain(in *instance) []string {
	var out []string
	for {
		select {
		case l, ok := <-in.lines:
			if !ok {
				return out
			}
			out = append(out, l)
		default:
			return out
		}
	}
}
