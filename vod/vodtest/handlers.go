package vodtest

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/roomrec/roomrec/errcode"
	"github.com/roomrec/roomrec/internal/tc3"
)

// maxBody is the largest call body read.
const maxBody = 1 << 20

// The parameters each action accepts (besides none other).
var actionParams = map[string]map[string]bool{
	"ApplyUpload": {"MediaType": true, "MediaName": true, "CoverType": true, "Procedure": true, "ExpireTime": true,
		"StorageRegion": true, "ClassId": true, "SourceContext": true, "SessionContext": true, "ExtInfo": true, "SubAppId": true},
	"CommitUpload": {"VodSessionKey": true, "SubAppId": true},
}

// answer is what a call gets: a Response object, a service error, or an
// HTTP status.
type answer struct {
	status  int            // HTTP status; 0 = 200
	code    string         // service error code
	message string         // service error message, or the plain body of a status
	fields  map[string]any // the Response fields on success
	hang    bool
}

func fail(code errcode.Code, format string, args ...any) answer {
	return answer{code: string(code), message: fmt.Sprintf(format, args...)}
}

// ServeHTTP serves one API call: protocol, signature, action and
// parameters, fault, then the action.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		http.Error(w, "closed", http.StatusServiceUnavailable)
		return
	}
	s.busy.Add(1)
	s.mu.Unlock()
	defer s.busy.Done()

	call := Call{Action: r.Header.Get("X-TC-Action")}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	a := answer{}
	switch {
	case err != nil:
		a = fail("InvalidParameter", "cannot read the body: %v", err)
	case len(body) > maxBody:
		a = fail("RequestSizeLimitExceeded", "the body is larger than %d bytes", maxBody)
	default:
		a = s.check(r, body, &call)
	}
	if a.code == "" && a.status == 0 {
		a = s.serveCall(&call)
	}
	if a.hang {
		select {
		case <-r.Context().Done():
		case <-s.done:
		}
		s.log(call, "", 0, "")
		return
	}
	s.write(w, call, a)
}

// check verifies the protocol, the signature and the parameters, and
// decodes the parameters into call.Params. It returns the zero answer
// when the call may be served.
func (s *Server) check(r *http.Request, body []byte, call *Call) answer {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if r.Method != http.MethodPost || ct != "application/json" {
		return fail("UnsupportedProtocol", "send a POST with Content-Type application/json")
	}
	v := tc3.Verifier{Service: "vod", MaxSkew: 5 * time.Minute, SecretKey: func(id string) (string, bool) {
		return s.cfg.SecretKey, id == s.cfg.SecretID
	}}
	if err := v.Verify(r, body, s.cfg.Now()); err != nil {
		return fail(errcode.CodeOf(err), "%s", errMessage(err))
	}
	if got := r.Header.Get("X-TC-Version"); got != APIVersion {
		return fail("NoSuchVersion", "X-TC-Version %q: VOD's upload API is %s", got, APIVersion)
	}
	if r.Header.Get("X-TC-Region") == "" {
		return fail("MissingParameter", "the common parameter Region (X-TC-Region) is missing")
	}
	allowed, ok := actionParams[call.Action]
	if !ok {
		return fail("InvalidAction", "action %q is not ApplyUpload or CommitUpload", call.Action)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&call.Params); err != nil || call.Params == nil || dec.More() {
		return fail("InvalidParameter", "the body must be one JSON object")
	}
	for k := range call.Params {
		if !allowed[k] {
			return fail("UnknownParameter", "%s has no parameter %q", call.Action, k)
		}
	}
	return answer{}
}

// errMessage returns the message of an *errcode.Error.
func errMessage(err error) string {
	var e *errcode.Error
	if errors.As(err, &e) {
		return e.Message
	}
	return err.Error()
}

// serveCall runs the fault hook, then the action.
func (s *Server) serveCall(call *Call) answer {
	s.mu.Lock()
	hook := s.fault
	s.mu.Unlock()
	if hook != nil {
		switch f := hook(*call); {
		case f.Hang:
			return answer{hang: true}
		case f.Status > 0:
			return answer{status: f.Status, message: http.StatusText(f.Status)}
		case f.Code != "":
			return answer{code: f.Code, message: f.Message}
		}
	}
	if call.Action == "ApplyUpload" {
		return s.apply(call.Params)
	}
	return s.commit(call.Params)
}

