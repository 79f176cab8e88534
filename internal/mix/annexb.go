package mix

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
// codes removed, trailing zero bytes dropped); they are sub-slices of b.
func splitAnnexB(dst [][]byte, b []byte) [][]byte {
	start := -1
	add := func(end int) {
		for end > start && b[end-1] == 0 {
			end--
		}
		if start >= 0 && end > start {
			dst = append(dst, b[start:end])
		}
	}
	for i := 0; i+2 < len(b); {
		switch {
		case b[i+2] > 1:
			i += 3
		case b[i] == 0 && b[i+1] == 0 && b[i+2] == 1:
			if start >= 0 {
				add(i)
			}
			i += 3
			start = i
		default:
			i++
		}
	}
	if start >= 0 {
		add(len(b))
	}
	return dst
}
