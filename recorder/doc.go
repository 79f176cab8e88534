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
// the configured storage (or, with StorageParams.VOD, to a VOD platform),
// and reports events 301–312 to a Notifier. H.264 and H.265 are written as
// received, VP8/VP9/AV1 are transcoded to H.264 and Opus to AAC through the
// codec layer (a build without cgo keeps Opus and cannot record VP8/VP9/AV1,
// and says so). With OutputFormat hls+mp4 or mp4 the HLS is read back from
// the storage after the recording and turned into MP4 files (event 310).
//
// With Config.TaskStore (taskstate/etcd, taskstate/bolt) tasks survive
// their instance: when the owner dies its lease lapses, another instance
// claims the task, finishes the dead owner's stored playlists with
// #EXT-X-ENDLIST, fires 306 and records on under ha1_, ha2_, ha3_ names;
// the owner's own spool uploads what it had written when it comes back. An
// owner whose lease is lost stops recording at once (fencing), so two
// instances never record a task at the same time.
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
//   - A live playlist is uploaded as it grows, but at most once per
//     Config.PlaylistInterval (30 s): its first version at once (then 304),
//     later versions when the interval has passed (segments do not wait
//     for it; for playlists over 60 KiB it stretches to keep their uploads
//     under 2 KiB/s, so a day-long recording uploads linear, not quadratic,
//     playlist bytes), the final one (#EXT-X-ENDLIST) at once. The segmenter
//     appends to the spooled playlist (copy on write) and keeps no playlist
//     text, so a day-long recording costs no more memory than a short one.
//   - BeginTimeStamp is the arrival of the stream's first written frame
//     (for video its first keyframe), so it equals the playlist's
//     EXT-X-TRTC-START-REC-TIME and the first segment's <UTC>.
//   - A process killed mid-recording loses at most the media still in
//     memory (the reorder delay, 500 ms, and the segmenter's 250 ms flush
//     interval): a new Recorder on the same spool salvages the segments
//     being written, finishes the playlists and uploads them.
//   - A task taken over by another instance records into that instance's
//     Config.Storage: a task's own Storage or VOD destination is an object,
//     not data, and cannot travel through the task store.
//
// Nothing here reads the wall clock directly: Config.Clock drives idle
// timeouts, retries and the times in file names.
package recorder
