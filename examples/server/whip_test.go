package main

import (
	"context"
	"errors"
	"io"
	"net/http"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pion/webrtc/v4"
	"github.com/pion/webrtc/v4/pkg/media"

	"github.com/roomrec/roomrec/internal/loopback"
	"github.com/roomrec/roomrec/internal/oracle"
	"github.com/roomrec/roomrec/internal/testpub"
)

// pionPublisher is a WHIP client built on pion: it publishes the committed
// H.264 and Opus clips.
type pionPublisher struct {
	pc       *webrtc.PeerConnection
	video    *webrtc.TrackLocalStaticSample
	audio    *webrtc.TrackLocalStaticSample
	location string
	answer   string // the server's SDP answer
}

// publishWHIP connects a pion publisher to the server's WHIP endpoint for
// room and user and returns once ICE is connected.
func publishWHIP(t *testing.T, srv *testServer, room, user string) *pionPublisher {
	t.Helper()
	api, err := loopback.API()
	if err != nil {
		t.Fatal(err)
	}
	pc, err := api.NewPeerConnection(loopback.Configuration())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = pc.Close() })
	p := &pionPublisher{pc: pc}
	p.video, err = webrtc.NewTrackLocalStaticSample(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeH264, ClockRate: 90000,
		SDPFmtpLine: "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f"}, "video", "pion")
	if err != nil {
		t.Fatal(err)
	}
	p.audio, err = webrtc.NewTrackLocalStaticSample(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2}, "audio", "pion")
	if err != nil {
		t.Fatal(err)
	}
	for _, tr := range []webrtc.TrackLocal{p.video, p.audio} {
		if _, err := pc.AddTransceiverFromTrack(tr, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionSendonly}); err != nil {
			t.Fatal(err)
		}
	}
	connected := make(chan struct{})
	pc.OnConnectionStateChange(func(s webrtc.PeerConnectionState) {
		if s == webrtc.PeerConnectionStateConnected {
			close(connected)
		}
	})
	offer, err := pc.CreateOffer(nil)
	if err != nil {
		t.Fatal(err)
	}
	gathered := webrtc.GatheringCompletePromise(pc)
	if err := pc.SetLocalDescription(offer); err != nil {
		t.Fatal(err)
	}
	<-gathered
	resp := whipRequest(t, http.MethodPost, srv.url+"/whip/"+room+"/"+user, "application/sdp", pc.LocalDescription().SDP, "")
	if resp.status != http.StatusCreated || resp.header.Get("Content-Type") != "application/sdp" || resp.header.Get("Location") == "" {
		t.Fatalf("WHIP POST: %d %v %s", resp.status, resp.header, resp.body)
	}
	p.location, p.answer = resp.header.Get("Location"), resp.body
	if err := pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: resp.body}); err != nil {
		t.Fatal(err)
	}
	select {
	case <-connected:
	case <-time.After(waitLimit):
		t.Fatal("the WHIP session did not connect")
	}
	return p
}

// send writes d of the clips, paced at speed times real time.
func (p *pionPublisher) send(ctx context.Context, d time.Duration, speed float64) error {
	video, err := testpub.LoadH264(filepath.Join(testpub.MediaDir(), "h264_640x360_15fps.h264"), 15)
	if err != nil {
		return err
	}
	audio, err := testpub.LoadOgg(filepath.Join(testpub.MediaDir(), "opus_48k_stereo.ogg"))
	if err != nil {
		return err
	}
	errs := make(chan error, 2)
	for _, tr := range []struct {
		track   *webrtc.TrackLocalStaticSample
		samples []testpub.Sample
	}{{p.video, video}, {p.audio, audio}} {
		go func() { errs <- sendSamples(ctx, tr.track, tr.samples, d, speed) }()
	}
	return errors.Join(<-errs, <-errs)
}

func sendSamples(ctx context.Context, track *webrtc.TrackLocalStaticSample, samples []testpub.Sample, d time.Duration, speed float64) error {
	start := time.Now()
	timer := time.NewTimer(0)
	defer timer.Stop()
	var sent time.Duration
	for i := 0; sent < d; i++ {
		s := samples[i%len(samples)]
		if err := track.WriteSample(media.Sample{Data: s.Data, Duration: s.Duration}); err != nil {
			return err
		}
		sent += s.Duration
		timer.Reset(time.Until(start.Add(time.Duration(float64(sent) / speed))))
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-timer.C:
		}
	}
	return nil
}

// whipResponse is an answer of the WHIP endpoint.
type whipResponse struct {
	status int
	header http.Header
	body   string
}

// whipRequest sends a request with a body of the content type (none when
// empty) and an Authorization header (none when empty).
func whipRequest(t *testing.T, method, url, contentType, body, auth string) whipResponse {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return whipResponse{resp.StatusCode, resp.Header, string(b)}
}

