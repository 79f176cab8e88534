package pionrec

import (
	"errors"
	"io"

	"github.com/pion/rtcp"
	"github.com/pion/webrtc/v4"

	"github.com/roomrec/roomrec/naming"
	"github.com/roomrec/roomrec/recorder"
)

// Attach adds the remote track of userID to room and feeds it from a
// goroutine that reads RTP from tr (and RTCP from recv, when not nil) until
// the track ends; then the recorder track is closed. Keyframe requests go
// to the publisher as PLI through pc. media is naming.MediaMain or
// naming.MediaAux ("" means main). It returns the error of Room.AddTrack.
func Attach(room *recorder.Room, userID string, media naming.MediaID, tr *webrtc.TrackRemote, recv *webrtc.RTPReceiver, pc *webrtc.PeerConnection) (*recorder.Track, error) {
	kind := naming.TrackVideo
	if tr.Kind() == webrtc.RTPCodecTypeAudio {
		kind = naming.TrackAudio
	}
	codec := tr.Codec()
	ssrc := uint32(tr.SSRC())
	t, err := room.AddTrack(recorder.TrackInfo{
		UserID:    userID,
		Media:     media,
		Kind:      kind,
		MimeType:  codec.MimeType,
		ClockRate: codec.ClockRate,
	}, func() error {
		return pc.WriteRTCP([]rtcp.Packet{&rtcp.PictureLossIndication{MediaSSRC: ssrc}})
	})
	if err != nil {
		return nil, err
	}
	go readRTP(t, tr)
	if recv != nil {
		go readRTCP(t, recv)
	}
	return t, nil
}

// maxReadErrors is how many read errors in a row end the track: a single
// malformed packet does not, a closed transport does.
const maxReadErrors = 50

func readRTP(t *recorder.Track, tr *webrtc.TrackRemote) {
	defer t.Close()
	errs := 0
	for {
		p, _, err := tr.ReadRTP()
		if err != nil {
			errs++
			if errors.Is(err, io.EOF) || errs >= maxReadErrors {
				return
			}
			continue
		}
		errs = 0
		if t.WriteRTP(p) != nil {
			return
		}
	}
}

func readRTCP(t *recorder.Track, recv *webrtc.RTPReceiver) {
	for {
		pkts, _, err := recv.ReadRTCP()
		if err != nil {
			return
		}
		if t.WriteRTCP(pkts) != nil {
			return
		}
	}
}

// OnTrack returns a handler for pc.OnTrack that attaches every track of the
// PeerConnection to room as userID's. mediaOf tells main from aux (screen
// share) tracks; nil records every track as main.
func OnTrack(room *recorder.Room, pc *webrtc.PeerConnection, userID string, mediaOf func(*webrtc.TrackRemote) naming.MediaID) func(*webrtc.TrackRemote, *webrtc.RTPReceiver) {
	return func(tr *webrtc.TrackRemote, recv *webrtc.RTPReceiver) {
		media := naming.MediaMain
		if mediaOf != nil {
			media = mediaOf(tr)
		}
		if _, err := Attach(room, userID, media, tr, recv, pc); err != nil {
			// The room refused the track (closed room, bad user id): drain
			// it so the PeerConnection's buffers do not fill.
			go func() {
				for {
					if _, _, err := tr.ReadRTP(); err != nil {
						return
					}
				}
			}()
		}
	}
}
