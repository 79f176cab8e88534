// Package pionrec connects pion/webrtc (v4) to a roomrec recorder.Room: a
// pion media server hands each incoming TrackRemote to Attach (or installs
// OnTrack as its PeerConnection's OnTrack handler) and the recorder receives
// the track's RTP and RTCP sender reports, and asks the publisher for
// keyframes with PLI, without further code in the host. SPEC §1–2.
//
// Attach reads the TrackRemote itself. A host that already reads its tracks
// (to forward them in an SFU) calls recorder.Room.AddTrack and
// Track.WriteRTP from its own read loop instead.
package pionrec
