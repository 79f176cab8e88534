package merge

import (
	"fmt"
	"slices"
	"time"

	"github.com/roomrec/roomrec/internal/mpegts"
	"github.com/roomrec/roomrec/naming"
)

// chainTolerance is how far a segment's timestamps may disagree with the
// <UTC> of its name (relative to the segment before it in the stream) and
// still be taken as continuing it: the recorder writes continuous
// timestamps across a pause, so a sample-accurate placement follows them;
// a new timeline (a recovery's ha1_ files, another recorder) is placed by
// its name instead.
const chainTolerance = 90000 // 1 s

// choose picks the user's video and audio files for av (SPEC §7 -a). The
// audio is the main audio (the aux stream has none in TRTC; an aux audio
// playlist is ignored). It returns ErrNoVideo when the user has video but
// not the kind asked for, ErrNoAudio when the user has video but no audio.
// A user without any video gets audio only (.m4a files).
func (u *userRec) choose(av AV) (video, audio []*tsFile, err error) {
	audio = u.mainAudio
	switch av {
	case AVMain:
		video = u.mainVideo
	case AVAux:
		video = u.auxVideo
	default:
		video = u.mainVideo
		if len(video) == 0 {
			video = u.auxVideo
		}
	}
	switch {
	case len(video) == 0 && len(u.mainVideo)+len(u.auxVideo) > 0:
		have, flag := naming.MediaAux, "-a 1 or -a 2"
		if len(u.mainVideo) > 0 {
			have, flag = naming.MediaMain, "-a 1 or -a 0"
		}
		return nil, nil, fmt.Errorf("%w: user %q (%s) has only %s video; use %s", ErrNoVideo, u.id, u.enc, have, flag)
	case len(video) > 0 && len(audio) == 0:
		return nil, nil, fmt.Errorf("%w: user %q (%s) has %d video segment(s) and no audio", ErrNoAudio, u.id, u.enc, len(video))
	case len(audio) == 0:
		return nil, nil, fmt.Errorf("%w: user %q (%s) has no main audio or video", ErrEmpty, u.id, u.enc)
	}
	return video, audio, nil
}

// segment is one recording segment of a user (SPEC §7): TS files of the
// chosen streams with no pause of more than GapThreshold between them.
type segment struct {
	video, audio []*tsFile
	start, end   time.Time // wall times: the first file's start, the last media's end
}

// splitSegments cuts the files into segments: a file that starts more
// than GapThreshold after everything before it has ended starts a new one.
func splitSegments(video, audio []*tsFile) []segment {
	all := make([]*tsFile, 0, len(video)+len(audio))
	vi, ai := 0, 0
	for vi < len(video) || ai < len(audio) { // merge the two sorted lists
		if ai >= len(audio) || vi < len(video) && !audio[ai].utc.Before(video[vi].utc) {
			all = append(all, video[vi])
			vi++
		} else {
			all = append(all, audio[ai])
			ai++
		}
	}
	var segs []segment
	for _, f := range all {
		if n := len(segs); n == 0 || f.utc.Sub(segs[n-1].end) > GapThreshold {
			segs = append(segs, segment{start: f.utc, end: f.utc})
		}
		s := &segs[len(segs)-1]
		if f.video {
			s.video = append(s.video, f)
		} else {
			s.audio = append(s.audio, f)
		}
		if e := f.wallEnd(); e.After(s.end) {
			s.end = e
		}
	}
	return segs
}

// piece is one TS segment of an output track: a recorded file placed on
// the output timeline, a silence segment, or a re-encoded segment.
type piece struct {
	file    *tsFile      // recorded file, or nil
	silence *silenceSpec // silence, or nil
	encoded string       // re-encoded segment's path, or ""
	pos     int64        // output position of its first timestamp (90 kHz)
	end     int64        // output position where its media ends
}

// job is one output file: some segments of one user.
type job struct {
	user         *userRec
	segs         []segment
	start        time.Time // the <timestamp> of the name: the first TS file's <UTC>
	video, audio []piece
	length       int64       // output length (90 kHz)
	format       audioFormat // of the silence
	silenceErr   error       // why no silence can be made, if so
}

// planJobs groups the segments into output files: one per segment, or one for
// all (ModeMerge).
func planJobs(u *userRec, segs []segment, mode Mode) []*job {
	if mode == ModeMerge {
		return []*job{{user: u, segs: segs, start: segs[0].start}}
	}
	out := make([]*job, len(segs))
	for i := range segs {
		out[i] = &job{user: u, segs: segs[i : i+1], start: segs[i].start}
	}
	return out
}

// place puts the job's files on its output timeline (position 0 = the
// start of its first segment). Segments keep their wall-clock distance
// unless save is set, which butts each one against the end of the one
// before. Inside a stream, a file whose timestamps continue the file
// before (within chainTolerance of its <UTC>) follows them exactly; files
// never overlap.
func (j *job) place(save bool) {
	var segStart int64
	for i, s := range j.segs {
		if i > 0 {
			segStart = j.length
			if !save {
				segStart = max(segStart, durationToTicks(s.start.Sub(j.segs[0].start)))
			}
		}
		sameSeg := func(p piece) bool { return !save || !p.file.utc.Before(s.start) }
		j.video = placeFiles(j.video, s.video, s.start, segStart, sameSeg)
		j.audio = placeFiles(j.audio, s.audio, s.start, segStart, sameSeg)
		for _, p := range slices.Concat(j.video, j.audio) {
			j.length = max(j.length, p.end)
		}
	}
}

// placeFiles appends the files of one stream of a segment that starts at
// wall time start and output position segStart.
func placeFiles(list []piece, files []*tsFile, start time.Time, segStart int64, chain func(piece) bool) []piece {
	for _, f := range files {
		pos := segStart + durationToTicks(f.utc.Sub(start))
		if n := len(list); n > 0 {
			prev := list[n-1]
			follow := prev.pos + mpegts.WrapDelta(f.info.first, prev.file.info.first)
			switch {
			case chain(prev) && abs(follow-pos) <= chainTolerance && follow >= prev.pos:
				pos = follow
			case pos < prev.end:
				pos = prev.end
			}
		}
		list = append(list, piece{file: f, pos: pos, end: pos + f.info.end})
	}
	return list
}

// abs returns |v|.
func abs(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}

// fillAudio fills the stretches of the job without recorded audio with
// silence segments: before the first audio file and after the last when
// there is video, and every hole in between, so the audio track covers
// the whole file. The silence takes the format of the audio before it (of
// the first audio file, or j.format, before that). It does nothing when
// silence cannot be made in that format (j.silenceErr says why).
func (j *job) fillAudio() {
	format := j.format
	if len(j.audio) > 0 {
		format = j.audio[0].file.info.audio
	}
	var out []piece
	var cursor int64
	if len(j.video) == 0 && len(j.audio) > 0 {
		cursor = j.audio[0].pos
	}
	fill := func(to int64) {
		if err := format.canSilence(); err != nil {
			if to-cursor >= 90000 && j.silenceErr == nil {
				j.silenceErr = err
			}
			return
		}
		for per := format.frameTicks(); to-cursor >= per; {
			s := newSilence(format, cursor, to)
			out = append(out, piece{silence: s, pos: cursor, end: s.end()})
			cursor = s.end()
		}
	}
	for _, p := range j.audio {
		fill(p.pos)
		out = append(out, p)
		cursor = max(cursor, p.end)
		format = p.file.info.audio
	}
	if len(j.video) > 0 {
		fill(j.length)
	}
	j.audio = out
}
