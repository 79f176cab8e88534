package merge

import (
	"errors"
	"io"

	"github.com/roomrec/roomrec/internal/mpegts"
)

// retimeReader streams a TS file with every PTS, DTS and PCR moved by off
// (modulo 2^33), so that the segment lands where the merge places it on
// the output timeline. Only the packets that start a PES packet or carry
// a PCR are touched; the media data passes through as is. A file that
// loses TS sync passes through unchanged from there (the remux reports
// it).
type retimeReader struct {
	r      io.Reader
	off    int64
	buf    []byte
	pos    int // next byte to return
	ready  int // end of the processed bytes
	end    int // end of the buffered bytes
	eof    bool
	err    error
	raw    bool // sync lost: pass the rest through
	empty  int  // reads in a row that returned nothing
	pmtPID int
	count  func(int) // progress, may be nil
}

// newRetimeReader returns a reader of r's TS packets with timestamps moved
// by off.
func newRetimeReader(r io.Reader, off int64, count func(int)) *retimeReader {
	return &retimeReader{r: r, off: off, buf: make([]byte, mpegts.PacketSize*256), pmtPID: -1, count: count}
}

// Read returns the next bytes of the retimed file.
func (t *retimeReader) Read(p []byte) (int, error) {
	for t.pos >= t.ready {
		if t.eof || t.err != nil {
			if t.err != nil {
				return 0, t.err
			}
			return 0, io.EOF
		}
		t.refill()
	}
	n := copy(p, t.buf[t.pos:t.ready])
	t.pos += n
	return n, nil
}

// refill reads more of the file and processes its whole packets.
func (t *retimeReader) refill() {
	rest := copy(t.buf, t.buf[t.pos:t.end])
	t.ready -= t.pos
	t.pos, t.end = 0, rest
	n, err := t.r.Read(t.buf[t.end:])
	t.end += n
	if t.count != nil && n > 0 {
		t.count(n)
	}
	switch {
	case errors.Is(err, io.EOF):
		t.eof = true
	case err != nil:
		t.err = err
	case n == 0:
		if t.empty++; t.empty >= 100 {
			t.err = io.ErrNoProgress
		}
	default:
		t.empty = 0
	}
	for !t.raw && t.end-t.ready >= mpegts.PacketSize {
		p := t.buf[t.ready : t.ready+mpegts.PacketSize]
		if p[0] != mpegts.SyncByte {
			t.raw = true
			break
		}
		t.patch(p)
		t.ready += mpegts.PacketSize
	}
	if t.raw || t.eof || t.err != nil {
		t.ready = t.end // the rest as is
	}
}

// patch moves the timestamps of one packet.
func (t *retimeReader) patch(p []byte) {
	if p[3]&0x20 != 0 && p[4] >= 7 && p[5]&0x10 != 0 { // an adaptation field with a PCR
		base := int64(p[6])<<25 | int64(p[7])<<17 | int64(p[8])<<9 | int64(p[9])<<1 | int64(p[10]>>7)
		base = (base + t.off) & mpegts.Mask
		p[6], p[7], p[8], p[9] = byte(base>>25), byte(base>>17), byte(base>>9), byte(base>>1)
		p[10] = p[10]&0x7F | byte(base&1)<<7
	}
	pid, pusi, b := mpegts.Payload(p)
	if b == nil || !pusi {
		return
	}
	switch {
	case pid == 0:
		if v, err := mpegts.ParsePAT(b); err == nil && v >= 0 {
			t.pmtPID = v
		}
		return
	case int(pid) == t.pmtPID || pid == 0x1FFF:
		return
	case len(b) < 14 || b[0] != 0 || b[1] != 0 || b[2] != 1:
		return
	}
	flags, hl := b[7]>>6, int(b[8])
	if flags&2 != 0 && hl >= 5 {
		retime(b[9:14], t.off)
	}
	if flags == 3 && hl >= 10 && len(b) >= 19 {
		retime(b[14:19], t.off)
	}
}

// retime moves the 5-byte PES timestamp at b by off, keeping its prefix.
func retime(b []byte, off int64) {
	mpegts.PutTimestamp(b, b[0]>>4, mpegts.ReadTimestamp(b)+off)
}
