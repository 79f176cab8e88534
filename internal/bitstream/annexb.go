package bitstream

import "bytes"

// startCode is the 3-byte Annex B start code; a 4-byte one is a zero byte
// followed by it.
var startCode = []byte{0, 0, 1}

// CutAnnexB returns the first NAL unit of the Annex B stream b: the bytes
// after its first start code up to the next one (or the end), trailing
// zero bytes removed (trailing_zero_8bits, or the first byte of a 4-byte
// start code), so it may be empty; and rest, b from the next start code on
// (nil at the end). ok is false when b holds no start code. Bytes before
// the first start code are skipped. nalu and rest are sub-slices of b.
func CutAnnexB(b []byte) (nalu, rest []byte, ok bool) {
	i := bytes.Index(b, startCode)
	if i < 0 {
		return nil, nil, false
	}
	nalu = b[i+3:]
	if end := bytes.Index(nalu, startCode); end >= 0 {
		nalu, rest = nalu[:end], nalu[end:]
	}
	for len(nalu) > 0 && nalu[len(nalu)-1] == 0 {
		nalu = nalu[:len(nalu)-1]
	}
	return nalu, rest, true
}

// SplitAnnexB appends to dst the non-empty NAL units of the Annex B stream
// b (see CutAnnexB) and returns it. The units are sub-slices of b.
func SplitAnnexB(dst [][]byte, b []byte) [][]byte {
	for n, rest, ok := CutAnnexB(b); ok; n, rest, ok = CutAnnexB(rest) {
		if len(n) > 0 {
			dst = append(dst, n)
		}
	}
	return dst
}

// AppendAnnexB appends the non-empty NAL units to b, each after a 4-byte
// start code, and returns it.
func AppendAnnexB(b []byte, nalus [][]byte) []byte {
	for _, n := range nalus {
		if len(n) > 0 {
			b = append(b, 0, 0, 0, 1)
			b = append(b, n...)
		}
	}
	return b
}
