package recorder

import (
	"time"

	"sort"

	"github.com/roomrec/roomrec/errcode"
	"github.com/roomrec/roomrec/naming"
)

// Description is what Describe returns: the service's
// DescribeCloudRecording response plus per-stream diagnostics.
type Description struct {
	// TaskID is the task's id.
	TaskID string
	// SdkAppID, Room and UserID are the task's (as given to Start).
	SdkAppID uint64
	Room     naming.RoomID
	UserID   string
	// Subscribe are the subscription lists in force (after Modify).
	Subscribe Subscription
	// Status is Idle (no media received yet: check that someone publishes
	// in the room), InProgress or Exited.
	Status Status
	// Note explains an Idle status in words; empty otherwise.
	Note string
	// StorageFileList has one entry per M3U8 playlist the task writes.
	StorageFileList []File
	// Streams describes every stream the task met, recorded or not (in a
	// mixed-stream task: the mix's inputs).
	Streams []StreamState
	// Mix describes the output of a mixed-stream task; nil otherwise.
	Mix *MixState
}

// MixState describes the one output of a mixed-stream task.
type MixState struct {
	// Segments and Bytes count the TS segments written and their size.
	Segments int
	Bytes    int64
	// VideoFrames and AudioFrames count the pictures and AAC frames
	// encoded.
	VideoFrames, AudioFrames int64
	// Late counts input frames that reached the mix after their play time
	// (not shown or not heard); Overflow those dropped from a full input
	// queue; DecodeErrors input frames that could not be decoded.
	Late, Overflow, DecodeErrors int64
	// DriftSteps counts corrections of a user's placement on the mix
	// clock (each a 20 ms hole or cut in that user's audio).
	DriftSteps int64
	// Skipped is output time not produced because the mix fell behind
	// by more than it catches up (a gap in the output).
	Skipped time.Duration
}

// File is one entry of StorageFileList.
type File struct {
	// FileName is the playlist's file name (without prefix and task folder).
	FileName string
	// Key is the playlist's full object key in the storage.
	Key string
	// UserID is the recorded user (empty for a mixed recording).
	UserID string
	// MediaID is main or aux.
	MediaID naming.MediaID
	// TrackType is "audio", "video" or "audio_video".
	TrackType string
	// BeginTimeStamp is the server's Unix time in ms when the first media
	// of the stream was received (also #EXT-X-TRTC-START-REC-TIME).
	BeginTimeStamp int64
}

// StreamState describes one stream of a task.
type StreamState struct {
	UserID  string
	MediaID naming.MediaID
	Kind    naming.TrackType
	// Codec is the MIME type of the track last seen for the stream.
	Codec string
	// Recording is true while a track of the stream is being recorded.
	Recording bool
	// Skipped says why the stream is not recorded ("" when it is).
	Skipped string
	// Counters of the media path (see ingest.Stats for their meaning).
	Packets, Lost, Reordered, Duplicates, Late, Malformed uint64
	// QueueDropped counts packets dropped because the task's queue was full.
	QueueDropped uint64
	// FramesDropped counts frames not written (broken or waiting for a keyframe).
	FramesDropped uint64
	// KeyframeRequests counts PLIs sent to the publisher.
	KeyframeRequests uint64
	// SSRCChanges counts switches of a track to a new SSRC (a publisher
	// that restarted its stream); Discontinuities the breaks in a track's
	// timeline (SSRC changes, sequence restarts, timestamp jumps), each an
	// #EXT-X-DISCONTINUITY in the playlist. A 16-bit sequence or 32-bit
	// timestamp wrap is neither.
	SSRCChanges, Discontinuities uint64
	// Segments and Bytes count the TS segments written and their size.
	Segments int
	Bytes    int64
}

func errTaskEnding(id string) error {
	return errcode.New(errcode.TaskNotExist, "task %q is ending", id)
}

func (t *task) describe() Description {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.describeLocked()
}

func (t *task) describeLocked() Description {
	d := Description{TaskID: t.id, Status: t.statusLocked(), SdkAppID: t.p.SdkAppID, Room: t.p.Room,
		UserID: t.p.UserID, Subscribe: t.p.Record.Subscribe}
	if d.Status == Idle {
		d.Note = "no media recorded yet: nobody publishes in the room, or the subscription lists and StreamType exclude every stream (see Streams)"
	}
	active := make(map[*stream]bool, len(t.tracks))
	for _, p := range t.tracks {
		if p != nil {
			active[p.st] = true
		}
	}
	for k, st := range t.streams {
		s := st.state()
		s.Recording = active[st]                              // decided under t.mu: subscribed, with a live track
		if f, ok := st.file(); ok && t.p.Storage.VOD == nil { // VOD tasks list no file
			d.StorageFileList = append(d.StorageFileList, f)
		}
		if reason, ok := t.skipped[k]; ok {
			s.Skipped = reason
		}
		d.Streams = append(d.Streams, s)
	}
	if t.mix != nil {
		ms := t.mix.state()
		d.Mix = &ms
		if f, ok := t.mix.file(); ok && t.p.Storage.VOD == nil {
			d.StorageFileList = append(d.StorageFileList, f)
		}
	}
	for k, reason := range t.skipped {
		if _, ok := t.streams[k]; !ok {
			d.Streams = append(d.Streams, StreamState{UserID: k.user, MediaID: k.media, Kind: k.kind, Skipped: reason})
		}
	}
	sort.Slice(d.StorageFileList, func(i, j int) bool { return d.StorageFileList[i].Key < d.StorageFileList[j].Key })
	sort.Slice(d.Streams, func(i, j int) bool {
		a, b := d.Streams[i], d.Streams[j]
		if a.UserID != b.UserID {
			return a.UserID < b.UserID
		}
		if a.MediaID != b.MediaID {
			return a.MediaID > b.MediaID // main before aux
		}
		return a.Kind < b.Kind
	})
	return d
}
