package mp4

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/Eyevinn/mp4ff/bits"
	"github.com/Eyevinn/mp4ff/mp4"

	"github.com/roomrec/roomrec/internal/mpegts"
)

// TestTableSplit splits sample tables at every kind of point (run
// boundaries, inside runs, page boundaries) and checks both halves against
// a plain list.
func TestTableSplit(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, n := range []int{0, 1, 5, pageLen, pageLen + 3, 3*pageLen - 1} {
		vals := make([]uint32, n)
		for i := range vals {
			vals[i] = uint32(r.IntN(3)) // short runs
		}
		for _, at := range []int{0, n / 3, n / 2, n - 1, n, pageLen} {
			if at < 0 || at > n {
				continue
			}
			var u u32s
			var rr runs[uint32]
			for _, v := range vals {
				u.add(v)
				rr.add(v)
			}
			tu, tr := u.split(at), rr.split(at)
			for i := range n {
				var got uint32
				if i < at {
					got = u.at(i)
				} else {
					got = tu.at(i - at)
				}
				if got != vals[i] {
					t.Fatalf("n=%d split at %d: value %d is %d, want %d", n, at, i, got, vals[i])
				}
			}
			if !slices.Equal(expand(&rr), vals[:at]) || !slices.Equal(expand(&tr), vals[at:]) || rr.n != at || tr.n != n-at {
				t.Fatalf("n=%d split at %d: runs %v | %v", n, at, expand(&rr), expand(&tr))
			}
			u.add(9) // the head grows on without touching the tail
			if u.at(at) != 9 || (at < n && tu.at(0) != vals[at]) {
				t.Fatalf("n=%d split at %d: head and tail share storage", n, at)
			}
		}
	}
}

func expand(r *runs[uint32]) []uint32 {
	out := []uint32{}
	for k, c := range r.counts {
		for range c {
			out = append(out, r.vals[k])
		}
	}
	return out
}

// TestTimeline feeds raw 33-bit timestamps with segment marks and checks
// their place on the output timeline.
func TestTimeline(t *testing.T) {
	type step struct {
		raw, dur  int64
		seg, disc bool // first sample of a segment, marked discontinuous
		want      int64
	}
	const top = mpegts.Wrap - 9000
	cases := []struct {
		name  string
		steps []step
	}{
		{"wrap", []step{{top, 3000, true, false, 0}, {top + 6000, 3000, false, false, 6000}, {3000, 3000, true, false, 12000}}},
		{"gap kept", []step{{100, 3000, true, false, 0}, {90100, 3000, true, true, 90000}}},
		{"new timeline", []step{{500000, 3000, true, false, 0}, {503000, 3000, false, false, 3000}, {7, 3000, true, true, 6000}, {3007, 3000, false, false, 9000}}},
		{"back without tag", []step{{500000, 3000, true, false, 0}, {400000, 3000, true, false, 3000}}},
		{"small overlap without tag", []step{{500000, 3000, true, false, 0}, {450000, 3000, true, false, -50000}}},
		{"back inside a segment", []step{{500000, 9000, true, false, 0}, {300000, 3000, false, false, -200000}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var tl timeline
			for i, s := range c.steps {
				if s.seg {
					tl.disc = s.disc
					tl.begin(s.raw)
				}
				got := tl.place(s.raw)
				tl.extend(got + s.dur)
				if got != s.want {
					t.Fatalf("step %d: raw %d placed at %d, want %d", i, s.raw, got, s.want)
				}
			}
		})
	}
}

// TestAppendAVCC checks the Annex B to length-prefixed conversion.
func TestAppendAVCC(t *testing.T) {
	sps, pps, idr, aud := []byte{0x67, 1, 2}, []byte{0x68, 3}, []byte{0x65, 4, 0, 0, 3, 1}, []byte{0x09, 0xF0}
	cases := []struct {
		name string
		c    mpegts.Codec
		in   []byte
		want [][]byte
		key  bool
	}{
		{"4-byte start codes, AUD dropped", mpegts.H264, join([]byte{0, 0, 0, 1}, aud, sps, pps, idr), [][]byte{sps, pps, idr}, true},
		{"3-byte start codes, trailing zeros", mpegts.H264, append(join([]byte{0, 0, 1}, sps, []byte{0x41, 9}), 0, 0), [][]byte{sps, {0x41, 9}}, false},
		{"garbage before the first start code", mpegts.H264, append([]byte{7, 7}, join([]byte{0, 0, 1}, idr)...), [][]byte{idr}, true},
		{"no start code", mpegts.H264, []byte{1, 2, 3}, nil, false},
		{"H.265 CRA, AUD dropped", mpegts.H265, join([]byte{0, 0, 0, 1}, []byte{0x46, 1, 0x50}, []byte{0x2A, 1, 9}), [][]byte{{0x2A, 1, 9}}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, info := appendAVCC(nil, c.in, c.c)
			var want []byte
			for _, n := range c.want {
				want = append(want, 0, 0, byte(len(n)>>8), byte(len(n)))
				want = append(want, n...)
			}
			if !bytes.Equal(got, want) || info.key != c.key || info.nalus != len(c.want) {
				t.Fatalf("got % x key %v, want % x key %v", got, info.key, want, c.key)
			}
		})
	}
}

