package mp4

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/roomrec/roomrec/internal/bitstream"
	"github.com/roomrec/roomrec/internal/mpegts"
)

// NAL unit types used here.
const (
	h264IDR, h264SPS, h264PPS, h264AUD = 5, 7, 8, 9
	h265VPS, h265SPS, h265PPS, h265AUD = 32, 33, 34, 35
)

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
func appendAVCC(dst, au []byte, c mpegts.Codec) ([]byte, videoAU) {
	var info videoAU
	for n, rest, ok := bitstream.CutAnnexB(au); ok; n, rest, ok = bitstream.CutAnnexB(rest) {
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
func (v *videoAU) visit(c mpegts.Codec, n []byte) bool {
	if c == mpegts.H264 {
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
