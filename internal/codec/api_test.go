package codec

import (
	"errors"
	"strings"
	"testing"
)

// api pins the exported API: it compiles in both builds (with and without
// cgo), so the stub of nocgo.go cannot drift from the real package.
var api = []any{
	Available, Versions, FindDecoder, FindEncoder, SetLibraryLogLevel,
	NewVideoFrame, NewAudioFrame, NewDecoder, NewVideoEncoder, NewAudioEncoder,
	NewScaler, NewResampler, NewAudioTranscoder, NewVideoTranscoder,
	func(f *Frame) (error, int, int, bool, []byte, []float32, []int16, int, int64, int, int, int, SampleFormat, error, error) {
		f.SetPTS(0)
		return f.Close(), f.Width(), f.Height(), f.YUV420P(), f.Plane(0), f.Float32(0), f.Int16(0), f.Stride(0),
			f.PTS(), f.Samples(), f.SampleRate(), f.Channels(), f.SampleFormat(), f.Fill(0, 0, 0), f.MakeWritable()
	},
	func(d *Decoder) (Codec, string, error) {
		_, err := d.Decode(Unit{})
		_, err2 := d.Flush()
		return d.Codec(), d.Name(), errors.Join(err, err2, d.Close())
	},
	func(e *Encoder) (string, int, []byte, error) {
		e.RequestKeyframe()
		p, err := e.Encode(nil)
		_, err2 := e.Flush()
		return e.Name(), e.FrameSize() + len(p), e.Extradata(), errors.Join(err, err2, e.Close())
	},
	func(s *Scaler) error { return errors.Join(s.Scale(nil, Rect{}, nil, Rect{}), s.Close()) },
	func(r *Resampler) (int, error) {
		_, err := r.Read(1)
		return r.Buffered(), errors.Join(r.Write(nil), r.WriteSilence(1), r.Flush(), err, r.Close())
	},
	func(t *AudioTranscoder) ([]byte, AudioStats, error) {
		p, err := t.Write(0, nil)
		_, err2 := t.Flush()
		return append(t.AudioSpecificConfig(), byte(len(p))), t.Stats(), errors.Join(err, err2, t.Close())
	},
	func(t *VideoTranscoder) (VideoStats, error) {
		t.RequestKeyframe()
		a, err := t.Write(Unit{})
		_, err2 := t.Flush()
		return t.Stats(), errors.Join(err, err2, t.Close(), errors.New(string(rune(len(a)))))
	},
}

// The closed sets have names and validity checks.
func TestEnums(t *testing.T) {
	if len(api) == 0 {
		t.Fatal("no API")
	}
	for c, want := range map[Codec]string{H264: "H264", H265: "H265", VP8: "VP8", VP9: "VP9", AV1: "AV1", Opus: "Opus", AAC: "AAC", 0: "Codec(0)", 9: "Codec(9)"} {
		if c.String() != want || c.Valid() != !strings.HasPrefix(want, "Codec(") {
			t.Errorf("Codec %d: %q valid %v", c, c.String(), c.Valid())
		}
	}
	if !VP9.IsVideo() || VP9.IsAudio() || !AAC.IsAudio() || Opus.IsVideo() || Codec(0).IsVideo() {
		t.Error("IsVideo/IsAudio")
	}
	for f, want := range map[SampleFormat][2]int{SampleS16: {2, 0}, SampleS16P: {2, 1}, SampleFloat: {4, 0}, SampleFloatP: {4, 1}, 0: {0, 0}} {
		if f.BytesPerSample() != want[0] || f.Planar() != (want[1] == 1) || f.Valid() != (want[0] > 0) {
			t.Errorf("SampleFormat %v", f)
		}
	}
	if SampleFloatP.String() != "fltp" || SampleFormat(9).String() != "SampleFormat(9)" || ScaleFilter(9).Valid() {
		t.Error("names")
	}
	if !(Rect{}).Empty() || (Rect{Width: 1}).Empty() {
		t.Error("Rect.Empty")
	}
}
