package ingest

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pion/rtp"
)

var updateCorpus = flag.Bool("update", false, "rewrite the committed FuzzPush seed corpus from hostileCases")

// The FuzzPush input: byte 0 picks the codec; then records of
// [op][length][length bytes]. op bit 0: the bytes are a whole packet for
// PushRaw; else they are a payload for Push with marker = bit 1, the second
// SSRC when bit 2, sequence step (op>>3&7)-2 and timestamp step
// (op>>6)*1500. Each record arrives 10 ms after the previous one.
type fuzzRec struct {
	raw, marker, ssrc2 bool
	seqStep            int // -2..5
	tsStep             int // 0..3
	data               []byte
}

func encodeFuzz(codec Codec, recs []fuzzRec) []byte {
	b := []byte{byte(codec - 1)}
	for _, r := range recs {
		op := byte(r.seqStep+2)<<3 | byte(r.tsStep)<<6
		if r.raw {
			op |= 1
		}
		if r.marker {
			op |= 2
		}
		if r.ssrc2 {
			op |= 4
		}
		b = append(b, op, byte(len(r.data)))
		b = append(b, r.data...)
	}
	return b
}

// syntheticFrames are a tiny keyframe and delta frame per codec (payloads
// of whole-frame packets), to put hostile packets in context.
func syntheticFrames(c Codec) (key, delta [][]byte) {
	switch c {
	case H264:
		return [][]byte{{0x18, 0, 4, 0x67, 0x42, 0xc0, 0x1e, 0, 2, 0x68, 0xce}, {0x65, 0x88, 0x84, 0x00}}, [][]byte{{0x41, 0x9a, 0x00}}
	case H265:
		return [][]byte{{0x60, 0x01, 0, 3, 0x40, 0x01, 0x0c, 0, 3, 0x42, 0x01, 0x01, 0, 3, 0x44, 0x01, 0xc1}, {0x26, 0x01, 0xaf}}, [][]byte{{0x02, 0x01, 0xd0}}
	case VP8:
		return [][]byte{{0x10, 0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0xe0, 0x01}}, [][]byte{{0x10, 0x01, 0x00, 0x00}}
	case VP9:
		return [][]byte{{0x0c, 0x82, 0x49, 0x83, 0x42, 0x00}}, [][]byte{{0x4c, 0x86, 0x00}}
	case AV1:
		return [][]byte{{0x18, 0x08, 0x00, 0x00, 0x00}, {0x10, 0x30, 0x10, 0x00}}, [][]byte{{0x10, 0x30, 0x30, 0x00}}
	}
	return [][]byte{{0xfc, 0xff, 0xfe}}, [][]byte{{0xfc, 0xff, 0xfd}}
}

// frameRecs turns a frame's payloads into records of one timestamp.
func frameRecs(payloads [][]byte) []fuzzRec {
	var recs []fuzzRec
	for i, p := range payloads {
		r := fuzzRec{seqStep: 1, marker: i == len(payloads)-1, data: p}
		if i == 0 {
			r.tsStep = 2
		}
		recs = append(recs, r)
	}
	return recs
}

// fuzzSeed puts a hostile case between a keyframe and delta frames.
func fuzzSeed(hc hostile) []byte {
	key, delta := syntheticFrames(hc.codec)
	recs := frameRecs(key)
	if hc.raw != nil {
		recs = append(recs, fuzzRec{raw: true, data: hc.raw})
	} else {
		recs = append(recs, fuzzRec{seqStep: 1, tsStep: 2, marker: hc.atEnd, data: hc.payload})
	}
	recs = append(recs, frameRecs(delta)...)
	recs = append(recs, frameRecs(key)...)
	return encodeFuzz(hc.codec, recs)
}

func seedName(name string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			return r
		}
		return '_'
	}, strings.ToLower(name))
}

