// Command roomrec-load measures what one recorder.Recorder costs under
// load (issue 9, item 4): N concurrent single-stream tasks (SPEC §2),
// each recording its own room with one publisher, fed in-process as RTP
// packets paced in real time, for a few minutes, into local-disk storage.
//
//	go run ./cmd/roomrec-load -tasks 100 -duration 3m
//	go run ./cmd/roomrec-load -tasks 100 -duration 3m -audio opus
//
// Each publisher sends the recorder benchmarks' video (10 s of FFmpeg's
// testsrc2, 1280x720, 30 fps, H.264 constrained baseline at 1 Mbit/s, a
// keyframe every 2 s, encoded once with ffmpeg into the work folder; -video
// sends another Annex B clip) and the committed Opus clip
// (testdata/media/opus_48k_stereo.ogg, 20 ms packets), both looped with
// continuous sequence numbers and timestamps, the publishers staggered over
// one GOP so their keyframes do not coincide. One goroutine sends, every
// 10 ms, what is due for every room (package internal/loadgen); the audio
// is written as AAC, transcoded from the Opus (the default and the
// realistic load), or as Opus as received with -audio opus. No network is
// involved, so nothing of WebRTC (SRTP, ICE, NACK) is measured.
//
// While it runs it prints a row every -interval (30 s): elapsed time, CPU
// of the whole process as a share of the machine and per task (as a share
// of one core), resident memory, live heap, goroutines, and the recorder's
// counters from Recorder.Stats: packets in, packets dropped by a full
// queue, packets lost, segments, spool backlog; the load average, since
// the machine may be shared; and the feeder's lag (the latest any packet
// went out so far: far above 10 ms means the process was starved of CPU,
// and the packets then arrive in bursts, as a kernel's socket buffer
// would deliver them). At the end it stops every task, decodes
// every playlist with `ffmpeg -v error` (two at a time) and prints CPU per
// task, peak RSS (VmHWM), the packets dropped by the recorder, the memory
// trend (first row against last) and the decoding result. It exits
// non-zero (and says FAIL) when the recorder dropped or lost a packet, a
// playlist is missing, or a file did not decode.
//
// CPU is the process's own (getrusage: every thread, user and system,
// including the load generator, which is a small part); ffmpeg runs in
// child processes and is not counted.
package main
