package mpegts

import (
	"errors"
	"fmt"
	"io"
)

const (
	// readSize is what Reader asks of its source per read, and the size of
	// the buffer NewReader makes.
	readSize = PacketSize * 1024
	// maxPESBytes bounds one PES packet (one access unit); a larger one is
	// dropped as damaged.
	maxPESBytes = 32 << 20
)

// Stream is one elementary stream of the PMT that Reader keeps, and the PES
// packet it is gathering.
type Stream struct {
	// PID is the stream's packet identifier.
	PID uint16
	// Codec is the stream's codec (never None).
	Codec Codec
	// Channels is the Opus channel count of the DVB extension descriptor
	// (0 when not given, and for other codecs).
	Channels int

	buf    []byte // the PES being gathered
	spare  []byte // the buffer of the PES handed out last
	cc     int8   // last continuity counter, -1 before the first packet
	open   bool   // a PES is being gathered
	broken bool   // packets of it were lost: it is dropped when complete
	want   int    // its size from PES_packet_length, 0 when unbounded
}

// PES is one complete PES packet.
type PES struct {
	// Stream is the stream it belongs to (nil from ParsePES).
	Stream *Stream
	// PTS and DTS are its 33-bit 90 kHz timestamps; DTS is PTS when the
	// header has no DTS field.
	PTS, DTS int64
	// Data is its payload (an access unit, or audio frames); from Reader it
	// is valid until the reader's next call.
	Data []byte
}

// Reader reads the PES packets of the first video (H.264, H.265) and the
// first audio (AAC, Opus) stream of the first program of one MPEG-TS file,
// in the order they complete. Damaged packets are reported to glitch and
// skipped; only a file that is not MPEG-TS, has no usable PMT or cannot be
// read fails. A Reader is not safe for concurrent use.
type Reader struct {
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
	streams   []*Stream // at most one video and one audio stream
	done      []PES     // complete PES packets not yet returned
	glitch    func(error)
}

// NewReader returns a reader of the TS file r. buf, when its capacity is
// large enough (192 KiB), is reused as the read buffer (see Buffer), else
// one is made. glitch (not nil) receives a description of each piece of
// damage that was dropped.
func NewReader(r io.Reader, buf []byte, glitch func(error)) *Reader {
	if cap(buf) < readSize {
		buf = make([]byte, readSize)
	}
	return &Reader{r: r, buf: buf[:readSize], pmtPID: -1, glitch: glitch}
}

// Buffer returns the reader's read buffer, for a later NewReader once this
// reader is no longer used.
func (t *Reader) Buffer() []byte { return t.buf }

// First returns the DTS of the first PES packet that starts in the file (in
// file order, which may differ from the order Next returns them in), and
// whether one was seen so far.
func (t *Reader) First() (int64, bool) { return t.first, t.haveFirst }

// Next returns the next complete PES packet, io.EOF after the last one, an
// error wrapping ErrNotTS (no sync byte, no usable PMT), or the source's
// error.
func (t *Reader) Next() (PES, error) {
	for len(t.done) == 0 {
		p, err := t.packet()
		if errors.Is(err, io.EOF) {
			return t.finish()
		}
		if err != nil {
			return PES{}, err
		}
		if err := t.handle(p); err != nil {
			return PES{}, err
		}
	}
	return t.pop(), nil
}

// pop removes and returns the first complete PES packet.
func (t *Reader) pop() PES {
	p := t.done[0]
	t.done = t.done[:copy(t.done, t.done[1:])]
	return p
}

// finish completes the open PES packets at the end of the file.
func (t *Reader) finish() (PES, error) {
	if !t.havePMT {
		return PES{}, fmt.Errorf("%w: no program map table (PAT/PMT) in %d bytes", ErrNotTS, t.offset+int64(t.end))
	}
	for _, es := range t.streams {
		if t.cutShort {
			es.open = false
		}
		t.complete(es)
	}
	if len(t.done) == 0 {
		return PES{}, io.EOF
	}
	return t.pop(), nil
}

// packet returns the next 188-byte packet; a partial packet at the end of
// the file is reported and dropped.
func (t *Reader) packet() ([]byte, error) {
	if t.end-t.pos < PacketSize {
		if err := t.fill(); err != nil {
			return nil, err
		}
	}
	p := t.buf[t.pos : t.pos+PacketSize]
	if p[0] != SyncByte {
		return nil, fmt.Errorf("%w: no sync byte at offset %d", ErrNotTS, t.offset+int64(t.pos))
	}
	t.pos += PacketSize
	return p, nil
}