// TestFuzzCorpus keeps the committed corpus in step with hostileCases
// (go test -run TestFuzzCorpus -update rewrites it).
func TestFuzzCorpus(t *testing.T) {
	dir := filepath.Join("testdata", "fuzz", "FuzzPush")
	for _, hc := range hostileCases {
		want := "go test fuzz v1\n[]byte(" + strconv.Quote(string(fuzzSeed(hc))) + ")\n"
		path := filepath.Join(dir, seedName(hc.name))
		if *updateCorpus {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if got, err := os.ReadFile(path); err != nil || string(got) != want {
			t.Errorf("%s is missing or stale (run with -update): %v", path, err)
		}
	}
}

// FuzzPush feeds arbitrary packets and payloads to a Track of each codec:
// it must never panic, and its output and counters must stay consistent.
func FuzzPush(f *testing.F) {
	for _, hc := range hostileCases {
		f.Add(fuzzSeed(hc))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		if len(in) == 0 {
			return
		}
		codec := Codec(in[0]%6) + 1
		frames := 0
		tr, err := NewTrack(Config{Codec: codec, OnFrame: func(f Frame) { frames++; checkFuzzFrame(t, codec, f) }, RequestKeyframe: func() {}})
		if err != nil {
			t.Fatal(err)
		}
		runFuzz(tr, in[1:])
		tr.Flush()
		st := tr.Stats()
		if st.Duplicates+st.Late+st.Malformed > st.Packets || st.FramesOut != uint64(frames) {
			t.Fatalf("inconsistent stats %+v (%d frames)", st, frames)
		}
	})
}

func runFuzz(tr *Track, in []byte) {
	p := rtp.Packet{Header: rtp.Header{Version: 2, SSRC: 1}}
	at := t0
	for len(in) >= 2 {
		op, n := in[0], int(in[1])
		in = in[2:]
		n = min(n, len(in))
		data := in[:n]
		in = in[n:]
		at = at.Add(10 * time.Millisecond)
		if op&1 != 0 {
			tr.PushRaw(data, at)
			continue
		}
		p.Marker = op&2 != 0
		p.SSRC = 1 + uint32(op>>2&1)
		p.SequenceNumber += uint16(int(op>>3&7) - 2)
		p.Timestamp += uint32(op>>6) * 1500
		p.Payload = data
		tr.Push(&p, at)
	}
}

func checkFuzzFrame(t *testing.T, codec Codec, f Frame) {
	if codec == H264 || codec == H265 {
		if len(f.NALUs) == 0 {
			t.Fatal("frame without NAL units")
		}
		for _, n := range f.NALUs {
			if len(n) == 0 {
				t.Fatal("empty NAL unit")
			}
		}
	} else if len(f.Data) == 0 && codec != AV1 {
		t.Fatal("frame without data")
	}
	if codec.IsVideo() && f.Discontinuity && !f.Keyframe {
		t.Fatal("video discontinuity on a delta frame")
	}
	if codec == Opus && f.Duration <= 0 {
		t.Fatal("Opus frame without duration")
	}
}

// TestFuzzSeedsDecode checks the seed builder itself: the synthetic frames
// come out.
func TestFuzzSeedsDecode(t *testing.T) {
	for c := H264; c <= Opus; c++ {
		key, delta := syntheticFrames(c)
		in := encodeFuzz(c, append(frameRecs(key), frameRecs(delta)...))
		var col collector
		tr, err := NewTrack(Config{Codec: c, OnFrame: col.onFrame})
		if err != nil {
			t.Fatal(err)
		}
		runFuzz(tr, in[1:])
		tr.Flush() // the first packets wait MaxReorderDelay for earlier ones
		out := col.frames
		if len(out) != 2 || !out[0].Keyframe || out[1].Keyframe != (c == Opus) {
			t.Fatalf("%v: %d frames %+v", c, len(out), tr.Stats())
		}
		if c == H264 && !bytes.Equal(out[0].NALUs[0], key[0][3:7]) {
			t.Fatalf("SPS %x", out[0].NALUs[0])
		}
	}
}
