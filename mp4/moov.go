package mp4

import (
	"bytes"
	"fmt"
	"math"
	"time"

	"github.com/Eyevinn/mp4ff/avc"
	"github.com/Eyevinn/mp4ff/hevc"
	"github.com/Eyevinn/mp4ff/mp4"

	"github.com/roomrec/roomrec/internal/mpegts"
)

// movieTimescale is the mvhd/tkhd/elst timescale: milliseconds, as FFmpeg
// writes (edit lists are exact to 1 ms).
const movieTimescale = 1000

// sampleEntry builds the sample entry of a track from its config: avc1 or
// hvc1 with the parameter sets, mp4a with esds, Opus with dOps. It returns
// the video size too, or an error when the parameter sets are missing or
// cannot be parsed.
func sampleEntry(cfg *streamCfg) (entry mp4.Box, w, h int, err error) {
	defer func() {
		if r := recover(); r != nil { // mp4ff parses the SPS; never let bad input panic
			entry, err = nil, fmt.Errorf("%v parameter sets: %v", cfg.codec, r)
		}
	}()
	switch cfg.codec {
	case mpegts.H264:
		if cfg.sps == nil || cfg.pps == nil {
			return nil, 0, 0, errNoParams
		}
		sps, err := avc.ParseSPSNALUnit(cfg.sps, false)
		if err != nil {
			return nil, 0, 0, fmt.Errorf("H.264 SPS: %w", err)
		}
		avcC, err := mp4.CreateAvcC([][]byte{cfg.sps}, [][]byte{cfg.pps}, true)
		if err != nil {
			return nil, 0, 0, err
		}
		w, h = int(sps.Width), int(sps.Height)
		return mp4.CreateVisualSampleEntryBox("avc1", uint16(w), uint16(h), avcC), w, h, nil
	case mpegts.H265:
		if cfg.vps == nil || cfg.sps == nil || cfg.pps == nil {
			return nil, 0, 0, errNoParams
		}
		sps, err := hevc.ParseSPSNALUnit(cfg.sps)
		if err != nil {
			return nil, 0, 0, fmt.Errorf("H.265 SPS: %w", err)
		}
		hvcC, err := mp4.CreateHvcC([][]byte{cfg.vps}, [][]byte{cfg.sps}, [][]byte{cfg.pps}, true, true, true, true)
		if err != nil {
			return nil, 0, 0, err
		}
		ww, hh := sps.ImageSize()
		w, h = int(ww), int(hh)
		return mp4.CreateVisualSampleEntryBox("hvc1", uint16(w), uint16(h), hvcC), w, h, nil
	case mpegts.AAC:
		return mp4.CreateAudioSampleEntryBox("mp4a", uint16(cfg.channels), 16, entryRate(cfg.rate),
			mp4.CreateEsdsBox(cfg.asc)), 0, 0, nil
	default:
		dops := &mp4.DopsBox{OutputChannelCount: byte(cfg.channels), InputSampleRate: 48000}
		return mp4.CreateAudioSampleEntryBox("Opus", uint16(cfg.channels), 16, 48000, dops), 0, 0, nil
	}
}

// errNoParams says that a keyframe came before the parameter sets.
var errNoParams = fmt.Errorf("%w: a keyframe without parameter sets (SPS/PPS) before it", ErrDamaged)

// entryRate is the sample rate field of an audio sample entry (16 bits).
func entryRate(rate int) uint16 {
	if rate > math.MaxUint16 {
		return 0
	}
	return uint16(rate)
}

// trackTiming is a track's place in the movie.
type trackTiming struct {
	media   int64 // media duration, track timescale
	start90 int64 // presentation start on the output timeline
	pres90  int64 // presentation duration
}

// timing completes the track's durations and returns its timing.
func (t *ptrack) timing() trackTiming {
	if !t.complete {
		d := t.lastDur
		if d <= 0 {
			d = int64(t.cfg.rate) / 30 // a lone video frame: show it 1/30 s
		}
		t.tab.durs.add(uint32(d))
		t.complete = true
	}
	r := int64(t.cfg.rate)
	media := t.tab.durs.sum()
	return trackTiming{
		media:   media,
		start90: floorDiv((t.firstDTS+int64(t.firstCTS))*90000, r),
		pres90:  (media - int64(t.firstCTS)) * 90000 / r,
	}
}

