package codec

// AudioStats counts what an AudioTranscoder did with its input.
type AudioStats struct {
	// Packets is the number of Opus packets written.
	Packets int
	// Frames is the number of AAC frames output.
	Frames int
	// SilenceSamples is the number of 48 kHz samples of silence inserted for
	// holes in the timestamps (lost packets, DTX) and undecodable packets.
	SilenceSamples int64
	// Late counts packets dropped because their PTS lies before the end of
	// the audio already output (duplicates, overlaps): time is never
	// squeezed.
	Late int
	// Invalid counts packets that could not be decoded (replaced by
	// silence when a later packet shows their duration).
	Invalid int
	// Runs counts continuous runs: 1 for a stream without a hole longer
	// than MaxGap, plus one per longer hole or Flush.
	Runs int
}

// VideoStats counts what a VideoTranscoder did with its input.
type VideoStats struct {
	// Frames is the number of input frames written.
	Frames int
	// Decoded is the number of pictures the decoder output.
	Decoded int
	// Encoded is the number of H.264 access units output.
	Encoded int
	// Keyframes is the number of output keyframes.
	Keyframes int
	// WaitingKeyframe counts input frames dropped while waiting for a
	// keyframe (at the start and after a decoding error).
	WaitingKeyframe int
	// Invalid counts input frames the decoder rejected.
	Invalid int
	// NonMonotonic counts pictures dropped because their PTS did not
	// increase.
	NonMonotonic int
	// Resizes counts encoder re-opens for a new source size.
	Resizes int
}
