package recorder

import (
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/rtcp"
	"github.com/pion/rtp"

	"github.com/roomrec/roomrec/callback"
	"github.com/roomrec/roomrec/errcode"
	"github.com/roomrec/roomrec/naming"
)

// Room is one of the host's rooms as the Recorder sees it. The host reports
// through it who is in the room (Join, Leave) and which tracks they publish
// (AddTrack, Track.Close), and hands every RTP packet of a track to
// Track.WriteRTP. Tasks started for the room subscribe to what the host
// reports; a Room with no task costs almost nothing.
//
// A Room is safe for concurrent use. Get one with Recorder.Room.
type Room struct {
	rec      *Recorder
	sdkAppID uint64
	id       naming.RoomID

	mu     sync.Mutex
	users  map[string]*roomUser
	seq    uint64
	tracks map[*Track]struct{}
	tasks  map[*task]struct{}
	closed bool
}

type roomUser struct {
	id     string
	seq    uint64 // join order
	joined time.Time
}

// TrackInfo describes a track the host adds to a room.
type TrackInfo struct {
	// UserID is the publishing user (joined automatically if needed).
	UserID string
	// Media is MediaMain (camera/microphone, the zero value's meaning) or
	// MediaAux (screen share).
	Media naming.MediaID
	// Kind is naming.TrackAudio or naming.TrackVideo.
	Kind naming.TrackType
	// MimeType is the codec as WebRTC names it: "video/H264", "video/H265",
	// "video/VP8", "video/VP9", "video/AV1", "audio/opus".
	MimeType string
	// ClockRate is the RTP clock rate; 0 means the codec's usual rate
	// (90000 for video, 48000 for Opus).
	ClockRate uint32
}

func (i TrackInfo) withDefaults() TrackInfo {
	if i.Media == "" {
		i.Media = naming.MediaMain
	}
	if i.ClockRate == 0 {
		i.ClockRate = 90000
		if strings.HasPrefix(strings.ToLower(i.MimeType), "audio/") {
			i.ClockRate = 48000
		}
	}
	return i
}

func (i TrackInfo) validate() error {
	if err := naming.ValidateUserID(i.UserID); err != nil {
		return err
	}
	if !i.Media.Valid() {
		return errcode.New(errcode.InvalidParameter.Detail("MediaId"), "track media %q: must be main or aux", i.Media)
	}
	if !i.Kind.Valid() {
		return errcode.New(errcode.InvalidParameter.Detail("TrackType"), "track kind %q: must be audio or video", i.Kind)
	}
	if i.MimeType == "" {
		return errcode.New(errcode.InvalidParameter.Detail("MimeType"), "track of %s has no MIME type", i.UserID)
	}
	return nil
}

// Join reports that a user entered the room. Joining twice is harmless; the
// first join fixes the user's place in the join order, which orders the
// screens of a mixed recording's layout (SPEC §4: screens by join time).
// A user who publishes without a Join joins at their first AddTrack; one
// who leaves and comes back joins anew, after everyone present.
func (r *Room) Join(userID string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.joinLocked(userID)
}

func (r *Room) joinLocked(userID string) {
	if _, ok := r.users[userID]; ok {
		return
	}
	r.seq++
	r.users[userID] = &roomUser{id: userID, seq: r.seq, joined: r.rec.clock.Now()}
}

// Leave reports that a user left the room: the user's tracks are closed.
func (r *Room) Leave(userID string) {
	r.mu.Lock()
	var gone []*Track
	for t := range r.tracks {
		if t.info.UserID == userID {
			gone = append(gone, t)
		}
	}
	delete(r.users, userID)
	r.mu.Unlock()
	for _, t := range gone {
		t.Close()
	}
}

// AddTrack reports a new track of a user and returns the Track the host
// feeds with RTP. requestKeyframe asks the publisher for a keyframe (a PLI
// for WebRTC); it may be nil when the source cannot do that. AddTrack
// returns an InvalidParameter error if info is incomplete, or
// FailedOperation.RoomClosed after Room.Close.
func (r *Room) AddTrack(info TrackInfo, requestKeyframe func() error) (*Track, error) {
	info = info.withDefaults()
	if err := info.validate(); err != nil {
		return nil, err
	}
	t := &Track{room: r, info: info, requestKeyframe: requestKeyframe}
	t.sinks.Store(&[]*pipeline{})
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return nil, errcode.New(errcode.FailedOperation.Detail("RoomClosed"), "room %s was closed", r.id)
	}
	r.joinLocked(info.UserID)
	t.order = r.users[info.UserID].seq
	r.tracks[t] = struct{}{}
	tasks := r.taskList()
	r.mu.Unlock()
	for _, tk := range tasks {
		tk.trackAdded(t)
	}
	return t, nil
}

