package mpegts

import "errors"

// Packet layout and timestamp range of ISO/IEC 13818-1.
const (
	// PacketSize is the size of a TS packet in bytes.
	PacketSize = 188
	// SyncByte is the first byte of every TS packet.
	SyncByte = 0x47
	// Wrap is the period of the 33-bit 90 kHz PTS, DTS and PCR base
	// (about 26.5 h).
	Wrap = int64(1) << 33
	// Mask keeps the low 33 bits of a 90 kHz timestamp.
	Mask = Wrap - 1
)

// ErrNotTS says that a file is not MPEG-TS: no sync byte where a packet
// starts, no usable program map table, or no stream the reader keeps.
var ErrNotTS = errors.New("not MPEG-TS")

// Payload returns the PID, the payload_unit_start_indicator and the
// payload of the TS packet p (PacketSize bytes); payload is nil when the
// packet carries none.
func Payload(p []byte) (pid uint16, pusi bool, payload []byte) {
	pid = uint16(p[1]&0x1F)<<8 | uint16(p[2])
	pusi = p[1]&0x40 != 0
	afc := p[3] >> 4 & 3
	off := 4
	if afc&2 != 0 {
		off += 1 + int(p[4])
	}
	if afc&1 == 0 || off >= PacketSize {
		return pid, pusi, nil
	}
	return pid, pusi, p[off:]
}

// ReadTimestamp decodes the 5-byte PES PTS or DTS field at b.
func ReadTimestamp(b []byte) int64 {
	return int64(b[0]>>1&7)<<30 | int64(b[1])<<22 | int64(b[2]>>1)<<15 | int64(b[3])<<7 | int64(b[4]>>1)
}

// PutTimestamp writes ts (modulo 2^33) as a 5-byte PES PTS or DTS field at
// b, with the 4-bit prefix ('0010' PTS only, '0011' PTS before a DTS,
// '0001' DTS) and the marker bits.
func PutTimestamp(b []byte, prefix byte, ts int64) {
	ts &= Mask
	b[0] = prefix<<4 | byte(ts>>29)&0x0E | 1
	b[1] = byte(ts >> 22)
	b[2] = byte(ts>>14) | 1
	b[3] = byte(ts >> 7)
	b[4] = byte(ts<<1) | 1
}

// WrapDelta returns a - b for 33-bit timestamps, in (-2^32, 2^32].
func WrapDelta(a, b int64) int64 {
	d := (a - b) & Mask
	if d > Wrap/2 {
		d -= Wrap
	}
	return d
}

// CRC32 returns the CRC-32/MPEG-2 of data (polynomial 0x04C11DB7, initial
// value 0xFFFFFFFF, no reflection, no final XOR): the CRC_32 field of a PSI
// section, and 0 for a whole section including its CRC. PSI sections are
// short and rare, so it is computed bit by bit without a lookup table.
func CRC32(data []byte) uint32 {
	crc := uint32(0xFFFFFFFF)
	for _, b := range data {
		crc ^= uint32(b) << 24
		for range 8 {
			if crc&0x80000000 != 0 {
				crc = crc<<1 ^ 0x04C11DB7
			} else {
				crc <<= 1
			}
		}
	}
	return crc
}