// fill moves the unread bytes to the front and reads until a whole packet
// is there.
func (t *Reader) fill() error {
	rest := copy(t.buf, t.buf[t.pos:t.end])
	t.offset += int64(t.pos)
	t.pos, t.end = 0, rest
	for empty := 0; t.end < PacketSize; {
		if t.eof {
			if t.end > 0 {
				t.glitch(fmt.Errorf("the file ends inside a TS packet (%d bytes); the PES packets it cuts short are dropped", t.end))
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
func (t *Reader) handle(p []byte) error {
	if p[1]&0x80 != 0 {
		t.glitch(errors.New("TS packet with the transport error indicator"))
		return nil
	}
	pid, pusi, payload := Payload(p)
	if payload == nil {
		return nil
	}
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
		reset := p[3]&0x20 != 0 && p[4] > 0 && p[5]&0x80 != 0 // discontinuity_indicator
		for _, es := range t.streams {
			if es.PID == pid {
				t.payload(es, pusi, int8(p[3]&0x0F), reset, payload)
				break
			}
		}
	}
	return nil
}

// payload adds a packet's payload to its stream's PES.
func (t *Reader) payload(es *Stream, pusi bool, cc int8, reset bool, b []byte) {
	if es.cc >= 0 && !reset {
		switch {
		case cc == es.cc:
			return // a duplicate packet
		case cc != (es.cc+1)&0x0F && es.open && !es.broken:
			t.glitch(fmt.Errorf("lost TS packets of PID %d (continuity counter %d after %d)", es.PID, cc, es.cc))
			es.broken = true
		}
	}
	es.cc = cc
	if pusi {
		if !t.haveFirst {
			if p, err := ParsePES(b, 0); err == nil {
				t.first, t.haveFirst = p.DTS, true
			}
		}
		t.complete(es)
		es.open, es.broken, es.want = true, false, 0
		es.buf = append(es.buf[:0], b...)
	} else if es.open && !es.broken {
		if len(es.buf)+len(b) > maxPESBytes {
			t.glitch(fmt.Errorf("a PES packet of PID %d is larger than %d bytes", es.PID, maxPESBytes))
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
func (t *Reader) complete(es *Stream) {
	if !es.open {
		return
	}
	es.open = false
	if es.broken {
		return // reported when the loss was seen
	}
	p, err := ParsePES(es.buf, es.want)
	if err != nil {
		t.glitch(fmt.Errorf("PID %d: %w", es.PID, err))
		return
	}
	if len(p.Data) == 0 {
		return
	}
	p.Stream = es
	t.done = append(t.done, p)
	es.buf, es.spare = es.spare[:0], es.buf // p.Data stays untouched until it is returned
}

// ParsePES parses the header of the PES packet b (want > 0: its size from
// PES_packet_length; b must hold that much, more is ignored). It returns
// the packet (Stream nil, Data a sub-slice of b), or an error for a bad
// start code, a header longer than b, a header without a PTS, or a packet
// shorter than want.
func ParsePES(b []byte, want int) (PES, error) {
	if len(b) < 9 || b[0] != 0 || b[1] != 0 || b[2] != 1 {
		return PES{}, errors.New("bad PES start code or header")
	}
	if want > 0 {
		if len(b) < want {
			return PES{}, fmt.Errorf("PES packet cut short (%d of %d bytes)", len(b), want)
		}
		b = b[:want]
		if len(b) < 9 {
			return PES{}, errors.New("PES packet shorter than its header")
		}
	}
	flags, hl := b[7]>>6, int(b[8])
	switch {
	case 9+hl > len(b):
		return PES{}, errors.New("PES header longer than the packet")
	case flags&2 == 0 || hl < 5:
		return PES{}, errors.New("PES packet without a PTS")
	case flags == 3 && hl < 10:
		return PES{}, errors.New("PES header too short for its DTS")
	}
	p := PES{PTS: ReadTimestamp(b[9:14]), Data: b[9+hl:]}
	p.DTS = p.PTS
	if flags == 3 {
		p.DTS = ReadTimestamp(b[14:19])
	}
	return p, nil
}