// Close ends the room: every track is closed and every task recording the
// room stops with LeaveCode 4 (room dismissed by the server).
func (r *Room) Close() {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return
	}
	r.closed = true
	var tracks []*Track
	for t := range r.tracks {
		tracks = append(tracks, t)
	}
	tasks := r.taskList()
	r.mu.Unlock()
	for _, t := range tracks {
		t.Close()
	}
	for _, tk := range tasks {
		tk.requestStop(callback.LeaveRoomDismissedByServer)
	}
	r.rec.forgetRoom(r)
}

// taskList returns the tasks watching the room; r.mu must be held.
func (r *Room) taskList() []*task {
	out := make([]*task, 0, len(r.tasks))
	for tk := range r.tasks {
		out = append(out, tk)
	}
	return out
}

// attach registers tk and returns the tracks present now.
func (r *Room) attach(tk *task) []*Track {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.tasks[tk] = struct{}{}
	out := make([]*Track, 0, len(r.tracks))
	for t := range r.tracks {
		out = append(out, t)
	}
	return out
}

func (r *Room) detach(tk *task) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.tasks, tk)
}

// publishers counts the tracks of users other than except.
func (r *Room) publishers(except string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for t := range r.tracks {
		if t.info.UserID != except {
			n++
		}
	}
	return n
}

// Track is one published track in a Room. The host calls WriteRTP for each
// RTP packet (from the goroutine that reads the track) and Close when the
// track ends. WriteRTP never blocks on disk or network: each recording task
// has its own bounded queue, and a full queue drops the packet and counts
// it (Describe and Stats show the count).
type Track struct {
	room            *Room
	info            TrackInfo
	requestKeyframe func() error
	order           uint64 // the user's place in the room's join order

	mu     sync.Mutex // serialises changes of sinks
	sinks  atomic.Pointer[[]*pipeline]
	closed atomic.Bool
}

// Info returns the track's description, with defaults filled in.
func (t *Track) Info() TrackInfo { return t.info }

// WriteRTP hands one RTP packet to every task recording the track. The
// packet is copied; the caller may reuse it. It returns
// FailedOperation.TrackClosed after Close, and nil otherwise (also when the
// packet was dropped by a full queue).
func (t *Track) WriteRTP(p *rtp.Packet) error {
	if t.closed.Load() {
		return errcode.New(errcode.FailedOperation.Detail("TrackClosed"), "track of %s is closed", t.info.UserID)
	}
	sinks := *t.sinks.Load()
	if len(sinks) == 0 {
		return nil
	}
	now := t.room.rec.clock.Now()
	for _, s := range sinks {
		s.pushRTP(p, now)
	}
	return nil
}

// WriteRTCP hands RTCP packets received for the track (sender reports) to
// the tasks recording it; they use sender reports to align tracks. It
// returns FailedOperation.TrackClosed after Close.
func (t *Track) WriteRTCP(pkts []rtcp.Packet) error {
	if t.closed.Load() {
		return errcode.New(errcode.FailedOperation.Detail("TrackClosed"), "track of %s is closed", t.info.UserID)
	}
	sinks := *t.sinks.Load()
	if len(sinks) == 0 {
		return nil
	}
	now := t.room.rec.clock.Now()
	for _, s := range sinks {
		s.pushRTCP(pkts, now)
	}
	return nil
}

// Close ends the track: tasks finish what they received of it. Closing
// twice is harmless.
func (t *Track) Close() {
	if t.closed.Swap(true) {
		return
	}
	r := t.room
	r.mu.Lock()
	delete(r.tracks, t)
	tasks := r.taskList()
	r.mu.Unlock()
	for _, tk := range tasks {
		tk.trackRemoved(t)
	}
}

func (t *Track) addSink(p *pipeline) {
	t.mu.Lock()
	defer t.mu.Unlock()
	old := *t.sinks.Load()
	next := make([]*pipeline, len(old), len(old)+1)
	copy(next, old)
	next = append(next, p)
	t.sinks.Store(&next)
}

func (t *Track) removeSink(p *pipeline) {
	t.mu.Lock()
	defer t.mu.Unlock()
	old := *t.sinks.Load()
	next := make([]*pipeline, 0, len(old))
	for _, s := range old {
		if s != p {
			next = append(next, s)
		}
	}
	t.sinks.Store(&next)
}

// keyframe asks the publisher for a keyframe, if it can.
func (t *Track) keyframe() {
	if t.requestKeyframe != nil {
		_ = t.requestKeyframe()
	}
}
