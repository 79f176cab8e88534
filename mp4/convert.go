package mp4

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"time"

	"github.com/roomrec/roomrec/errcode"
)

// Convert remuxes an HLS recording into MP4 files (SPEC §3, hls+mp4): it
// reads the playlists under the given keys from src — one playlist of a
// mixed stream, or the video and the audio playlist of one user's stream,
// aligned by their #EXT-X-TRTC-START-REC-TIME — and their segments, and
// stores one MP4 under opts.Name(0), or parts under opts.Name(1), (2), …
// when the recording passes opts.MaxDuration or opts.MaxSize (see doc.go
// for where parts are cut). Memory stays bounded whatever the length: the
// media data of the part being assembled waits in a file in
// opts.TempDir.
//
// It returns the parts stored, in order. On error it returns the parts
// stored before it together with an error wrapping ErrSource (a playlist
// or segment is missing or unreadable), ErrCorrupt (they are not a usable
// HLS recording), ErrNoMedia, ErrSink, the context's error, or an
// *errcode.Error with code InvalidParameter.* for bad arguments. Damaged
// packets inside a segment are dropped and reported to
// opts.OnDecodeError.
func Convert(ctx context.Context, src Source, playlists []string, sink Sink, opts Options) ([]Part, error) {
	if err := checkArgs(src, playlists, sink, opts); err != nil {
		return nil, err
	}
	opts = opts.withDefaults(playlists[0])
	ins := make([]*input, 0, len(playlists))
	defer func() {
		for _, in := range ins {
			in.close()
		}
	}()
	for _, key := range playlists {
		in, err := openInput(ctx, src, key, opts.OnDecodeError)
		if err != nil {
			return nil, err
		}
		ins = append(ins, in)
	}
	m := &muxer{ctx: ctx, sink: sink, opts: opts, wall: align(ins), owner: [2]int{-1, -1},
		maxDur90: opts.MaxDuration.Nanoseconds() / 100000 * 9}
	defer func() {
		if m.cur != nil {
			m.cur.discard()
		}
	}()
	err := m.run(ins)
	return m.parts, err
}

// checkArgs validates Convert's arguments.
func checkArgs(src Source, playlists []string, sink Sink, opts Options) error {
	bad := func(field, format string, args ...any) error {
		return errcode.New(errcode.InvalidParameter.Detail(field), "mp4: "+format, args...)
	}
	switch {
	case src == nil:
		return bad("Source", "a Source is required")
	case sink == nil:
		return bad("Sink", "a Sink is required")
	case len(playlists) == 0:
		return bad("Playlists", "name at least one playlist")
	}
	for i, p := range playlists {
		if p == "" || slices.Contains(playlists[:i], p) {
			return bad("Playlists", "playlist key %q is empty or given twice", p)
		}
	}
	return opts.Validate()
}

// align places the playlists on one output timeline by their
// #EXT-X-TRTC-START-REC-TIME and returns the wall time of its 0. Without
// that tag on every playlist they all start at 0.
func align(ins []*input) time.Time {
	var first time.Time
	for _, in := range ins {
		s := in.pl.StartRecTime
		if s.IsZero() {
			return ins[0].pl.StartRecTime
		}
		if first.IsZero() || s.Before(first) {
			first = s
		}
	}
	for _, in := range ins {
		in.tl.base = in.pl.StartRecTime.Sub(first).Nanoseconds() / 100000 * 9
	}
	return first
}

// muxer assembles the parts from the merged samples.
type muxer struct {
	ctx      context.Context
	sink     Sink
	opts     Options
	wall     time.Time
	maxDur90 int64
	owner    [2]int // input index holding each kind of track, -1 before
	cur      *part
	parts    []Part
	count    int
	dropped  int    // video samples dropped while waiting for a keyframe
	seg      string // segment of the sample being added (for reports)
}

// run merges the inputs' samples by decoding time into the parts.
func (m *muxer) run(ins []*input) error {
	peek := make([]*sample, len(ins))
	done := make([]bool, len(ins))
	for {
		best := -1
		for i, in := range ins {
			if peek[i] == nil && !done[i] {
				s, err := in.next()
				if errors.Is(err, io.EOF) {
					done[i] = true
					continue
				}
				if err != nil {
					return err
				}
				peek[i] = s
			}
			if peek[i] != nil && (best < 0 || peek[i].t90 < peek[best].t90) {
				best = i
			}
		}
		if best < 0 {
			break
		}
		if err := m.add(ins, best, peek[best]); err != nil {
			return err
		}
		peek[best] = nil
	}
	if m.dropped > 0 {
		m.report(fmt.Errorf("%w: %d video frames without a keyframe before them", ErrDamaged, m.dropped))
	}
	if err := m.write(true); err != nil {
		return err
	}
	if len(m.parts) == 0 {
		return fmt.Errorf("%w (%d playlist(s))", ErrNoMedia, len(ins))
	}
	return nil
}

