// Package mix is the media core of mixed-stream recording (SPEC §2
// "Mixed-stream", §4 "Mixed-stream parameters"): it decodes the subscribed
// users' streams, composites their video on one canvas by the layout,
// mixes their audio, and encodes both (H.264 + AAC) on one clock, for one
// hls.Segmenter. All codec work goes through internal/codec; the layout
// rectangles come from package layout.
//
// # Use
//
// New makes a Mixer from a Config (MixTranscodeParams, the layout, the
// watermark images already fetched with FetchWatermark). Each subscribed
// track becomes an Input (AddInput), fed with ingest's frames
// (Input.Write, from the track's goroutine: it only queues a copy) and
// closed when the track ends (Input.Close). Run (or Tick, once per output
// frame) writes the output to a Sink, which *hls.Segmenter implements,
// with hls.Config.AACConfig = AudioSpecificConfig and hls.Config.Start =
// Start (known before the first write); Flush drains the encoders at the
// end. SetLayout replaces the layout (the service's Modify: a full
// overwrite) and SetWatermarks the watermarks (for a Modify, or for images
// whose download finished after New: recording need not wait for them).
//
// # One clock
//
// Everything is placed on the mix clock (Config.Clock, the receiver's
// clock): a frame plays at its Arrival time (ingest's receiver-clock time
// of the frame: first packet's arrival plus media time) plus its input's
// offset, PlayoutDelay (default 1 s) after the clock. Output frame k is
// drawn when the clock passes its time plus the delay, from each input's
// latest picture placed at most half a frame after it (the nearest one:
// sync marks land within ±half a frame); an audio packet is summed into
// the mix at its sample position. So inputs that start late or pause stay
// where their arrival puts them, and nothing waits for a slow input. The
// delay covers the time frames take to reach Write: the recorder's RTP
// reorder buffer holds the first packets, and those behind a loss, for up
// to 500 ms; late frames are counted (Stats.Late), not waited for.
//
// Lip sync: a user's audio and video may travel differently (network
// paths, jitter buffers), so their arrival times are off by up to a few
// hundred ms. When every input of a user has sender reports (Frame.Wall
// differs from Frame.Arrival), each input's offset is the difference
// between the user's largest Arrival−Wall and its own, so that media
// captured at the same sender instant plays at the same mix instant (the
// more delayed stream sets the pace); changes under 15 ms are ignored
// (each change is a tiny hole or cut in audio). Without sender reports
// arrival times are used as they are.
//
// Drift: Arrival extrapolates the sender's media clock, so a sender whose
// clock is slow or fast makes its frames come ever later or earlier
// relative to their place. When a user's frames come within 150 ms of
// their play time, or more than the delay ahead of it, the user's inputs
// (audio and video together, so lip sync holds) move by 20 ms, at most
// every 500 ms (Stats.DriftSteps).
//
// Joins, leaves, SetLayout and SetWatermarks take effect in the output at
// the mix time of the call, so in step with the media around them (a leaving user's
// last frames are still shown). Nothing is output before the first input
// frame is due; from then on video and audio are continuous (background
// and silence when nobody sends), and a clock that jumps more than 5 s is
// a gap in the timestamps (Stats.Skipped).
//
// # Video
//
// The canvas is one YUV 4:2:0 frame, reused. Per frame: the background
// (colour, or the background image scaled once to fill the canvas;
// skipped when the screens cover it), then each screen in z-order (the
// layout's painting order: Float's small screens above the big one) scaled
// by the input's own swscale context straight from its decoded picture
// into its rectangle (crop-to-fill, fit with the background colour as
// padding, or stretch, by layout.Fit), then the watermarks, converted once
// to YUV with alpha at their box size and blended. A screen without a
// picture (audio-only user, video not arrived yet, absent custom slot)
// shows Config.Placeholder, by default nothing (the background, as the
// service does). Pictures of any size, odd ones included, and size
// changes mid-stream are handled; a stream that stops keeps its last
// picture until its Input closes. Colours are BT.601 limited range.
//
// # Audio
//
// Each Opus packet due is decoded, resampled to the output rate and
// channels, and added to a ring of output samples at its position:
// contiguous packets continue at the input's cursor (rounding never adds
// up), a hole (loss, DTX, a pause) is silence, an overlap (a placement
// moved back) drops what is already covered: time is never squeezed or
// stretched. The sum passes a limiter (instant attack, 150 ms release,
// ceiling -0.5 dBFS: peaks are never clipped, quiet passages keep unity gain)
// into the AAC encoder; its priming frame is dropped so the audio's PTS
// are the sample count's. AAC frames are held back until the video (whose
// encoder looks ahead a few frames) has caught up, because the segmenter
// of a mixed stream drops audio written before the first video keyframe.
//
// # Cost
//
// In steady state Write, Tick and the compositor allocate no Go memory.
// Measured on a 2-core Xeon (shared with other work) with FFmpeg 5.1:
// 25 screens of 640×360 into 1920×1080 take 2.2 ms per frame
// (BenchmarkCompose25); the task of BenchmarkMixTask (4 × 640×360 H.264 +
// Opus in, 1280×720 15 fps H.264 1.5 Mbit/s x264 veryfast + AAC 64 kbit/s
// out) 0.21 CPU-s per media second against 0.29 for the ffmpeg CLI doing
// the same job (xstack + amix), a ratio of 0.72: about 9 such tasks in real
// time on 2 cores. A/V sync measured in the output (TestAVSync, flashes
// against beeps): within ±26 ms over 30 s, worst 39 ms over 10 minutes
// with drift corrections. Decoding is serial in Tick's goroutine.
package mix
