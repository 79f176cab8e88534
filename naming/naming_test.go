package naming

import (
	"errors"
	"path"
	"strings"
	"testing"
	"time"

	"github.com/roomrec/roomrec/errcode"
)

// sameName reports whether a and b have the same fields, comparing UTC as
// instants (a Name built from a time in another zone parses back in UTC).
func sameName(a, b Name) bool {
	if !a.UTC.Equal(b.UTC) {
		return false
	}
	a.UTC, b.UTC = time.Time{}, time.Time{}
	return a == b
}

func TestRoundTrip(t *testing.T) {
	for _, c := range goodCases {
		t.Run(c.desc, func(t *testing.T) {
			if err := c.name.Validate(); err != nil {
				t.Fatalf("Validate: %v", err)
			}
			if got := c.name.String(); got != c.key {
				t.Fatalf("String() =\n%q, want\n%q", got, c.key)
			}
			got, err := Parse(c.key)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if !sameName(got, c.name) {
				t.Fatalf("Parse =\n%+v, want\n%+v", got, c.name)
			}
			if loc := got.UTC.Location(); loc != time.UTC {
				t.Errorf("parsed UTC is in %v, want UTC", loc)
			}
			file := path.Base(c.key)
			if got := c.name.File(); got != file {
				t.Errorf("File() = %q, want %q", got, file)
			}
			f, err := ParseFile(file)
			if err != nil {
				t.Fatalf("ParseFile: %v", err)
			}
			want := c.name
			want.Prefix, want.TaskID = "", ""
			if !sameName(f, want) {
				t.Errorf("ParseFile =\n%+v, want\n%+v", f, want)
			}
		})
	}
}

// TestSpecExamples parses the literal file names SPEC §3 shows.
func TestSpecExamples(t *testing.T) {
	for _, tc := range []struct {
		file string
		want Name
	}{
		{"1400123456_12345__UserId_s_MTY4NjExOQ..__UserId_e_main_video_20330531094551825.ts",
			Name{SdkAppID: 1400123456, Room: RoomID{Num: 12345}, UserID: "1686119", Media: MediaMain,
				Type: TrackVideo, Kind: KindTS, UTC: time.Date(2033, 5, 31, 9, 45, 51, 825e6, time.UTC)}},
		{"1400123456_12345__UserId_s_MTY4NjExOQ..__UserId_e_main_video_20330531094615764.ts",
			Name{SdkAppID: 1400123456, Room: RoomID{Num: 12345}, UserID: "1686119", Media: MediaMain,
				Type: TrackVideo, Kind: KindTS, UTC: time.Date(2033, 5, 31, 9, 46, 15, 764e6, time.UTC)}},
		{"1400123456_12345__UserId_s_MTY4NjExOQ..__UserId_e_main_video.m3u8",
			Name{SdkAppID: 1400123456, Room: RoomID{Num: 12345}, UserID: "1686119", Media: MediaMain,
				Type: TrackVideo, Kind: KindM3U8}},
		{"1400123456_12345.m3u8", Name{SdkAppID: 1400123456, Room: RoomID{Num: 12345}, Mixed: true, Kind: KindM3U8}},
		{"ha1_1400123456_12345.m3u8", Name{HA: 1, SdkAppID: 1400123456, Room: RoomID{Num: 12345}, Mixed: true, Kind: KindM3U8}},
		{"1400123456_12345__UserId_s_MTY4NjExOQ..__UserId_e_main_2.mp4",
			Name{SdkAppID: 1400123456, Room: RoomID{Num: 12345}, UserID: "1686119", Media: MediaMain, Kind: KindMP4, Index: 2}},
	} {
		got, err := ParseFile(tc.file)
		if err != nil {
			t.Errorf("ParseFile(%q): %v", tc.file, err)
			continue
		}
		if got != tc.want {
			t.Errorf("ParseFile(%q) =\n%+v, want\n%+v", tc.file, got, tc.want)
		}
	}
}

func TestParseRejects(t *testing.T) {
	for _, c := range badKeys {
		t.Run(c.desc, func(t *testing.T) {
			n, err := Parse(c.key)
			if err == nil {
				t.Fatalf("Parse(%q) = %+v, want error %v", c.key, n, c.code)
			}
			if !errors.Is(err, c.code) || !errors.Is(err, errcode.InvalidParameter) {
				t.Fatalf("Parse(%q) error = %v, want code %v", c.key, err, c.code)
			}
			if n != (Name{}) {
				t.Errorf("Parse returned %+v with the error, want the zero Name", n)
			}
		})
	}
}

func TestParseFileRejectsFolders(t *testing.T) {
	_, err := ParseFile("task1/1400123456_12345.m3u8")
	if !errors.Is(err, ErrSdkAppID) {
		t.Errorf("ParseFile with a folder: error %v, want %v", err, ErrSdkAppID)
	}
	if _, err := ParseFile("x.ts"); err == nil || !strings.Contains(err.Error(), `file name "x.ts"`) {
		t.Errorf("ParseFile error %v does not name the file", err)
	}
}

