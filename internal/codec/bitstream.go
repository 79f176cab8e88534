//go:build cgo

package codec

// appendAnnexB appends the NAL units to b, each after a 4-byte start code.
func appendAnnexB(b []byte, nalus [][]byte) []byte {
	for _, n := range nalus {
		if len(n) > 0 {
			b = append(b, 0, 0, 0, 1)
			b = append(b, n...)
		}
	}
	return b
}

// splitAnnexB appends to dst the NAL units of the Annex B stream b (start
// codes of 3 or 4 bytes removed, trailing zero bytes dropped: a NAL unit
// never ends with one). The units are sub-slices of b.
func splitAnnexB(dst [][]byte, b []byte) [][]byte {
	start := -1
	flush := func(end int) {
		if start < 0 {
			return
		}
		for end > start && b[end-1] == 0 {
			end--
		}
		if end > start {
			dst = append(dst, b[start:end])
		}
	}
	for i := 0; i+2 < len(b); {
		if b[i+2] > 1 {
			i += 3
			continue
		}
		if b[i] == 0 && b[i+1] == 0 && b[i+2] == 1 {
			flush(i)
			i += 3
			start = i
			continue
		}
		i++
	}
	flush(len(b))
	return dst
}

// opusSamples returns the 48 kHz sample count of an Opus packet from its
// TOC byte (RFC 6716 §3.1), or 0 for a packet that breaks the framing rules
// checkable without decoding or lasts over 120 ms.
func opusSamples(p []byte) int {
	if len(p) == 0 {
		return 0
	}
	cfg := p[0] >> 3
	var frame int // in 1/400 s (2.5 ms = 120 samples)
	switch {
	case cfg < 12: // SILK: 10, 20, 40, 60 ms
		frame = [4]int{4, 8, 16, 24}[cfg&3]
	case cfg < 16: // Hybrid: 10, 20 ms
		frame = [2]int{4, 8}[cfg&1]
	default: // CELT: 2.5, 5, 10, 20 ms
		frame = [4]int{1, 2, 4, 8}[cfg&3]
	}
	frames := 1
	switch p[0] & 3 {
	case 1:
		if (len(p)-1)%2 != 0 {
			return 0
		}
		frames = 2
	case 2:
		if len(p) < 2 || p[1] >= 252 && len(p) < 3 {
			return 0
		}
		frames = 2
	case 3:
		if len(p) < 2 {
			return 0
		}
		frames = int(p[1] & 0x3f)
	}
	n := frames * frame * 120
	if n == 0 || n > 5760 {
		return 0
	}
	return n
}
