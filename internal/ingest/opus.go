package ingest

import (
	"errors"
	"time"

	"github.com/roomrec/roomrec/internal/bitstream"
)

var errOpus = errors.New("malformed Opus packet")

// opusDuration returns the play time of an Opus packet from its TOC byte
// (RFC 6716 §3.1), or errOpus when the packet breaks the framing rules
// that can be checked without decoding (R1–R5 of §3.4, in part).
func opusDuration(p []byte) (time.Duration, error) {
	n := bitstream.StrictOpusSamples(p)
	if n == 0 {
		return 0, errOpus
	}
	return time.Duration(n) * time.Second / 48000, nil
}
