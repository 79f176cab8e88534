package naming

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/roomrec/roomrec/errcode"
)

// Limits of the fields of a Name. The user and room limits are TRTC's
// published ones (userId: at most 32 bytes of letters, digits, '_' and '-';
// numeric roomId 1..4294967294; string roomId at most 64 bytes of letters,
// digits, space and !#$%&()+-:;<=.>?@[]^_{}|~,). The prefix and TaskId
// limits are the project's: with them the longest valid key is well under
// the 850-byte object key limit of COS (and S3's 1024).
const (
	maxUserIDLen  = 32
	maxRoomStrLen = 64
	maxRoomNum    = 4294967294
	maxTaskIDLen  = 128
	maxPrefixLen  = 256
	maxHA         = 3
)

// roomSymbols are the non-alphanumeric characters TRTC allows in a string room id.
const roomSymbols = " !#$%&()+-:;<=.>?@[]^_{}|~,"

// Validate checks n against SPEC §3 and the TRTC limits and returns nil or an
// *errcode.Error whose code names the first bad field, checked in this order:
//   - ErrTaskID: TaskID empty, over 128 bytes, not UTF-8, ".", "..", or with
//     '/', '\\' or a control character (see ValidatePrefix for the prefix);
//   - ErrPrefix: see ValidatePrefix;
//   - ErrHA: HA outside 0..3;
//   - ErrSdkAppID: SdkAppID zero;
//   - ErrRoomID: see RoomID.Validate;
//   - ErrKind: Kind not m3u8, ts or mp4;
//   - ErrUserID, ErrMediaID, ErrTrackType: for a single stream, UserID bad
//     (see ValidateUserID), Media not main/aux, Type not audio/video (M3U8,
//     TS) or set (MP4); for a mixed stream, any of them set;
//   - ErrUTC: TS without a UTC in the years 0001–9999, or another kind with one;
//   - ErrIndex: Index negative, or non-zero on a non-MP4 name.
func (n Name) Validate() error {
	if err := validateTaskID(n.TaskID); err != nil {
		return err
	}
	if err := ValidatePrefix(n.Prefix); err != nil {
		return err
	}
	return n.validateFile()
}

// validateFile checks the fields that make up the file name (all but
// Prefix and TaskID).
func (n Name) validateFile() error {
	if n.HA < 0 || n.HA > maxHA {
		return errcode.New(ErrHA, "high-availability count %d is outside 0..%d", n.HA, maxHA)
	}
	if n.SdkAppID == 0 {
		return errcode.New(ErrSdkAppID, "SdkAppId is missing (zero)")
	}
	if err := n.Room.Validate(); err != nil {
		return err
	}
	if !n.Kind.Valid() {
		return errcode.New(ErrKind, "file kind %q is not m3u8, ts or mp4", n.Kind)
	}
	if err := n.validateStream(); err != nil {
		return err
	}
	if n.Kind == KindTS {
		if y := n.UTC.UTC().Year(); n.UTC.IsZero() || y < 1 || y > 9999 {
			return errcode.New(ErrUTC, "a TS name needs its recording start time in the years 0001-9999, got %v", n.UTC)
		}
	} else if !n.UTC.IsZero() {
		return errcode.New(ErrUTC, "only TS names carry a UTC stamp, this is a %s name", n.Kind)
	}
	if n.Index < 0 || n.Index != 0 && n.Kind != KindMP4 {
		return errcode.New(ErrIndex, "split index %d: must be 0 (not split) or 1, 2, 3... on MP4 names only", n.Index)
	}
	return nil
}

// validateStream checks UserID, Media and Type against Mixed and Kind.
func (n Name) validateStream() error {
	if n.Mixed {
		switch {
		case n.UserID != "":
			return errcode.New(ErrUserID, "a mixed-stream name has no user id, got %q", n.UserID)
		case n.Media != "":
			return errcode.New(ErrMediaID, "a mixed-stream name has no MediaId, got %q", n.Media)
		case n.Type != "":
			return errcode.New(ErrTrackType, "a mixed-stream name has no track type, got %q", n.Type)
		}
		return nil
	}
	if err := ValidateUserID(n.UserID); err != nil {
		return err
	}
	if !n.Media.Valid() {
		return errcode.New(ErrMediaID, "MediaId %q is not main or aux", n.Media)
	}
	if n.Kind == KindMP4 {
		if n.Type != "" {
			return errcode.New(ErrTrackType, "single-stream MP4 names carry no track type, got %q", n.Type)
		}
	} else if !n.Type.Valid() {
		return errcode.New(ErrTrackType, "track type %q is not audio or video", n.Type)
	}
	return nil
}

