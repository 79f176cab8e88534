package naming_test

import (
	"fmt"
	"time"

	"github.com/roomrec/roomrec/naming"
)

// Build the key of a single-stream TS segment, as SPEC §3 shows it.
func ExampleName_String() {
	n := naming.Name{
		Prefix:   "recordings",
		TaskID:   "task-0001",
		SdkAppID: 1400123456,
		Room:     naming.RoomID{Num: 12345},
		UserID:   "1686119",
		Media:    naming.MediaMain,
		Type:     naming.TrackVideo,
		Kind:     naming.KindTS,
		UTC:      time.Date(2033, 5, 31, 17, 45, 51, 825e6, time.FixedZone("CST", 8*3600)),
	}
	if err := n.Validate(); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(n)
	fmt.Println(n.Playlist().File())
	// Output:
	// recordings/task-0001/1400123456_12345__UserId_s_MTY4NjExOQ..__UserId_e_main_video_20330531094551825.ts
	// 1400123456_12345__UserId_s_MTY4NjExOQ..__UserId_e_main_video.m3u8
}

// Take a key apart.
func ExampleParse() {
	n, err := naming.Parse("rec/2024/task-0001/ha1_1400123456_cm9vbS0x_20330531094551825.ts")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(n.Prefix, n.TaskID, n.HA, n.SdkAppID, n.Room.Str, n.Mixed, n.Kind, n.UTC)
	// Output:
	// rec/2024 task-0001 1 1400123456 room-1 true ts 2033-05-31 09:45:51.825 +0000 UTC
}

// A rejected key says which parameter is wrong.
func ExampleParse_error() {
	_, err := naming.Parse("../task-0001/1400123456_12345.m3u8")
	fmt.Println(err)
	// Output:
	// InvalidParameter.Prefix: prefix ".." has a ".." folder
}

func ExampleEncodeID() {
	enc := naming.EncodeID("1686119")
	id, _ := naming.DecodeID(enc)
	fmt.Println(enc, id)
	// Output:
	// MTY4NjExOQ.. 1686119
}
