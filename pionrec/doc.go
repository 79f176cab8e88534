// Package pionrec connects pion/webrtc (v4) to a roomrec recorder.Room: a
// pion media server hands each incoming TrackRemote to Attach (or installs
// OnTrack as its PeerConnection's OnTrack handler) and the recorder receives
// the track's RTP and RTCP sender reports, and asks the publisher for
// keyframes with PLI, without further code in the host. SPEC §1–2.
//
// Attach reads the TrackRemote itself. A host that already reads its tracks
// (to forward them in an SFU) calls recorder.Room.AddTrack and
// Track.WriteRTP from its own read loop instead.
//
// A track ends for the recorder when its reads end: when the host closes
// the PeerConnection (or the publisher does). pion does not end the reads
// of a connection that merely failed, so the host closes a PeerConnection
// whose state becomes Failed (pion installs one OnConnectionStateChange
// handler, the host's, so pionrec cannot do it for it):
//
//	pc.OnConnectionStateChange(func(s webrtc.PeerConnectionState) {
//		if s == webrtc.PeerConnectionStateFailed {
//			_ = pc.Close() // the recorder's tracks end; MaxIdleTime counts
//		}
//	})
//
// examples/server does this. Without it, a publisher who vanishes keeps
// their tracks open: their playlists stay open and MaxIdleTime never
// starts counting.
package pionrec
