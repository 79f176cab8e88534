package ingest

import (
	"encoding/binary"
	"errors"
)

// Errors of payload parsing. They only reach the Malformed counter.
var (
	errShort       = errors.New("payload too short")
	errNALUType    = errors.New("unsupported NAL unit or packet type")
	errAggregation = errors.New("aggregation unit runs past the payload")
	errFragment    = errors.New("fragmentation unit out of order")
	errUnfinished  = errors.New("frame ends inside a fragmented NAL unit")
)

// Indexes of the parameter-set cache.
const (
	psVPS = iota
	psSPS
	psPPS
	psNone = -1
)

// span locates one NAL unit in h26x.buf.
type span struct{ off, n int }

// h26x reassembles H.264 (RFC 6184, packetization modes 0 and 1) and H.265
// (RFC 7798, without DONL) access units into NAL units. The payload formats
// are parsed here rather than with pion's H264Packet/H265Depacketizer, which
// allocate for every packet, emit Annex B that would have to be split again,
// and accept fragment sequences this package must reject (an FU without its
// start, a new start inside an open FU).
type h26x struct {
	hevc    bool
	buf     []byte // NAL units of the frame, back to back
	nalus   []span
	fuOpen  bool // a fragmented NAL unit is being reassembled
	fuStart int
	fuType  uint8
	present [3]bool   // parameter sets carried by this frame
	params  [3][]byte // latest parameter sets seen (VPS, SPS, PPS)
	have    [3]bool
	out     [][]byte
}

func (h *h26x) reset() {
	h.buf, h.nalus, h.fuOpen = h.buf[:0], h.nalus[:0], false
}

// naluType returns the NAL unit type of the unit starting at b (len >= 2
// for H.265, >= 1 for H.264).
func (h *h26x) naluType(b []byte) uint8 {
	if h.hevc {
		return b[0] >> 1 & 0x3f
	}
	return b[0] & 0x1f
}

func (h *h26x) headerLen() int {
	if h.hevc {
		return 2
	}
	return 1
}

func (h *h26x) push(payload []byte) error {
	if len(payload) < h.headerLen() {
		return errShort
	}
	typ := h.naluType(payload)
	switch {
	case !h.hevc && typ >= 1 && typ <= 23, h.hevc && typ <= 47:
		return h.addNALU(payload)
	case !h.hevc && typ == 24, h.hevc && typ == 48:
		return h.aggregation(payload[h.headerLen():])
	case !h.hevc && typ == 28:
		if len(payload) < 2 {
			return errShort
		}
		hdr := [2]byte{payload[0]&0xe0 | payload[1]&0x1f}
		return h.fragment(payload[1], hdr[:1], payload[2:])
	case h.hevc && typ == 49:
		if len(payload) < 3 {
			return errShort
		}
		hdr := [2]byte{payload[0]&0x81 | (payload[2]&0x3f)<<1, payload[1]}
		return h.fragment(payload[2], hdr[:], payload[3:])
	}
	return errNALUType
}

// addNALU appends one complete NAL unit.
func (h *h26x) addNALU(n []byte) error {
	if h.fuOpen {
		return errFragment
	}
	if len(n) < h.headerLen() {
		return errShort
	}
	h.nalus = append(h.nalus, span{len(h.buf), len(n)})
	h.buf = append(h.buf, n...)
	return nil
}

// aggregation appends the units of a STAP-A / AP body: 16-bit size, unit.
func (h *h26x) aggregation(b []byte) error {
	if len(b) == 0 {
		return errShort
	}
	for len(b) > 0 {
		if len(b) < 2 {
			return errAggregation
		}
		n := int(binary.BigEndian.Uint16(b))
		b = b[2:]
		if n == 0 || n > len(b) {
			return errAggregation
		}
		typ := h.naluType(b)
		if !h.hevc && (typ == 0 || typ > 23) || h.hevc && typ > 47 {
			return errNALUType
		}
		if err := h.addNALU(b[:n]); err != nil {
			return err
		}
		b = b[n:]
	}
	return nil
}

// fragment handles one FU-A / FU: fu is the FU header (S, E, type), hdr the
// reconstructed NAL unit header, data the fragment.
func (h *h26x) fragment(fu byte, hdr, data []byte) error {
	start, end := fu&0x80 != 0, fu&0x40 != 0
	typ := fu & 0x1f
	if h.hevc {
		typ = fu & 0x3f
	}
	if !h.hevc && (typ == 0 || typ > 23) || h.hevc && typ > 47 {
		return errNALUType
	}
	switch {
	case start && end:
		return errFragment
	case start:
		if h.fuOpen {
			return errFragment
		}
		h.fuOpen, h.fuStart, h.fuType = true, len(h.buf), typ
		h.buf = append(h.buf, hdr...)
	case !h.fuOpen || typ != h.fuType:
		return errFragment
	}
	h.buf = append(h.buf, data...)
	if end {
		h.fuOpen = false
		h.nalus = append(h.nalus, span{h.fuStart, len(h.buf) - h.fuStart})
	}
	return nil
}
