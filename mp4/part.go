package mp4

import (
	"fmt"
	"io"
	"os"

	"github.com/Eyevinn/mp4ff/mp4"
)

// Chunks: a track's samples are gathered in memory and written to the
// part's media file as one chunk when they span chunkTicks or chunkBytes,
// and every track's are written before each video keyframe (so a part can
// be cut at a keyframe between chunks). About one chunk per track and
// second keeps the tables small and the file interleaved for progressive
// playback.
const (
	chunkTicks = 90000
	chunkBytes = 1 << 20
)

// Upper bounds of the header bytes, for the size limit.
const (
	fileOverhead  = 16 + 64 + 512 // mdat header, ftyp, moov + mvhd
	trackOverhead = 2048          // trak … stsd without parameter sets
	sampleUpper   = 64            // table bytes one more sample can add
)

// ptrack is one track of the part being assembled.
type ptrack struct {
	cfg      *streamCfg
	entry    mp4.Box // the sample entry (avc1, hvc1, mp4a, Opus)
	w, h     int     // video size from the SPS
	tab      table
	pend     []byte // samples not yet written, the next chunk
	pendN    int
	pendT90  int64
	firstDTS int64 // DTS of the first sample, on the output timeline
	lastDTS  int64
	lastDur  int64 // video: last DTS step that is no gap; audio: last frame's duration
	complete bool  // the last sample's duration is in tab.durs
	firstCTS int32
}

// part is the MP4 file being assembled: its media data in a temporary file,
// its sample tables in memory.
type part struct {
	f      *os.File
	size   int64 // bytes in f
	tracks [2]*ptrack
	cut    int64 // offset of the last chunk boundary before a video keyframe, -1 if none
}

// newPart creates a part whose media data goes to a new file in dir.
func newPart(dir string) (*part, error) {
	f, err := os.CreateTemp(dir, "roomrec-mp4-*.mdat")
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrSink, err)
	}
	return &part{f: f, cut: -1}, nil
}

// discard removes the part's file.
func (p *part) discard() {
	if p.f != nil {
		_ = p.f.Close() // removed below: its content does not matter
		_ = os.Remove(p.f.Name())
		p.f = nil
	}
}

// empty reports whether the part holds no sample.
func (p *part) empty() bool { return p.tracks[kindVideo] == nil && p.tracks[kindAudio] == nil }

// span returns the part's first and end times on the output timeline
// (90 kHz), counting s if it is not nil.
func (p *part) span(s *sample) (start, end int64) {
	first := true
	note := func(a, b int64) {
		if first || a < start {
			start = a
		}
		if first || b > end {
			end = b
		}
		first = false
	}
	for _, t := range p.tracks {
		if t != nil {
			r := int64(t.cfg.rate)
			note(floorDiv(t.firstDTS*90000, r), floorDiv((t.lastDTS+t.lastDur)*90000, r))
		}
	}
	if s != nil {
		d := s.dur
		if t := p.tracks[s.kind]; s.kind == kindVideo && t != nil {
			d = t.lastDur
		}
		note(s.t90, s.t90+d*90000/int64(s.cfg.rate))
	}
	return start, end
}

// sizeWith returns an upper bound of the file size with s added.
func (p *part) sizeWith(s *sample) int64 {
	n := p.size + int64(fileOverhead) + int64(len(s.data)) + sampleUpper + trackOverhead
	for _, t := range p.tracks {
		if t != nil {
			n += trackOverhead + int64(len(t.cfg.vps)+len(t.cfg.sps)+len(t.cfg.pps)) + int64(len(t.pend)) + t.tab.bytes()
		}
	}
	return n
}

// add appends s to the part; its track must exist with s's config.
func (p *part) add(s *sample) error {
	t := p.tracks[s.kind]
	if s.key && s.kind == kindVideo {
		if t.tab.n > 0 {
			if err := p.flushAll(); err != nil {
				return err
			}
			p.cut = p.size
		}
	} else if t.pendN > 0 && (s.t90-t.pendT90 >= chunkTicks || len(t.pend)+len(s.data) > chunkBytes) {
		if err := p.flush(t); err != nil {
			return err
		}
	}
	if t.tab.n > 0 {
		d := s.dts - t.lastDTS
		t.tab.add(uint32(len(s.data)), uint32(d), s.cts, s.key)
		if s.kind == kindVideo && d <= maxFrameStep {
			t.lastDur = d // the estimate of the last frame's duration: not a gap
		}
	} else {
		t.tab.add(uint32(len(s.data)), 0, s.cts, s.key)
		t.firstDTS, t.firstCTS = s.dts, s.cts
	}
	if s.kind == kindAudio {
		t.lastDur = s.dur
	}
	t.lastDTS = s.dts
	if t.pendN == 0 {
		t.pendT90 = s.t90
	}
	t.pend = append(t.pend, s.data...)
	t.pendN++
	return nil
}

// flush writes a track's gathered samples as one chunk.
func (p *part) flush(t *ptrack) error {
	if t.pendN == 0 {
		return nil
	}
	if _, err := p.f.WriteAt(t.pend, p.size); err != nil {
		return fmt.Errorf("%w: %w", ErrSink, err)
	}
	t.tab.chunks = append(t.tab.chunks, chunk{off: p.size, first: uint32(t.tab.n - t.pendN)})
	p.size += int64(len(t.pend))
	t.pend, t.pendN = t.pend[:0], 0
	return nil
}

// flushAll writes every track's gathered samples.
func (p *part) flushAll() error {
	for _, t := range p.tracks {
		if t != nil {
			if err := p.flush(t); err != nil {
				return err
			}
		}
	}
	return nil
}

// splitAtCut moves everything from the last keyframe boundary on into a new
// part whose media file is created in dir; p keeps what came before.
func (p *part) splitAtCut(dir string) (*part, error) {
	if err := p.flushAll(); err != nil {
		return nil, err
	}
	q, err := newPart(dir)
	if err != nil {
		return nil, err
	}
	_, err = p.f.Seek(p.cut, io.SeekStart)
	if err == nil {
		_, err = q.f.ReadFrom(io.LimitReader(p.f, p.size-p.cut))
	}
	if err == nil {
		err = p.f.Truncate(p.cut)
	}
	if err != nil {
		q.discard()
		return nil, fmt.Errorf("%w: moving the last group of pictures to the next part: %w", ErrSink, err)
	}
	q.size, p.size = p.size-p.cut, p.cut
	for k, t := range p.tracks {
		if t != nil {
			p.tracks[k], q.tracks[k] = t.split(p.cut)
		}
	}
	p.cut = -1
	return q, nil
}

// split divides the track at media offset off: the samples of chunks at or
// after it go to the returned tail. Either result is nil when empty.
func (t *ptrack) split(off int64) (head, tail *ptrack) {
	ci := len(t.tab.chunks)
	for ci > 0 && t.tab.chunks[ci-1].off >= off {
		ci--
	}
	tt := t.tab.split(ci, off)
	if tt.n == 0 {
		return t, nil
	}
	tail = &ptrack{cfg: t.cfg, entry: t.entry, w: t.w, h: t.h, tab: tt,
		lastDTS: t.lastDTS, lastDur: t.lastDur, complete: t.complete, firstCTS: tt.cts.first()}
	if t.tab.n == 0 {
		tail.firstDTS = t.firstDTS
		return nil, tail
	}
	tail.firstDTS = t.firstDTS + t.tab.durs.sum()
	last := int64(t.tab.durs.last()) // the head's last duration is known: the tail follows it
	t.lastDTS, t.lastDur, t.complete = tail.firstDTS-last, last, true
	return t, tail
}
