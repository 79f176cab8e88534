package recorder

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/pion/rtp"

	"github.com/roomrec/roomrec/internal/testpub"
	"github.com/roomrec/roomrec/naming"
)

// mutator turns a clean packet list into a hostile one.
type mutator func(r *rand.Rand, in []testpub.Packet) []testpub.Packet

func dropRate(rate float64) mutator {
	return func(r *rand.Rand, in []testpub.Packet) []testpub.Packet {
		var out []testpub.Packet
		for _, p := range in {
			if r.Float64() >= rate {
				out = append(out, p)
			}
		}
		return out
	}
}

func reorder(window int) mutator {
	return func(r *rand.Rand, in []testpub.Packet) []testpub.Packet {
		out := append([]testpub.Packet(nil), in...)
		for i := 0; i+window <= len(out); i += window {
			r.Shuffle(window, func(a, b int) {
				out[i+a].Packet, out[i+b].Packet = out[i+b].Packet, out[i+a].Packet
			})
		}
		return out
	}
}

func duplicate(rate float64) mutator {
	return func(r *rand.Rand, in []testpub.Packet) []testpub.Packet {
		var out []testpub.Packet
		for _, p := range in {
			out = append(out, p)
			if r.Float64() < rate {
				out = append(out, p)
			}
		}
		return out
	}
}

// malformed inserts broken packets: empty payloads, random bytes, and
// copies of real packets cut short.
func malformed(rate float64) mutator {
	return func(r *rand.Rand, in []testpub.Packet) []testpub.Packet {
		var out []testpub.Packet
		for _, p := range in {
			if r.Float64() < rate {
				bad := *p.Packet
				switch r.IntN(3) {
				case 0:
					bad.Payload = nil
				case 1:
					bad.Payload = make([]byte, 1+r.IntN(40))
					for i := range bad.Payload {
						bad.Payload[i] = byte(r.UintN(256))
					}
				default:
					bad.Payload = p.Payload[:min(len(p.Payload), 1+r.IntN(3))]
				}
				out = append(out, testpub.Packet{Packet: &bad, At: p.At})
				continue // the broken copy replaces the packet
			}
			out = append(out, p)
		}
		return out
	}
}

// newSSRCAfter moves every packet after d to a new SSRC with new sequence
// and timestamp bases, as a publisher that restarted its encoder.
func newSSRCAfter(d time.Duration) mutator {
	return func(_ *rand.Rand, in []testpub.Packet) []testpub.Packet {
		out := make([]testpub.Packet, len(in))
		for i, p := range in {
			q := *p.Packet
			if p.At >= d {
				q.SSRC ^= 0xdeadbeef
				q.SequenceNumber += 30000
				q.Timestamp += 1 << 30
			}
			out[i] = testpub.Packet{Packet: &q, At: p.At}
		}
		return out
	}
}

// noKeyframeBefore drops the packets of every H.264 IDR frame before d.
func noKeyframeBefore(d time.Duration) mutator {
	return func(_ *rand.Rand, in []testpub.Packet) []testpub.Packet {
		var out []testpub.Packet
		dropTS, dropping := uint32(0), false
		for _, p := range in {
			if p.At < d && isIDRStart(p.Packet) {
				dropTS, dropping = p.Timestamp, true
			}
			if dropping && p.Timestamp == dropTS {
				continue
			}
			out = append(out, p)
		}
		return out
	}
}

func isIDRStart(p *rtp.Packet) bool {
	if len(p.Payload) < 2 {
		return false
	}
	switch t := p.Payload[0] & 0x1f; t {
	case 5, 7, 8: // IDR, SPS, PPS
		return true
	case 24: // STAP-A: SPS/PPS aggregated before an IDR
		return true
	case 28:
		return p.Payload[1]&0x1f == 5
	}
	return false
}

// cutAfter ends the stream abruptly (no goodbye) after d.
func cutAfter(d time.Duration) mutator {
	return func(_ *rand.Rand, in []testpub.Packet) []testpub.Packet {
		var out []testpub.Packet
		for _, p := range in {
			if p.At < d {
				out = append(out, p)
			}
		}
		return out
	}
}

// want is what a hostile case must still produce.
type want struct {
	audio, video time.Duration // expected durations (ffprobe), ± tol
	videoMin     time.Duration // when > 0: video is lossy, at least this long
	end          time.Duration // the last video segment ends here (wall clock) ± 1 s
}

