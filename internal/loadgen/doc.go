// Package loadgen feeds recorders with synthetic publishers for load
// measurements (issue 9, item 4; the recorder behaviour it exercises is
// SPEC §2, single-stream recording).
//
// A Clip is one pass over a clip as RTP packets, each with the media time a
// real-time sender sends it at. A Feeder loops clips into many RTP sinks
// (a *recorder.Track, or anything with WriteRTP) at once, paced by a clock:
// one ticker, every Config.Tick, sends what is due for every stream — not
// one goroutine or timer per packet — with sequence numbers and timestamps
// that keep counting across passes, as a publisher looping the clip would.
//
// Nothing here touches the network: packets go to the sinks in-process.
package loadgen