func join(sc []byte, nalus ...[]byte) []byte {
	var b []byte
	for _, n := range nalus {
		b = append(append(b, sc...), n...)
	}
	return b
}

// TestAudioFrames checks the ADTS parser on good and bad input (the
// Opus-in-TS one is internal/mpegts's).
func TestAudioFrames(t *testing.T) {
	adts := []byte{0xFF, 0xF1, 0x50, 0x80, 0x01, 0x3F, 0xFC, 0xAA, 0xBB} // AAC-LC 44.1 kHz stereo, 9 bytes
	h, err := parseADTS(adts)
	if err != nil || h.objType != 2 || aacRates[h.rateIndex] != 44100 || h.channels() != 2 || h.frameLen != 9 ||
		!bytes.Equal(h.audioSpecificConfig(), []byte{0x12, 0x10}) {
		t.Fatalf("parseADTS: %+v %v", h, err)
	}
	for _, bad := range [][]byte{adts[:5], {0xFF, 0xF1, 0x50, 0x80, 0x02, 0x3F, 0xFC}, {0xFF, 0xF1, 0x50, 0x00, 0x01, 0x3F, 0xFC, 0, 0}} {
		if _, err := parseADTS(bad); err == nil {
			t.Errorf("parseADTS(% x) accepted", bad)
		}
	}
}

// TestTableBoxes encodes the sample-table boxes (both ways mp4ff encodes
// boxes) and decodes them with mp4ff: every entry must come back, chunk
// offsets beyond 4 GiB included (co64).
func TestTableBoxes(t *testing.T) {
	var tab table
	durs := []uint32{3000, 3000, 3000, 2990, 3010, 3000}
	for i := range durs {
		var prev uint32 // duration of the sample before
		if i > 0 {
			prev = durs[i-1]
		}
		tab.add(uint32(100+i), prev, int32(i%3)*3000, i%4 == 0)
		if i%2 == 0 {
			tab.chunks = append(tab.chunks, chunk{off: int64(i) * 1000, first: uint32(i)})
		}
	}
	tab.durs.add(durs[len(durs)-1]) // the last sample's, added when the part ends
	base := int64(1) << 32
	boxes := []*tableBox{stszBox(&tab), runBox("stts", &tab.durs), runBox("ctts", &tab.cts), stssBox(tab.sync),
		stscBox(&tab), chunkOffsetBox(&tab, &base, true)}
	decoded := make([]mp4.Box, len(boxes))
	for i, b := range boxes {
		var buf bytes.Buffer
		if err := b.Encode(&buf); err != nil {
			t.Fatal(err)
		}
		sw := bits.NewFixedSliceWriter(int(b.Size()))
		if err := b.EncodeSW(sw); err != nil || !bytes.Equal(sw.Bytes(), buf.Bytes()) || uint64(buf.Len()) != b.Size() {
			t.Fatalf("%s: Encode and EncodeSW differ or miss the size (%v)", b.typ, err)
		}
		box, err := mp4.DecodeBox(0, &buf)
		if err != nil {
			t.Fatalf("mp4ff cannot decode our %s: %v", b.typ, err)
		}
		decoded[i] = box
	}
	stsz, stts, ctts := decoded[0].(*mp4.StszBox), decoded[1].(*mp4.SttsBox), decoded[2].(*mp4.CttsBox)
	stss, stsc, co64 := decoded[3].(*mp4.StssBox), decoded[4].(*mp4.StscBox), decoded[5].(*mp4.Co64Box)
	for i, d := range durs {
		nr := uint32(i + 1)
		if _, dur := stts.GetDecodeTime(nr); stsz.GetSampleSize(i+1) != uint32(100+i) || dur != d ||
			ctts.GetCompositionTimeOffset(nr) != int32(i%3)*3000 || stss.IsSyncSample(nr) != (i%4 == 0) {
			t.Fatalf("sample %d (duration %d) decoded wrong", i, d)
		}
	}
	if len(stsc.Entries) != 1 || stsc.Entries[0].SamplesPerChunk != 2 ||
		!slices.Equal(co64.ChunkOffset, []uint64{1 << 32, 1<<32 + 2000, 1<<32 + 4000}) {
		t.Fatalf("stsc %+v, co64 %v", stsc.Entries, co64.ChunkOffset)
	}
}