// TestWHIPRecording publishes over WHIP with pion into a room whose
// recording was started through the API, ends the session with DELETE,
// stops the recording and decodes the files.
func TestWHIPRecording(t *testing.T) {
	srv := startServer(t, "-segment-duration", "1s")
	id := srv.createRecording(t, "3001")
	pub := publishWHIP(t, srv, "3001", "bob")

	var sessions []sessionView
	wait(t, "the server's side of the session to connect", func() (bool, error) {
		err := srv.getJSON("/ui/sessions", &sessions)
		return len(sessions) == 1 && sessions[0].State == "connected", err
	})
	if s := sessions[0]; s.Room != "3001" || s.User != "bob" {
		t.Errorf("session %+v, want bob in room 3001", s)
	}
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	if err := pub.send(ctx, 4*time.Second, 4); err != nil {
		t.Fatal(err)
	}
	var view taskView
	wait(t, "bob's audio and video to be recorded", func() (bool, error) {
		var err error
		view, err = srv.task(id)
		a, _ := view.stream("bob", "audio")
		v, _ := view.stream("bob", "video")
		return err == nil && a.Segments >= 2 && v.Segments >= 2, err
	})

	if err := srv.getJSON("/ui/sessions", &sessions); err != nil || len(sessions) != 1 ||
		!slices.Contains(sessions[0].Tracks, webrtc.MimeTypeH264) || !slices.Contains(sessions[0].Tracks, webrtc.MimeTypeOpus) {
		t.Errorf("sessions %+v, %v; want one with an H.264 and an Opus track", sessions, err)
	}

	// A DELETE on another session's URL is refused; on its own, it ends it.
	if r := whipRequest(t, http.MethodDelete, srv.url+"/whip/3001/alice/"+pub.location[strings.LastIndexByte(pub.location, '/')+1:], "", "", ""); r.status != http.StatusNotFound {
		t.Errorf("DELETE with another user: %d, want 404", r.status)
	}
	if r := whipRequest(t, http.MethodDelete, srv.url+pub.location, "", "", ""); r.status != http.StatusOK {
		t.Fatalf("DELETE %s: %d %s", pub.location, r.status, r.body)
	}
	if r := whipRequest(t, http.MethodDelete, srv.url+pub.location, "", "", ""); r.status != http.StatusNotFound {
		t.Errorf("second DELETE: %d, want 404", r.status)
	}
	wait(t, "the session to end", func() (bool, error) {
		err := srv.getJSON("/ui/sessions", &sessions)
		return len(sessions) == 0, err
	})
	srv.mustCall(t, "DeleteCloudRecording", map[string]any{"SdkAppId": testApp, "TaskId": id})
	wait(t, "UPLOAD_STOP", func() (bool, error) {
		events, err := srv.events(id)
		return hasEvent(events, 305), err
	})
	if len(view.Files) != 2 {
		t.Fatalf("files %+v, want bob's audio and video", view.Files)
	}
	for _, f := range view.Files {
		if err := oracle.Decode(filepath.Join(srv.dir, filepath.FromSlash(f.Key))); err != nil {
			t.Error(err)
		}
	}
}

// TestWHIPDeploymentFlags runs WHIP with the flags of a deployment, on the
// loopback interface: -ice-interface, -ice-public-ip and -udp-ports.
func TestWHIPDeploymentFlags(t *testing.T) {
	srv := startServer(t, "-ice-interface", "lo", "-ice-public-ip", "127.0.0.1", "-udp-ports", "41000-41050")
	pub := publishWHIP(t, srv, "3002", "carol")
	var ports []string
	for _, line := range strings.Split(pub.answer, "\n") {
		if f := strings.Fields(line); strings.HasPrefix(line, "a=candidate:") && len(f) > 5 {
			ports = append(ports, f[4]+":"+f[5])
		}
	}
	if len(ports) == 0 {
		t.Fatalf("the answer has no candidate:\n%s", pub.answer)
	}
	for _, p := range ports {
		ip, port, _ := strings.Cut(p, ":")
		if n, err := strconv.Atoi(port); ip != "127.0.0.1" || err != nil || n < 41000 || n > 41050 {
			t.Errorf("candidate %s, want 127.0.0.1 and a port in 41000-41050", p)
		}
	}
	// The session is left open: the server's shutdown ends it (and goleak
	// checks that nothing of it is left).
}

