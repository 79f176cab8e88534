package main

import (
	"context"
	"encoding/json"
	"errors"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/roomrec/roomrec/errcode"
	"github.com/roomrec/roomrec/recorder"
)

// uiStopWait bounds how long a stop from the page waits for the uploads.
const uiStopWait = 20 * time.Second

// registerUI adds the page's endpoints under /ui/. They are unsigned (a
// page cannot keep a SecretKey), so they call the recorder directly and
// are served only to clients on loopback unless -ui-any-client is set;
// POSTs must be JSON, which a cross-site form cannot send without a CORS
// preflight that the server never grants. Everything they do is also
// possible through the signed API at /api.
//
//	GET  /ui/config            the page's settings
//	GET  /ui/sessions          the WHIP sessions
//	GET  /ui/tasks             the running recordings, described
//	POST /ui/tasks             {"room": "12345"} starts a recording of the room
//	GET  /ui/tasks/{id}        one recording, described
//	POST /ui/tasks/{id}/stop   stops it, answering its final description
//	GET  /ui/events?after=N    the events numbered above N
//	GET  /ui/playlists         the playlists in the recordings folder
func (s *server) registerUI(mux *http.ServeMux) {
	h := func(pattern string, f func(*http.Request) (any, error)) {
		mux.Handle(pattern, s.uiGuard(f))
	}
	h("GET /ui/config", s.uiConfig)
	h("GET /ui/sessions", func(*http.Request) (any, error) { return s.whip.list(), nil })
	h("GET /ui/tasks", s.uiTasks)
	h("POST /ui/tasks", s.uiStart)
	h("GET /ui/tasks/{id}", func(r *http.Request) (any, error) { return s.describe(r.Context(), r.PathValue("id")) })
	h("POST /ui/tasks/{id}/stop", s.uiStop)
	h("GET /ui/events", s.uiEvents)
	h("GET /ui/playlists", func(*http.Request) (any, error) { return s.files.playlists() })
}

// uiGuard answers f's result as JSON, and refuses non-loopback clients
// (without -ui-any-client) and POSTs that are not JSON.
func (s *server) uiGuard(f func(*http.Request) (any, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.opts.uiAnyClient && !fromLoopback(r) {
			writeJSON(w, http.StatusForbidden, errorView(errcode.New(errcode.AuthFailure,
				"the page's endpoints are served to loopback clients only (start the server with -ui-any-client, or use the signed API at /api)")))
			return
		}
		if r.Method == http.MethodPost {
			if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
				writeJSON(w, http.StatusUnsupportedMediaType, errorView(errcode.New(errcode.InvalidParameter, "send Content-Type: application/json")))
				return
			}
		}
		v, err := f(r)
		if err != nil {
			writeJSON(w, statusOf(err), errorView(err))
			return
		}
		writeJSON(w, http.StatusOK, v)
	})
}

func fromLoopback(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	ip := net.ParseIP(host)
	return err == nil && ip != nil && ip.IsLoopback()
}

func statusOf(err error) int {
	switch {
	case errors.Is(err, errcode.TaskNotExist):
		return http.StatusNotFound
	case errors.Is(err, errcode.RestrictedConcurrency):
		return http.StatusTooManyRequests
	case errors.Is(err, errcode.InvalidParameter), errors.Is(err, errcode.FailedOperation):
		return http.StatusBadRequest
	}
	return http.StatusInternalServerError
}

func errorView(err error) any {
	type e struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	}
	code := string(errcode.CodeOf(err))
	return map[string]e{"error": {Code: code, Message: err.Error()}}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (s *server) uiConfig(*http.Request) (any, error) {
	hls := ""
	if err := s.files.checkHLSJS(); err != nil {
		hls = err.Error()
	}
	return map[string]any{
		"sdkAppId":       s.opts.sdkAppID,
		"defaultRoom":    "12345",
		"recorderUserId": recorderUserID,
		"whipToken":      s.opts.whipToken != "",
		"hlsjsMissing":   hls,
	}, nil
}

