package ingest

import (
	"errors"

	"github.com/pion/rtp/codecs"
	"github.com/pion/rtp/codecs/av1/obu"
)

var (
	errNotStart = errors.New("first packet of the frame does not start it")
	errEmpty    = errors.New("no media after the payload descriptor")
	errKeyframe = errors.New("VP8 key frame without its start code")
)

// vpxFrame gathers the media of one VP8 or VP9 frame: the part of the two
// depacketizers that does not depend on the payload descriptor.
type vpxFrame struct {
	buf []byte
	n   int // packets in the frame
	key bool
}

func (f *vpxFrame) reset() { f.buf, f.n, f.key = f.buf[:0], 0, false }

// add appends the media of one packet, data and err being what its payload
// descriptor's Unmarshal returned; first, called for the frame's first
// packet only, checks that it starts the frame and tells whether the frame
// is a keyframe.
func (f *vpxFrame) add(data []byte, err error, first func(data []byte) (key bool, err error)) error {
	if err != nil {
		return err
	}
	if len(data) == 0 {
		return errEmpty
	}
	if f.n == 0 {
		if f.key, err = first(data); err != nil {
			return err
		}
	}
	f.n++
	f.buf = append(f.buf, data...)
	return nil
}

func (f *vpxFrame) finish() (frameInfo, error) {
	return frameInfo{media: f.n > 0, key: f.key, ready: true}, nil
}

func (f *vpxFrame) output(bool) ([][]byte, []byte) { return nil, f.buf }

// vp8Depacketizer reassembles VP8 frames (RFC 7741) with pion's VP8Packet.
type vp8Depacketizer struct {
	p codecs.VP8Packet
	vpxFrame
}

// startsFrame: S bit set on partition 0.
func (d *vp8Depacketizer) startsFrame(payload []byte) bool {
	return len(payload) > 0 && payload[0]&0x10 != 0 && payload[0]&0x07 == 0
}

func (d *vp8Depacketizer) push(payload []byte) error {
	data, err := d.p.Unmarshal(payload)
	return d.add(data, err, d.first)
}

// first checks the first packet of a frame.
func (d *vp8Depacketizer) first(data []byte) (bool, error) {
	if d.p.S != 1 || d.p.PID != 0 {
		return false, errNotStart
	}
	// The P bit of the VP8 payload header is 0 on key frames, which carry
	// the start code 9d 01 2a after the 3-byte frame tag.
	key := data[0]&0x01 == 0
	if key && (len(data) < 10 || data[3] != 0x9d || data[4] != 0x01 || data[5] != 0x2a) {
		return false, errKeyframe
	}
	return key, nil
}

// vp9Depacketizer reassembles VP9 frames (RFC 9628) with pion's VP9Packet.
// The frames of all spatial layers of a picture are concatenated as
// received (no superframe index is added).
type vp9Depacketizer struct {
	p codecs.VP9Packet
	vpxFrame
}

// startsFrame: B (beginning of a frame) bit set.
func (d *vp9Depacketizer) startsFrame(payload []byte) bool {
	return len(payload) > 0 && payload[0]&0x08 != 0
}

func (d *vp9Depacketizer) push(payload []byte) error {
	data, err := d.p.Unmarshal(payload)
	return d.add(data, err, d.first)
}

// first checks the first packet of a frame: key when not inter-picture
// predicted.
func (d *vp9Depacketizer) first([]byte) (bool, error) {
	if !d.p.B {
		return false, errNotStart
	}
	return !d.p.P, nil
}

// av1Depacketizer reassembles AV1 temporal units with pion's
// AV1Depacketizer (which allocates per packet; AV1 is best effort here).
type av1Depacketizer struct {
	p   codecs.AV1Depacketizer
	buf []byte
	n   int
}

func (d *av1Depacketizer) reset() {
	d.p = codecs.AV1Depacketizer{}
	d.buf, d.n = d.buf[:0], 0
}

// startsFrame: N (new coded video sequence) set, or no continued OBU and
// the first OBU is a temporal delimiter, sequence header, frame header or
// frame.
func (d *av1Depacketizer) startsFrame(payload []byte) bool {
	if len(payload) < 2 {
		return false
	}
	if payload[0]&0x08 != 0 {
		return true
	}
	if payload[0]&0x80 != 0 { // Z: continues an OBU of the previous packet
		return false
	}
	b := payload[1:]
	if payload[0]>>4&0x03 != 1 { // W != 1: the element has a length field
		_, n, err := obu.ReadLeb128(b)
		if err != nil || int(n) >= len(b) {
			return false
		}
		b = b[n:]
	}
	switch obu.Type(b[0] >> 3 & 0x0f) {
	case obu.OBUTemporalDelimiter, obu.OBUSequenceHeader, obu.OBUFrameHeader, obu.OBUFrame:
		return true
	}
	return false
}

func (d *av1Depacketizer) push(payload []byte) error {
	if d.n == 0 && len(payload) > 0 && payload[0]&0x80 != 0 {
		return errNotStart
	}
	data, err := d.p.Unmarshal(payload)
	if err != nil {
		return err
	}
	d.n++
	d.buf = append(d.buf, data...)
	return nil
}

// finish walks the OBUs (each with its size field, as pion writes them):
// a sequence header marks a keyframe.
func (d *av1Depacketizer) finish() (frameInfo, error) {
	info := frameInfo{ready: true}
	for b := d.buf; len(b) > 0; {
		hdr, err := obu.ParseOBUHeader(b)
		if err != nil || !hdr.HasSizeField {
			return info, errEmpty
		}
		size, n, err := obu.ReadLeb128(b[hdr.Size():])
		end := uint64(hdr.Size()) + uint64(n) + uint64(size)
		if err != nil || end > uint64(len(b)) {
			return info, errEmpty
		}
		switch hdr.Type {
		case obu.OBUSequenceHeader:
			info.key = true
		case obu.OBUFrame, obu.OBUFrameHeader, obu.OBUTileGroup:
			info.media = true
		}
		b = b[end:]
	}
	return info, nil
}

func (d *av1Depacketizer) output(bool) ([][]byte, []byte) { return nil, d.buf }
