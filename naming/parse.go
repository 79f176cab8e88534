package naming

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/roomrec/roomrec/errcode"
)

// Parse takes apart a full object key "<TaskId>/<file>" or
// "<Prefix>/<TaskId>/<file>": the part after the last '/' is the file name
// (read as ParseFile does), the segment before it the TaskId, and anything
// before that the Prefix (which may hold '/' and '_'). A key without a
// TaskId folder is rejected with ErrTaskID; use ParseFile for bare file
// names. The returned Name passes Validate and its String is key.
// On error Parse returns the zero Name and an *errcode.Error whose code
// names the bad part (ErrFileName for a wrong structure).
func Parse(key string) (Name, error) {
	i := strings.LastIndexByte(key, '/')
	if i < 0 {
		return Name{}, errcode.New(ErrTaskID, "key %q has no <TaskId>/ folder (use ParseFile for a bare file name)", key)
	}
	n, err := ParseFile(key[i+1:])
	if err != nil {
		return Name{}, err
	}
	dir := key[:i]
	if j := strings.LastIndexByte(dir, '/'); j >= 0 {
		n.Prefix, n.TaskID = dir[:j], dir[j+1:]
		if n.Prefix == "" {
			return Name{}, errcode.New(ErrPrefix, "key %q starts with '/'", key)
		}
	} else {
		n.TaskID = dir
	}
	if err := n.Validate(); err != nil {
		return Name{}, err
	}
	return n, nil
}

// ParseFile takes apart a file name of SPEC §3 (no folders), such as a
// segment URI inside an M3U8. The returned Name has no Prefix and no TaskID
// (set them before calling String or Validate); every other field is
// valid and File returns file. On error ParseFile returns the zero Name and
// an *errcode.Error whose code names the bad part (ErrFileName for a wrong
// structure).
func ParseFile(file string) (Name, error) {
	n, err := parseFile(file)
	if err != nil {
		var e *errcode.Error
		if errors.As(err, &e) { // always: parseFile returns fresh *errcode.Error values
			e.Message = fmt.Sprintf("file name %q: %s", file, e.Message)
		}
		return Name{}, err
	}
	return n, nil
}

func parseFile(file string) (Name, error) {
	var n Name
	rest, ok := n.cutKind(file)
	if !ok {
		return Name{}, syntaxError("does not end in .m3u8, .ts or .mp4")
	}
	rest, err := n.cutHA(rest)
	if err != nil {
		return Name{}, err
	}
	sdk, rest, ok := strings.Cut(rest, "_")
	if !ok {
		return Name{}, syntaxError("has no <SdkAppId>_<RoomId>")
	}
	if n.SdkAppID, ok = parseDecimal(sdk, 64); !ok {
		return Name{}, errcode.New(ErrSdkAppID, "SdkAppId %q is not a canonical decimal number", sdk)
	}
	room, rest := cutToken(rest)
	if n.Room, err = parseRoom(room); err != nil {
		return Name{}, err
	}
	if after, ok := strings.CutPrefix(rest, userStart); ok {
		err = n.parseSingle(after)
	} else {
		n.Mixed = true
		err = n.parseMixed(rest)
	}
	if err != nil {
		return Name{}, err
	}
	return n, n.validateFile()
}

// cutKind sets n.Kind from the extension of file and returns file without it.
func (n *Name) cutKind(file string) (string, bool) {
	for _, k := range []Kind{KindM3U8, KindTS, KindMP4} {
		if rest, ok := strings.CutSuffix(file, "."+string(k)); ok {
			n.Kind = k
			return rest, true
		}
	}
	return "", false
}

// cutHA reads an optional "ha<N>_" (N one digit 1..3) into n.HA.
func (n *Name) cutHA(s string) (string, error) {
	rest, ok := strings.CutPrefix(s, "ha")
	if !ok {
		return s, nil
	}
	if len(rest) < 2 || rest[0] < '1' || rest[0] > '0'+maxHA || rest[1] != '_' {
		return "", errcode.New(ErrHA, "%q does not start with ha1_, ha2_ or ha3_", s)
	}
	n.HA = int(rest[0] - '0')
	return rest[2:], nil
}

