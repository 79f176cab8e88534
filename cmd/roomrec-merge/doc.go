// Command roomrec-merge merges a single-stream recording folder into
// playable files per user: the merge tool of SPEC §7, whose logic is
// package merge.
//
// Usage:
//
//	roomrec-merge -f DIR [-m 0|1] [-s] [-a 0|1|2] [-p FPS] [-r W H] [-o OUT]
//
// Flags (SPEC §7):
//
//	-f DIR   the recording (task) folder; every UserId in it is processed
//	-m 0     segment mode (default): one file per segment of a user (a pause
//	         of more than 15 s starts a new segment)
//	-m 1     merge mode: one file per user, pauses filled (silence, the
//	         last frame)
//	-s       save mode (with -m 1): pauses removed, the file is shorter than
//	         the wall time
//	-a 0     main video with the audio (default); 1 auto (main video if
//	         present, else aux); 2 aux (screen-share) video
//	-p FPS   output frame rate, clamped to 5..120; the video is re-encoded
//	         only if the recording's rate differs (default: keep it; 15
//	         when -r forces a re-encode)
//	-r W H   output size (also -r WxH); the video is re-encoded only if
//	         the recording's size differs
//	-o OUT   where to write the files (default: the -f folder)
//
// Files are named <UserId>_<timestamp>_av.mp4 (audio and video) or
// <UserId>_<timestamp>.m4a (audio only), <UserId> encoded as in the
// recording's names and <timestamp> the yyyyMMddHHmmssSSS UTC start of the
// first TS file of the segment. Each file written is printed on standard
// output (name, duration, tracks). A progress bar is drawn on standard
// error when it is a terminal. The exit status is 1 when any user failed
// (the others are still written), 2 for bad flags.
package main