// header returns the part's ftyp, moov and mdat header, and the Part
// (without its name); wall is the wall time of the output timeline's 0.
func (p *part) header(wall time.Time) ([]byte, Part, error) {
	var tracks []*ptrack
	var times []trackTiming
	for _, t := range p.tracks {
		if t != nil {
			tracks = append(tracks, t)
			times = append(times, t.timing())
		}
	}
	start, end := times[0].start90, int64(0)
	for _, tt := range times {
		start = min(start, tt.start90)
	}
	for _, tt := range times {
		end = max(end, tt.start90-start+tt.pres90)
	}
	info := Part{Size: p.size, Duration: ticksToDuration(end),
		Video: p.tracks[kindVideo] != nil, Audio: p.tracks[kindAudio] != nil}
	if !wall.IsZero() {
		info.Start = wall.Add(ticksToDuration(start))
	}
	ftyp := mp4.NewFtyp("isom", 0x200, brands(tracks))
	mdatHdr := int64(8)
	if p.size+8 > math.MaxUint32 {
		mdatHdr = 16
	}
	var base int64
	moov := buildMoov(tracks, times, start, end, info.Start, &base, false)
	base = int64(ftyp.Size()+moov.Size()) + mdatHdr
	if base+p.size > math.MaxUint32 {
		moov = buildMoov(tracks, times, start, end, info.Start, &base, true)
		base = int64(ftyp.Size()+moov.Size()) + mdatHdr
	}
	var buf bytes.Buffer
	buf.Grow(int(base))
	err := ftyp.Encode(&buf)
	if err == nil {
		err = moov.Encode(&buf)
	}
	if err == nil {
		err = mp4.EncodeHeaderWithSize("mdat", uint64(p.size+mdatHdr), mdatHdr == 16, &buf)
	}
	if err != nil {
		return nil, Part{}, fmt.Errorf("%w: encoding the moov box: %w", ErrSink, err)
	}
	info.Size += base
	return buf.Bytes(), info, nil
}

// brands returns the ftyp's compatible brands (FFmpeg's choice).
func brands(tracks []*ptrack) []string {
	b := []string{"isom", "iso2"}
	if tracks[0].cfg.codec == mpegts.H264 {
		b = append(b, "avc1")
	}
	return append(b, "mp41")
}

// ticksToDuration converts 90 kHz ticks to a Duration.
func ticksToDuration(t int64) time.Duration {
	return time.Duration(t/9*100000 + t%9*100000/9)
}

// toMovie converts 90 kHz ticks to the movie timescale, rounded.
func toMovie(t int64) uint64 { return uint64((t*movieTimescale + 45000) / 90000) }

// mp4Time returns t in seconds since 1904 (0 for the zero time).
func mp4Time(t time.Time) uint64 {
	if t.IsZero() {
		return 0
	}
	return uint64(t.Unix() + mp4.EpochDiffS)
}

// buildMoov builds the moov box of the tracks; chunk offsets are media
// offsets plus *base, read when the box is encoded.
func buildMoov(tracks []*ptrack, times []trackTiming, start, end int64, created time.Time, base *int64, co64 bool) *mp4.MoovBox {
	moov := mp4.NewMoovBox()
	mvhd := mp4.CreateMvhd()
	mvhd.Timescale, mvhd.Duration = movieTimescale, toMovie(end)
	mvhd.CreationTime, mvhd.ModificationTime = mp4Time(created), mp4Time(created)
	mvhd.NextTrackID = uint32(len(tracks) + 1)
	if mvhd.CreationTime > math.MaxUint32 || mvhd.Duration > math.MaxUint32 {
		mvhd.Version = 1
	}
	moov.AddChild(mvhd)
	for i, t := range tracks {
		moov.AddChild(buildTrak(t, times[i], uint32(i+1), times[i].start90-start, mvhd, base, co64))
	}
	return moov
}

