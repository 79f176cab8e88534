package hls

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// rewriteOut is a memOutput without Appender that keeps every playlist
// version written and fails the playlist writes fail says.
type rewriteOut struct {
	*memOutput
	fail     func() bool
	versions [][]byte
}

func (o *rewriteOut) WriteFile(name string, data []byte) error {
	if o.fail != nil && o.fail() {
		return errors.New("injected playlist write failure")
	}
	if err := o.memOutput.WriteFile(name, data); err != nil {
		return err
	}
	o.versions = append(o.versions, slices.Clone(data))
	return nil
}

// appendOut is a rewriteOut with Appender.
type appendOut struct {
	rewriteOut
	appends, reads, rewrites int
	readErr                  error // returned by ReadFile when set
}

func (o *appendOut) WriteFile(name string, data []byte) error {
	o.rewrites++
	return o.rewriteOut.WriteFile(name, data)
}

func (o *appendOut) AppendFile(name string, data []byte) error {
	o.appends++
	if o.fail != nil && o.fail() {
		return errors.New("injected playlist append failure")
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	old, ok := o.files[name]
	if !ok {
		return fs.ErrNotExist
	}
	o.files[name] = append(slices.Clone(old), data...)
	o.versions = append(o.versions, o.files[name])
	return nil
}

func (o *appendOut) ReadFile(name string) ([]byte, error) {
	o.reads++
	if o.readErr != nil {
		return nil, o.readErr
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	b, ok := o.files[name]
	if !ok {
		return nil, fs.ErrNotExist
	}
	return slices.Clone(b), nil
}

// feedOp is one step of a random feed.
type feedOp struct {
	gop    int   // frames of the GOP written (10 fps)
	sps    bool  // keyframes carry the clip's SPS (640x360) from here on
	jump   int64 // timestamp jump before the GOP (ticks; < 0 backwards)
	disc   bool  // Discontinuity before the GOP
	flush  bool  // Flush before the GOP
	failPL bool  // the playlist write this GOP causes fails
}

// randomFeed returns a feed of up to 40 GOPs: in half the feeds 1 s GOPs
// (2 s segments: no growth), in the others lengths from 0.2 s to 8 s
// (target 2 s: EXT-X-TARGETDURATION grows); timestamp jumps, Discontinuity
// and Flush calls, the SPS (video metadata) appearing late or never, and
// failing playlist writes.
func randomFeed(rng *rand.Rand) []feedOp {
	ops := make([]feedOp, 1+rng.IntN(40))
	spsFrom := rng.IntN(len(ops) + 5) // may be never
	steady := rng.IntN(2) == 0
	for i := range ops {
		op := &ops[i]
		switch {
		case steady:
			op.gop = 10
		case rng.IntN(8) == 0:
			op.gop = 30 + rng.IntN(50)
		default:
			op.gop = 2 + rng.IntN(25)
		}
		op.sps = i >= spsFrom
		switch rng.IntN(12) {
		case 0:
			op.jump = 90000 * (3 + rng.Int64N(20))
		case 1:
			op.jump = -90000 * (1 + rng.Int64N(20))
		case 2:
			op.disc = true
		case 3:
			op.flush = true
		}
		op.failPL = rng.IntN(7) == 0
	}
	return ops
}

// runFeed writes ops into a new Segmenter on out, closes it and returns
// the playlist that lists the segments it reported to OnSegment.
func runFeed(t *testing.T, out Output, ops []feedOp, sps []byte, failNext *bool) *Playlist {
	t.Helper()
	want := &Playlist{Version: 3, TargetDuration: 2, StartRecTime: testStart, Ended: true}
	onSegment := func(seg Segment) {
		if want.Width == 0 {
			want.Width, want.Height = seg.Width, seg.Height
		}
		want.TargetDuration = max(want.TargetDuration, ceilSeconds(seg.Duration.Round(time.Millisecond)))
		want.Segments = append(want.Segments, PlaylistSegment{URI: strings.TrimPrefix(seg.Name, "task/"),
			Duration: seg.Duration, Discontinuity: seg.Discontinuity})
	}
	s, err := NewSegmenter(Config{Video: CodecH264, TargetDuration: 2 * time.Second, Start: testStart,
		PlaylistName: "task/rec.m3u8", SegmentName: utcName("task/seg"), Output: out, OnSegment: onSegment})
	if err != nil {
		t.Fatal(err)
	}
	pts := int64(1 << 20)
	for _, op := range ops {
		pts += op.jump
		if op.disc {
			s.Discontinuity()
		}
		if op.flush {
			_ = s.Flush()
		}
		*failNext = op.failPL
		for i := range op.gop {
			au := pAU
			switch {
			case i == 0 && op.sps:
				au = [][]byte{sps, idrAU[0]}
			case i == 0:
				au = idrAU
			}
			if err := s.WriteH264(pts, pts, au); err != nil && !strings.Contains(err.Error(), "injected") {
				t.Fatal(err)
			}
			pts += 9000
		}
	}
	*failNext = false
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return want
}

// TestPlaylistAppendEqualsRewrite is a property test: for random segment
// sequences (discontinuities, EXT-X-TARGETDURATION growth, late video
// metadata, failing writes), a Segmenter writing to an Appender produces
// the same playlist bytes after every write as one rewriting the whole
// text, and the final playlist is MarshalText of the segments OnSegment
// reported.
func TestPlaylistAppendEqualsRewrite(t *testing.T) {
	var sps []byte
	for _, n := range readH264(t, clipH264)[0].nalus {
		if n[0]&0x1F == 7 {
			sps = n
		}
	}
	if sps == nil {
		t.Fatal("no SPS in the clip")
	}
	rng := rand.New(rand.NewPCG(1, 2))
	var grew, late, disc, failed, appended, rewritten int
	for iter := range 300 {
		ops := randomFeed(rng)
		var failNext bool
		fail := func() bool {
			f := failNext
			failNext = false // one failure per GOP at most
			return f
		}
		rw := &rewriteOut{memOutput: newMemOutput(), fail: fail}
		want := runFeed(t, rw, ops, sps, &failNext)
		ap := &appendOut{rewriteOut: rewriteOut{memOutput: newMemOutput(), fail: fail}}
		runFeed(t, ap, ops, sps, &failNext)
		if len(rw.versions) != len(ap.versions) {
			t.Fatalf("feed %d: %d playlist versions rewriting, %d appending", iter, len(rw.versions), len(ap.versions))
		}
		for k := range rw.versions {
			if !bytes.Equal(rw.versions[k], ap.versions[k]) {
				t.Fatalf("feed %d, version %d differs:\nrewrite:\n%s\nappend:\n%s", iter, k, rw.versions[k], ap.versions[k])
			}
		}
		if len(rw.versions) == 0 {
			continue
		}
		final := rw.versions[len(rw.versions)-1]
		if w, err := want.MarshalText(); err != nil || !bytes.Equal(w, final) {
			t.Fatalf("feed %d: final playlist (%v):\n%s\nwant (from OnSegment):\n%s", iter, err, final, w)
		}
		p := mustRead(t, final)
		if p.TargetDuration > 2 {
			grew++
		}
		if p.Width > 0 && !ops[0].sps {
			late++
		}
		if slices.ContainsFunc(p.Segments, func(s PlaylistSegment) bool { return s.Discontinuity }) {
			disc++
		}
		if slices.ContainsFunc(ops, func(o feedOp) bool { return o.failPL }) {
			failed++
		}
		appended += ap.appends
		rewritten += ap.rewrites
	}
	t.Logf("300 feeds: %d with target growth, %d with late metadata read back, %d with discontinuities, %d with failed writes; %d appends, %d whole writes",
		grew, late, disc, failed, appended, rewritten)
	if grew == 0 || late == 0 || disc == 0 || failed == 0 || appended < 2*rewritten {
		t.Error("the random feeds do not cover the cases")
	}
}

// TestPlaylistAppendNoLinesInMemory: appending, the Segmenter keeps no
// segment lines between writes.
func TestPlaylistAppendNoLinesInMemory(t *testing.T) {
	ap := &appendOut{rewriteOut: rewriteOut{memOutput: newMemOutput()}}
	s, err := NewSegmenter(Config{Audio: CodecOpus, TargetDuration: time.Second, Start: testStart,
		PlaylistName: "rec.m3u8", SegmentName: utcName("seg"), Output: ap})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 50 * 200 { // 200 s: 200 segments
		if err := s.WriteOpus(int64(i)*1800, opus); err != nil {
			t.Fatal(err)
		}
	}
	if s.listed < 199 || len(s.pl.text) != 0 || cap(s.pl.text) > 4096 || cap(s.pl.scratch) > 4096 {
		t.Errorf("%d segments listed; text %d bytes (cap %d), scratch cap %d",
			s.listed, len(s.pl.text), cap(s.pl.text), cap(s.pl.scratch))
	}
	if ap.rewrites != 1 || ap.reads != 0 {
		t.Errorf("%d whole writes, %d reads: want only the first write", ap.rewrites, ap.reads)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if p := mustRead(t, ap.files["rec.m3u8"]); len(p.Segments) != s.listed || !p.Ended {
		t.Errorf("final playlist: %d segments, ended %v", len(p.Segments), p.Ended)
	}
}

// TestPlaylistRewriteReadBackFails: when the header must change and the
// playlist cannot be read back (or is not what was written), the write
// fails with the reason and the lines are written by the next flush that
// works.
func TestPlaylistRewriteReadBackFails(t *testing.T) {
	for _, tc := range []struct {
		name    string
		readErr error
		tamper  bool
		want    error
	}{
		{"read fails", fs.ErrPermission, false, fs.ErrPermission},
		{"changed behind our back", nil, true, ErrPlaylist},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ap := &appendOut{rewriteOut: rewriteOut{memOutput: newMemOutput()}}
			pl := newPlaylistOut("p.m3u8", ap, Playlist{Version: 3, TargetDuration: 2})
			seg := func(i int, d time.Duration) PlaylistSegment {
				return PlaylistSegment{URI: fmt.Sprintf("s%d.ts", i), Duration: d}
			}
			pl.add(seg(0, 2*time.Second))
			if err := pl.flush(); err != nil {
				t.Fatal(err)
			}
			good := slices.Clone(ap.files["p.m3u8"])
			if tc.tamper {
				ap.files["p.m3u8"] = []byte("#EXTM3U\n")
			}
			ap.readErr = tc.readErr
			pl.want.TargetDuration = 5
			pl.add(seg(1, 5*time.Second))
			if err := pl.flush(); !errors.Is(err, tc.want) {
				t.Fatalf("flush = %v, want %v", err, tc.want)
			}
			ap.readErr = nil
			ap.files["p.m3u8"] = good
			pl.add(seg(2, time.Second))
			pl.end()
			if err := pl.flush(); err != nil {
				t.Fatal(err)
			}
			want := &Playlist{Version: 3, TargetDuration: 5, Ended: true,
				Segments: []PlaylistSegment{seg(0, 2*time.Second), seg(1, 5*time.Second), seg(2, time.Second)}}
			if w, _ := want.MarshalText(); !bytes.Equal(ap.files["p.m3u8"], w) {
				t.Errorf("playlist:\n%s\nwant:\n%s", ap.files["p.m3u8"], w)
			}
		})
	}
}

// TestDirOutputAppend: DirOutput appends by replacing the file, so a
// reader holding the old file keeps the old bytes; appending to a missing
// file fails.
func TestDirOutputAppend(t *testing.T) {
	dir := t.TempDir()
	o := DirOutput{Dir: dir}
	var _ Appender = o
	if err := o.AppendFile("sub/p.m3u8", []byte("x")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("append to a missing file: %v", err)
	}
	if err := o.WriteFile("sub/p.m3u8", []byte("one\n")); err != nil {
		t.Fatal(err)
	}
	held, err := os.Open(filepath.Join(dir, "sub", "p.m3u8"))
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	if err := o.AppendFile("sub/p.m3u8", []byte("two\n")); err != nil {
		t.Fatal(err)
	}
	got, err := o.ReadFile("sub/p.m3u8")
	if err != nil || string(got) != "one\ntwo\n" {
		t.Errorf("after append: %q, %v", got, err)
	}
	old := make([]byte, 64)
	n, _ := held.Read(old)
	if string(old[:n]) != "one\n" {
		t.Errorf("the open old file reads %q", old[:n])
	}
	if _, err := o.ReadFile("../x"); err == nil {
		t.Error("ReadFile outside Dir accepted")
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "sub"))
	if len(entries) != 1 {
		t.Errorf("left-over temporary files: %v", entries)
	}
}

