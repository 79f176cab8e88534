package merge

import (
	"errors"
	"fmt"
	"io"
)

// The MPEG-TS reading the tool needs of its own: the stream layout (PAT,
// PMT) and the PES packets with their timestamps, to measure a segment
// (probe.go), to decode it for re-encoding (reencode.go) and to move its
// timestamps (retime.go). The remux itself is package mp4's.
const (
	tsPacketSize = 188
	tsSync       = 0x47
	tsWrap       = int64(1) << 33
	tsMask       = tsWrap - 1
	maxPESBytes  = 32 << 20 // a larger PES packet is dropped as damaged
)

// errNotTS is the cause of a file that is not MPEG-TS.
var errNotTS = errors.New("not MPEG-TS")

// esCodec is an elementary stream's codec; a closed set.
type esCodec uint8

const (
	esNone esCodec = iota
	esH264
	esH265
	esAAC
	esOpus
)

// String returns the codec's name.
func (c esCodec) String() string {
	return [...]string{"none", "H.264", "H.265", "AAC", "Opus"}[min(int(c), 4)]
}

// isVideo reports whether c is a video codec.
func (c esCodec) isVideo() bool { return c == esH264 || c == esH265 }

// esInfo is one elementary stream of the PMT and the PES being gathered.
type esInfo struct {
	pid      uint16
	codec    esCodec
	channels int // Opus: channel count of the DVB extension descriptor (0: not given)
	buf      []byte
	spare    []byte // the buffer of the PES packet handed out last
	open     bool
	broken   bool
	want     int
	cc       int8
}

// pesPacket is one complete PES packet; data is valid until the next call
// of the demuxer.
type pesPacket struct {
	es       *esInfo
	pts, dts int64 // 33-bit, 90 kHz; dts == pts without a DTS field
	data     []byte
}

// demux reads the PES packets of the video and audio streams of one TS
// file. Damaged packets go to glitch and are skipped; only a file that is
// not MPEG-TS (no sync byte, no PAT/PMT) or cannot be read fails.
type demux struct {
	r       io.Reader
	buf     []byte
	pos     int
	end     int
	offset  int64
	eof     bool
	pmtPID  int
	havePMT bool
	streams []*esInfo
	done    []pesPacket
	glitch  func(error)
}

// newDemux returns a demuxer of r; glitch (not nil) receives damage reports.
func newDemux(r io.Reader, glitch func(error)) *demux {
	return &demux{r: r, buf: make([]byte, tsPacketSize*512), pmtPID: -1, glitch: glitch}
}

// next returns the next PES packet, io.EOF after the last one, or an error
// wrapping errNotTS or the reader's error.
func (d *demux) next() (pesPacket, error) {
	for len(d.done) == 0 {
		p, err := d.packet()
		if errors.Is(err, io.EOF) {
			if !d.havePMT {
				return pesPacket{}, fmt.Errorf("%w: no program map table in %d bytes", errNotTS, d.offset)
			}
			for _, es := range d.streams {
				d.complete(es)
			}
			if len(d.done) == 0 {
				return pesPacket{}, io.EOF
			}
			break
		}
		if err != nil {
			return pesPacket{}, err
		}
		if err := d.handle(p); err != nil {
			return pesPacket{}, err
		}
	}
	p := d.done[0]
	d.done = d.done[:copy(d.done, d.done[1:])]
	return p, nil
}

// packet returns the next 188-byte packet.
func (d *demux) packet() ([]byte, error) {
	if d.end-d.pos < tsPacketSize {
		if err := d.fill(); err != nil {
			return nil, err
		}
	}
	p := d.buf[d.pos : d.pos+tsPacketSize]
	if p[0] != tsSync {
		return nil, fmt.Errorf("%w: no sync byte at offset %d", errNotTS, d.offset+int64(d.pos))
	}
	d.pos += tsPacketSize
	return p, nil
}

// fill reads until a whole packet is buffered, or returns io.EOF.
func (d *demux) fill() error {
	rest := copy(d.buf, d.buf[d.pos:d.end])
	d.offset += int64(d.pos)
	d.pos, d.end = 0, rest
	for empty := 0; d.end < tsPacketSize; {
		if d.eof {
			if d.end > 0 {
				d.glitch(fmt.Errorf("the file ends inside a TS packet (%d bytes)", d.end))
				d.offset += int64(d.end)
				d.end = 0
			}
			return io.EOF
		}
		n, err := d.r.Read(d.buf[d.end:])
		d.end += n
		switch {
		case errors.Is(err, io.EOF):
			d.eof = true
		case err != nil:
			return err
		case n == 0:
			if empty++; empty >= 100 {
				return io.ErrNoProgress
			}
		}
	}
	return nil
}

