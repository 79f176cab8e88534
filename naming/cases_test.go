package naming

import (
	"strings"
	"time"
)

// The tables below feed the round-trip and rejection tests and the seeds of
// FuzzParse (STYLE rule 11).

const sdk = 1400123456

// specUTC is the <UTC> of the SPEC §3 example segment, 20330531094551825.
var specUTC = time.Date(2033, 5, 31, 9, 45, 51, 825e6, time.UTC)

// single returns a valid single-stream Name with the SPEC example's fields.
func single(kind Kind) Name {
	n := Name{TaskID: "task1", SdkAppID: sdk, Room: RoomID{Num: 12345}, UserID: "1686119",
		Media: MediaMain, Type: TrackVideo, Kind: kind}
	if kind == KindTS {
		n.UTC = specUTC
	}
	if kind == KindMP4 {
		n.Type = ""
	}
	return n
}

// mixed returns a valid mixed-stream Name with the SPEC example's fields.
func mixed(kind Kind) Name {
	n := Name{TaskID: "task1", SdkAppID: sdk, Room: RoomID{Num: 12345}, Mixed: true, Kind: kind}
	if kind == KindTS {
		n.UTC = specUTC
	}
	return n
}

// with returns n changed by f, to write table entries as one expression.
func with(n Name, f func(*Name)) Name {
	f(&n)
	return n
}

const specUser = "__UserId_s_MTY4NjExOQ..__UserId_e_"

// goodCases are valid names with their exact keys: String(name) == key and
// Parse(key) == name.
var goodCases = []struct {
	desc string
	key  string
	name Name
}{
	{"spec single TS", "task1/1400123456_12345" + specUser + "main_video_20330531094551825.ts", single(KindTS)},
	{"spec single M3U8", "task1/1400123456_12345" + specUser + "main_video.m3u8", single(KindM3U8)},
	{"single MP4 not split", "task1/1400123456_12345" + specUser + "main.mp4", single(KindMP4)},
	{"single MP4 part 2", "task1/1400123456_12345" + specUser + "main_2.mp4",
		with(single(KindMP4), func(n *Name) { n.Index = 2 })},
	{"single aux audio", "task1/1400123456_12345" + specUser + "aux_audio.m3u8",
		with(single(KindM3U8), func(n *Name) { n.Media, n.Type = MediaAux, TrackAudio })},
	{"spec mixed M3U8", "task1/1400123456_12345.m3u8", mixed(KindM3U8)},
	{"mixed TS", "task1/1400123456_12345_20330531094551825.ts", mixed(KindTS)},
	{"mixed MP4 not split", "task1/1400123456_12345.mp4", mixed(KindMP4)},
	{"mixed MP4 part 12", "task1/1400123456_12345_12.mp4", with(mixed(KindMP4), func(n *Name) { n.Index = 12 })},
	{"ha1 single M3U8", "task1/ha1_1400123456_12345" + specUser + "main_video.m3u8",
		with(single(KindM3U8), func(n *Name) { n.HA = 1 })},
	{"ha2 single TS", "task1/ha2_1400123456_12345" + specUser + "main_video_20330531094551825.ts",
		with(single(KindTS), func(n *Name) { n.HA = 2 })},
	{"ha1 mixed M3U8", "task1/ha1_1400123456_12345.m3u8", with(mixed(KindM3U8), func(n *Name) { n.HA = 1 })},
	{"ha3 mixed TS", "task1/ha3_1400123456_12345_20330531094551825.ts", with(mixed(KindTS), func(n *Name) { n.HA = 3 })},
	{"ha3 mixed MP4 part 1", "task1/ha3_1400123456_12345_1.mp4",
		with(mixed(KindMP4), func(n *Name) { n.HA, n.Index = 3, 1 })},
	{"UTC given in UTC+8", "task1/1400123456_12345_20330531094551825.ts",
		with(mixed(KindTS), func(n *Name) { n.UTC = specUTC.In(time.FixedZone("CST", 8*3600)) })},
	{"UTC millisecond 0", "task1/1400123456_12345_20000101000000000.ts",
		with(mixed(KindTS), func(n *Name) { n.UTC = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC) })},
	{"one-level prefix", "rec/task1/1400123456_12345.m3u8", with(mixed(KindM3U8), func(n *Name) { n.Prefix = "rec" })},
	{"prefix with folders and _", "a/b_c/ha1_x/task1/1400123456_12345.m3u8",
		with(mixed(KindM3U8), func(n *Name) { n.Prefix = "a/b_c/ha1_x" })},
	{"unicode prefix and dotted TaskId", "録画/2024/task.v1/1400123456_12345.m3u8",
		with(mixed(KindM3U8), func(n *Name) { n.Prefix, n.TaskID = "録画/2024", "task.v1" })},
	{"string room", "task1/1400123456_cm9vbS0x.m3u8", with(mixed(KindM3U8), func(n *Name) { n.Room = RoomID{Str: "room-1"} })},
	{"string room of digits", "task1/1400123456_MTIzNDU." + specUser + "main_video.m3u8",
		with(single(KindM3U8), func(n *Name) { n.Room = RoomID{Str: "12345"} })},
	{"string room encoding has - and +", "task1/1400123456_YWI-fn5+_1.mp4",
		with(mixed(KindMP4), func(n *Name) { n.Room, n.Index = RoomID{Str: "ab?~~~"}, 1 })},
	{"string room of one char", "task1/1400123456_MA..__UserId_s_YQ..__UserId_e_aux_video.m3u8",
		with(single(KindM3U8), func(n *Name) { n.Room, n.UserID, n.Media = RoomID{Str: "0"}, "a", MediaAux })},
	{"largest numeric room", "task1/1400123456_4294967294.m3u8",
		with(mixed(KindM3U8), func(n *Name) { n.Room = RoomID{Num: 4294967294} })},
	{"largest SdkAppId", "task1/18446744073709551615_1.m3u8",
		with(mixed(KindM3U8), func(n *Name) { n.SdkAppID, n.Room = 1<<64-1, RoomID{Num: 1} })},
	{"user with _ and -", "task1/1400123456_12345__UserId_s_dXNlcl8wMS14__UserId_e_main_audio_20330531094551825.ts",
		with(single(KindTS), func(n *Name) { n.UserID, n.Type = "user_01-x", TrackAudio })},
	{"longest everything", longestKey(), longestName()},
}

