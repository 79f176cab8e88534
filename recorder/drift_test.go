package recorder

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/roomrec/roomrec/internal/testpub"
	"github.com/roomrec/roomrec/naming"
)

// dtx thins the Opus packets as a sender in DTX does during silence: one
// packet every 400 ms in every third second, the sequence numbers going
// on without a gap (the packets were never sent) while the timestamps
// jump; then the network drops 5 % at random (gaps in the sequence).
func dtx(r *rand.Rand, in []testpub.Packet) []testpub.Packet {
	var out []testpub.Packet
	var unsent uint16
	for i, p := range in {
		silent := (p.At/time.Second)%3 == 2
		if silent && i%20 != 0 {
			unsent++
			continue
		}
		pkt := *p.Packet
		pkt.SequenceNumber -= unsent
		p.Packet = &pkt
		if r.Float64() < 0.05 {
			continue
		}
		out = append(out, p)
	}
	return out
}

// TestAACWithDTXAndLossKeepsTime: Opus with DTX and 5 % loss, transcoded to
// AAC, lasts what was sent (± 0.1 s) and does not drift from the video over
// ten minutes: holes are filled with silence, time is never squeezed.
func TestAACWithDTXAndLossKeepsTime(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.SegmentDuration = 10 * time.Second })
	id := h.start(nil)
	av := h.track("alice", naming.MediaMain, "video/H264")
	aa := h.track("alice", naming.MediaMain, "audio/opus")
	// Ten minutes, ending on a voiced second: a sender in DTX sends
	// nothing at the end of a silence, so the recording could not know.
	const d = 10*time.Minute + time.Second
	audio := dtx(rand.New(rand.NewPCG(3, 4)), load(t, "audio/opus", d, testpub.RTPOptions{SSRC: 2}))
	h.feed(
		send{av, load(t, "video/H264", d, testpub.RTPOptions{SSRC: 1})},
		send{aa, audio},
	)
	final := h.stop(id)
	var got [2]time.Duration
	for _, f := range final.StorageFileList {
		info := h.checkDecodes(f.Key, d, 100*time.Millisecond)
		i := 0
		if f.TrackType == "audio" {
			i = 1
		}
		got[i] = time.Duration(info.Duration() * float64(time.Second))
	}
	if drift := got[1] - got[0]; drift < -100*time.Millisecond || drift > 100*time.Millisecond {
		t.Errorf("audio %v, video %v: drift %v over %v", got[1], got[0], drift, d)
	}
	t.Logf("audio %v, video %v over %v sent", got[1], got[0], d)
}
