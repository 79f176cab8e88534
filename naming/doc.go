// Package naming builds and parses every object name of SPEC §3 ("Output
// files and naming"): the single-stream and mixed-stream M3U8, TS and MP4
// names, the optional <Prefix>/ folders, the <TaskId>/ folder, the
// high-availability prefixes ha1_…ha3_, the split index of MP4 files, the
// 17-digit UTC stamps and the ID encoding (standard base64, then '/'→'-' and
// '='→'.').
//
// The package is pure: no I/O, no clock, no goroutines, no state. A Name is
// plain data; String and File build the key, Parse and ParseFile take it
// apart, Validate checks a Name against the service's limits and returns
// InvalidParameter.* codes (see errors.go).
//
// Formats (SPEC §3; [ha<N>_] appears only after a recovery, N = 1..3):
//
//	single M3U8  [ha<N>_]<SdkAppId>_<RoomId>__UserId_s_<UserId>__UserId_e_<MediaId>_<Type>.m3u8
//	single TS    [ha<N>_]<SdkAppId>_<RoomId>__UserId_s_<UserId>__UserId_e_<MediaId>_<Type>_<UTC>.ts
//	single MP4   [ha<N>_]<SdkAppId>_<RoomId>__UserId_s_<UserId>__UserId_e_<MediaId>[_<Index>].mp4
//	mixed M3U8   [ha<N>_]<SdkAppId>_<RoomId>.m3u8
//	mixed TS     [ha<N>_]<SdkAppId>_<RoomId>_<UTC>.ts
//	mixed MP4    [ha<N>_]<SdkAppId>_<RoomId>[_<Index>].mp4
//
// each under "<Prefix>/<TaskId>/" (the "<Prefix>/" part absent when no
// prefix is set).
//
// Why parsing is unambiguous: the encoded alphabet is A–Z a–z 0–9 + - . and
// never contains '_', so the room and user tokens end at the next '_'. A
// numeric room id is written in decimal (digits only); a string room id is
// made of ASCII characters only (Validate enforces it), and the base64 of
// ASCII text always begins with a letter (its first 6 bits are below 32,
// i.e. one of A–Z a–f). So Parse reads an all-digit room token as a numeric
// room id and any other token as an encoded string room id, and Build/Parse
// round-trip for every valid Name. The Prefix may contain '_' and '/'; Parse
// splits the key at its last two '/' and reads the file name from its known
// structure, never from the prefix.
package naming
