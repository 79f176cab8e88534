package mix

import (
	"github.com/roomrec/roomrec/internal/bitstream"
	"github.com/roomrec/roomrec/internal/codec"
)

// maxHeld bounds the AAC frames held back waiting for the video (about
// 5 s at 48 kHz): the H.264 encoder looks ahead a few frames, and the
// segmenter of a mixed stream drops audio written before the first video
// keyframe, so audio is released when the video has caught up with it.
const maxHeld = 256

// heldAAC is an encoded AAC frame with its 90 kHz PTS.
type heldAAC struct {
	pts  int64
	data []byte
}

// output interleaves the encoded streams for the Sink.
type output struct {
	nalus     [][]byte
	held      []heldAAC // buffers reused
	video     int64     // PTS of the last access unit written
	haveVideo bool
}

// writeVideo writes the encoder's access units, then the audio they
// caught up with.
func (m *Mixer) writeVideo(out Sink, pkts []codec.Packet, errs *error) {
	o := &m.out
	for _, p := range pkts {
		o.nalus = bitstream.SplitAnnexB(o.nalus[:0], p.Data)
		m.sinkErr(out.WriteH264(p.PTS, min(p.DTS, p.PTS), o.nalus), errs)
		m.stats.VideoFrames++
		o.video, o.haveVideo = p.PTS, true
	}
	m.releaseAudio(out, errs, false)
}

// hold copies the encoder's AAC frames, dropping the encoder's priming
// frame (and any frame before the next expected one), so that audio PTS
// come from the absolute sample count and never go back.
func (o *output) hold(a *audioMixer, pkts []codec.Packet) {
	for _, p := range pkts {
		if p.PTS < a.next {
			continue
		}
		a.next = p.PTS + a.size
		n := len(o.held)
		if n < cap(o.held) {
			o.held = o.held[:n+1]
		} else {
			o.held = append(o.held, heldAAC{})
		}
		h := &o.held[n]
		h.pts = floorDiv(p.PTS*90000, a.rate)
		h.data = append(h.data[:0], p.Data...)
	}
}

// releaseAudio writes the held audio up to the last video written (all
// of it with all, or what exceeds maxHeld).
func (m *Mixer) releaseAudio(out Sink, errs *error, all bool) {
	o := &m.out
	n := 0
	for n < len(o.held) && (all || o.haveVideo && o.held[n].pts <= o.video || len(o.held)-n > maxHeld) {
		m.sinkErr(out.WriteAAC(o.held[n].pts, o.held[n].data), errs)
		m.stats.AudioFrames++
		n++
	}
	if n == 0 {
		return
	}
	rest := len(o.held) - n
	for i := 0; i < rest; i++ { // swap, so the released buffers are reused
		o.held[i], o.held[n+i] = o.held[n+i], o.held[i]
	}
	o.held = o.held[:rest]
}