// tsPayload returns a packet's PID, payload_unit_start_indicator and
// payload (nil when it has none).
func tsPayload(p []byte) (pid uint16, pusi bool, payload []byte) {
	pid = uint16(p[1]&0x1F)<<8 | uint16(p[2])
	pusi = p[1]&0x40 != 0
	afc := p[3] >> 4 & 3
	off := 4
	if afc&2 != 0 {
		off += 1 + int(p[4])
	}
	if afc&1 == 0 || off >= tsPacketSize {
		return pid, pusi, nil
	}
	return pid, pusi, p[off:]
}

// handle processes one packet.
func (d *demux) handle(p []byte) error {
	if p[1]&0x80 != 0 {
		d.glitch(errors.New("TS packet with the transport error indicator"))
		return nil
	}
	pid, pusi, payload := tsPayload(p)
	if payload == nil {
		return nil
	}
	switch {
	case pid == 0:
		if pusi && d.pmtPID < 0 {
			d.pmtPID = parsePAT(payload)
		}
	case int(pid) == d.pmtPID:
		if pusi && !d.havePMT {
			streams, err := parsePMT(payload)
			if err != nil {
				return fmt.Errorf("%w: %w", errNotTS, err)
			}
			d.streams, d.havePMT = streams, true
		}
	default:
		for _, es := range d.streams {
			if es.pid == pid {
				d.payload(es, pusi, int8(p[3]&0x0F), payload)
				break
			}
		}
	}
	return nil
}

// payload adds a packet's payload to its stream's PES packet.
func (d *demux) payload(es *esInfo, pusi bool, cc int8, b []byte) {
	if es.cc >= 0 && cc != (es.cc+1)&0x0F && cc != es.cc && es.open && !es.broken {
		d.glitch(fmt.Errorf("lost TS packets of PID %d", es.pid))
		es.broken = true
	}
	es.cc = cc
	switch {
	case pusi:
		d.complete(es)
		es.open, es.broken, es.want = true, false, 0
		es.buf = append(es.buf[:0], b...)
	case es.open && !es.broken:
		if len(es.buf)+len(b) > maxPESBytes {
			d.glitch(fmt.Errorf("a PES packet of PID %d is larger than %d bytes", es.pid, maxPESBytes))
			es.broken = true
			return
		}
		es.buf = append(es.buf, b...)
	}
	if es.open && es.want == 0 && len(es.buf) >= 6 {
		if n := int(es.buf[4])<<8 | int(es.buf[5]); n > 0 {
			es.want = 6 + n
		}
	}
	if es.open && es.want > 0 && len(es.buf) >= es.want {
		d.complete(es)
	}
}

// complete ends the stream's open PES packet and queues it if it is sound.
func (d *demux) complete(es *esInfo) {
	if !es.open {
		return
	}
	es.open = false
	if es.broken {
		return
	}
	b := es.buf
	if es.want > 0 && len(b) > es.want {
		b = b[:es.want]
	}
	p, err := parsePES(b)
	if err != nil {
		d.glitch(fmt.Errorf("PID %d: %w", es.pid, err))
		return
	}
	if len(p.data) > 0 {
		p.es = es
		// The buffer is handed out: the stream gathers its next packet in
		// the other one, so p.data stays valid until it is returned.
		d.done = append(d.done, p)
		es.buf, es.spare = es.spare[:0], es.buf
	}
}

// parsePES parses a PES packet's header.
func parsePES(b []byte) (pesPacket, error) {
	if len(b) < 9 || b[0] != 0 || b[1] != 0 || b[2] != 1 {
		return pesPacket{}, errors.New("bad PES start code or header")
	}
	flags, hl := b[7]>>6, int(b[8])
	switch {
	case 9+hl > len(b):
		return pesPacket{}, errors.New("PES header longer than the packet")
	case flags&2 == 0 || hl < 5:
		return pesPacket{}, errors.New("PES packet without a PTS")
	case flags == 3 && hl < 10:
		return pesPacket{}, errors.New("PES header too short for its DTS")
	}
	p := pesPacket{pts: readTimestamp(b[9:14]), data: b[9+hl:]}
	p.dts = p.pts
	if flags == 3 {
		p.dts = readTimestamp(b[14:19])
	}
	return p, nil
}