func TestValidateRejects(t *testing.T) {
	ts, m3u8, mp4, mix := single(KindTS), single(KindM3U8), single(KindMP4), mixed(KindM3U8)
	for _, c := range []struct {
		desc string
		name Name
		code error
	}{
		{"no TaskId", with(mix, func(n *Name) { n.TaskID = "" }), ErrTaskID},
		{"TaskId with /", with(mix, func(n *Name) { n.TaskID = "a/b" }), ErrTaskID},
		{"prefix absolute", with(mix, func(n *Name) { n.Prefix = "/abs" }), ErrPrefix},
		{"prefix trailing /", with(mix, func(n *Name) { n.Prefix = "a/" }), ErrPrefix},
		{"prefix ..", with(mix, func(n *Name) { n.Prefix = "a/.." }), ErrPrefix},
		{"HA -1", with(mix, func(n *Name) { n.HA = -1 }), ErrHA},
		{"HA 4", with(mix, func(n *Name) { n.HA = 4 }), ErrHA},
		{"SdkAppId 0", with(mix, func(n *Name) { n.SdkAppID = 0 }), ErrSdkAppID},
		{"no room", with(mix, func(n *Name) { n.Room = RoomID{} }), ErrRoomID},
		{"room both kinds", with(mix, func(n *Name) { n.Room = RoomID{Num: 1, Str: "1"} }), ErrRoomID},
		{"room 4294967295", with(mix, func(n *Name) { n.Room = RoomID{Num: 1<<32 - 1} }), ErrRoomID},
		{"room string 65 bytes", with(mix, func(n *Name) { n.Room = RoomID{Str: strings.Repeat("r", 65)} }), ErrRoomID},
		{"room string with /", with(mix, func(n *Name) { n.Room = RoomID{Str: "a/b"} }), ErrRoomID},
		{"room string with quote", with(mix, func(n *Name) { n.Room = RoomID{Str: `a"b`} }), ErrRoomID},
		{"room string non-ASCII", with(mix, func(n *Name) { n.Room = RoomID{Str: "部屋"} }), ErrRoomID},
		{"no kind", with(mix, func(n *Name) { n.Kind = "" }), ErrKind},
		{"kind flv", with(mix, func(n *Name) { n.Kind = "flv" }), ErrKind},
		{"mixed with user", with(mix, func(n *Name) { n.UserID = "u" }), ErrUserID},
		{"mixed with media", with(mix, func(n *Name) { n.Media = MediaMain }), ErrMediaID},
		{"mixed with type", with(mix, func(n *Name) { n.Type = TrackAudio }), ErrTrackType},
		{"no user", with(m3u8, func(n *Name) { n.UserID = "" }), ErrUserID},
		{"user 33 bytes", with(m3u8, func(n *Name) { n.UserID = strings.Repeat("u", 33) }), ErrUserID},
		{"user with .", with(m3u8, func(n *Name) { n.UserID = "a.b" }), ErrUserID},
		{"no media", with(m3u8, func(n *Name) { n.Media = "" }), ErrMediaID},
		{"no type", with(m3u8, func(n *Name) { n.Type = "" }), ErrTrackType},
		{"type audio_video", with(m3u8, func(n *Name) { n.Type = "audio_video" }), ErrTrackType},
		{"MP4 with type", with(mp4, func(n *Name) { n.Type = TrackVideo }), ErrTrackType},
		{"TS without UTC", with(ts, func(n *Name) { n.UTC = time.Time{} }), ErrUTC},
		{"TS in year 10000", with(ts, func(n *Name) { n.UTC = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) }), ErrUTC},
		{"TS before year 1", with(ts, func(n *Name) { n.UTC = time.Date(0, 12, 31, 0, 0, 0, 0, time.UTC) }), ErrUTC},
		{"M3U8 with UTC", with(m3u8, func(n *Name) { n.UTC = specUTC }), ErrUTC},
		{"MP4 with UTC", with(mp4, func(n *Name) { n.UTC = specUTC }), ErrUTC},
		{"MP4 index -1", with(mp4, func(n *Name) { n.Index = -1 }), ErrIndex},
		{"TS with index", with(ts, func(n *Name) { n.Index = 1 }), ErrIndex},
	} {
		err := c.name.Validate()
		if !errors.Is(err, c.code) {
			t.Errorf("%s: Validate() = %v, want code %v", c.desc, err, c.code)
		}
	}
}

func TestValidatePrefixAccepts(t *testing.T) {
	for _, p := range []string{"", "a", "a/b/c", "a_b", "...", "a..b/.c", "録画", "with space", strings.Repeat("p", maxPrefixLen)} {
		if err := ValidatePrefix(p); err != nil {
			t.Errorf("ValidatePrefix(%q) = %v, want nil", p, err)
		}
	}
}