// taskView is a recorder.Description as the page shows it.
type taskView struct {
	TaskID  string       `json:"taskId"`
	Room    string       `json:"room"`
	UserID  string       `json:"userId"`
	Status  string       `json:"status"`
	Note    string       `json:"note,omitempty"`
	Files   []fileView   `json:"files"`
	Streams []streamView `json:"streams"`
}

type fileView struct {
	Key            string `json:"key"`
	URL            string `json:"url"`
	UserID         string `json:"userId"`
	TrackType      string `json:"trackType"`
	BeginTimeStamp int64  `json:"beginTimeStamp"`
}

type streamView struct {
	UserID           string `json:"userId"`
	Media            string `json:"media"`
	Kind             string `json:"kind"`
	Codec            string `json:"codec"`
	Recording        bool   `json:"recording"`
	Skipped          string `json:"skipped,omitempty"`
	Packets          uint64 `json:"packets"`
	Lost             uint64 `json:"lost"`
	FramesDropped    uint64 `json:"framesDropped"`
	KeyframeRequests uint64 `json:"keyframeRequests"`
	Segments         int    `json:"segments"`
	Bytes            int64  `json:"bytes"`
}

func viewOf(d recorder.Description) taskView {
	v := taskView{TaskID: d.TaskID, Room: d.Room.String(), UserID: d.UserID, Status: string(d.Status), Note: d.Note,
		Files: []fileView{}, Streams: []streamView{}}
	for _, f := range d.StorageFileList {
		v.Files = append(v.Files, fileView{Key: f.Key, URL: "/recordings/" + (&url.URL{Path: f.Key}).EscapedPath(),
			UserID: f.UserID, TrackType: f.TrackType, BeginTimeStamp: f.BeginTimeStamp})
	}
	for _, st := range d.Streams {
		v.Streams = append(v.Streams, streamView{UserID: st.UserID, Media: string(st.MediaID), Kind: string(st.Kind),
			Codec: st.Codec, Recording: st.Recording, Skipped: st.Skipped, Packets: st.Packets, Lost: st.Lost,
			FramesDropped: st.FramesDropped, KeyframeRequests: st.KeyframeRequests, Segments: st.Segments, Bytes: st.Bytes})
	}
	return v
}

func (s *server) describe(ctx context.Context, id string) (taskView, error) {
	d, err := s.rec.Describe(ctx, id)
	if err != nil {
		return taskView{}, err
	}
	return viewOf(d), nil
}

func (s *server) uiTasks(r *http.Request) (any, error) {
	out := []taskView{}
	for _, id := range s.rec.Tasks() {
		if v, err := s.describe(r.Context(), id); err == nil { // a task may end meanwhile
			out = append(out, v)
		}
	}
	return out, nil
}

// uiStart starts a recording of a room of the server's SdkAppId, with the
// recorder's defaults (single-stream HLS, every stream of the room).
func (s *server) uiStart(r *http.Request) (any, error) {
	var req struct {
		Room string `json:"room"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 4096)).Decode(&req); err != nil {
		return nil, errcode.Wrap(errcode.InvalidParameter, err, "the body must be {\"room\": \"<room id>\"}")
	}
	room, err := parseRoom(req.Room)
	if err != nil {
		return nil, err
	}
	id, err := s.rec.Start(r.Context(), recorder.StartParams{SdkAppID: s.opts.sdkAppID, Room: room, UserID: recorderUserID})
	if err != nil {
		return nil, err
	}
	return s.describe(r.Context(), id)
}

func (s *server) uiStop(r *http.Request) (any, error) {
	ctx, cancel := context.WithTimeout(r.Context(), uiStopWait)
	defer cancel()
	d, err := s.rec.Stop(ctx, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	return viewOf(d), nil
}

func (s *server) uiEvents(r *http.Request) (any, error) {
	var after uint64
	if a := r.URL.Query().Get("after"); a != "" {
		n, err := strconv.ParseUint(a, 10, 64)
		if err != nil {
			return nil, errcode.New(errcode.InvalidParameter.Detail("after"), "after=%q is not a number", a)
		}
		after = n
	}
	events, last := s.events.after(after)
	return map[string]any{"events": events, "last": last}, nil
}
