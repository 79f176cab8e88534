// Package codec is roomrec's codec layer: decoding, encoding, scaling and
// resampling through FFmpeg's C libraries (libavcodec, libavutil,
// libswscale, libswresample) via cgo. It serves SPEC §2 (single-stream
// recording: Opus to AAC by default, VP8/VP9/AV1 to H.264, because MPEG-TS
// players take neither Opus nor VP8) and SPEC §4 (mixed-stream transcoding).
//
// Two compositions serve single-stream recording:
//
//   - AudioTranscoder: Opus packets (48 kHz PTS) to AAC-LC frames (90 kHz
//     PTS) plus the AudioSpecificConfig for hls.Config.AACConfig. Holes in
//     the timestamps (loss, DTX) are filled with silence; time is never
//     squeezed; PTS come from the absolute sample count, so they never drift.
//   - VideoTranscoder: VP8/VP9/AV1/H.265/H.264 frames to H.264 access units
//     (NAL units without start codes) at the source's size and timestamps,
//     with keyframes every GOP and on request, and ResolutionChanged when a
//     new source size re-opens the encoder.
//
// They are thin compositions of four primitives that mixed-stream recording
// combines too: Decoder (compressed Unit to raw Frames), Encoder (Frames to
// H.264 or AAC Packets), Scaler (a picture, or a rectangle of it, scaled
// straight into a rectangle of a canvas Frame) and Resampler (PCM to another
// rate, channel count and sample format, read back in frames of any size).
// A Frame is C memory that Go reads and writes in place (Plane).
//
// Resources: every object holds C memory and must be Closed; Close is
// idempotent and methods called after it return ErrClosed (or zero values),
// never crash. An object garbage collected without Close is freed by a
// cleanup that logs a warning: a safety net, not the way to free. Buffers are
// reused: in steady state no call allocates Go memory (outputs are valid
// until the next call on their producer), and the cgo calls are per frame
// and stage (send, receive, resample, encode), never per RTP packet of a
// video frame; an Opus packet is one audio frame, so audio makes a few cgo
// calls per packet, small against the codec work (BenchmarkAudioVsFFmpeg:
// about 120 µs of CPU per 20 ms packet for Opus to mono AAC).
// Objects are not safe for concurrent use; one goroutine drives each.
//
// Portability: only the send/receive codec API, stable from FFmpeg 4.4 to
// 8.x, is used; what changed between versions (channel layouts in 5.1) is
// resolved in C at compile time. Without cgo the package still builds:
// every constructor and Available return an error matching ErrUnsupported
// that says what to install.
package codec