func TestRoomIDValidateAcceptsEveryAllowedCharacter(t *testing.T) {
	all := "abcxyzABCXYZ0189" + roomSymbols
	if err := (RoomID{Str: all}).Validate(); err != nil {
		t.Fatal(err)
	}
	// Every valid string room id encodes to a token Parse cannot take for a
	// number: it starts with a letter.
	for c := byte(0); c < 0x80; c++ {
		r := RoomID{Str: string([]byte{c})}
		if r.Validate() != nil {
			continue
		}
		if tok := r.token(); !isASCIILetter(tok[0]) {
			t.Errorf("room %q encodes to %q, which does not start with a letter", r.Str, tok)
		}
	}
}

func TestRoomIDString(t *testing.T) {
	if got := (RoomID{Num: 12345}).String(); got != "12345" {
		t.Errorf("numeric String() = %q", got)
	}
	if got := (RoomID{Str: "room 1"}).String(); got != "room 1" {
		t.Errorf("string String() = %q", got)
	}
}

func TestEncodeDecodeID(t *testing.T) {
	for _, c := range []struct{ id, enc string }{
		{"1686119", "MTY4NjExOQ.."}, // SPEC §3
		{"", ""},
		{"a", "YQ.."},
		{"12345", "MTIzNDU."},
		{"ab?", "YWI-"}, // '/' → '-'
		{"~~~", "fn5+"},
		{"ÿÿ", "w7-Dvw.."},
		{"日本", "5pel5pys"},
	} {
		if got := EncodeID(c.id); got != c.enc {
			t.Errorf("EncodeID(%q) = %q, want %q", c.id, got, c.enc)
		}
		got, err := DecodeID(c.enc)
		if err != nil || got != c.id {
			t.Errorf("DecodeID(%q) = %q, %v; want %q", c.enc, got, err, c.id)
		}
	}
	for _, bad := range []string{"MTY4NjExOQ", "MTY4NjExOQ==", "MTY4NjExOR..", "YWI/", "YW_x", "MTY4\nNjExOQ..", "-w..", "....", "-----"} {
		if got, err := DecodeID(bad); !errors.Is(err, ErrEncodedID) {
			t.Errorf("DecodeID(%q) = %q, %v; want %v", bad, got, err, ErrEncodedID)
		}
	}
}

func TestUTCFormat(t *testing.T) {
	cst := time.FixedZone("CST", 8*3600)
	for _, c := range []struct {
		t    time.Time
		want string
	}{
		{specUTC, "20330531094551825"},
		{time.Date(2033, 5, 31, 17, 45, 51, 825999999, cst), "20330531094551825"}, // truncated, not rounded
		{time.Date(2021, 1, 1, 7, 0, 0, 5e6, cst), "20201231230000005"},           // date changes in UTC
		{time.Date(1, 1, 1, 0, 0, 0, 1e6, time.UTC), "00010101000000001"},
	} {
		if got := formatUTC(c.t); got != c.want {
			t.Errorf("formatUTC(%v) = %q, want %q", c.t, got, c.want)
		}
		back, err := parseUTC(c.want)
		if err != nil || !back.Equal(c.t.Truncate(time.Millisecond)) {
			t.Errorf("parseUTC(%q) = %v, %v; want %v", c.want, back, err, c.t)
		}
	}
}

func TestDerivedNames(t *testing.T) {
	seg := single(KindM3U8).Segment(specUTC)
	if want := single(KindTS); seg != want {
		t.Errorf("Segment = %+v, want %+v", seg, want)
	}
	if pl := seg.Playlist(); pl != single(KindM3U8) {
		t.Errorf("Playlist = %+v", pl)
	}
	if got, want := seg.MP4(2).File(), "1400123456_12345"+specUser+"main_2.mp4"; got != want {
		t.Errorf("MP4(2).File() = %q, want %q", got, want)
	}
	if err := seg.MP4(0).Validate(); err != nil {
		t.Errorf("MP4(0) of a segment does not validate: %v", err)
	}
	if got, want := mixed(KindM3U8).Segment(specUTC).File(), "1400123456_12345_20330531094551825.ts"; got != want {
		t.Errorf("mixed Segment.File() = %q, want %q", got, want)
	}
}

func TestLongestKeyFitsObjectStorage(t *testing.T) {
	const cosMaxKey = 850
	if k := longestName().String(); len(k) > cosMaxKey {
		t.Errorf("longest valid key is %d bytes, over COS's %d", len(k), cosMaxKey)
	}
}

func TestSealedSets(t *testing.T) {
	for _, k := range []Kind{KindM3U8, KindTS, KindMP4} {
		if !k.Valid() || k.String() == "" {
			t.Errorf("Kind %q", k)
		}
	}
	for _, m := range []MediaID{MediaMain, MediaAux} {
		if !m.Valid() || m.String() == "" {
			t.Errorf("MediaID %q", m)
		}
	}
	for _, tt := range []TrackType{TrackAudio, TrackVideo} {
		if !tt.Valid() || tt.String() == "" {
			t.Errorf("TrackType %q", tt)
		}
	}
	if Kind("").Valid() || MediaID("sub").Valid() || TrackType("audio_video").Valid() {
		t.Error("a value outside a sealed set is Valid")
	}
}
