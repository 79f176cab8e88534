package bitstream

import (
	"bytes"
	"testing"
)

// annexBCases feed the round-trip test and the fuzz seeds.
var annexBCases = [][][]byte{
	{{0x67, 1, 2}, {0x68, 3}, {0x65, 4, 5, 6}},
	{{0x41, 0, 0, 3, 1}},
	{{0x09, 0x10}},
	nil,
}

func TestAnnexBRoundTrip(t *testing.T) {
	for i, nalus := range annexBCases {
		got := SplitAnnexB(nil, AppendAnnexB(nil, nalus))
		if len(got) != len(nalus) {
			t.Fatalf("case %d: %d units, want %d", i, len(got), len(nalus))
		}
		for j := range got {
			if !bytes.Equal(got[j], nalus[j]) {
				t.Errorf("case %d unit %d: %x, want %x", i, j, got[j], nalus[j])
			}
		}
	}
	// 3-byte start codes and trailing zeros, as encoders write them.
	got := SplitAnnexB(nil, []byte{0, 0, 1, 0x67, 7, 0, 0, 0, 1, 0x68, 8, 0, 0})
	if len(got) != 2 || !bytes.Equal(got[0], []byte{0x67, 7}) || !bytes.Equal(got[1], []byte{0x68, 8}) {
		t.Errorf("got %x", got)
	}
}

// TestCutAnnexB walks streams unit by unit, empty units included.
func TestCutAnnexB(t *testing.T) {
	cases := []struct {
		name string
		b    []byte
		want [][]byte
	}{
		{"no start code", []byte{1, 2, 3}, nil},
		{"empty", nil, nil},
		{"garbage before the first start code", []byte{7, 7, 0, 0, 1, 0x65, 1}, [][]byte{{0x65, 1}}},
		{"4-byte start codes", []byte{0, 0, 0, 1, 0x67, 1, 0, 0, 0, 1, 0x68, 2}, [][]byte{{0x67, 1}, {0x68, 2}}},
		{"empty unit between start codes", []byte{0, 0, 1, 0, 0, 1, 0x41}, [][]byte{{}, {0x41}}},
		{"start code at the end", []byte{0, 0, 1, 0x41, 0, 0, 1}, [][]byte{{0x41}, {}}},
		{"zeros only after it", []byte{0, 0, 1, 0, 0}, [][]byte{{}}},
	}
	for _, c := range cases {
		var got [][]byte
		for n, rest, ok := CutAnnexB(c.b); ok; n, rest, ok = CutAnnexB(rest) {
			got = append(got, n)
		}
		if len(got) != len(c.want) {
			t.Fatalf("%s: units %x, want %x", c.name, got, c.want)
		}
		for i := range got {
			if !bytes.Equal(got[i], c.want[i]) {
				t.Errorf("%s: unit %d is %x, want %x", c.name, i, got[i], c.want[i])
			}
		}
	}
}

// FuzzSplitAnnexB checks that splitting an Annex B stream gives non-empty
// units without trailing zeros or start codes, that joining and splitting
// them again is stable, and that nothing here panics.
func FuzzSplitAnnexB(f *testing.F) {
	for _, c := range annexBCases {
		f.Add(AppendAnnexB(nil, c))
	}
	f.Add([]byte{0, 0, 0, 1, 0x67, 1, 2, 0, 0, 1, 0x68, 3, 0, 0, 0})
	f.Add([]byte{0, 0, 1})
	f.Add([]byte{1, 0, 0, 1, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		nalus := SplitAnnexB(nil, b)
		for _, n := range nalus {
			if len(n) == 0 || n[len(n)-1] == 0 || bytes.Contains(n, []byte{0, 0, 1}) {
				t.Fatalf("bad NAL unit %x from %x", n, b)
			}
		}
		again := SplitAnnexB(nil, AppendAnnexB(nil, nalus))
		if len(again) != len(nalus) {
			t.Fatalf("%d units, %d after a round trip", len(nalus), len(again))
		}
		OpusSamples(b)
		StrictOpusSamples(b)
	})
}
