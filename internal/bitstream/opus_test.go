package bitstream

import "testing"

// TestOpusSamples covers the TOC table of RFC 6716 §3.1 and the framing
// checks: want is OpusSamples, strict StrictOpusSamples.
func TestOpusSamples(t *testing.T) {
	tests := []struct {
		packet       []byte
		want, strict int
	}{
		{[]byte{0 << 3}, 480, 480},                          // SILK NB 10 ms
		{[]byte{1 << 3}, 960, 960},                          // SILK NB 20 ms
		{[]byte{3<<3 | 1}, 5760, 5760},                      // SILK 60 ms, two frames
		{[]byte{13 << 3}, 960, 960},                         // Hybrid 20 ms
		{[]byte{12<<3 | 2}, 960, 0},                         // Hybrid 10 ms, two frames, first length missing
		{[]byte{16 << 3}, 120, 120},                         // CELT 2.5 ms
		{[]byte{31 << 3}, 960, 960},                         // CELT 20 ms
		{[]byte{31<<3 | 3, 6}, 5760, 5760},                  // CELT 20 ms x 6
		{[]byte{31<<3 | 3, 7}, 0, 0},                        // 140 ms: too long
		{[]byte{31<<3 | 3, 0}, 0, 0},                        // no frames
		{[]byte{31<<3 | 3}, 0, 0},                           // count byte missing
		{nil, 0, 0},                                         // empty
		{[]byte{16<<3 | 3, 0x80 | 0x40 | 48}, 5760, 5760},   // VBR + padding flags, 48 x 2.5 ms
		{[]byte{0xF8, 0xFF, 0xFE}, 960, 960},                // CELT 20 ms
		{[]byte{0xFC, 0xFF, 0xFE}, 960, 960},                // CELT 20 ms stereo
		{[]byte{0x08 | 1, 0, 0}, 1920, 1920},                // SILK 20 ms, two equal frames
		{[]byte{0x08 | 1, 0}, 1920, 0},                      // two equal frames of an odd total
		{[]byte{0x18 | 3, 2}, 2 * 2880, 2 * 2880},           // SILK 60 ms, two frames (code 3)
		{[]byte{0x18 | 3, 3}, 0, 0},                         // 180 ms: more than 120 ms
		{[]byte{0x78 | 2, 0}, 1920, 1920},                   // hybrid 20 ms, two frames
		{[]byte{0x78 | 2, 252}, 1920, 0},                    // two-byte first length cut short
		{[]byte{0x80}, 120, 120},                            // CELT 2.5 ms
		{[]byte{0x83}, 0, 0},                                // code 3 without a count
		{[]byte{0xFF}, 0, 0},                                // code 3 without a count
		{[]byte{0x0B, 0x00}, 0, 0},                          // code 3, no frames
		{[]byte{0x0B, 0x03}, 2880, 2880},                    // SILK 20 ms x 3
		{[]byte{0x1B, 0x02}, 5760, 5760},                    // SILK 60 ms x 2
		{[]byte{0x1B, 0x03}, 0, 0},                          // 180 ms
		{[]byte{0x81}, 240, 240},                            // CELT 2.5 ms, two equal (empty) frames
		{[]byte{2<<3 | 3, 0x83, 0, 0, 0, 0, 0}, 5760, 5760}, // VBR, padding flag
		{[]byte{31<<3 | 2, 1, 9}, 1920, 1920},               // two frames
		{[]byte{31<<3 | 1, 1, 2}, 1920, 1920},               // two equal frames
	}
	for _, tt := range tests {
		if got := OpusSamples(tt.packet); got != tt.want {
			t.Errorf("OpusSamples(% x) = %d, want %d", tt.packet, got, tt.want)
		}
		if got := StrictOpusSamples(tt.packet); got != tt.strict {
			t.Errorf("StrictOpusSamples(% x) = %d, want %d", tt.packet, got, tt.strict)
		}
	}
}