// buildTrak builds one track's trak box; delay is how long after the
// movie's start the track's presentation starts (90 kHz).
func buildTrak(t *ptrack, tt trackTiming, id uint32, delay int64, mvhd *mp4.MvhdBox, base *int64, co64 bool) *mp4.TrakBox {
	trak := &mp4.TrakBox{}
	tkhd := mp4.CreateTkhd()
	tkhd.TrackID, tkhd.Flags = id, 3 // enabled, in movie
	tkhd.CreationTime, tkhd.ModificationTime = mvhd.CreationTime, mvhd.ModificationTime
	tkhd.Duration = toMovie(delay) + toMovie(tt.pres90)
	if t.cfg.codec.IsVideo() {
		tkhd.Width, tkhd.Height = mp4.Fixed32(t.w<<16), mp4.Fixed32(t.h<<16)
	} else {
		tkhd.Volume = 0x0100
	}
	tkhd.Version = mvhd.Version
	trak.AddChild(tkhd)
	trak.AddChild(editList(t, tt, delay))
	mdia := &mp4.MdiaBox{}
	mdhd := &mp4.MdhdBox{Timescale: uint32(t.cfg.rate), Duration: uint64(tt.media),
		CreationTime: mvhd.CreationTime, ModificationTime: mvhd.ModificationTime}
	if tt.media > math.MaxUint32 || mvhd.Version == 1 {
		mdhd.Version = 1
	}
	mdhd.SetLanguage("und")
	mdia.AddChild(mdhd)
	handler, mhd := "audio", mp4.Box(mp4.CreateSmhd())
	if t.cfg.codec.IsVideo() {
		handler, mhd = "video", mp4.CreateVmhd()
	}
	hdlr, _ := mp4.CreateHdlr(handler) // fails only for unknown handler types
	mdia.AddChild(hdlr)
	minf := mp4.NewMinfBox()
	minf.AddChild(mhd)
	dinf := &mp4.DinfBox{}
	dinf.AddChild(mp4.CreateDref())
	minf.AddChild(dinf)
	minf.AddChild(buildStbl(t, base, co64))
	mdia.AddChild(minf)
	trak.AddChild(mdia)
	return trak
}

// editList places the track's presentation: an empty edit for a track that
// starts after the movie, then the media from its first presented sample.
func editList(t *ptrack, tt trackTiming, delay int64) *mp4.EdtsBox {
	elst := &mp4.ElstBox{}
	if d := toMovie(delay); d > 0 {
		elst.Entries = append(elst.Entries, mp4.ElstEntry{SegmentDuration: d, MediaTime: -1, MediaRateInteger: 1})
	}
	elst.Entries = append(elst.Entries, mp4.ElstEntry{SegmentDuration: toMovie(tt.pres90),
		MediaTime: int64(t.firstCTS), MediaRateInteger: 1})
	for _, e := range elst.Entries {
		if e.SegmentDuration > math.MaxUint32 {
			elst.Version = 1
		}
	}
	edts := &mp4.EdtsBox{}
	edts.AddChild(elst)
	return edts
}

// buildStbl builds the sample table box.
func buildStbl(t *ptrack, base *int64, co64 bool) *mp4.StblBox {
	stbl := mp4.NewStblBox()
	stsd := mp4.NewStsdBox()
	stsd.AddChild(t.entry)
	stbl.AddChild(stsd)
	stbl.AddChild(runBox("stts", &t.tab.durs))
	if len(t.tab.cts.vals) > 1 || t.tab.cts.first() != 0 {
		stbl.AddChild(runBox("ctts", &t.tab.cts))
	}
	if t.cfg.codec.IsVideo() {
		stbl.AddChild(stssBox(t.tab.sync))
	}
	stbl.AddChild(stscBox(&t.tab))
	stbl.AddChild(stszBox(&t.tab))
	stbl.AddChild(chunkOffsetBox(&t.tab, base, co64))
	return stbl
}
