package mpegts

import (
	"errors"
	"fmt"
)

// OpusAccessUnit splits the first opus_access_unit off b, the payload of
// an Opus PES packet (ETSI TS 102 366 annex, the Opus-in-TS mapping): a
// control header (0x7F 0xE0 | flags, the packet size as a run of 0xFF bytes
// and a last byte, optional start and end trims and control extension)
// followed by the Opus packet. It returns the packet and the bytes after
// it, or an error when the header is missing or malformed or the packet
// does not fit in b.
func OpusAccessUnit(b []byte) (packet, rest []byte, err error) {
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
