package bitstream

// maxOpusSamples is the longest an Opus packet may last: 120 ms at 48 kHz.
const maxOpusSamples = 5760

// OpusSamples returns the length of the Opus packet p in 48 kHz samples,
// from its TOC byte and frame count (RFC 6716 §3.1), or 0 when p is empty,
// its frame count is missing or 0, or it lasts over 120 ms.
func OpusSamples(p []byte) int {
	if len(p) == 0 {
		return 0
	}
	cfg := p[0] >> 3
	var frame int
	switch {
	case cfg < 12: // SILK: 10, 20, 40, 60 ms
		frame = [4]int{480, 960, 1920, 2880}[cfg&3]
	case cfg < 16: // Hybrid: 10, 20 ms
		frame = [2]int{480, 960}[cfg&1]
	default: // CELT: 2.5, 5, 10, 20 ms
		frame = [4]int{120, 240, 480, 960}[cfg&3]
	}
	count := 1
	switch p[0] & 3 {
	case 1, 2:
		count = 2
	case 3:
		if len(p) < 2 {
			return 0
		}
		count = int(p[1] & 0x3F)
	}
	if d := frame * count; d > 0 && d <= maxOpusSamples {
		return d
	}
	return 0
}

// StrictOpusSamples is OpusSamples for a packet that also keeps the
// framing rules checkable without decoding (RFC 6716 §3.4, in part: two
// equal frames need an even payload, a coded first frame length must be
// there); it returns 0 for a packet that breaks them.
func StrictOpusSamples(p []byte) int {
	if len(p) == 0 {
		return 0
	}
	switch p[0] & 3 {
	case 1: // two frames of equal size
		if (len(p)-1)%2 != 0 {
			return 0
		}
	case 2: // two frames, the first one's size coded in 1 or 2 bytes
		if len(p) < 2 || p[1] >= 252 && len(p) < 3 {
			return 0
		}
	}
	return OpusSamples(p)
}
