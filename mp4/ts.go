package mp4

import (
	"errors"
	"fmt"
	"io"
)

// The MPEG-TS reader is the package's own: see doc.go for why.
const (
	tsPacketSize = 188
	tsSync       = 0x47
	tsReadSize   = tsPacketSize * 1024 // bytes asked of the source per read
	maxPESBytes  = 32 << 20            // a larger PES (one access unit) is dropped
)

// errNotTS is the cause of a segment that is not MPEG-TS.
var errNotTS = errors.New("not MPEG-TS")

// codec is a codec the reader keeps; the set is closed.
type codec uint8

const (
	codecNone codec = iota
	codecH264
	codecH265
	codecAAC
	codecOpus
)

// String returns the codec's name.
func (c codec) String() string {
	return [...]string{"none", "H.264", "H.265", "AAC", "Opus"}[min(int(c), 4)]
}

// isVideo reports whether c is a video codec.
func (c codec) isVideo() bool { return c == codecH264 || c == codecH265 }

// elemStream is one elementary stream of the PMT and the PES being gathered.
type elemStream struct {
	pid      uint16
	codec    codec
	channels int    // Opus: from the DVB extension descriptor (0 = not given)
	buf      []byte // the PES being gathered
	spare    []byte // the buffer of the PES handed out last
	cc       int8   // last continuity counter, -1 before the first packet
	open     bool   // a PES is being gathered
	broken   bool   // packets of it were lost: it is dropped when complete
	want     int    // its size from PES_packet_length, 0 when unbounded
}

// pes is a complete PES packet. data is valid until the reader's next call.
type pes struct {
	es       *elemStream
	pts, dts int64 // 33-bit, 90 kHz
	data     []byte
}

// tsReader reads the PES packets of the audio and video streams of one
// MPEG-TS file. Damaged packets are reported to glitch and skipped; only a
// file that is not MPEG-TS, has no usable PMT or cannot be read fails.
type tsReader struct {
	r         io.Reader
	buf       []byte
	pos, end  int
	offset    int64 // file offset of buf[0]
	eof       bool
	cutShort  bool  // the file ends inside a packet: its open PES packets are cut short
	pmtPID    int   // -1 until the PAT was read
	first     int64 // DTS of the file's first PES packet (in file order)
	haveFirst bool
	havePMT   bool
	streams   []*elemStream // at most one video and one audio stream
	done      []pes         // complete PES packets not yet returned
	glitch    func(error)
}

// newTSReader returns a reader of r; buf, when large enough, is reused as
// the read buffer.
func newTSReader(r io.Reader, buf []byte, glitch func(error)) *tsReader {
	if cap(buf) < tsReadSize {
		buf = make([]byte, tsReadSize)
	}
	return &tsReader{r: r, buf: buf[:tsReadSize], pmtPID: -1, glitch: glitch}
}

// next returns the next complete PES packet, io.EOF after the last one, or
// an error wrapping errNotTS (not MPEG-TS, no PMT) or the source's error.
func (t *tsReader) next() (pes, error) {
	for len(t.done) == 0 {
		p, err := t.packet()
		if errors.Is(err, io.EOF) {
			return t.finish()
		}
		if err != nil {
			return pes{}, err
		}
		if err := t.handle(p); err != nil {
			return pes{}, err
		}
	}
	p := t.done[0]
	t.done = t.done[:copy(t.done, t.done[1:])]
	return p, nil
}

// finish completes the open PES packets at the end of the file.
func (t *tsReader) finish() (pes, error) {
	if !t.havePMT {
		return pes{}, fmt.Errorf("%w: no program map table (PAT/PMT) in %d bytes", errNotTS, t.offset+int64(t.end))
	}
	for _, es := range t.streams {
		if t.cutShort {
			es.open = false
		}
		t.complete(es)
	}
	if len(t.done) == 0 {
		return pes{}, io.EOF
	}
	p := t.done[0]
	t.done = t.done[:copy(t.done, t.done[1:])]
	return p, nil
}

// packet returns the next 188-byte packet; a partial packet at the end of
// the file is reported and dropped.
func (t *tsReader) packet() ([]byte, error) {
	if t.end-t.pos < tsPacketSize {
		if err := t.fill(); err != nil {
			return nil, err
		}
	}
	p := t.buf[t.pos : t.pos+tsPacketSize]
	if p[0] != tsSync {
		return nil, fmt.Errorf("%w: no sync byte at offset %d", errNotTS, t.offset+int64(t.pos))
	}
	t.pos += tsPacketSize
	return p, nil
}

