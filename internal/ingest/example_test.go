package ingest_test

import (
	"fmt"
	"time"

	"github.com/pion/rtp"
	"github.com/roomrec/roomrec/internal/ingest"
)

// ExampleTrack feeds a Track the packets of one H.264 track: an IDR sent
// as a STAP-A with its SPS and PPS, then a P-frame split into two FU-A
// fragments, and prints the access units that come out.
func ExampleTrack() {
	tr, err := ingest.NewTrack(ingest.Config{
		Codec: ingest.H264,
		OnFrame: func(f ingest.Frame) {
			// f's slices are only valid here: copy what must be kept.
			fmt.Printf("pts=%d key=%v nalus=%d first=%x\n", f.PTS, f.Keyframe, len(f.NALUs), f.NALUs[0])
		},
		RequestKeyframe: func() { fmt.Println("keyframe requested (send a PLI)") },
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	start := time.Date(2033, 5, 31, 9, 45, 51, 0, time.UTC)
	send := func(seq uint16, ts uint32, marker bool, payload ...byte) {
		tr.Push(&rtp.Packet{
			Header:  rtp.Header{Version: 2, PayloadType: 96, SequenceNumber: seq, Timestamp: ts, SSRC: 42, Marker: marker},
			Payload: payload,
		}, start.Add(time.Duration(ts-9000)*time.Second/90000))
	}
	send(65535, 9000, false, 0x18, 0, 3, 0x67, 0x42, 0x1e, 0, 2, 0x68, 0xce) // STAP-A: SPS, PPS
	send(0, 9000, true, 0x65, 0x88, 0x80)                                    // IDR slice
	send(1, 15000, false, 0x7c, 0x81, 0x9a, 0x01)                            // FU-A start
	send(2, 15000, true, 0x7c, 0x41, 0x02)                                   // FU-A end
	tr.Flush()
	st := tr.Stats()
	fmt.Printf("packets=%d frames=%d lost=%d begin=%s\n", st.Packets, st.FramesOut, st.Lost, tr.BeginTime().UTC().Format(time.RFC3339))
	// Output:
	// keyframe requested (send a PLI)
	// pts=0 key=true nalus=3 first=67421e
	// pts=6000 key=false nalus=1 first=619a0102
	// packets=4 frames=2 lost=0 begin=2033-05-31T09:45:51Z
}
