// Package hls writes the HLS output of SPEC §3: MPEG-TS segments and the
// M3U8 playlist that lists them, with the #EXT-X-TRTC-START-REC-TIME and
// #EXT-X-TRTC-VIDEO-METADATA tags, discontinuities, live growth and
// #EXT-X-ENDLIST. It is a format leaf: it knows nothing of tasks, names or
// storage, and writes through the small Output interface its caller gives.
//
// # Segmenter
//
// A Segmenter takes timestamped access units of one stream — H.264 or H.265
// video, Opus or AAC audio, or video plus audio for a mixed stream (SPEC §2)
// — and cuts them into segments:
//
//   - with video, at the first keyframe (IDR / IRAP) once the segment has
//     reached Config.TargetDuration; every segment starts with a keyframe,
//     and video before the first keyframe is dropped (Stats.DroppedVideo);
//     in a mixed stream audio goes into the open segment in arrival order
//     and is dropped while no segment is open;
//   - audio only, at the first frame at or after TargetDuration.
//
// Timestamps are int64 in 90 kHz units and may start anywhere; they are
// wrapped to 33 bits only inside the PES headers.
//
// The wall time of a segment (passed to Config.SegmentName) is
// Config.Start + (its first PTS − the stream's first PTS). A new segment
// marked #EXT-X-DISCONTINUITY starts on:
//
//   - a forward jump of the timestamps beyond Config.GapThreshold: the
//     timeline is unchanged, so the wall clock includes the gap;
//   - a resolution change (an SPS with another size) or a codec change:
//     the timeline is unchanged;
//   - a call to Discontinuity, or timestamps going backwards: the
//     timestamps may belong to a new timeline, so the wall clock continues
//     from the end of the previous segment (the gap is unknown).
//
// In a mixed stream the jumps are looked for on the video timestamps only.
// Segment wall times are kept strictly increasing (by at least 1 ms) so
// that names built from them never collide.
//
// EXTINF of a segment = the next segment's first PTS − its own first PTS
// when the next one continues it; otherwise (before a discontinuity, and
// the last segment) its largest PTS − its first PTS + one frame (the last
// DTS step for video, the exact frame length for audio).
//
// The playlist is written after each committed segment, so a running
// recording is playable; it is not written when the first segment opens (a
// playlist without segments helps no player and would cost one more upload
// per stream). Close commits the last segment and writes the playlist once
// with it and #EXT-X-ENDLIST; a Segmenter that never committed a segment
// writes no playlist. With a plain Output the Segmenter keeps the playlist
// text in memory and rewrites it whole through Output.WriteFile (memory and
// bytes written grow with the recording: about 95 bytes per segment). An
// Output that also implements Appender (DirOutput does; the recorder's
// spool does) gets the first version through WriteFile and then only each
// segment's new lines (and #EXT-X-ENDLIST) through AppendFile: the
// Segmenter keeps no segment lines, so its memory stays flat however long
// the recording. Only when the header must change — EXT-X-TARGETDURATION
// grows, or the first #EXT-X-TRTC-VIDEO-METADATA appears after segments
// were listed — does it read the playlist back (Appender.ReadFile) and
// write it whole. The bytes are the same either way; after a failed write
// the next write brings the playlist up to date (appending, the lines not
// yet written are the only ones kept). EXT-X-TARGETDURATION is the larger of
// Config.TargetDuration and every EXTINF, rounded up to whole seconds. The
// #EXT-X-TRTC-VIDEO-METADATA tag holds the size of the first video segment
// whose SPS was parsed (later changes are marked by discontinuities).
//
// # MPEG-TS
//
// The muxer is the package's own (no per-packet allocation; measured 0
// allocs per access unit in BenchmarkSegmenterH264): PAT and PMT at the
// start of every segment, video on PID 0x100 (stream type 0x1B H.264, 0x24
// H.265 with an 'HEVC' registration descriptor), audio on PID 0x101 (0x0F
// AAC in ADTS; Opus as 0x06 with the 'Opus' registration descriptor, the
// DVB extension descriptor 0x80 carrying the channel count, and
// opus_control_header before each packet, as FFmpeg writes it). An AUD is
// prepended to every video access unit that lacks one. The PCR rides on
// the video PID (audio PID without video), 200 ms behind the DTS.
// Continuity counters run on across segments. Audio frames are gathered
// into PES packets of up to 100 ms.
//
// # Playlist
//
// Playlist renders and ReadPlaylist parses the SPEC §3 playlist. EXTINF is
// written with three decimals and a trailing comma ("#EXTINF:12.074,", as
// HLS requires; the SPEC example omits it) and read with or without it.
package hls