// readTimestamp decodes a 5-byte PES PTS or DTS.
func readTimestamp(b []byte) int64 {
	return int64(b[0]>>1&7)<<30 | int64(b[1])<<22 | int64(b[2]>>1)<<15 | int64(b[3])<<7 | int64(b[4]>>1)
}

// writeTimestamp re-encodes the 5-byte PES timestamp at b with value ts,
// keeping its 4-bit prefix.
func writeTimestamp(b []byte, ts int64) {
	ts &= tsMask
	b[0] = b[0]&0xF0 | byte(ts>>29)&0x0E | 1
	b[1] = byte(ts >> 22)
	b[2] = byte(ts>>14) | 1
	b[3] = byte(ts >> 7)
	b[4] = byte(ts<<1) | 1
}

// wrapDelta returns a - b for 33-bit timestamps, in (-2^32, 2^32].
func wrapDelta(a, b int64) int64 {
	d := (a - b) & tsMask
	if d > tsWrap/2 {
		d -= tsWrap
	}
	return d
}

// sectionBody returns a PSI section's body after the pointer field, up to
// its CRC, checking the table id.
func sectionBody(payload []byte, table byte) ([]byte, bool) {
	if len(payload) < 1 || 1+int(payload[0]) >= len(payload) {
		return nil, false
	}
	s := payload[1+int(payload[0]):]
	if len(s) < 12 || s[0] != table {
		return nil, false
	}
	n := int(s[1]&0x0F)<<8 | int(s[2])
	if n < 9 || 3+n > len(s) {
		return nil, false
	}
	return s[8 : 3+n-4], true
}

// parsePAT returns the PID of the first program's PMT, or -1.
func parsePAT(payload []byte) int {
	body, ok := sectionBody(payload, 0x00)
	if !ok {
		return -1
	}
	for ; len(body) >= 4; body = body[4:] {
		if body[0] != 0 || body[1] != 0 { // program 0 is the network PID
			return int(body[2]&0x1F)<<8 | int(body[3])
		}
	}
	return -1
}

// parsePMT returns the first video and the first audio stream of a PMT.
func parsePMT(payload []byte) ([]*esInfo, error) {
	body, ok := sectionBody(payload, 0x02)
	if !ok || len(body) < 4 {
		return nil, errors.New("malformed program map table")
	}
	info := int(body[2]&0x0F)<<8 | int(body[3])
	if 4+info > len(body) {
		return nil, errors.New("malformed program map table")
	}
	var out []*esInfo
	var haveVideo, haveAudio bool
	for b := body[4+info:]; len(b) >= 5; {
		typ, pid := b[0], uint16(b[1]&0x1F)<<8|uint16(b[2])
		n := int(b[3]&0x0F)<<8 | int(b[4])
		if 5+n > len(b) {
			return nil, errors.New("malformed program map table")
		}
		es := &esInfo{pid: pid, cc: -1}
		es.codec, es.channels = streamCodec(typ, b[5:5+n])
		b = b[5+n:]
		switch {
		case es.codec.isVideo() && !haveVideo:
			haveVideo = true
		case es.codec != esNone && !es.codec.isVideo() && !haveAudio:
			haveAudio = true
		default:
			continue
		}
		out = append(out, es)
	}
	if len(out) == 0 {
		return nil, errors.New("no H.264, H.265, AAC or Opus stream in the program map table")
	}
	return out, nil
}

// streamCodec maps a PMT stream type and its descriptors to a codec (and
// the Opus channel count).
func streamCodec(typ byte, desc []byte) (esCodec, int) {
	switch typ {
	case 0x1B:
		return esH264, 0
	case 0x24:
		return esH265, 0
	case 0x0F:
		return esAAC, 0
	case 0x06:
	default:
		return esNone, 0
	}
	opus, channels := false, 0
	for len(desc) >= 2 && 2+int(desc[1]) <= len(desc) {
		tag, d := desc[0], desc[2:2+int(desc[1])]
		switch {
		case tag == 0x05 && string(d) == "Opus":
			opus = true
		case tag == 0x7F && len(d) >= 2 && d[0] == 0x80:
			channels = int(d[1])
		}
		desc = desc[2+len(d):]
	}
	if !opus {
		return esNone, 0
	}
	return esOpus, channels
}
