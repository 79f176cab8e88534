package mp4

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"

	"github.com/roomrec/roomrec/hls"
	"github.com/roomrec/roomrec/internal/bitstream"
	"github.com/roomrec/roomrec/internal/mpegts"
)

// kind is the kind of a track: an MP4 holds at most one of each.
type kind uint8

const (
	kindVideo kind = iota
	kindAudio
)

// streamCfg is what a track's sample entry is built from. A new streamCfg
// (a new pointer) means the sample entry must change: Convert then starts a
// new part. Video parameter sets are updated in place: later ones stay in
// band and do not start a new part.
type streamCfg struct {
	codec         mpegts.Codec
	vps, sps, pps []byte // video: the latest parameter sets
	rate          int    // timescale: 90000 for video, the sample rate for audio
	channels      int    // audio
	asc           []byte // AAC: AudioSpecificConfig
}

// sample is one MP4 sample; data is valid until its input's next call.
type sample struct {
	kind kind
	cfg  *streamCfg
	data []byte
	t90  int64 // DTS on the output timeline, 90 kHz
	dts  int64 // DTS on the output timeline, in cfg.rate units
	cts  int32 // PTS - DTS in cfg.rate units (video)
	dur  int64 // audio: the frame's duration in cfg.rate units; video: 0
	key  bool  // a sync sample (every audio frame; IDR/IRAP video)
}

// input reads the samples of one playlist, segment after segment.
type input struct {
	ctx    context.Context
	src    Source
	key    string
	pl     *hls.Playlist
	seg    int // index of the next segment to open
	cur    string
	rc     io.ReadCloser
	ts     *mpegts.Reader
	rbuf   []byte
	found  int  // samples read from the open segment
	begun  bool // the open segment's place on the timeline is set
	tl     timeline
	st     [2]kindState
	cfg    [2]*streamCfg
	queue  []sample
	qi     int
	vbuf   []byte
	report func(error)
}

// openInput reads the playlist under key.
func openInput(ctx context.Context, src Source, key string, report func(error)) (*input, error) {
	rc, err := src.Get(ctx, key)
	if err != nil {
		return nil, fmt.Errorf("%w: playlist %s: %w", ErrSource, key, err)
	}
	pl, err := hls.ReadPlaylist(rc)
	_ = rc.Close() // read-only: everything needed was read or err says why not
	switch {
	case errors.Is(err, hls.ErrPlaylist):
		return nil, fmt.Errorf("%w: playlist %s: %w", ErrCorrupt, key, err)
	case err != nil:
		return nil, fmt.Errorf("%w: playlist %s: %w", ErrSource, key, err)
	}
	in := &input{ctx: ctx, src: src, key: key, pl: pl}
	in.report = func(err error) {
		if report != nil {
			report(fmt.Errorf("%s: %w", in.cur, err))
		}
	}
	return in, nil
}

// close closes the open segment, if any.
func (in *input) close() {
	if in.rc != nil {
		_ = in.rc.Close() // read-only
		in.rc, in.ts = nil, nil
	}
}

// next returns the playlist's next sample, io.EOF after the last one, or an
// error wrapping ErrSource or ErrCorrupt.
func (in *input) next() (*sample, error) {
	for in.qi >= len(in.queue) {
		in.queue, in.qi = in.queue[:0], 0
		p, err := in.nextPES()
		if err != nil {
			return nil, err
		}
		if !in.begun {
			raw := p.DTS
			if first, ok := in.ts.First(); ok {
				raw = first
			}
			in.tl.begin(raw)
			in.begun = true
		}
		if err := in.expand(p); err != nil {
			return nil, err
		}
	}
	in.qi++
	in.found++
	return &in.queue[in.qi-1], nil
}

// nextPES returns the next PES packet, opening segments as needed.
func (in *input) nextPES() (mpegts.PES, error) {
	for {
		if in.ts == nil {
			if err := in.openSegment(); err != nil {
				return mpegts.PES{}, err
			}
		}
		p, err := in.ts.Next()
		switch {
		case err == nil:
			return p, nil
		case errors.Is(err, mpegts.ErrNotTS):
			in.close()
			return mpegts.PES{}, fmt.Errorf("%w: segment %s: %w", ErrCorrupt, in.cur, err)
		case !errors.Is(err, io.EOF):
			in.close()
			return mpegts.PES{}, fmt.Errorf("%w: segment %s: %w", ErrSource, in.cur, err)
		}
		if in.found == 0 {
			in.report(fmt.Errorf("%w: the segment holds no usable sample", ErrDamaged))
		}
		in.close()
	}
}

// openSegment opens the next segment of the playlist, or returns io.EOF.
func (in *input) openSegment() error {
	if err := in.ctx.Err(); err != nil {
		return err
	}
	if in.seg >= len(in.pl.Segments) {
		return io.EOF
	}
	seg := in.pl.Segments[in.seg]
	in.seg++
	key, err := segmentKey(in.key, seg.URI)
	if err != nil {
		return fmt.Errorf("%w: playlist %s: %w", ErrCorrupt, in.key, err)
	}
	in.cur, in.found = key, 0
	rc, err := in.src.Get(in.ctx, key)
	if err != nil {
		return fmt.Errorf("%w: segment %s: %w", ErrSource, key, err)
	}
	in.tl.disc, in.begun = seg.Discontinuity, false
	in.rc = rc
	in.ts = mpegts.NewReader(rc, in.rbuf, func(err error) { in.report(fmt.Errorf("%w: %w", ErrDamaged, err)) })
	in.rbuf = in.ts.Buffer()
	return nil
}

