package loadgen

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/pion/rtp"
	"go.uber.org/goleak"

	"github.com/roomrec/roomrec/clock"
	"github.com/roomrec/roomrec/internal/testpub"
)

// sink records what a stream receives.
type sink struct {
	pkts []rtp.Header
	err  error
}

func (s *sink) WriteRTP(p *rtp.Packet) error {
	s.pkts = append(s.pkts, p.Header)
	return s.err
}

// opusClip is a 60 ms clip of three 20 ms packets.
func opusClip(t *testing.T) *Clip {
	t.Helper()
	var samples []testpub.Sample
	for i := range 3 {
		samples = append(samples, testpub.Sample{Data: []byte{0xfc, byte(i), 1, 2}, Duration: 20 * time.Millisecond})
	}
	c, err := NewClip("audio/opus", samples)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestClips(t *testing.T) {
	media := testpub.MediaDir()
	tests := []struct {
		name    string
		load    func() (*Clip, error)
		period  time.Duration
		ticks   uint32
		minKbps float64
		maxKbps float64
	}{
		{"committed H.264", func() (*Clip, error) { return LoadH264(filepath.Join(media, "h264_640x360_15fps.h264"), 15) }, 10 * time.Second, 900000, 150, 450},
		{"committed Opus", func() (*Clip, error) { return LoadOpus(filepath.Join(media, "opus_48k_stereo.ogg")) }, 10020 * time.Millisecond, 480960, 20, 80},
		{"generated H.264", func() (*Clip, error) {
			path, err := GenerateH264(context.Background(), t.TempDir())
			if err != nil {
				return nil, err
			}
			return LoadH264(path, GeneratedFPS)
		}, 10 * time.Second, 900000, 700, 1300},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := tc.load()
			if err != nil {
				t.Fatal(err)
			}
			if c.Ticks != tc.ticks || c.Period.Round(time.Millisecond) != tc.period {
				t.Errorf("period %v (%d ticks), want %v (%d)", c.Period, c.Ticks, tc.period, tc.ticks)
			}
			if kbps := c.Bitrate() / 1000; kbps < tc.minKbps || kbps > tc.maxKbps {
				t.Errorf("bitrate %.0f kbit/s, want %.0f–%.0f", kbps, tc.minKbps, tc.maxKbps)
			}
			if c.PacketsPerSecond() <= 0 || c.Packets[0].At != 0 {
				t.Errorf("%.1f packets/s, first at %v", c.PacketsPerSecond(), c.Packets[0].At)
			}
		})
	}
}

func TestClipErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		load func() (*Clip, error)
	}{
		{"no samples", func() (*Clip, error) { return NewClip("audio/opus", nil) }},
		{"unknown codec", func() (*Clip, error) {
			return NewClip("video/mpeg2", []testpub.Sample{{Data: []byte{1}, Duration: time.Second}})
		}},
		{"zero duration", func() (*Clip, error) { return NewClip("audio/opus", []testpub.Sample{{Data: []byte{1}}}) }},
		{"zero fps", func() (*Clip, error) {
			return LoadH264(filepath.Join(testpub.MediaDir(), "h264_640x360_15fps.h264"), 0)
		}},
		{"missing H.264", func() (*Clip, error) { return LoadH264(filepath.Join(dir, "none.h264"), 30) }},
		{"Opus from H.264", func() (*Clip, error) { return LoadOpus(filepath.Join(testpub.MediaDir(), "h264_640x360_15fps.h264")) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if c, err := tc.load(); err == nil {
				t.Errorf("got a clip of %d packets, want an error", len(c.Packets))
			}
		})
	}
}

// TestSendDue: packets go out when their send time has passed, each stream
// from its offset, numbered on across passes of the clip.
func TestSendDue(t *testing.T) {
	c := opusClip(t)
	a, b := &sink{}, &sink{}
	f := NewFeeder(Config{})
	if err := f.Add(a, c, 7, 0); err != nil {
		t.Fatal(err)
	}
	if err := f.Add(b, c, 8, 50*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		elapsed time.Duration
		a, b    int
	}{
		{0, 0, 0},
		{time.Millisecond, 1, 0},
		{50 * time.Millisecond, 3, 0},
		{51 * time.Millisecond, 3, 1},
		{101 * time.Millisecond, 6, 3},
		{101 * time.Millisecond, 6, 3},
		{200 * time.Millisecond, 10, 8},
	}
	for _, s := range steps {
		if err := f.SendDue(s.elapsed); err != nil {
			t.Fatal(err)
		}
		if len(a.pkts) != s.a || len(b.pkts) != s.b {
			t.Fatalf("at %v: sent %d and %d packets, want %d and %d", s.elapsed, len(a.pkts), len(b.pkts), s.a, s.b)
		}
	}
	for i, h := range a.pkts {
		if h.SSRC != 7 || h.SequenceNumber != uint16(i) || h.Timestamp != uint32(960*i) || h.PayloadType != 111 {
			t.Errorf("packet %d: %+v", i, h)
		}
	}
	st := f.Stats()
	// The latest: b's packet due at 110 ms, sent at 200 ms.
	if st.Packets != 18 || st.Bytes != 18*4 || st.MaxLag != 90*time.Millisecond {
		t.Errorf("stats %+v, want 18 packets, 72 bytes, 90 ms lag", st)
	}
}

func TestSendDueError(t *testing.T) {
	broken := errors.New("track closed")
	f := NewFeeder(Config{})
	if err := f.Add(&sink{err: broken}, opusClip(t), 1, 0); err != nil {
		t.Fatal(err)
	}
	if err := f.SendDue(time.Second); !errors.Is(err, broken) {
		t.Fatalf("got %v, want %v", err, broken)
	}
	if err := f.Add(nil, opusClip(t), 1, 0); err == nil {
		t.Error("Add accepted a nil writer")
	}
	if err := f.Add(&sink{}, &Clip{}, 1, 0); err == nil {
		t.Error("Add accepted an empty clip")
	}
}

// TestRun: Run paces by its clock and stops after the duration, or when
// its context ends.
func TestRun(t *testing.T) {
	defer goleak.VerifyNone(t)
	clk := clock.NewFake(time.Unix(1700000000, 0))
	s := &sink{}
	f := NewFeeder(Config{Clock: clk})
	if err := f.Add(s, opusClip(t), 1, 0); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- f.Run(context.Background(), time.Second) }()
	if !clk.WaitForWaiters(1, nil) {
		t.Fatal("Run made no ticker")
	}
	clk.Advance(2 * time.Second)
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not end")
	}
	if len(s.pkts) != 50 {
		t.Errorf("sent %d packets in 1 s of 20 ms packets, want 50", len(s.pkts))
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := NewFeeder(Config{Clock: clk}).Run(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("Run with a canceled context: %v", err)
	}
}
