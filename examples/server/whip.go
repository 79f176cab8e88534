package main

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/pion/webrtc/v4"

	"github.com/roomrec/roomrec/errcode"
	"github.com/roomrec/roomrec/naming"
	"github.com/roomrec/roomrec/pionrec"
	"github.com/roomrec/roomrec/recorder"
)

// WHIP limits.
const (
	maxOfferSize   = 128 << 10        // an SDP offer is a few KiB
	gatherTimeout  = 10 * time.Second // ICE gathering of the answer (loopback: milliseconds)
	connectTimeout = 30 * time.Second // a session whose ICE has not connected by then ends
)

// errClosed says the server is shutting down.
var errClosed = errors.New("the server is shutting down")

// whipServer is the WHIP endpoint (RFC 9725): every session is one user
// publishing audio and video into one room of the recorder.
//
//	POST   /whip/{room}/{user}            SDP offer -> 201, SDP answer, Location
//	DELETE /whip/{room}/{user}/{session}  ends the session -> 200
//
// Sessions do not support trickle ICE or ICE restarts: PATCH is answered
// 405, as RFC 9725 asks. A new session of a user in a room replaces the
// user's earlier one (as a second login with the same UserId would).
type whipServer struct {
	api      *webrtc.API
	rec      *recorder.Recorder
	sdkAppID uint64
	token    string
	log      *slog.Logger

	mu       sync.Mutex
	sessions map[string]*session // by id
	closed   bool
}

// session is one WHIP session: a PeerConnection publishing into a room.
type session struct {
	id      string
	room    naming.RoomID
	user    string
	started time.Time
	rec     *recorder.Room
	pc      *webrtc.PeerConnection
	end     sync.Once

	mu     sync.Mutex
	state  string
	tracks []string // MIME types of the tracks received
	timer  *time.Timer
}

func newWHIPServer(api *webrtc.API, rec *recorder.Recorder, sdkAppID uint64, token string, log *slog.Logger) *whipServer {
	return &whipServer{api: api, rec: rec, sdkAppID: sdkAppID, token: token, log: log, sessions: map[string]*session{}}
}

func (w *whipServer) register(mux *http.ServeMux) {
	mux.HandleFunc("POST /whip/{room}/{user}", w.handleOffer)
	mux.HandleFunc("OPTIONS /whip/{room}/{user}", w.handlePreflight)
	mux.HandleFunc("DELETE /whip/{room}/{user}/{session}", w.handleDelete)
	mux.HandleFunc("OPTIONS /whip/{room}/{user}/{session}", w.handlePreflight)
}

// setCORS lets WHIP clients on other origins (a player page, a tool) use
// the endpoint; no cookie is involved, the token is sent explicitly.
func setCORS(h http.Header) {
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Access-Control-Expose-Headers", "Location, Link")
}

func (w *whipServer) handlePreflight(rw http.ResponseWriter, r *http.Request) {
	setCORS(rw.Header())
	rw.Header().Set("Access-Control-Allow-Methods", "POST, DELETE, OPTIONS")
	rw.Header().Set("Access-Control-Allow-Headers", "Authorization, Content-Type")
	rw.WriteHeader(http.StatusNoContent)
}

// authorized checks the bearer token when one is configured.
func (w *whipServer) authorized(rw http.ResponseWriter, r *http.Request) bool {
	if w.token == "" {
		return true
	}
	if subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), []byte("Bearer "+w.token)) == 1 {
		return true
	}
	rw.Header().Set("WWW-Authenticate", `Bearer realm="roomrec WHIP"`)
	http.Error(rw, "a bearer token is required (Authorization: Bearer <token>)", http.StatusUnauthorized)
	return false
}

