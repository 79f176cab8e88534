package mp4

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
)

// NAL unit types used here.
const (
	h264IDR, h264SPS, h264PPS, h264AUD = 5, 7, 8, 9
	h265VPS, h265SPS, h265PPS, h265AUD = 32, 33, 34, 35
)

var startCode = []byte{0, 0, 1}

// videoAU is what appendAVCC learned about an access unit.
type videoAU struct {
	key           bool   // IDR (H.264) or IRAP (H.265) picture
	vps, sps, pps []byte // the last parameter sets in it (slices of the input)
	nalus         int    // NAL units kept
}

// appendAVCC appends the NAL units of an Annex B access unit to dst, each
// with a 4-byte big-endian length instead of its start code; access unit
// delimiters and empty NAL units are dropped, everything else (SPS, PPS,
// SEI …) is kept in band.
func appendAVCC(dst, au []byte, c codec) ([]byte, videoAU) {
	var info videoAU
	i := bytes.Index(au, startCode)
	for i >= 0 {
		au = au[i+3:]
		end := bytes.Index(au, startCode)
		n := au
		if end >= 0 {
			n = au[:end]
		}
		i = end
		for len(n) > 0 && n[len(n)-1] == 0 {
			n = n[:len(n)-1] // trailing_zero_8bits, or the first byte of a 4-byte start code
		}
		if len(n) == 0 || !info.visit(c, n) {
			continue
		}
		dst = binary.BigEndian.AppendUint32(dst, uint32(len(n)))
		dst = append(dst, n...)
		info.nalus++
	}
	return dst, info
}

// visit notes a NAL unit's type and reports whether it is kept.
func (v *videoAU) visit(c codec, n []byte) bool {
	if c == codecH264 {
		switch n[0] & 0x1F {
		case h264AUD:
			return false
		case h264IDR:
			v.key = true
		case h264SPS:
			v.sps = n
		case h264PPS:
			v.pps = n
		}
		return true
	}
	if len(n) < 2 {
		return true
	}
	switch t := n[0] >> 1 & 0x3F; {
	case t == h265AUD:
		return false
	case t >= 16 && t <= 21:
		v.key = true
	case t == h265VPS:
		v.vps = n
	case t == h265SPS:
		v.sps = n
	case t == h265PPS:
		v.pps = n
	}
	return true
}

// aacRates are the sampling frequencies of the ADTS sampling_frequency_index.
var aacRates = [13]int{96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350}

// adtsHeader is the part of an ADTS header that configures the track.
type adtsHeader struct {
	objType, rateIndex, chanCfg byte
	headerLen, frameLen         int
}

// parseADTS parses the ADTS header at the start of b.
func parseADTS(b []byte) (adtsHeader, error) {
	if len(b) < 7 || b[0] != 0xFF || b[1]&0xF6 != 0xF0 {
		return adtsHeader{}, errors.New("no ADTS sync word")
	}
	h := adtsHeader{
		objType:   b[2]>>6 + 1,
		rateIndex: b[2] >> 2 & 0x0F,
		chanCfg:   b[2]&1<<2 | b[3]>>6,
		headerLen: 7,
		frameLen:  int(b[3]&3)<<11 | int(b[4])<<3 | int(b[5]>>5),
	}
	if b[1]&1 == 0 {
		h.headerLen = 9 // with CRC
	}
	switch {
	case int(h.rateIndex) >= len(aacRates):
		return h, fmt.Errorf("ADTS sampling frequency index %d", h.rateIndex)
	case h.chanCfg == 0:
		return h, errors.New("ADTS channel configuration 0 (program config element) is not supported")
	case b[6]&3 != 0:
		return h, errors.New("ADTS frames with several raw data blocks are not supported")
	case h.frameLen <= h.headerLen || h.frameLen > len(b):
		return h, fmt.Errorf("ADTS frame length %d out of range", h.frameLen)
	}
	return h, nil
}

// channels returns the channel count of the channel configuration.
func (h adtsHeader) channels() int {
	if h.chanCfg == 7 {
		return 8
	}
	return int(h.chanCfg)
}

// audioSpecificConfig returns the 2-byte MPEG-4 AudioSpecificConfig of the
// header's stream.
func (h adtsHeader) audioSpecificConfig() []byte {
	v := uint16(h.objType)<<11 | uint16(h.rateIndex)<<7 | uint16(h.chanCfg)<<3
	return []byte{byte(v >> 8), byte(v)}
}

// parseOpusAU splits the first opus_access_unit (control header + packet,
// ETSI TS 102 366 annex / the Opus-in-TS draft) off b.
func parseOpusAU(b []byte) (packet, rest []byte, err error) {
	if len(b) < 3 || b[0] != 0x7F || b[1]&0xE0 != 0xE0 {
		return nil, nil, errors.New("no Opus control header")
	}
	flags := b[1]
	i, size := 2, 0
	for {
		if i >= len(b) {
			return nil, nil, errors.New("control header of an Opus packet cut short")
		}
		size += int(b[i])
		i++
		if b[i-1] != 0xFF {
			break
		}
	}
	if flags&0x10 != 0 {
		i += 2 // start_trim
	}
	if flags&0x08 != 0 {
		i += 2 // end_trim
	}
	if flags&0x04 != 0 {
		if i >= len(b) {
			return nil, nil, errors.New("control extension of an Opus packet cut short")
		}
		i += 1 + int(b[i])
	}
	if i+size > len(b) || size == 0 {
		return nil, nil, fmt.Errorf("an Opus packet of %d bytes does not fit its PES", size)
	}
	return b[i : i+size], b[i+size:], nil
}

// opusSamples returns the duration of an Opus packet in 48 kHz samples
// from its TOC byte and frame count (RFC 6716 §3.1), or 0 when malformed.
func opusSamples(p []byte) int {
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
	if d := frame * count; d > 0 && d <= 5760 {
		return d
	}
	return 0
}