// longestName is a valid Name with every field at its longest.
func longestName() Name {
	return Name{
		Prefix: strings.Repeat("p", maxPrefixLen), TaskID: strings.Repeat("t", maxTaskIDLen), HA: 3,
		SdkAppID: 1<<64 - 1, Room: RoomID{Str: strings.Repeat("~", maxRoomStrLen)},
		UserID: strings.Repeat("u", maxUserIDLen), Media: MediaMain, Type: TrackVideo, Kind: KindTS,
		UTC: time.Date(9999, 12, 31, 23, 59, 59, 999e6, time.UTC),
	}
}

func longestKey() string {
	return strings.Repeat("p", maxPrefixLen) + "/" + strings.Repeat("t", maxTaskIDLen) + "/ha3_18446744073709551615_" +
		strings.Repeat("fn5+", maxRoomStrLen/3) + "fg.." + "__UserId_s_" + strings.Repeat("dXV1", maxUserIDLen/3) +
		"dXU." + "__UserId_e_main_video_99991231235959999.ts"
}

// badKeys are keys Parse must reject, with the code it must give.
var badKeys = []struct {
	desc string
	key  string
	code error
}{
	// Prefix: nothing may lead out of the task folder.
	{"absolute key", "/task1/1400123456_12345.m3u8", ErrPrefix},
	{"prefix ..", "../task1/1400123456_12345.m3u8", ErrPrefix},
	{"prefix with .. inside", "a/../b/task1/1400123456_12345.m3u8", ErrPrefix},
	{"prefix .", "./task1/1400123456_12345.m3u8", ErrPrefix},
	{"prefix with . inside", "a/./task1/1400123456_12345.m3u8", ErrPrefix},
	{"prefix ending in ..", "a/../task1/1400123456_12345.m3u8", ErrPrefix},
	{"prefix with //", "a//b/task1/1400123456_12345.m3u8", ErrPrefix},
	{"prefix with trailing /", "a//task1/1400123456_12345.m3u8", ErrPrefix},
	{"prefix with backslash", `a\b/task1/1400123456_12345.m3u8`, ErrPrefix},
	{"prefix with ..\\", `..\x/task1/1400123456_12345.m3u8`, ErrPrefix},
	{"prefix with NUL", "a\x00b/task1/1400123456_12345.m3u8", ErrPrefix},
	{"prefix with newline", "a\nb/task1/1400123456_12345.m3u8", ErrPrefix},
	{"prefix with DEL", "a\x7fb/task1/1400123456_12345.m3u8", ErrPrefix},
	{"prefix with C1 control", "a\u0085b/task1/1400123456_12345.m3u8", ErrPrefix},
	{"prefix not UTF-8", "a\xffb/task1/1400123456_12345.m3u8", ErrPrefix},
	{"prefix too long", strings.Repeat("p", maxPrefixLen+1) + "/task1/1400123456_12345.m3u8", ErrPrefix},
	// TaskId: one safe, non-empty segment.
	{"no task folder", "1400123456_12345.m3u8", ErrTaskID},
	{"empty TaskId", "/1400123456_12345.m3u8", ErrTaskID},
	{"empty TaskId after prefix", "rec//1400123456_12345.m3u8", ErrTaskID},
	{"TaskId ..", "../1400123456_12345.m3u8", ErrTaskID},
	{"TaskId .", "rec/./1400123456_12345.m3u8", ErrTaskID},
	{"TaskId with backslash", `rec/t\1/1400123456_12345.m3u8`, ErrTaskID},
	{"TaskId with tab", "t\t1/1400123456_12345.m3u8", ErrTaskID},
	{"TaskId not UTF-8", "t\xc3/1400123456_12345.m3u8", ErrTaskID},
	{"TaskId too long", strings.Repeat("t", maxTaskIDLen+1) + "/1400123456_12345.m3u8", ErrTaskID},
	// Structure.
	{"no extension", "task1/1400123456_12345", ErrFileName},
	{"upper-case extension", "task1/1400123456_12345.M3U8", ErrFileName},
	{"other extension", "task1/1400123456_12345.mp3", ErrFileName},
	{"only an extension", "task1/.ts", ErrFileName},
	{"no room", "task1/1400123456.m3u8", ErrFileName},
	{"start marker without end", "task1/1400123456_12345__UserId_s_MTY4NjExOQ..main_video.m3u8", ErrFileName},
	{"unknown marker", "task1/1400123456_12345__x.m3u8", ErrFileName},
	{"single M3U8 with UTC", "task1/1400123456_12345" + specUser + "main_video_20330531094551825.m3u8", ErrFileName},
	{"single TS without UTC", "task1/1400123456_12345" + specUser + "main_video.ts", ErrFileName},
	{"single MP4 with type and index", "task1/1400123456_12345" + specUser + "main_video_2.mp4", ErrFileName},
	{"mixed M3U8 with UTC", "task1/1400123456_12345_20330531094551825.m3u8", ErrFileName},
	{"mixed TS without UTC", "task1/1400123456_12345.ts", ErrFileName},
	{"mixed TS with two stamps", "task1/1400123456_12345_20330531094551825_20330531094551825.ts", ErrFileName},
	// Field values.
	{"ha0", "task1/ha0_1400123456_12345.m3u8", ErrHA},
	{"ha4", "task1/ha4_1400123456_12345.m3u8", ErrHA},
	{"ha12", "task1/ha12_1400123456_12345.m3u8", ErrHA},
	{"ha without number", "task1/ha_1400123456_12345.m3u8", ErrHA},
	{"SdkAppId 0", "task1/0_12345.m3u8", ErrSdkAppID},
	{"SdkAppId leading zero", "task1/01400123456_12345.m3u8", ErrSdkAppID},
	{"SdkAppId overflow", "task1/18446744073709551616_12345.m3u8", ErrSdkAppID},
	{"SdkAppId not a number", "task1/app_12345.m3u8", ErrSdkAppID},
	{"SdkAppId empty", "task1/_12345.m3u8", ErrSdkAppID},
	{"room 0", "task1/1400123456_0.m3u8", ErrRoomID},
	{"room 4294967295", "task1/1400123456_4294967295.m3u8", ErrRoomID},
	{"room over 32 bits", "task1/1400123456_4294967296.m3u8", ErrRoomID},
	{"room leading zero", "task1/1400123456_012345.m3u8", ErrRoomID},
	{"room empty", "task1/1400123456_.m3u8", ErrRoomID},
	{"room bad base64", "task1/1400123456_abc.m3u8", ErrRoomID},
	{"room unpadded base64", "task1/1400123456_MA.m3u8", ErrRoomID},
	{"room raw base64 slash", "task1/1400123456_YWI/.m3u8", ErrFileName},
	{"room raw base64 padding", "task1/1400123456_MA==.m3u8", ErrRoomID},
	{"room non-ASCII", "task1/1400123456_4oCU.m3u8", ErrRoomID},
	{"room too long", "task1/1400123456_" + strings.Repeat("YWJj", 22) + "YQ...m3u8", ErrRoomID},
	{"user empty", "task1/1400123456_12345__UserId_s___UserId_e_main_video.m3u8", ErrUserID},
	{"user unpadded", "task1/1400123456_12345__UserId_s_MTY4NjExOQ__UserId_e_main_video.m3u8", ErrUserID},
	{"user padding bits set", "task1/1400123456_12345__UserId_s_MTY4NjExOR..__UserId_e_main_video.m3u8", ErrUserID},
	{"user with space", "task1/1400123456_12345__UserId_s_YSBi__UserId_e_main_video.m3u8", ErrUserID},
	{"user too long", "task1/1400123456_12345__UserId_s_" + strings.Repeat("dXV1", 11) + "__UserId_e_main_video.m3u8", ErrUserID},
	{"user with newline in token", "task1/1400123456_12345__UserId_s_MTY4\nNjExOQ..__UserId_e_main_video.m3u8", ErrUserID},
	{"media sub", "task1/1400123456_12345" + specUser + "sub_video.m3u8", ErrMediaID},
	{"type av", "task1/1400123456_12345" + specUser + "main_av.m3u8", ErrTrackType},
	{"type upper-case", "task1/1400123456_12345" + specUser + "main_Video.m3u8", ErrTrackType},
	{"single MP4 with type", "task1/1400123456_12345" + specUser + "main_video.mp4", ErrIndex},
	{"MP4 index 0", "task1/1400123456_12345_0.mp4", ErrIndex},
	{"MP4 index leading zero", "task1/1400123456_12345_01.mp4", ErrIndex},
	{"MP4 index negative", "task1/1400123456_12345_-1.mp4", ErrIndex},
	{"MP4 index overflow", "task1/1400123456_12345_99999999999999999999.mp4", ErrIndex},
	{"UTC 16 digits", "task1/1400123456_12345_2033053109455182.ts", ErrUTC},
	{"UTC 18 digits", "task1/1400123456_12345_203305310945518250.ts", ErrUTC},
	{"UTC February 31", "task1/1400123456_12345_20330231094551825.ts", ErrUTC},
	{"UTC hour 24", "task1/1400123456_12345_20330531244551825.ts", ErrUTC},
	{"UTC second 60", "task1/1400123456_12345_20330531094560825.ts", ErrUTC},
	{"UTC zero time", "task1/1400123456_12345_00010101000000000.ts", ErrUTC},
	{"UTC year 0", "task1/1400123456_12345_00000531094551825.ts", ErrUTC},
	{"UTC with letters", "task1/1400123456_12345_2033053109455182x.ts", ErrUTC},
}
