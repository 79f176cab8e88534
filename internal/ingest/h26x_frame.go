package ingest

// Frame-level H.264/H.265 rules: where an access unit starts, which units
// are pictures, keyframes and parameter sets.

// startsFrame reports whether payload's first NAL unit begins an access
// unit: an AUD, parameter set or SEI, or the first slice of a picture
// (first_mb_in_slice == 0 / first_slice_segment_in_pic_flag).
func (h *h26x) startsFrame(payload []byte) bool {
	hl := h.headerLen()
	if len(payload) < hl+1 {
		return false
	}
	typ := h.naluType(payload)
	switch {
	case !h.hevc && typ == 24, h.hevc && typ == 48: // first aggregated unit
		if len(payload) < hl+2+hl+1 {
			return false
		}
		u := payload[hl+2:]
		return h.beginsAU(h.naluType(u), u[hl])
	case !h.hevc && typ == 28, h.hevc && typ == 49: // starting fragment
		fu := payload[hl]
		if fu&0x80 == 0 || len(payload) < hl+2 {
			return false
		}
		if h.hevc {
			return h.beginsAU(fu&0x3f, payload[hl+1])
		}
		return h.beginsAU(fu&0x1f, payload[hl+1])
	}
	return h.beginsAU(typ, payload[hl])
}

// beginsAU reports whether a NAL unit of type typ whose first byte after
// the header is next starts an access unit.
func (h *h26x) beginsAU(typ, next byte) bool {
	if h.hevc {
		switch {
		case typ <= 31:
			return next&0x80 != 0 // first_slice_segment_in_pic_flag
		case typ >= 32 && typ <= 35, typ == 39, typ >= 41 && typ <= 44:
			return true // VPS, SPS, PPS, AUD, prefix SEI, reserved prefix types
		}
		return false
	}
	switch {
	case typ >= 1 && typ <= 5:
		return next&0x80 != 0 // ue(v) first_mb_in_slice == 0 is the single bit 1
	case typ >= 6 && typ <= 9, typ >= 14 && typ <= 18:
		return true // SEI, SPS, PPS, AUD, prefix and reserved types
	}
	return false
}

// classify returns whether a NAL unit type is a picture, a keyframe
// picture, and which parameter set it is (psNone if none).
func (h *h26x) classify(typ uint8) (vcl, key bool, ps int) {
	if h.hevc {
		switch {
		case typ <= 31:
			return true, typ >= 16 && typ <= 21, psNone
		case typ >= 32 && typ <= 34:
			return false, false, int(typ - 32)
		}
		return false, false, psNone
	}
	switch typ {
	case 1, 2, 3, 4:
		return true, false, psNone
	case 5:
		return true, true, psNone
	case 7:
		return false, false, psSPS
	case 8:
		return false, false, psPPS
	}
	return false, false, psNone
}

// finish checks the frame is whole, caches its parameter sets and reports
// whether it is a picture, a keyframe, and decodable with the sets known.
func (h *h26x) finish() (frameInfo, error) {
	if h.fuOpen {
		return frameInfo{}, errUnfinished
	}
	var info frameInfo
	h.present = [3]bool{}
	for _, s := range h.nalus {
		n := h.buf[s.off : s.off+s.n]
		vcl, key, ps := h.classify(h.naluType(n))
		info.media = info.media || vcl
		info.key = info.key || key
		if ps != psNone {
			h.present[ps] = true
			h.params[ps] = append(h.params[ps][:0], n...)
			h.have[ps] = true
		}
	}
	info.ready = h.have[psSPS] && h.have[psPPS] && (!h.hevc || h.have[psVPS])
	return info, nil
}

// output lists the frame's NAL units; a keyframe that lacks
// parameter sets gets the cached ones first (after a leading AUD).
func (h *h26x) output(key bool) ([][]byte, []byte) {
	h.out = h.out[:0]
	i := 0
	if len(h.nalus) > 0 {
		n := h.buf[h.nalus[0].off : h.nalus[0].off+h.nalus[0].n]
		if typ := h.naluType(n); !h.hevc && typ == 9 || h.hevc && typ == 35 {
			h.out = append(h.out, n)
			i = 1
		}
	}
	if key {
		for ps := psVPS; ps <= psPPS; ps++ {
			if h.have[ps] && !h.present[ps] {
				h.out = append(h.out, h.params[ps])
			}
		}
	}
	for _, s := range h.nalus[i:] {
		h.out = append(h.out, h.buf[s.off:s.off+s.n:s.off+s.n])
	}
	return h.out, nil
}
