package naming

import (
	"strconv"
	"strings"
	"time"
)

// Kind is the kind of file a Name stands for; a closed set (KindM3U8,
// KindTS, KindMP4). The zero Kind is unset and invalid.
type Kind string

// The file kinds of SPEC §3; each is also the file extension without the dot.
const (
	KindM3U8 Kind = "m3u8" // HLS playlist
	KindTS   Kind = "ts"   // MPEG-TS segment
	KindMP4  Kind = "mp4"  // MP4 made from the HLS recording
)

// Valid reports whether k is one of KindM3U8, KindTS, KindMP4.
func (k Kind) Valid() bool { return k == KindM3U8 || k == KindTS || k == KindMP4 }

// String returns the kind as written in the file extension ("m3u8", "ts", "mp4").
func (k Kind) String() string { return string(k) }

// MediaID tells a user's main stream from their screen-share (aux) stream;
// a closed set (MediaMain, MediaAux). The zero MediaID is unset.
type MediaID string

// The MediaIds of SPEC §3.
const (
	MediaMain MediaID = "main" // camera / microphone stream
	MediaAux  MediaID = "aux"  // screen-share (sub) stream
)

// Valid reports whether m is MediaMain or MediaAux.
func (m MediaID) Valid() bool { return m == MediaMain || m == MediaAux }

// String returns the MediaId as written in names ("main" or "aux").
func (m MediaID) String() string { return string(m) }

// TrackType is the <Type> of a single-stream name; a closed set (TrackAudio,
// TrackVideo). The zero TrackType is unset.
type TrackType string

// The track types of SPEC §3.
const (
	TrackAudio TrackType = "audio"
	TrackVideo TrackType = "video"
)

// Valid reports whether t is TrackAudio or TrackVideo.
func (t TrackType) Valid() bool { return t == TrackAudio || t == TrackVideo }

// String returns the type as written in names ("audio" or "video").
func (t TrackType) String() string { return string(t) }

// RoomID is a TRTC room id, which is either numeric or a string: exactly one
// of Num (1..4294967294) and Str (1..64 bytes) is set. Numeric ids are
// written in decimal in names, string ids in the EncodeID form.
type RoomID struct {
	Num uint32 // numeric room id; 0 when the room id is a string
	Str string // string room id; "" when the room id is numeric
}

// String returns the room id as the caller knows it: Num in decimal, or Str.
func (r RoomID) String() string {
	if r.Str != "" {
		return r.Str
	}
	return strconv.FormatUint(uint64(r.Num), 10)
}

// token returns the room id as written in names.
func (r RoomID) token() string {
	if r.Str != "" {
		return EncodeID(r.Str)
	}
	return strconv.FormatUint(uint64(r.Num), 10)
}

// Name is one object name of SPEC §3, as plain data. The fields that a kind
// of name does not carry must be zero (Validate checks it):
//   - Mixed names have no UserID, Media or Type;
//   - MP4 names have no Type and no UTC (an MP4 holds a whole recording);
//   - UTC is set on TS names only, Index (MP4 split part) on MP4 names only.
type Name struct {
	Prefix   string    // optional folders before the task folder, "a/b"; "" for none
	TaskID   string    // the task folder
	HA       int       // high-availability recovery count, 0 (none) .. 3
	SdkAppID uint64    // the application's SdkAppId
	Room     RoomID    // the room
	Mixed    bool      // mixed-stream name (no user part)
	UserID   string    // single stream: the recorded user, unencoded
	Media    MediaID   // single stream: main or aux
	Type     TrackType // single stream M3U8/TS: audio or video
	Kind     Kind      // m3u8, ts or mp4
	UTC      time.Time // TS: recording start of the segment (any zone; written in UTC+0, ms)
	Index    int       // MP4: 0 = not split, else the 1-based part number
}

// String returns the full object key "<Prefix>/<TaskId>/<file>"; the
// "<Prefix>/" part is left out when Prefix is empty, and "<TaskId>/" when
// TaskID is empty (a bare file name). String does not validate: call
// Validate first for names built from the caller's data.
func (n Name) String() string {
	var b strings.Builder
	if n.Prefix != "" {
		b.WriteString(n.Prefix)
		b.WriteByte('/')
	}
	if n.TaskID != "" {
		b.WriteString(n.TaskID)
		b.WriteByte('/')
	}
	b.WriteString(n.File())
	return b.String()
}

// File returns the file name alone (the form used for segment URIs inside
// an M3U8). UTC is written in UTC+0 and truncated to the millisecond. File
// does not validate: call Validate first for names built from the caller's
// data.
func (n Name) File() string {
	var b strings.Builder
	if n.HA != 0 {
		b.WriteString("ha")
		b.WriteString(strconv.Itoa(n.HA))
		b.WriteByte('_')
	}
	b.WriteString(strconv.FormatUint(n.SdkAppID, 10))
	b.WriteByte('_')
	b.WriteString(n.Room.token())
	if !n.Mixed {
		b.WriteString(userStart)
		b.WriteString(EncodeID(n.UserID))
		b.WriteString(userEnd)
		b.WriteString(string(n.Media))
		if n.Kind != KindMP4 {
			b.WriteByte('_')
			b.WriteString(string(n.Type))
		}
	}
	switch n.Kind {
	case KindTS:
		b.WriteByte('_')
		b.WriteString(formatUTC(n.UTC))
	case KindMP4:
		if n.Index != 0 {
			b.WriteByte('_')
			b.WriteString(strconv.Itoa(n.Index))
		}
	}
	b.WriteByte('.')
	b.WriteString(string(n.Kind))
	return b.String()
}

// The markers around the encoded user id of single-stream names.
const (
	userStart = "__UserId_s_"
	userEnd   = "__UserId_e_"
)

// Playlist returns n as the name of its M3U8 playlist (Kind m3u8, no UTC,
// no Index). For a single stream n must carry its Type.
func (n Name) Playlist() Name {
	n.Kind, n.UTC, n.Index = KindM3U8, time.Time{}, 0
	return n
}

// Segment returns the name of the TS segment of n's stream whose recording
// started at utc (Kind ts, Index 0).
func (n Name) Segment(utc time.Time) Name {
	n.Kind, n.UTC, n.Index = KindTS, utc, 0
	return n
}

// MP4 returns the name of part index (0 = the file was not split, else
// 1, 2, 3, …) of the MP4 made from n's stream. MP4 names carry no track
// type and no UTC, so those fields are cleared.
func (n Name) MP4(index int) Name {
	n.Kind, n.UTC, n.Index, n.Type = KindMP4, time.Time{}, index, ""
	return n
}
