package recorder

import (
	"errors"

	"github.com/roomrec/roomrec/errcode"
	"github.com/roomrec/roomrec/hls"
	"github.com/roomrec/roomrec/internal/codec"
	"github.com/roomrec/roomrec/internal/ingest"
)

// media is the stage between ingest and the segmenter: it writes a track's
// frames into the playlist, as received (remux) or transcoded through the
// codec layer. One media lives as long as its stream, across the tracks
// that feed it.
type media interface {
	// configure sets the segmenter's tracks.
	configure(cfg *hls.Config)
	// write writes frame f whose position on the stream's timeline is
	// ticks (in the track's clock rate) and pts90 (90 kHz). It returns
	// codec.ErrInvalidData when the frame was broken (the caller asks for a
	// keyframe), or the segmenter's error.
	write(seg *hls.Segmenter, f ingest.Frame, ticks, pts90 int64) error
	// drain ends a run (the track paused or the stream ends): frames held
	// by an encoder are written.
	drain(seg *hls.Segmenter) error
	// close frees what the stage holds.
	close()
}

// newMedia returns the stage for a track of codec c in a task whose audio
// settings are ap (AAC with FFmpeg's aacCoder), H.264 made with encoder enc,
// or an error naming what is missing.
func newMedia(c ingest.Codec, ap AudioParams, enc, aacCoder string) (media, error) {
	switch c {
	case ingest.H264:
		return remux{video: hls.CodecH264}, nil
	case ingest.H265:
		return remux{video: hls.CodecH265}, nil
	case ingest.Opus:
		if ap.Codec == AudioOpus {
			return remux{audio: hls.CodecOpus}, nil
		}
		tx, err := codec.NewAudioTranscoder(codec.AudioConfig{SampleRate: ap.SampleRate, Channels: ap.Channels, Bitrate: ap.Bitrate,
			Options: []codec.Option{{Name: "aac_coder", Value: aacCoder}}})
		if err != nil {
			return nil, err
		}
		return &aacMedia{tx: tx, rate: ap.SampleRate, channels: ap.Channels}, nil
	case ingest.VP8, ingest.VP9, ingest.AV1:
		in := map[ingest.Codec]codec.Codec{ingest.VP8: codec.VP8, ingest.VP9: codec.VP9, ingest.AV1: codec.AV1}[c]
		tx, err := codec.NewVideoTranscoder(codec.VideoConfig{Input: in, Encoding: codec.VideoEncoding{Encoder: enc}})
		if err != nil {
			return nil, err
		}
		return &h264Media{tx: tx}, nil
	}
	return nil, errcode.New(errcode.Unsupported, "%v cannot be recorded", c)
}

// remux writes frames as received.
type remux struct{ video, audio hls.Codec }

func (m remux) configure(cfg *hls.Config) {
	cfg.Video, cfg.Audio = m.video, m.audio
	if m.audio == hls.CodecOpus {
		cfg.AudioSampleRate, cfg.AudioChannels = 48000, 2
	}
}

func (m remux) write(seg *hls.Segmenter, f ingest.Frame, _, pts90 int64) error {
	switch {
	case m.video == hls.CodecH264:
		return seg.WriteH264(pts90, pts90, f.NALUs)
	case m.video == hls.CodecH265:
		return seg.WriteH265(pts90, pts90, f.NALUs)
	}
	return seg.WriteOpus(pts90, f.Data)
}

func (remux) drain(*hls.Segmenter) error { return nil }
func (remux) close()                     {}

// aacMedia transcodes Opus to AAC. Holes in the timestamps (loss, DTX) are
// filled with silence by the transcoder, so time is never squeezed.
type aacMedia struct {
	tx             *codec.AudioTranscoder
	rate, channels int
}

func (m *aacMedia) configure(cfg *hls.Config) {
	cfg.Audio, cfg.AACConfig = hls.CodecAAC, m.tx.AudioSpecificConfig()
	cfg.AudioSampleRate, cfg.AudioChannels = m.rate, m.channels
}

func (m *aacMedia) write(seg *hls.Segmenter, f ingest.Frame, ticks, _ int64) error {
	pkts, err := m.tx.Write(ticks, f.Data)
	return errors.Join(err, writeAAC(seg, pkts))
}

func (m *aacMedia) drain(seg *hls.Segmenter) error {
	pkts, err := m.tx.Flush()
	return errors.Join(err, writeAAC(seg, pkts))
}

func (m *aacMedia) close() { _ = m.tx.Close() }

func writeAAC(seg *hls.Segmenter, pkts []codec.Packet) error {
	var err error
	for _, p := range pkts {
		err = errors.Join(err, seg.WriteAAC(p.PTS, p.Data))
	}
	return err
}

// h264Media transcodes VP8, VP9 and AV1 to H.264 at the source's size and
// frame rate; a size change opens a new encoder, and the segmenter cuts a
// discontinuity at the new SPS.
type h264Media struct{ tx *codec.VideoTranscoder }

func (m *h264Media) configure(cfg *hls.Config) { cfg.Video = hls.CodecH264 }

func (m *h264Media) write(seg *hls.Segmenter, f ingest.Frame, _, pts90 int64) error {
	aus, err := m.tx.Write(codec.Unit{PTS: pts90, Keyframe: f.Keyframe, Data: f.Data})
	return errors.Join(err, writeAUs(seg, aus))
}

func (m *h264Media) drain(seg *hls.Segmenter) error {
	aus, err := m.tx.Flush()
	return errors.Join(err, writeAUs(seg, aus))
}

func (m *h264Media) close() { _ = m.tx.Close() }

func writeAUs(seg *hls.Segmenter, aus []codec.AccessUnit) error {
	var err error
	for _, au := range aus {
		err = errors.Join(err, seg.WriteH264(au.PTS, au.DTS, au.NALUs))
	}
	return err
}