func (w *whipServer) handleOffer(rw http.ResponseWriter, r *http.Request) {
	setCORS(rw.Header())
	if !w.authorized(rw, r) {
		return
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/sdp" {
		http.Error(rw, "the offer must be sent as Content-Type: application/sdp", http.StatusUnsupportedMediaType)
		return
	}
	room, err := parseRoom(r.PathValue("room"))
	if err == nil {
		err = checkPublisher(r.PathValue("user"))
	}
	if err != nil {
		http.Error(rw, err.Error(), http.StatusBadRequest)
		return
	}
	offer, err := io.ReadAll(http.MaxBytesReader(rw, r.Body, maxOfferSize))
	if err != nil {
		http.Error(rw, fmt.Sprintf("the offer is over %d bytes or could not be read", maxOfferSize), http.StatusRequestEntityTooLarge)
		return
	}
	s, answer, err := w.start(r.Context(), room, r.PathValue("user"), string(offer))
	switch {
	case errors.Is(err, errClosed):
		http.Error(rw, err.Error(), http.StatusServiceUnavailable)
		return
	case errors.Is(err, errcode.InvalidParameter):
		http.Error(rw, err.Error(), http.StatusBadRequest)
		return
	case err != nil:
		w.log.Warn("whip: session not started", "err", err)
		http.Error(rw, err.Error(), http.StatusInternalServerError)
		return
	}
	rw.Header().Set("Content-Type", "application/sdp")
	rw.Header().Set("Location", s.location())
	rw.WriteHeader(http.StatusCreated)
	_, _ = io.WriteString(rw, answer)
}

func (w *whipServer) handleDelete(rw http.ResponseWriter, r *http.Request) {
	setCORS(rw.Header())
	if !w.authorized(rw, r) {
		return
	}
	w.mu.Lock()
	s := w.sessions[r.PathValue("session")]
	w.mu.Unlock()
	if room, err := parseRoom(r.PathValue("room")); s == nil || err != nil || s.room != room || s.user != r.PathValue("user") {
		http.Error(rw, "no such WHIP session (it ended or was replaced)", http.StatusNotFound)
		return
	}
	w.stop(s, "ended by the client (DELETE)")
	rw.WriteHeader(http.StatusOK)
}

// parseRoom reads a room of the URL: digits are a numeric room id
// (1..4294967294), anything else a string room id.
func parseRoom(s string) (naming.RoomID, error) {
	id := naming.RoomID{Str: s}
	if n, err := strconv.ParseUint(s, 10, 32); err == nil {
		id = naming.RoomID{Num: uint32(n)}
	}
	return id, id.Validate()
}

// checkPublisher refuses user ids TRTC would refuse and the recorder's own.
func checkPublisher(user string) error {
	if err := naming.ValidateUserID(user); err != nil {
		return err
	}
	if user == recorderUserID {
		return errcode.New(errcode.InvalidParameter.Detail("UserId"), "%q is the recorder's own user id: publish as another user", user)
	}
	return nil
}

// start runs the offer/answer of a new session and returns it with its SDP
// answer (carrying every ICE candidate: no trickle).
func (w *whipServer) start(ctx context.Context, room naming.RoomID, user, offer string) (*session, string, error) {
	recRoom, err := w.rec.Room(w.sdkAppID, room)
	if err != nil {
		return nil, "", err
	}
	pc, err := w.api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		return nil, "", err
	}
	s := &session{id: newSessionID(), room: room, user: user, started: time.Now(), rec: recRoom, pc: pc, state: "new"}
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		_ = pc.Close()
		return nil, "", errClosed
	}
	var old []*session
	for _, o := range w.sessions {
		if o.room == room && o.user == user {
			old = append(old, o)
		}
	}
	w.sessions[s.id] = s
	w.mu.Unlock()
	for _, o := range old {
		w.stop(o, "replaced by a new session of the same user")
	}

	attach := pionrec.OnTrack(recRoom, pc, user, nil)
	pc.OnTrack(func(tr *webrtc.TrackRemote, recv *webrtc.RTPReceiver) {
		s.addTrack(tr.Codec().MimeType)
		attach(tr, recv)
	})
	pc.OnConnectionStateChange(func(st webrtc.PeerConnectionState) {
		s.setState(st)
		if st == webrtc.PeerConnectionStateFailed || st == webrtc.PeerConnectionStateClosed {
			w.stop(s, "the connection "+st.String())
		}
	})
	recRoom.Join(user)
	answer, err := negotiate(ctx, pc, offer)
	if err != nil {
		w.stop(s, "negotiation failed")
		return nil, "", err
	}
	s.mu.Lock()
	s.timer = time.AfterFunc(connectTimeout, func() {
		if s.getState() != webrtc.PeerConnectionStateConnected.String() {
			w.stop(s, fmt.Sprintf("ICE did not connect within %v", connectTimeout))
		}
	})
	s.mu.Unlock()
	w.log.Info("whip: session started", "room", room.String(), "user", user, "session", s.id)
	return s, answer, nil
}

