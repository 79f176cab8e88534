package ingest

import "sync/atomic"

// Stats are the counters of a Track since NewTrack. Every packet handed to
// Push/PushRaw is counted in Packets and at most one of Duplicates, Late or
// Malformed when it is not used.
type Stats struct {
	Packets    uint64 // packets handed to Push/PushRaw
	Bytes      uint64 // RTP payload bytes of those packets (headers and padding excluded)
	Lost       uint64 // sequence numbers given up as missing (after MaxReorderDelay, window overflow, or Flush)
	Reordered  uint64 // packets placed although a later sequence number had already arrived
	Duplicates uint64 // packets whose sequence number was already held or released
	Late       uint64 // packets for a place already released or given up, from the previous SSRC, or far out of sequence and unconfirmed
	Malformed  uint64 // packets that could not be parsed (RTP header, empty payload, bad payload structure)

	FramesOut     uint64 // frames handed to OnFrame
	FramesDropped uint64 // complete or broken frames not output (loss, malformed, waiting for a keyframe)

	KeyframeRequests uint64 // RequestKeyframe calls made
	SSRCChanges      uint64 // switches to a new SSRC
	Discontinuities  uint64 // new epochs: SSRC changes, sequence restarts and timestamp jumps
}

// counters holds Stats as atomics so Stats() may be read from any goroutine
// while the Track's goroutine updates them.
type counters struct {
	packets, bytes, lost, reordered, duplicates, late, malformed atomic.Uint64
	framesOut, framesDropped                                     atomic.Uint64
	keyframeRequests, ssrcChanges, discontinuities               atomic.Uint64
}

func (c *counters) snapshot() Stats {
	return Stats{
		Packets:          c.packets.Load(),
		Bytes:            c.bytes.Load(),
		Lost:             c.lost.Load(),
		Reordered:        c.reordered.Load(),
		Duplicates:       c.duplicates.Load(),
		Late:             c.late.Load(),
		Malformed:        c.malformed.Load(),
		FramesOut:        c.framesOut.Load(),
		FramesDropped:    c.framesDropped.Load(),
		KeyframeRequests: c.keyframeRequests.Load(),
		SSRCChanges:      c.ssrcChanges.Load(),
		Discontinuities:  c.discontinuities.Load(),
	}
}