// segmentKey resolves a segment URI against the playlist's key. URIs are
// relative paths inside the playlist's folder.
func segmentKey(playlist, uri string) (string, error) {
	if strings.Contains(uri, "://") || strings.HasPrefix(uri, "/") || strings.Contains(uri, "\\") {
		return "", fmt.Errorf("segment URI %q is not a relative path", uri)
	}
	k := path.Join(path.Dir(playlist), uri)
	if k == ".." || strings.HasPrefix(k, "../") || k == "." {
		return "", fmt.Errorf("segment URI %q leaves the playlist's folder", uri)
	}
	return k, nil
}

// expand turns a PES packet into samples in the queue.
func (in *input) expand(p mpegts.PES) error {
	switch c := p.Stream.Codec; {
	case c.IsVideo():
		in.expandVideo(p)
	case c == mpegts.AAC:
		in.expandAAC(p)
	default:
		return in.expandOpus(p)
	}
	return nil
}

// expandVideo converts an access unit to an MP4 sample.
func (in *input) expandVideo(p mpegts.PES) {
	c := p.Stream.Codec
	data, au := appendAVCC(in.vbuf[:0], p.Data, c)
	in.vbuf = data
	if au.nalus == 0 {
		in.report(fmt.Errorf("%w: %v access unit without NAL units", ErrDamaged, c))
		return
	}
	cfg := in.cfg[kindVideo]
	if cfg == nil || cfg.codec != c {
		cfg = &streamCfg{codec: c, rate: 90000}
		in.cfg[kindVideo] = cfg
	}
	cfg.vps = keep(cfg.vps, au.vps)
	cfg.sps = keep(cfg.sps, au.sps)
	cfg.pps = keep(cfg.pps, au.pps)
	cts := mpegts.WrapDelta(p.PTS, p.DTS)
	if cts < 0 || cts > 10*90000 {
		in.report(fmt.Errorf("%w: PTS %d and DTS %d of a %v access unit are %d ticks apart; PTS set to DTS", ErrDamaged, p.PTS, p.DTS, c, cts))
		cts = 0
	}
	st := &in.st[kindVideo]
	dts := st.videoDTS(in.tl.place(p.DTS))
	in.tl.extend(dts + st.step)
	in.queue = append(in.queue, sample{kind: kindVideo, cfg: cfg, data: data, t90: dts, dts: dts, cts: int32(cts), key: au.key})
}

// keep returns cur, or a copy of next when next is a different parameter set.
func keep(cur, next []byte) []byte {
	if next == nil || bytes.Equal(cur, next) {
		return cur
	}
	return slices.Clone(next)
}

// expandAAC splits a PES packet into its ADTS frames.
func (in *input) expandAAC(p mpegts.PES) {
	b, done := p.Data, int64(0)
	for len(b) > 0 {
		h, err := parseADTS(b)
		if err != nil {
			in.report(fmt.Errorf("%w: %w", ErrDamaged, err))
			return
		}
		cfg := in.cfg[kindAudio]
		if asc := h.audioSpecificConfig(); cfg == nil || cfg.codec != mpegts.AAC || !bytes.Equal(cfg.asc, asc) {
			cfg = &streamCfg{codec: mpegts.AAC, rate: aacRates[h.rateIndex], channels: h.channels(), asc: asc}
			in.cfg[kindAudio] = cfg
		}
		in.pushAudio(cfg, b[h.headerLen:h.frameLen], p.PTS+done*90000/int64(cfg.rate), 1024)
		done += 1024
		b = b[h.frameLen:]
	}
}

// expandOpus splits a PES packet into its Opus packets.
func (in *input) expandOpus(p mpegts.PES) error {
	ch := p.Stream.Channels
	switch {
	case ch == 0:
		ch = 2 // no channel descriptor: assume stereo (Opus decoders downmix)
	case ch > 2:
		return fmt.Errorf("%w: segment %s: Opus with channel configuration %d is not supported (1 or 2 channels)", ErrCorrupt, in.cur, ch)
	}
	cfg := in.cfg[kindAudio]
	if cfg == nil || cfg.codec != mpegts.Opus || cfg.channels != ch {
		cfg = &streamCfg{codec: mpegts.Opus, rate: 48000, channels: ch}
		in.cfg[kindAudio] = cfg
	}
	b, done := p.Data, int64(0)
	for len(b) > 0 {
		pkt, rest, err := mpegts.OpusAccessUnit(b)
		if err != nil {
			in.report(fmt.Errorf("%w: %w", ErrDamaged, err))
			return nil
		}
		b = rest
		n := int64(bitstream.OpusSamples(pkt))
		if n == 0 {
			in.report(fmt.Errorf("%w: malformed Opus packet", ErrDamaged))
			continue
		}
		in.pushAudio(cfg, pkt, p.PTS+done*90000/48000, n)
		done += n
	}
	return nil
}

// pushAudio queues an audio frame of n samples with its raw 90 kHz PTS.
func (in *input) pushAudio(cfg *streamCfg, data []byte, raw, n int64) {
	st := &in.st[kindAudio]
	if st.cfg != cfg {
		*st = kindState{cfg: cfg}
	}
	rate := int64(cfg.rate)
	dts := st.audioDTS(in.tl.place(raw), rate, n)
	t90 := floorDiv(dts*90000, rate)
	in.tl.extend(t90 + n*90000/rate)
	in.queue = append(in.queue, sample{kind: kindAudio, cfg: cfg, data: data, t90: t90, dts: dts, dur: n, key: true})
}
