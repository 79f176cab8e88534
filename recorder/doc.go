// Package recorder is roomrec's orchestrator: a Recorder with Start,
// Describe, Modify and Stop that records the host's rooms the way the
// service's CreateCloudRecording, DescribeCloudRecording,
// ModifyCloudRecording and DeleteCloudRecording do (SPEC §1–2).
//
// The host (a pion media server, or any RTP source) reports its rooms
// through Recorder.Room: users joining and leaving, tracks added and
// removed, and every RTP packet (Track.WriteRTP). A task started with Start
// subscribes to the room's streams through its allow/deny lists and writes
// each subscribed user's audio and video as separate HLS playlists
// (single-stream mode), named by package naming, through a local spool into
// the configured storage, and reports events 301–308 to a Notifier.
//
// Behaviour chosen where the service is silent:
//   - A stream keeps one playlist for the whole task: a user who leaves and
//     comes back, or is unsubscribed and subscribed again, continues the
//     same playlist after #EXT-X-DISCONTINUITY, so no file is overwritten.
//   - MaxIdleTime counts while the room has no track of a user other than
//     the recorder's own UserID (a user present but not publishing does
//     not stop the count); the task then ends with LeaveCode 99.
//   - Stop waits for the uploads until its context ends; what is not
//     uploaded stays in the spool and is retried (305 Status 1, then 2).
//   - Tracks that MPEG-TS cannot carry as received (VP8, VP9, AV1) are
//     reported in Describe (StreamState.Skipped) and not recorded until the
//     codec layer transcodes them.
//
// Nothing here reads the wall clock directly: Config.Clock drives idle
// timeouts, retries and the times in file names.
package recorder