// add puts a sample of input src into the current part, cutting parts as
// needed.
func (m *muxer) add(ins []*input, src int, s *sample) error {
	if o := m.owner[s.kind]; o < 0 {
		m.owner[s.kind] = src
	} else if o != src {
		return fmt.Errorf("%w: playlists %s and %s both hold a %v track", ErrCorrupt, ins[o].key, ins[src].key, s.cfg.codec)
	}
	m.seg = ins[src].cur
	if m.count++; m.count%1024 == 0 {
		if err := m.ctx.Err(); err != nil {
			return err
		}
	}
	for {
		if m.cur == nil {
			p, err := newPart(m.opts.TempDir)
			if err != nil {
				return err
			}
			m.cur = p
		}
		p := m.cur
		t := p.tracks[s.kind]
		var err error
		switch {
		case t != nil && (t.cfg != s.cfg || s.dts-t.lastDTS > math.MaxUint32):
			err = m.cut(false) // a new sample entry, or a gap a duration cannot hold
		case t == nil && s.kind == kindVideo && !s.key:
			m.dropped++
			return nil
		case !p.empty() && m.overLimit(p, s):
			err = m.cut(s.kind != kindVideo || !s.key) // a keyframe itself starts the next part
		case t == nil:
			return m.addTrack(p, s)
		default:
			return p.add(s)
		}
		if err != nil {
			return err
		}
	}
}

// addTrack starts the sample's track in the part with s.
func (m *muxer) addTrack(p *part, s *sample) error {
	entry, w, h, err := sampleEntry(s.cfg)
	switch {
	case errors.Is(err, ErrDamaged):
		m.report(err)
		return nil
	case err != nil:
		return fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	if m.dropped > 0 {
		m.report(fmt.Errorf("%w: %d video frames before a keyframe", ErrDamaged, m.dropped))
		m.dropped = 0
	}
	p.tracks[s.kind] = &ptrack{cfg: s.cfg, entry: entry, w: w, h: h}
	return p.add(s)
}

// report passes a glitch to OnDecodeError, naming the segment.
func (m *muxer) report(err error) {
	if m.opts.OnDecodeError != nil {
		m.opts.OnDecodeError(fmt.Errorf("%s: %w", m.seg, err))
	}
}

// overLimit reports whether adding s would take the part past MaxDuration
// or MaxSize.
func (m *muxer) overLimit(p *part, s *sample) bool {
	start, end := p.span(s)
	return end-start > m.maxDur90 || p.sizeWith(s) > m.opts.MaxSize
}

// cut ends the current part: atKey at its last video keyframe when it has
// one after its start (what follows moves to the next part), else here.
func (m *muxer) cut(atKey bool) error {
	p := m.cur
	var next *part
	var err error
	if atKey && p.cut > 0 {
		next, err = p.splitAtCut(m.opts.TempDir)
	} else {
		next, err = newPart(m.opts.TempDir)
	}
	if err != nil {
		return err
	}
	if err := m.write(false); err != nil {
		next.discard()
		return err
	}
	m.cur = next
	return nil
}

// write stores the current part (last: no part follows) and discards its
// file; an empty part is dropped.
func (m *muxer) write(last bool) error {
	p := m.cur
	if p == nil {
		return nil
	}
	defer func() {
		p.discard()
		m.cur = nil
	}()
	if err := p.flushAll(); err != nil {
		return err
	}
	if p.empty() {
		return nil
	}
	head, info, err := p.header(m.wall)
	if err != nil {
		return err
	}
	index := len(m.parts) + 1
	if last && len(m.parts) == 0 {
		index = 0
	}
	if info.Name = m.opts.Name(index); info.Name == "" {
		return errcode.New(errcode.InvalidParameter.Detail("Name"), "mp4: Options.Name(%d) returned an empty name", index)
	}
	contentType := "audio/mp4"
	if info.Video {
		contentType = "video/mp4"
	}
	r := &partReader{head: head, f: p.f, size: int64(len(head)) + p.size}
	if err := m.sink.Put(m.ctx, info.Name, r, info.Size, contentType); err != nil {
		return fmt.Errorf("%w: %s: %w", ErrSink, info.Name, err)
	}
	m.parts = append(m.parts, info)
	return nil
}