// negotiate answers offer on pc and waits for ICE gathering.
func negotiate(ctx context.Context, pc *webrtc.PeerConnection, offer string) (string, error) {
	if err := pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: offer}); err != nil {
		return "", errcode.Wrap(errcode.InvalidParameter.Detail("Offer"), err, "the SDP offer was refused")
	}
	if !receivesMedia(pc) {
		return "", errcode.New(errcode.InvalidParameter.Detail("Offer"), "the offer sends no audio or video this server accepts (Opus audio, H.264 or VP8 video)")
	}
	answer, err := pc.CreateAnswer(nil)
	if err != nil {
		return "", errcode.Wrap(errcode.InvalidParameter.Detail("Offer"), err, "no answer to the SDP offer")
	}
	gathered := webrtc.GatheringCompletePromise(pc)
	if err := pc.SetLocalDescription(answer); err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(ctx, gatherTimeout)
	defer cancel()
	select {
	case <-gathered:
	case <-ctx.Done():
		return "", fmt.Errorf("ICE gathering: %w", ctx.Err())
	}
	return pc.LocalDescription().SDP, nil
}

// receivesMedia reports whether the offer negotiated at least one audio or
// video track in a codec the server accepts.
func receivesMedia(pc *webrtc.PeerConnection) bool {
	for _, t := range pc.GetTransceivers() {
		if t.Receiver() != nil && len(t.Receiver().GetParameters().Codecs) > 0 &&
			(t.Direction() == webrtc.RTPTransceiverDirectionRecvonly || t.Direction() == webrtc.RTPTransceiverDirectionSendrecv) {
			return true
		}
	}
	return false
}

// stop ends a session once: its PeerConnection is closed and the user
// leaves the room (the recorder closes the user's tracks).
func (w *whipServer) stop(s *session, reason string) {
	s.end.Do(func() {
		w.mu.Lock()
		if w.sessions[s.id] == s {
			delete(w.sessions, s.id)
		}
		w.mu.Unlock()
		s.mu.Lock()
		if s.timer != nil {
			s.timer.Stop()
		}
		s.mu.Unlock()
		if err := s.pc.Close(); err != nil {
			w.log.Debug("whip: closing the PeerConnection", "err", err)
		}
		s.rec.Leave(s.user)
		w.log.Info("whip: session ended", "room", s.room.String(), "user", s.user, "session", s.id, "reason", reason)
	})
}

// close ends every session and refuses new ones.
func (w *whipServer) close() {
	w.mu.Lock()
	w.closed = true
	all := make([]*session, 0, len(w.sessions))
	for _, s := range w.sessions {
		all = append(all, s)
	}
	w.mu.Unlock()
	for _, s := range all {
		w.stop(s, "the server is shutting down")
	}
}

// sessionView is a session as /ui/sessions shows it.
type sessionView struct {
	ID      string    `json:"id"`
	Room    string    `json:"room"`
	User    string    `json:"user"`
	State   string    `json:"state"`
	Tracks  []string  `json:"tracks"`
	Started time.Time `json:"started"`
}

// list returns the live sessions, oldest first.
func (w *whipServer) list() []sessionView {
	w.mu.Lock()
	all := make([]*session, 0, len(w.sessions))
	for _, s := range w.sessions {
		all = append(all, s)
	}
	w.mu.Unlock()
	out := make([]sessionView, 0, len(all))
	for _, s := range all {
		s.mu.Lock()
		out = append(out, sessionView{ID: s.id, Room: s.room.String(), User: s.user, State: s.state,
			Tracks: slices.Clone(s.tracks), Started: s.started})
		s.mu.Unlock()
	}
	slices.SortFunc(out, func(a, b sessionView) int { return a.Started.Compare(b.Started) })
	return out
}

func (s *session) location() string {
	return "/whip/" + url.PathEscape(s.room.String()) + "/" + url.PathEscape(s.user) + "/" + s.id
}

func (s *session) addTrack(mime string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tracks = append(s.tracks, mime)
}

func (s *session) setState(st webrtc.PeerConnectionState) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.state = st.String()
}

func (s *session) getState() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state
}

// newSessionID returns 16 random bytes in hex.
func newSessionID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b[:])
}