// TestWHIPErrors checks the answers of the WHIP endpoint to bad requests.
func TestWHIPErrors(t *testing.T) {
	srv := startServer(t, "-whip-token", "s3cret")
	const auth = "Bearer s3cret"
	cases := []struct {
		name, method, path, contentType, body, auth string
		want                                        int
		wantBody                                    string
	}{
		{"no token", "POST", "/whip/1/alice", "application/sdp", "v=0", "", 401, "bearer token"},
		{"wrong token", "POST", "/whip/1/alice", "application/sdp", "v=0", "Bearer nope", 401, "bearer token"},
		{"not SDP", "POST", "/whip/1/alice", "text/plain", "v=0", auth, 415, "application/sdp"},
		{"bad room", "POST", "/whip/" + strings.Repeat("r", 65) + "/alice", "application/sdp", "v=0", auth, 400, "RoomId"},
		{"bad user", "POST", "/whip/1/al%20ice", "application/sdp", "v=0", auth, 400, "UserId"},
		{"the recorder's user", "POST", "/whip/1/" + recorderUserID, "application/sdp", "v=0", auth, 400, "recorder's own user id"},
		{"garbage SDP", "POST", "/whip/1/alice", "application/sdp", "not an offer", auth, 400, "offer"},
		{"offer too big", "POST", "/whip/1/alice", "application/sdp", strings.Repeat("a", maxOfferSize+1), auth, 413, "bytes"},
		{"unknown session", "DELETE", "/whip/1/alice/0123", "", "", auth, 404, "no such WHIP session"},
		{"trickle ICE", "PATCH", "/whip/1/alice/0123", "application/trickle-ice-sdpfrag", "a=x", auth, 405, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := whipRequest(t, c.method, srv.url+c.path, c.contentType, c.body, c.auth)
			if r.status != c.want || !strings.Contains(r.body, c.wantBody) {
				t.Errorf("%s %s: %d %q, want %d with %q", c.method, c.path, r.status, r.body, c.want, c.wantBody)
			}
		})
	}
	r := whipRequest(t, http.MethodOptions, srv.url+"/whip/1/alice", "", "", "")
	if r.status != http.StatusNoContent || !strings.Contains(r.header.Get("Access-Control-Allow-Methods"), "POST") ||
		!strings.Contains(r.header.Get("Access-Control-Expose-Headers"), "Location") {
		t.Errorf("preflight: %d %v", r.status, r.header)
	}
}

// TestParseRoom checks how URL rooms map to room ids.
func TestParseRoom(t *testing.T) {
	cases := []struct {
		in      string
		want    string
		numeric bool
		wantErr bool
	}{
		{"12345", "12345", true, false},
		{"4294967294", "4294967294", true, false},
		{"4294967296", "4294967296", false, false}, // too big for a numeric room: a string room
		{"room-a", "room-a", false, false},
		{"0", "", true, true},
		{"", "", false, true},
		{strings.Repeat("x", 65), "", false, true},
	}
	for _, c := range cases {
		id, err := parseRoom(c.in)
		if (err != nil) != c.wantErr {
			t.Errorf("parseRoom(%q) error %v, want error %v", c.in, err, c.wantErr)
			continue
		}
		if err == nil && (id.String() != c.want || (id.Num != 0) != c.numeric) {
			t.Errorf("parseRoom(%q) = %+v, want %s (numeric %v)", c.in, id, c.want, c.numeric)
		}
	}
}

// TestWHIPUnsupportedCodec offers only VP9 video, which the server does not
// accept: the offer is refused with a clear message.
func TestWHIPUnsupportedCodec(t *testing.T) {
	srv := startServer(t)
	m := &webrtc.MediaEngine{}
	if err := m.RegisterCodec(webrtc.RTPCodecParameters{
		RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP9, ClockRate: 90000, SDPFmtpLine: "profile-id=0"},
		PayloadType:        98,
	}, webrtc.RTPCodecTypeVideo); err != nil {
		t.Fatal(err)
	}
	api, err := loopback.APIWith(m)
	if err != nil {
		t.Fatal(err)
	}
	pc, err := api.NewPeerConnection(loopback.Configuration())
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	if _, err := pc.AddTransceiverFromKind(webrtc.RTPCodecTypeVideo, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionSendonly}); err != nil {
		t.Fatal(err)
	}
	offer, err := pc.CreateOffer(nil)
	if err != nil {
		t.Fatal(err)
	}
	r := whipRequest(t, http.MethodPost, srv.url+"/whip/1/dave", "application/sdp", offer.SDP, "")
	if r.status != http.StatusBadRequest || !strings.Contains(r.body, "H.264 or VP8") {
		t.Errorf("VP9-only offer: %d %q, want 400 naming the accepted codecs", r.status, r.body)
	}
	var sessions []sessionView
	if err := srv.getJSON("/ui/sessions", &sessions); err != nil || len(sessions) != 0 {
		t.Errorf("sessions after a refused offer: %+v, %v", sessions, err)
	}
}
