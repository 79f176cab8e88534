// Command quickstart is the demo of `make demo`: a tiny pion media server on
// loopback with two publishers (real WebRTC peer connections sending the
// committed test clips, looped with continuous timestamps: alice H.264 +
// Opus, bob VP8 + Opus) and roomrec recording the room single-stream to
// ./recordings for about 20 seconds: H.264 as received, VP8 transcoded to
// H.264, Opus transcoded to AAC; a second task records the same room mixed
// (both users side by side in a grid, audio mixed, one HLS). It prints the recorded files, the events
// received, and an ffprobe summary of every playlist.
//
// Nothing leaves the machine: ICE is pinned to the loopback interface, and
// the storage is the local disk.
package main