// write sends the answer and logs the call.
func (s *Server) write(w http.ResponseWriter, call Call, a answer) {
	if a.status != 0 {
		http.Error(w, a.message, a.status)
		s.log(call, "", a.status, "")
		return
	}
	rid := requestID()
	body := map[string]any{"RequestId": rid}
	if a.code != "" {
		body["Error"] = map[string]string{"Code": a.code, "Message": a.message}
	}
	for k, v := range a.fields {
		body[k] = v
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"Response": body}) // the client may have gone
	s.log(call, a.code, http.StatusOK, rid)
}

func (s *Server) log(call Call, code string, status int, rid string) {
	call.Code, call.Status, call.RequestID = code, status, rid
	s.mu.Lock()
	s.calls = append(s.calls, call)
	s.mu.Unlock()
}

// requestID returns a random UUID (version 4).
func requestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// apply serves ApplyUpload: a new session, its object key and the
// temporary credentials.
func (s *Server) apply(p map[string]any) answer {
	mediaType, _ := p["MediaType"].(string)
	if mediaType == "" {
		return fail("MissingParameter", "MediaType is required")
	}
	if mediaType != strings.ToLower(mediaType) || strings.ContainsAny(mediaType, "./ ") {
		return fail("InvalidParameterValue.MediaType", "MediaType %q is not a file type such as mp4", mediaType)
	}
	s.mu.Lock()
	s.next++
	n := s.next
	sessionKey := fmt.Sprintf("vodtest-session-%d-%s", n, requestID())
	sess := &session{key: fmt.Sprintf("%d/vodtest/%d/f0.%s", 1250000000, n, mediaType), mediaType: mediaType, subAppID: p["SubAppId"], apply: p}
	s.sessions[sessionKey] = sess
	s.mu.Unlock()
	return answer{fields: map[string]any{
		"StorageBucket":    s.cfg.Bucket,
		"StorageRegion":    s.cfg.Region,
		"VodSessionKey":    sessionKey,
		"MediaStoragePath": "/" + sess.key,
		"CoverStoragePath": "",
		"TempCertificate": map[string]any{"SecretId": s.cfg.TempSecretID, "SecretKey": s.cfg.TempSecretKey,
			"Token": s.cfg.TempToken, "ExpiredTime": s.cfg.Now().Add(time.Hour).Unix()},
	}}
}

// commit serves CommitUpload: the session must be open, the SubAppId the
// same, and the object uploaded.
func (s *Server) commit(p map[string]any) answer {
	key, _ := p["VodSessionKey"].(string)
	if key == "" {
		return fail("MissingParameter", "VodSessionKey is required")
	}
	s.mu.Lock()
	sess := s.sessions[key]
	s.mu.Unlock()
	if sess == nil || sess.committed {
		return fail("InvalidParameterValue.VodSessionKey", "VodSessionKey is unknown or already committed")
	}
	if fmt.Sprint(p["SubAppId"]) != fmt.Sprint(sess.subAppID) {
		return fail("InvalidParameterValue.SubAppId", "SubAppId %v differs from the ApplyUpload's %v", p["SubAppId"], sess.subAppID)
	}
	data, _, ok := s.cos.Object(sess.key)
	if !ok {
		return fail("FailedOperation.FileNotExist", "nothing was uploaded to %s", sess.key)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if sess.committed { // a concurrent commit of the same session
		return fail("InvalidParameterValue.VodSessionKey", "VodSessionKey is already committed")
	}
	sess.committed = true
	fileID := strconv.FormatInt(5285890780000000001+int64(len(s.media)), 10) // VOD's are 19-digit numbers
	m := Media{FileID: fileID, MediaURL: fmt.Sprintf("http://1250000000.vod2.myqcloud.com/vodtest/%s/f0.%s", fileID, sess.mediaType),
		Key: sess.key, Size: int64(len(data)), Apply: sess.apply}
	s.media = append(s.media, m)
	return answer{fields: map[string]any{"FileId": m.FileID, "MediaUrl": m.MediaURL, "CoverUrl": ""}}
}