// cutToken splits s at its first '_': the token before it and the rest from
// the '_' on (or s and "").
func cutToken(s string) (token, rest string) {
	if i := strings.IndexByte(s, '_'); i >= 0 {
		return s[:i], s[i:]
	}
	return s, ""
}

// parseRoom reads a room token: all digits is a numeric room id, anything
// else an encoded string room id (see the package comment for why this is
// unambiguous).
func parseRoom(tok string) (RoomID, error) {
	if allDigits(tok) {
		v, ok := parseDecimal(tok, 32)
		if !ok {
			return RoomID{}, errcode.New(ErrRoomID, "numeric room id %q is not a canonical decimal number of at most 32 bits", tok)
		}
		return RoomID{Num: uint32(v)}, nil
	}
	s, err := DecodeID(tok)
	if err != nil {
		return RoomID{}, errcode.Wrap(ErrRoomID, err, "room id %q is neither decimal nor encoded", tok)
	}
	if s == "" {
		return RoomID{}, errcode.New(ErrRoomID, "room id is missing")
	}
	return RoomID{Str: s}, nil
}

// parseSingle reads "<UserId>__UserId_e_<MediaId>_<Type>[_<UTC>]" (M3U8,
// TS) or "<UserId>__UserId_e_<MediaId>[_<Index>]" (MP4).
func (n *Name) parseSingle(s string) error {
	user, tail, ok := strings.Cut(s, userEnd)
	if !ok {
		return syntaxError("has " + userStart + " without " + userEnd)
	}
	var err error
	if n.UserID, err = DecodeID(user); err != nil {
		return errcode.Wrap(ErrUserID, err, "user id %q is not encoded", user)
	}
	f := strings.Split(tail, "_")
	n.Media = MediaID(f[0])
	switch {
	case n.Kind == KindMP4 && len(f) <= 2:
		return n.parseIndex(f[1:])
	case n.Kind == KindM3U8 && len(f) == 2:
		n.Type = TrackType(f[1])
		return nil
	case n.Kind == KindTS && len(f) == 3:
		n.Type = TrackType(f[1])
		n.UTC, err = parseUTC(f[2])
		return err
	}
	return syntaxError("has the wrong number of '_' fields after " + userEnd)
}

// parseMixed reads what follows the room token of a mixed name: "" (M3U8),
// "_<UTC>" (TS), "" or "_<Index>" (MP4).
func (n *Name) parseMixed(rest string) error {
	var f []string
	if rest != "" {
		f = strings.Split(rest[1:], "_") // rest starts with '_'
	}
	var err error
	switch {
	case len(f) > 1:
		return syntaxError("has too many '_' fields")
	case n.Kind == KindMP4:
		return n.parseIndex(f)
	case n.Kind == KindTS && len(f) == 1:
		n.UTC, err = parseUTC(f[0])
		return err
	case n.Kind == KindTS:
		return syntaxError("is a TS name without its <UTC> stamp")
	case len(f) != 0:
		return syntaxError("is an M3U8 name with an extra field")
	}
	return nil
}

// parseIndex reads the optional MP4 split index (f is empty or one field).
func (n *Name) parseIndex(f []string) error {
	if len(f) == 0 {
		return nil
	}
	v, ok := parseDecimal(f[0], strconv.IntSize-1)
	if !ok || v == 0 {
		return errcode.New(ErrIndex, "MP4 split index %q is not 1, 2, 3...", f[0])
	}
	n.Index = int(v)
	return nil
}

// syntaxError is an ErrFileName error; ParseFile adds the file name.
func syntaxError(why string) error {
	return errcode.New(ErrFileName, "not a SPEC §3 file name: it %s", why)
}
