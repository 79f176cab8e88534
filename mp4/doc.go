// Package mp4 remuxes a stored HLS recording into MP4 files: the hls+mp4
// (and mp4) output of SPEC §3, whose files the recorder announces with
// event 310 (SPEC §6), and the remux the merge tool of SPEC §7 builds on.
// It is a format leaf: it reads through a Source and stores through a Sink
// (both satisfied by the recorder's storage, and by Dir), and knows nothing
// of tasks or names — the caller's Options.Name gives them.
//
// # Input
//
// Convert takes one playlist (a mixed stream: video and audio) or several
// (one user's stream: a video and an audio playlist), as written by package
// hls: MPEG-TS segments with H.264 or H.265 video and AAC (ADTS) or Opus
// audio. Playlists are placed on one timeline by their
// #EXT-X-TRTC-START-REC-TIME (1 ms precision), so an audio playlist that
// starts 3 s after the video starts 3 s into the MP4.
//
// The MPEG-TS reader is the module's own (internal/mpegts, shared with the
// merge tool), not mediacommon's mpegts.Reader: that reader (through
// go-astits) allocates for every 188-byte packet and reads ~175 MB/s here,
// which alone takes as long as FFmpeg's whole remux, so the speed goal
// (faster than `ffmpeg -c copy -movflags +faststart`) could not be met; it
// also rewinds the input to find the PMT. Ours reads packets in place and
// gathers each PES in a reused buffer (no allocation per packet). The tests
// read every segment back with mediacommon's reader and compare the MP4's
// samples with it byte for byte.
//
// A playlist or segment that is missing or cannot be read fails the
// conversion (ErrSource), as does one that is not a usable recording
// (ErrCorrupt: a malformed playlist, a file that is not MPEG-TS, no PMT,
// no supported stream). Damage inside a segment — lost packets (a
// continuity counter gap), a bad PES header, a malformed ADTS or Opus
// frame, a file cut inside a packet — drops the damaged PES or frame and is
// reported to Options.OnDecodeError; the conversion goes on.
//
// # Output: progressive MP4, moov first
//
// Each part is an ordinary (not fragmented) MP4: ftyp, moov, then one mdat,
// so a browser starts playing and seeks as soon as it has read the moov,
// and every player and VOD ingest handles it. A fragmented MP4 was not
// chosen: its index (sidx) must also come first and needs every fragment's
// size, so it would need the same two passes, and fragmented files are
// less widely supported (older players, editors, some transcoders).
//
// Memory stays bounded whatever the length: the samples of the part being
// assembled go to a temporary file in Options.TempDir, about one second
// per track at a time (one chunk), while the sample tables stay in memory
// in compact form — 4 bytes per sample for its size, run-length lists for
// durations and composition offsets (one run for regular audio, up to
// 8 bytes per video frame with jittery timestamps), 4 bytes per keyframe
// and 16 per chunk. When the part is complete its moov is built with
// mp4ff's boxes (the stbl tables are the package's own boxes, encoded
// straight from those compact tables) and the Sink gets the ftyp, moov and
// mdat header followed by the temporary file; a file Sink copies the media
// data inside the kernel. A 2 GB part of a 2 Mbit/s recording
// (2 h 10 min) needs about 23 MiB of RSS; see BenchmarkRemuxVsFFmpeg.
//
// # Tracks
//
// An MP4 holds at most one video track (track 1) and one audio track:
//
//   - H.264 as avc1 with an avcC, H.265 as hvc1 with an hvcC, from the
//     parameter sets (SPS, PPS, and VPS for H.265) last seen when the part's
//     first keyframe came; timescale 90000. Samples are the access units
//     with 4-byte NAL unit lengths instead of start codes, access unit
//     delimiters dropped; parameter sets and SEI stay in band, so a
//     resolution change later in the part still decodes. Video before a
//     part's first keyframe is dropped (reported).
//   - AAC as mp4a with an esds holding the AudioSpecificConfig of the ADTS
//     header; timescale the sample rate; one raw frame per sample.
//   - Opus as Opus with a dOps (channel count from the PMT's DVB extension
//     descriptor, 1 or 2, stereo when absent; pre-skip 0, mapping family 0);
//     timescale 48000; one packet per sample (the trim fields of the
//     control header, which our segmenter never writes, are ignored).
//
// A change of codec or audio configuration starts a new part.
//
// # Timestamps
//
// Decoding times come from the PES DTS (video) or PTS (audio; the frames
// after the first in a PES follow from the frame durations), unwrapped from
// 33 bits. Video composition offsets (ctts, version 0) are written only
// when some PTS differs from its DTS. A sample lasts until the next one of
// its track; the last video sample of a part gets the previous frame's
// duration, the last audio frame its own length. Audio frames within half a
// frame of their predecessor's end are put back to back (1024/44100 s is no
// whole number of 90 kHz ticks). A track starting after the movie (audio 3 s
// after the video) gets an empty edit (elst) of that length; video whose
// first sample has a composition offset starts its edit there. The movie
// timescale is 1000.
//
// At a segment marked #EXT-X-DISCONTINUITY, timestamps that go forward
// keep their gap (the last sample before it lasts until the next); if they
// go back (a new timeline, e.g. after a Segmenter.Discontinuity call) the
// segment continues at the end of the media so far. A segment without the
// tag that starts more than 1 s back is taken as a new timeline too.
//
// # Splitting
//
// A part ends when its next sample would take it past Options.MaxDuration
// (default 24 h) or Options.MaxSize (default 2,000,000,000 bytes, headers
// included: "2 GB" in decimal and below 2 GiB). With video, the part is cut
// at its last keyframe: the media after it (at most a group of pictures)
// moves to the next part, so every part stays within the limits and its
// video starts with a keyframe. Only when the part has no keyframe after its
// start (a group of pictures longer than the part) is it cut at the limit;
// the next part's video then starts at the next keyframe and the frames in
// between, which could not be decoded without the previous part, are
// dropped (reported). A part always holds at least one sample. Audio-only
// recordings are cut at the limit.
//
// Parts are named Options.Name(0) when the recording fits one file, and
// Name(1), Name(2), … on every part when it was split (SPEC §3, "_<Index>").
// No renaming is needed: a part is stored only once it is complete, and the
// first one is complete either at the end of the recording (Name(0)) or
// when a second one begins (Name(1)).
package mp4