// fill moves the unread bytes to the front and reads until a whole packet
// is there.
func (t *tsReader) fill() error {
	rest := copy(t.buf, t.buf[t.pos:t.end])
	t.offset += int64(t.pos)
	t.pos, t.end = 0, rest
	for empty := 0; t.end < tsPacketSize; {
		if t.eof {
			if t.end > 0 {
				t.glitch(fmt.Errorf("%w: the file ends inside a TS packet (%d bytes); the PES packets it cuts short are dropped", ErrDamaged, t.end))
				t.offset += int64(t.end)
				t.end, t.cutShort = 0, true
			}
			return io.EOF
		}
		n, err := t.r.Read(t.buf[t.end:])
		t.end += n
		switch {
		case errors.Is(err, io.EOF):
			t.eof = true
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

// handle processes one packet.
func (t *tsReader) handle(p []byte) error {
	if p[1]&0x80 != 0 {
		t.glitch(fmt.Errorf("%w: TS packet with the transport error indicator", ErrDamaged))
		return nil
	}
	pid := uint16(p[1]&0x1F)<<8 | uint16(p[2])
	pusi := p[1]&0x40 != 0
	afc := p[3] >> 4 & 3
	off, reset := 4, false
	if afc&2 != 0 {
		off += 1 + int(p[4])
		reset = p[4] > 0 && p[5]&0x80 != 0 // discontinuity_indicator
	}
	if afc&1 == 0 || off >= tsPacketSize {
		return nil // no payload
	}
	payload := p[off:]
	switch {
	case pid == 0:
		if pusi && t.pmtPID < 0 {
			t.parsePAT(payload)
		}
	case int(pid) == t.pmtPID:
		if pusi && !t.havePMT {
			return t.parsePMT(payload)
		}
	default:
		for _, es := range t.streams {
			if es.pid == pid {
				t.payload(es, pusi, int8(p[3]&0x0F), reset, payload)
				break
			}
		}
	}
	return nil
}

// payload adds a packet's payload to its stream's PES.
func (t *tsReader) payload(es *elemStream, pusi bool, cc int8, reset bool, b []byte) {
	if es.cc >= 0 && !reset {
		switch {
		case cc == es.cc:
			return // a duplicate packet
		case cc != (es.cc+1)&0x0F && es.open && !es.broken:
			t.glitch(fmt.Errorf("%w: lost TS packets of PID %d (continuity counter %d after %d)", ErrDamaged, es.pid, cc, es.cc))
			es.broken = true
		}
	}
	es.cc = cc
	if pusi {
		if !t.haveFirst {
			if p, err := parsePES(b, 0); err == nil {
				t.first, t.haveFirst = p.dts, true
			}
		}
		t.complete(es)
		es.open, es.broken, es.want = true, false, 0
		es.buf = append(es.buf[:0], b...)
	} else if es.open && !es.broken {
		if len(es.buf)+len(b) > maxPESBytes {
			t.glitch(fmt.Errorf("%w: a PES packet of PID %d is larger than %d bytes", ErrDamaged, es.pid, maxPESBytes))
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
		t.complete(es)
	}
}

// complete ends the stream's open PES and queues it if it is sound.
func (t *tsReader) complete(es *elemStream) {
	if !es.open {
		return
	}
	es.open = false
	if es.broken {
		return // reported when the loss was seen
	}
	p, err := parsePES(es.buf, es.want)
	if err != nil {
		t.glitch(fmt.Errorf("%w: PID %d: %w", ErrDamaged, es.pid, err))
		return
	}
	if len(p.data) == 0 {
		return
	}
	p.es = es
	t.done = append(t.done, p)
	es.buf, es.spare = es.spare[:0], es.buf // p.data stays untouched until it is returned
}

// parsePES parses a PES packet's header (want > 0: its announced size).
func parsePES(b []byte, want int) (pes, error) {
	if len(b) < 9 || b[0] != 0 || b[1] != 0 || b[2] != 1 {
		return pes{}, errors.New("bad PES start code or header")
	}
	if want > 0 {
		if len(b) < want {
			return pes{}, fmt.Errorf("PES packet cut short (%d of %d bytes)", len(b), want)
		}
		b = b[:want]
	}
	flags, hl := b[7]>>6, int(b[8])
	switch {
	case 9+hl > len(b):
		return pes{}, errors.New("PES header longer than the packet")
	case flags&2 == 0 || hl < 5:
		return pes{}, errors.New("PES packet without a PTS")
	case flags == 3 && hl < 10:
		return pes{}, errors.New("PES header too short for its DTS")
	}
	p := pes{pts: readTimestamp(b[9:14]), data: b[9+hl:]}
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