// TestDirOutputSegmenterAppends: a Segmenter on a DirOutput appends, and
// its playlist is the one a rewriting output gets.
func TestDirOutputSegmenterAppends(t *testing.T) {
	dir := t.TempDir()
	rw := &rewriteOut{memOutput: newMemOutput()}
	for _, out := range []Output{DirOutput{Dir: dir}, rw} {
		s, err := NewSegmenter(Config{Video: CodecH264, TargetDuration: time.Second, Start: testStart,
			PlaylistName: "task/rec.m3u8", SegmentName: utcName("task/seg"), Output: out})
		if err != nil {
			t.Fatal(err)
		}
		pts := writeVideo(t, s, 0, 40, 10)
		writeVideo(t, s, pts, 50, 25) // 2.5 s segments: the target grows
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(filepath.Join(dir, "task", "rec.m3u8"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, rw.files["task/rec.m3u8"]) || mustRead(t, got).TargetDuration != 3 {
		t.Errorf("DirOutput playlist:\n%s\nrewriting output:\n%s", got, rw.files["task/rec.m3u8"])
	}
}

// discardAppender is a discardOutput with Appender whose Create does not
// allocate.
type discardAppender struct {
	discardOutput
	w io.WriteCloser
}

func (d discardAppender) Create(string) (io.WriteCloser, error) { return d.w, nil }
func (discardAppender) AppendFile(string, []byte) error         { return nil }
func (discardAppender) ReadFile(string) ([]byte, error)         { return nil, nil }

// TestAppendingAllocations: appending, writing a sample allocates nothing,
// and neither does a segment cut (beyond the name, made here in advance),
// however long the recording.
func TestAppendingAllocations(t *testing.T) {
	names := make([]string, 300)
	for i := range names {
		names[i] = fmt.Sprintf("seg%d.ts", i)
	}
	n := 0
	s, err := NewSegmenter(Config{Audio: CodecOpus, TargetDuration: time.Second, Start: testStart,
		PlaylistName: "rec.m3u8", Output: discardAppender{w: nopWriteCloser{io.Discard}},
		SegmentName: func(time.Time) string { n++; return names[n] }})
	if err != nil {
		t.Fatal(err)
	}
	pts := int64(0)
	write := func() {
		if err := s.WriteOpus(pts, opus); err != nil {
			t.Fatal(err)
		}
		pts += 1800
	}
	for range 50 * 10 { // warm up: 10 segments
		write()
	}
	perSample := testing.AllocsPerRun(40, write) // within one segment
	perSegment := testing.AllocsPerRun(200, func() {
		for range 50 {
			write()
		}
	})
	t.Logf("%.2f allocations per sample, %.2f per 1 s segment", perSample, perSegment)
	if perSample != 0 || perSegment != 0 {
		t.Errorf("%.2f allocations per sample, %.2f per segment; want 0", perSample, perSegment)
	}
}
