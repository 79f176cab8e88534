package merge

import (
	"bytes"
	"io"
	"testing"

	"github.com/roomrec/roomrec/internal/bitstream"
	"github.com/roomrec/roomrec/internal/mpegts"
)

// FuzzTS feeds arbitrary bytes to everything that parses a TS file: the
// probe, the timestamp rewriter and the frame parsers must return errors,
// never panic or loop.
func FuzzTS(f *testing.F) {
	seed, err := newSilence(audioFormat{codec: mpegts.AAC, rate: 48000, channels: 1, profile: 1, rateIdx: 3, chanCfg: 1}, 0, 90000).build()
	if err != nil {
		f.Fatal(err)
	}
	opus, err := newSilence(audioFormat{codec: mpegts.Opus, rate: 48000, channels: 2}, 0, 90000).build()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Add(opus)
	f.Add(seed[:len(seed)-100])
	f.Add(seed[:188*2+50])
	f.Add([]byte{0x47, 0x40, 0x00, 0x10, 0x00})
	f.Fuzz(func(t *testing.T, data []byte) {
		ignore := func(error) {}
		_, _ = probe(bytes.NewReader(data), false, ignore)
		_, _ = probe(bytes.NewReader(data), true, ignore)
		out, err := io.ReadAll(newRetimeReader(bytes.NewReader(data), 12345, nil))
		if err != nil || len(out) != len(data) {
			t.Fatalf("retime: %d of %d bytes, %v", len(out), len(data), err)
		}
		_, _, _ = parseADTS(data)
		_, _, _ = mpegts.OpusAccessUnit(data)
		_ = bitstream.OpusSamples(data)
	})
}
