// Package merge is the per-user merge tool of SPEC §7 (the command is
// cmd/roomrec-merge): it turns the single-stream recording of a task
// folder — each user's main/aux video and audio TS segments, named as in
// SPEC §3 — into playable files per user, <UserId>_<timestamp>_av.mp4 for
// audio with video and <UserId>_<timestamp>.m4a for audio only. Run is the
// entry point; Options holds the tool's flags.
//
// # Input
//
// Every file of Options.Dir named like a single-stream TS segment is used
// (ha1_…ha3_ recovery files too); playlists, MP4s, mixed-stream segments
// and other files are skipped, so the folder may hold the playlists and
// earlier outputs. The TS files are the truth: each one's wall-clock start
// is the <UTC> of its name, its length is measured from its timestamps
// (the audio frames are counted, the last video frame gets the median
// frame step). Users are processed in the order of their encoded ids.
//
// # Streams (-a)
//
// The audio is the user's main audio. AVMain takes the main video, AVAux
// the aux (screen-share) video, AVAuto the main video when the user has
// any, else the aux one (decided per user). The stream not taken is
// ignored, also for the gap rule. Readings of the SPEC's "clear errors for
// audio without video and the reverse":
//
//   - a user who has video, but not the kind asked for (AVMain and only
//     aux video, AVAux and only main video), gets ErrNoVideo naming the
//     user and the -a value that would work;
//   - a user who has video but no audio gets ErrNoAudio;
//   - a user without any video is an audio-only user: .m4a files.
//
// These errors, and a corrupt TS, fail that user only: the other users are
// processed, and Run returns their files with the errors joined.
//
// # Segments (-m) and gaps (-s)
//
// A user's chosen files are sorted by start; a file that starts more than
// GapThreshold (15 s) after everything before it has ended starts a new
// segment (the end of one file to the start of the next, by the names and
// the measured lengths). ModeSegments writes one file per segment;
// ModeMerge one file holding all of them.
//
// Each output file has one timeline: segments keep their wall-clock
// distance, or with Options.Save (merge mode) each segment follows the end
// of the one before, so the file is shorter than the wall time (pauses of
// up to 15 s inside a segment are kept). Inside a stream a file whose
// timestamps continue the one before (within 1 s of what its name says)
// follows them to the sample; a file on a new timeline (a recovery's ha1_
// files) is placed by its name. The timestamps are moved onto the output
// timeline as the files are read (PTS, DTS and PCR rewritten in the TS
// packets), and package mp4 remuxes the result: nothing is re-encoded for
// the layout.
//
// Gaps are filled as follows (in every mode; Save only removes the gaps
// between segments):
//
//   - audio: with silence, so the audio track of a file covers it from
//     start to end (also before the audio starts and after it ends when
//     the video is longer, and through a segment with video only). The
//     silence is made in the recording's own format without an encoder
//     (AAC-LC frames without spectral data, 20 ms CELT silence frames for
//     Opus), so it needs no cgo and costs nothing; AAC with more than 2
//     channels or another profile than LC is left with its gaps (reported
//     to Options.OnDecodeError).
//   - video: the last frame stays on screen until the next one (its MP4
//     sample lasts until then), which needs no re-encoding either. Before
//     the first video frame of a file players show black (the video track
//     starts with an empty edit).
//
// # Names
//
// <UserId> is the encoded user id of the TS names (naming.EncodeID);
// <timestamp> is the <UTC> of the first TS file of the file's first
// segment, in the same 17-digit form yyyyMMddHHmmssSSS (UTC, ms), so the
// names sort by time and say which segment they begin with. The SPEC (and
// its Japanese original, "timestampは各セグメントの最初のts分割ファイルの
// レコーディング開始時間") fixes the meaning but not the form; this one
// needs no conversion. A file longer than 24 h or larger than 2 GB (SPEC
// §3 limits, Options.MaxDuration/MaxSize) is split by package mp4 into
// parts named with "_<Index>" before the extension.
//
// # Re-encoding (-p, -r)
//
// The video is remuxed whenever possible. It is re-encoded (H.264 through
// the codec layer, so only in a cgo build; otherwise ErrReencode) only for
// an output file whose recording differs from what -p or -r ask: a picture
// size other than Width×Height, or a median frame rate more than 10% away
// from FPS. -p alone on a recording already at that rate changes nothing;
// when only -r forces a re-encode, the output rate is DefaultFPS (15, the
// SPEC's default of -p). The re-encoded video has a constant frame rate:
// each output frame shows the latest picture at or before it, a source
// slower than the output rate is filled with copies, while pauses of more
// than 1 s are left to the MP4 as above. The picture is scaled to fit
// Width×Height with its aspect ratio kept and centred on black. Audio is
// never re-encoded.
//
// # Progress and errors
//
// Options.Progress receives a one-line progress bar (by bytes read; each
// file is read twice, to measure it and to remux or re-encode it). Damage
// inside a TS file (lost packets, a broken frame) is dropped and reported
// to Options.OnDecodeError; a file that is not MPEG-TS fails its user with
// ErrCorrupt naming the file. An empty folder gives ErrEmpty.
package merge