// Validate checks that exactly one of Num and Str is set and within TRTC's
// limits (numeric 1..4294967294; string 1..64 bytes of ASCII letters,
// digits, space and !#$%&()+-:;<=.>?@[]^_{}|~,). It returns nil or an
// *errcode.Error with code ErrRoomID.
func (r RoomID) Validate() error {
	switch {
	case r.Num != 0 && r.Str != "":
		return errcode.New(ErrRoomID, "room id is both numeric (%d) and a string (%q); set one", r.Num, r.Str)
	case r.Str != "":
		if len(r.Str) > maxRoomStrLen {
			return errcode.New(ErrRoomID, "string room id is %d bytes, at most %d allowed", len(r.Str), maxRoomStrLen)
		}
		for i := 0; i < len(r.Str); i++ {
			if c := r.Str[i]; !isASCIILetter(c) && !isDigit(c) && !strings.ContainsRune(roomSymbols, rune(c)) {
				return errcode.New(ErrRoomID, "string room id %q has the character %q at byte %d; allowed are letters, digits, space and %s", r.Str, c, i, roomSymbols[1:])
			}
		}
		return nil
	case r.Num == 0:
		return errcode.New(ErrRoomID, "room id is missing (numeric 0 and empty string)")
	case r.Num > maxRoomNum:
		return errcode.New(ErrRoomID, "numeric room id %d is over %d", r.Num, uint32(maxRoomNum))
	}
	return nil
}

// ValidateUserID checks a user id against TRTC's limits: 1..32 bytes of
// ASCII letters, digits, '_' and '-'. It returns nil or an *errcode.Error
// with code ErrUserID.
func ValidateUserID(id string) error {
	if id == "" || len(id) > maxUserIDLen {
		return errcode.New(ErrUserID, "user id %q must be 1 to %d bytes", id, maxUserIDLen)
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; !isASCIILetter(c) && !isDigit(c) && c != '_' && c != '-' {
			return errcode.New(ErrUserID, "user id %q has the character %q at byte %d; allowed are letters, digits, _ and -", id, c, i)
		}
	}
	return nil
}

// ValidatePrefix checks a file name prefix ("" = none). A prefix is one or
// more '/'-separated folders that can never lead a name out of its task
// folder or break a key: at most 256 bytes of UTF-8, no leading or trailing
// '/', no empty, "." or ".." segment, no '\\' and no control character
// (C0, DEL, C1). It returns nil or an *errcode.Error with code ErrPrefix.
func ValidatePrefix(prefix string) error {
	if prefix == "" {
		return nil
	}
	if len(prefix) > maxPrefixLen {
		return errcode.New(ErrPrefix, "prefix is %d bytes, at most %d allowed", len(prefix), maxPrefixLen)
	}
	if p := segmentProblem(prefix, true); p != "" {
		return errcode.New(ErrPrefix, "prefix %q %s", prefix, p)
	}
	for seg := range strings.SplitSeq(prefix, "/") {
		switch seg {
		case "":
			return errcode.New(ErrPrefix, "prefix %q has an empty folder (leading, trailing or double '/')", prefix)
		case ".", "..":
			return errcode.New(ErrPrefix, "prefix %q has a %q folder", prefix, seg)
		}
	}
	return nil
}

// validateTaskID checks that id is one safe, non-empty path segment of at
// most 128 bytes.
func validateTaskID(id string) error {
	switch {
	case id == "":
		return errcode.New(ErrTaskID, "TaskId is missing")
	case len(id) > maxTaskIDLen:
		return errcode.New(ErrTaskID, "TaskId is %d bytes, at most %d allowed", len(id), maxTaskIDLen)
	case id == "." || id == "..":
		return errcode.New(ErrTaskID, "TaskId %q is not a folder name", id)
	}
	if p := segmentProblem(id, false); p != "" {
		return errcode.New(ErrTaskID, "TaskId %q %s", id, p)
	}
	return nil
}

// segmentProblem returns why s cannot be (part of) a path segment — not
// UTF-8, a '\\', a control character or, unless slashOK, a '/' — or "".
func segmentProblem(s string, slashOK bool) string {
	if !utf8.ValidString(s) {
		return "is not UTF-8"
	}
	for _, r := range s {
		switch {
		case r == '\\':
			return "has a backslash"
		case r == '/' && !slashOK:
			return "has a '/'"
		case unicode.IsControl(r):
			return "has a control character"
		}
	}
	return ""
}
