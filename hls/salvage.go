package hls

import (
	"errors"
	"time"

	"github.com/roomrec/roomrec/internal/mpegts"
)

// ErrNotTS says that data handed to SalvageSegment is not MPEG-TS.
var ErrNotTS = errors.New("hls: not an MPEG-TS segment")

// Salvage is what SalvageSegment keeps of a segment file that was being
// written when its process died.
type Salvage struct {
	// Size is the number of leading bytes to keep: whole 188-byte packets
	// up to the start of the last PES, which may be cut short.
	Size int
	// Duration is the media the kept bytes hold, from the first timestamp
	// of the driving track (video, else audio) to the last, plus one frame.
	Duration time.Duration
}

// SalvageSegment inspects a segment written by a Segmenter whose process
// died before it was committed. It returns how much of data to keep (only
// complete PES packets) and the duration that part holds, or ErrNotTS if
// data does not start with MPEG-TS packets, or a Salvage with Size 0 when
// nothing usable is there.
func SalvageSegment(data []byte) (Salvage, error) {
	n := len(data) / tsPacketSize
	if n == 0 || data[0] != mpegts.SyncByte {
		return Salvage{}, ErrNotTS
	}
	cut := 0 // start of the last PES
	for i := range n {
		p := data[i*tsPacketSize : (i+1)*tsPacketSize]
		if p[0] != mpegts.SyncByte {
			n = i // garbage after this point: keep what came before
			break
		}
		if pid := uint16(p[1]&0x1f)<<8 | uint16(p[2]); p[1]&0x40 != 0 && (pid == pidVideo || pid == pidAudio) {
			cut = i * tsPacketSize
		}
	}
	if cut == 0 {
		return Salvage{}, nil
	}
	var first, last [2]int64
	var count [2]int
	for i := range cut / tsPacketSize {
		p := data[i*tsPacketSize : (i+1)*tsPacketSize]
		pid := uint16(p[1]&0x1f)<<8 | uint16(p[2])
		if p[1]&0x40 == 0 || (pid != pidVideo && pid != pidAudio) {
			continue
		}
		pts, ok := pesPTS(p)
		if !ok {
			continue
		}
		k := int(pid - pidVideo)
		if count[k] == 0 {
			first[k] = pts
		}
		last[k] = pts
		count[k]++
	}
	k := 0
	if count[0] == 0 {
		k = 1
	}
	if count[k] == 0 {
		return Salvage{}, nil
	}
	span := (last[k] - first[k]) & tsMask
	if count[k] > 1 {
		span += span / int64(count[k]-1) // one more frame (or PES) on average
	}
	return Salvage{Size: cut, Duration: ticksToDuration(span)}, nil
}

// pesPTS returns the PTS of the PES that starts in TS packet p.
func pesPTS(p []byte) (int64, bool) {
	_, _, payload := mpegts.Payload(p)
	pes, err := mpegts.ParsePES(payload, 0)
	return pes.PTS, err == nil
}
