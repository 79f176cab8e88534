// Package ingest turns the RTP packets of one received track into timed
// access units: the first stage of every recording (SPEC §1–2; the data flow
// of ARCHITECTURE.md: "ingest: RTP reorder/jitter, depacketize to access
// units {pts, keyframe, data}, PLI on start").
//
// A Track takes the packets of one track (one SSRC at a time) in arrival
// order, as read from a pion TrackRemote, and hands complete frames to a
// callback:
//
//   - a bounded reorder buffer puts packets back in sequence order, drops
//     duplicates, waits at most MaxReorderDelay (by arrival time) for a missing
//     packet and then declares it lost; 16-bit sequence numbers and 32-bit
//     timestamps are unwrapped, so a wrap in the middle of a stream is seamless;
//   - packets are depacketized per codec: H.264 (RFC 6184: single NAL unit,
//     STAP-A, FU-A), H.265 (RFC 7798: single, AP, FU), VP8 and VP9 (pion's
//     descriptors), AV1 (pion's depacketizer, best effort) and Opus (one frame
//     per packet);
//   - video never outputs a frame that cannot be decoded: output starts at a
//     keyframe, and after any loss or malformed packet the broken frame and every
//     following frame are dropped until the next keyframe, while a keyframe is
//     requested (throttled). H.264/H.265 keyframes get the cached parameter sets
//     prepended when they lack them. Audio has no such gating: a lost Opus
//     packet is simply missing, and the next frame's PTS shows the gap;
//   - a new SSRC (the publisher restarted its encoder), a confirmed sequence
//     restart, or a timestamp jump (more than 10 s forward, or any step
//     backward) starts a new epoch: PTS continues from the last PTS plus the
//     elapsed arrival time, and the first frame of the epoch is marked
//     Discontinuity (for video it is always a keyframe);
//   - RTCP sender reports map RTP time to the sender's NTP wall clock.
//
// Malformed input never panics: it is counted in Stats and, for video, treated
// as a loss inside the frame. A Track does no I/O, starts no goroutine and
// never blocks; its only clock use is the keyframe-request throttle. In steady
// state it does not allocate (frame and reorder buffers are reused; AV1 is the
// exception, through pion's depacketizer), which is why a Frame is only valid
// during the OnFrame call.
//
// Not supported: H.264 interleaved mode (STAP-B, MTAP, FU-B), H.265 DONL
// (sprop-max-don-diff > 0) and PACI packets; these count as Malformed. VP9
// spatial layers of one picture are concatenated without a superframe index.
package ingest