func TestHostileInput(t *testing.T) {
	const d = 8 * time.Second
	lossy := want{audio: d, videoMin: 4 * time.Second, end: d}
	clean := want{audio: d, video: d, end: d}
	cases := []struct {
		name    string
		mut     mutator
		opts    testpub.RTPOptions
		want    want
		counter func(StreamState) uint64
	}{
		{"loss 5%", dropRate(0.05), testpub.RTPOptions{}, lossy, func(s StreamState) uint64 { return s.Lost }},
		{"reordering", reorder(8), testpub.RTPOptions{}, clean, func(s StreamState) uint64 { return s.Reordered }},
		{"duplicates", duplicate(0.05), testpub.RTPOptions{}, clean, func(s StreamState) uint64 { return s.Duplicates }},
		{"malformed", malformed(0.02), testpub.RTPOptions{}, lossy, func(s StreamState) uint64 { return s.Malformed }},
		// The video waits for the next keyframe after the new SSRC (1 s GOP;
		// no real encoder answers the PLI here).
		{"ssrc change", newSSRCAfter(4 * time.Second), testpub.RTPOptions{}, want{audio: d, video: d - time.Second + 67*time.Millisecond, end: d}, func(s StreamState) uint64 { return s.SSRCChanges }},
		// A wrap is no glitch: nothing lost, no discontinuity (see below).
		{"timestamp and sequence wrap", nil, testpub.RTPOptions{FirstSeq: 65000, FirstTS: 1<<32 - 4*90000}, clean, func(s StreamState) uint64 { return s.Packets }},
		{"no keyframe for 5 s", noKeyframeBefore(4900 * time.Millisecond), testpub.RTPOptions{}, want{audio: d, video: 3 * time.Second, end: d}, func(s StreamState) uint64 { return s.KeyframeRequests }},
		{"publisher disappears", cutAfter(5 * time.Second), testpub.RTPOptions{}, want{audio: 5 * time.Second, video: 5 * time.Second, end: 5 * time.Second}, func(s StreamState) uint64 { return s.Packets }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, nil)
			id := h.start(nil)
			plis := 0
			av, err := h.room.AddTrack(TrackInfo{UserID: "alice", Kind: naming.TrackVideo, MimeType: "video/H264"}, func() error { plis++; return nil })
			if err != nil {
				t.Fatal(err)
			}
			aa := h.track("alice", naming.MediaMain, "audio/opus")
			r := rand.New(rand.NewPCG(1, 2))
			vopts, aopts := c.opts, c.opts
			vopts.SSRC, aopts.SSRC = 11, 22
			video := load(t, "video/H264", d, vopts)
			audio := load(t, "audio/opus", d, aopts)
			if c.mut != nil {
				video, audio = c.mut(r, video), c.mut(r, audio)
			}
			h.feed(send{av, video}, send{aa, audio})
			final := h.stop(id)
			if len(final.StorageFileList) != 2 {
				t.Fatalf("files: %+v", final.StorageFileList)
			}
			for _, f := range final.StorageFileList {
				if f.TrackType == "audio" {
					h.checkDecodes(f.Key, c.want.audio, 200*time.Millisecond)
					continue
				}
				if c.want.videoMin > 0 {
					info := h.checkDecodes(f.Key, d/2, d/2)
					if got := time.Duration(info.Duration() * float64(time.Second)); got < c.want.videoMin {
						t.Errorf("video %v, want at least %v", got, c.want.videoMin)
					}
				} else {
					h.checkDecodes(f.Key, c.want.video, 200*time.Millisecond)
				}
				if end := h.playlistEnd(f.Key).Sub(testT0); end < c.want.end-time.Second || end > c.want.end+time.Second {
					t.Errorf("video ends at %v on the wall clock, want %v ± 1 s", end, c.want.end)
				}
			}
			for _, s := range final.Streams {
				if c.counter(s) == 0 && (s.Kind == naming.TrackVideo || c.name != "no keyframe for 5 s") {
					t.Errorf("%s %s: the glitch is not counted: %+v", s.UserID, s.Kind, s)
				}
				switch c.name {
				case "timestamp and sequence wrap":
					if s.Lost+s.Late+s.Discontinuities+s.FramesDropped != 0 {
						t.Errorf("%s: the wrap was taken for a glitch: %+v", s.Kind, s)
					}
				case "ssrc change":
					if s.SSRCChanges != 1 || s.Discontinuities != 1 {
						t.Errorf("%s: %d SSRC changes, %d discontinuities; want 1 and 1", s.Kind, s.SSRCChanges, s.Discontinuities)
					}
				}
			}
			if c.name == "no keyframe for 5 s" && (plis < 4 || plis > 7) {
				t.Errorf("%d keyframe requests in 5 s, want about one a second", plis)
			}
		})
	}
}

// playlistEnd returns the wall-clock end of the playlist's last segment:
// the <UTC> of its name plus its EXTINF.
func (h *harness) playlistEnd(key string) time.Time {
	h.t.Helper()
	pl := h.readPlaylist(key)
	last := pl.Segments[len(pl.Segments)-1]
	n, err := naming.ParseFile(last.URI)
	if err != nil {
		h.t.Fatal(err)
	}
	return n.UTC.Add(last.Duration)
}
