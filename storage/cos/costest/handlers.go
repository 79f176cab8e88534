package costest

import (
	"bytes"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"hash/crc64"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
)

// object is a stored object.
type object struct {
	data        []byte
	contentType string
	etag        string
	modTime     time.Time
}

// upload is a multipart upload in progress.
type upload struct {
	key         string
	contentType string
	parts       map[int]part
}

type part struct {
	data []byte
	etag string
}

// The rules of COS this server enforces on multipart uploads.
const (
	minPartSize = 1 << 20
	maxParts    = 10000
	maxListKeys = 1000
)

var crcTable = crc64.MakeTable(crc64.ECMA)

// apiError is an error answer.
type apiError struct {
	status        int
	code, message string
}

// errorBody is COS's XML error document.
type errorBody struct {
	XMLName   xml.Name `xml:"Error"`
	Code      string
	Message   string
	Resource  string
	RequestID string `xml:"RequestId"`
}

func writeError(w http.ResponseWriter, r *http.Request, e *apiError) {
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(e.status)
	if r.Method == http.MethodHead {
		return
	}
	_ = xml.NewEncoder(w).Encode(errorBody{Code: e.code, Message: e.message, Resource: r.Host + r.URL.Path,
		RequestID: w.Header().Get("x-cos-request-id")})
}

func writeXML(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, xml.Header)
	_ = xml.NewEncoder(w).Encode(v)
}

// recorder remembers the status of an answer.
type recorder struct {
	http.ResponseWriter
	status int
}

func (r *recorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
	r.ResponseWriter.WriteHeader(status)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection.
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// applyFault carries out f and reports whether it decided the answer.
func (s *Server) applyFault(w http.ResponseWriter, r *http.Request, f Fault) bool {
	if f.Delay > 0 {
		t := s.cfg.Clock.NewTimer(f.Delay)
		defer t.Stop()
		select {
		case <-t.C():
		case <-r.Context().Done():
			return true
		case <-s.done:
			return true
		}
	}
	switch {
	case f.Hang:
		select {
		case <-r.Context().Done():
		case <-s.done:
		}
	case f.Drop:
		_, _ = io.Copy(io.Discard, r.Body)
		if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
			_ = conn.Close()
		}
	case f.Status > 0:
		_, _ = io.Copy(io.Discard, r.Body)
		code, msg := f.Code, f.Message
		if code == "" {
			code = strings.ReplaceAll(http.StatusText(f.Status), " ", "")
		}
		if msg == "" {
			msg = "injected fault"
		}
		writeError(w, r, &apiError{f.Status, code, msg})
	default:
		return false
	}
	return true
}

// readBody reads the request body and checks Content-MD5 when given.
func readBody(r *http.Request) ([]byte, *apiError) {
	var data []byte
	var err error
	if r.ContentLength >= 0 { // one allocation; the server enforces the length
		data = make([]byte, r.ContentLength)
		_, err = io.ReadFull(r.Body, data)
	} else {
		data, err = io.ReadAll(r.Body)
	}
	if err != nil {
		return nil, &apiError{http.StatusBadRequest, "IncompleteBody", "the body ended before Content-Length: " + err.Error()}
	}
	if m := r.Header.Get("Content-MD5"); m != "" {
		sum := md5.Sum(data)
		if m != base64.StdEncoding.EncodeToString(sum[:]) {
			return nil, &apiError{http.StatusBadRequest, "BadDigest", "the Content-MD5 does not match the body"}
		}
	}
	return data, nil
}

func etagOf(b []byte) string {
	sum := md5.Sum(b)
	return `"` + hex.EncodeToString(sum[:]) + `"`
}

func (s *Server) putObject(w http.ResponseWriter, r *http.Request, key string) {
	data, e := readBody(r)
	if e != nil {
		writeError(w, r, e)
		return
	}
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		ct = "application/octet-stream"
	}
	o := &object{data: data, contentType: ct, etag: etagOf(data), modTime: s.cfg.Now()}
	s.mu.Lock()
	s.objects[key] = o
	s.mu.Unlock()
	w.Header().Set("ETag", o.etag)
	w.Header().Set("x-cos-hash-crc64ecma", strconv.FormatUint(crc64.Checksum(data, crcTable), 10))
	w.WriteHeader(http.StatusOK)
}

func (s *Server) getObject(w http.ResponseWriter, r *http.Request, key string) {
	if r.Header.Get("Range") != "" {
		writeError(w, r, &apiError{http.StatusNotImplemented, "NotImplemented", "the fake COS does not serve ranges"})
		return
	}
	s.mu.Lock()
	o, ok := s.objects[key]
	s.mu.Unlock()
	if !ok {
		writeError(w, r, &apiError{http.StatusNotFound, "NoSuchKey", "the specified key does not exist"})
		return
	}
	h := w.Header()
	h.Set("Content-Type", o.contentType)
	h.Set("Content-Length", strconv.Itoa(len(o.data)))
	h.Set("ETag", o.etag)
	h.Set("Last-Modified", o.modTime.UTC().Format(http.TimeFormat))
	h.Set("x-cos-hash-crc64ecma", strconv.FormatUint(crc64.Checksum(o.data, crcTable), 10))
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodGet {
		_, _ = w.Write(o.data)
	}
}

func (s *Server) deleteObject(w http.ResponseWriter, key string) {
	s.mu.Lock()
	delete(s.objects, key)
	s.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

// listResult is COS's GET Bucket document.
type listResult struct {
	XMLName     xml.Name `xml:"ListBucketResult"`
	Name        string
	Prefix      string
	Marker      string
	MaxKeys     int
	IsTruncated bool
	NextMarker  string `xml:",omitempty"`
	Contents    []listEntry
}

type listEntry struct {
	Key          string
	LastModified string
	ETag         string
	Size         int
	StorageClass string
}

func (s *Server) listObjects(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("delimiter") != "" {
		writeError(w, r, &apiError{http.StatusNotImplemented, "NotImplemented", "the fake COS does not list with a delimiter"})
		return
	}
	max := maxListKeys
	if v, ok := queryParam(q, "max-keys"); ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			writeError(w, r, &apiError{http.StatusBadRequest, "InvalidArgument", "max-keys must be a non-negative integer"})
			return
		}
		max = min(n, maxListKeys)
	}
	prefix, marker := q.Get("prefix"), q.Get("marker")
	res := listResult{Name: s.cfg.Bucket, Prefix: prefix, Marker: marker, MaxKeys: max}
	s.mu.Lock()
	keys := make([]string, 0, len(s.objects))
	for k := range s.objects {
		if strings.HasPrefix(k, prefix) && k > marker {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	if len(keys) > max {
		keys, res.IsTruncated = keys[:max], true
	}
	for _, k := range keys {
		o := s.objects[k]
		res.Contents = append(res.Contents, listEntry{Key: k, LastModified: o.modTime.UTC().Format("2006-01-02T15:04:05.000Z"),
			ETag: o.etag, Size: len(o.data), StorageClass: "STANDARD"})
	}
	s.mu.Unlock()
	if res.IsTruncated && len(keys) > 0 {
		res.NextMarker = keys[len(keys)-1]
	}
	writeXML(w, res)
}

type initiateResult struct {
	XMLName  xml.Name `xml:"InitiateMultipartUploadResult"`
	Bucket   string
	Key      string
	UploadID string `xml:"UploadId"`
}

func (s *Server) initiate(w http.ResponseWriter, r *http.Request, key string) {
	if _, e := readBody(r); e != nil {
		writeError(w, r, e)
		return
	}
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		ct = "application/octet-stream"
	}
	s.mu.Lock()
	s.nextID++
	id := fmt.Sprintf("%d%016x", time.Now().Unix(), s.nextID)
	s.uploads[id] = &upload{key: key, contentType: ct, parts: map[int]part{}}
	s.mu.Unlock()
	writeXML(w, initiateResult{Bucket: s.cfg.Bucket, Key: key, UploadID: id})
}

// findUpload returns the upload named by the uploadId parameter; the
// caller holds s.mu.
func (s *Server) findUpload(r *http.Request, key string) (*upload, string, *apiError) {
	id := r.URL.Query().Get("uploadId")
	up, ok := s.uploads[id]
	if !ok || up.key != key {
		return nil, id, &apiError{http.StatusNotFound, "NoSuchUpload", "the specified upload does not exist"}
	}
	return up, id, nil
}

func (s *Server) uploadPart(w http.ResponseWriter, r *http.Request, key string, num int) {
	if num < 1 || num > maxParts || r.URL.Query().Get("partNumber") != strconv.Itoa(num) {
		writeError(w, r, &apiError{http.StatusBadRequest, "InvalidArgument", "partNumber must be 1 to 10000"})
		return
	}
	data, e := readBody(r)
	if e != nil {
		writeError(w, r, e)
		return
	}
	s.mu.Lock()
	up, _, e := s.findUpload(r, key)
	if e == nil {
		up.parts[num] = part{data: data, etag: etagOf(data)}
	}
	s.mu.Unlock()
	if e != nil {
		writeError(w, r, e)
		return
	}
	w.Header().Set("ETag", etagOf(data))
	w.Header().Set("x-cos-hash-crc64ecma", strconv.FormatUint(crc64.Checksum(data, crcTable), 10))
	w.WriteHeader(http.StatusOK)
}

// completeRequest is the body of CompleteMultipartUpload.
type completeRequest struct {
	XMLName xml.Name `xml:"CompleteMultipartUpload"`
	Parts   []struct {
		PartNumber int
		ETag       string
	} `xml:"Part"`
}

type completeResult struct {
	XMLName  xml.Name `xml:"CompleteMultipartUploadResult"`
	Location string
	Bucket   string
	Key      string
	ETag     string
}

func (s *Server) complete(w http.ResponseWriter, r *http.Request, key string) {
	body, e := readBody(r)
	if e != nil {
		writeError(w, r, e)
		return
	}
	var req completeRequest
	if err := xml.Unmarshal(body, &req); err != nil || len(req.Parts) == 0 {
		writeError(w, r, &apiError{http.StatusBadRequest, "MalformedXML", "the CompleteMultipartUpload document is malformed or lists no part"})
		return
	}
	s.mu.Lock()
	o, e := s.assemble(r, key, req)
	s.mu.Unlock()
	if e != nil {
		writeError(w, r, e)
		return
	}
	writeXML(w, completeResult{Location: r.Host + "/" + key, Bucket: s.cfg.Bucket, Key: key, ETag: o.etag})
}

// assemble checks the part list as COS does and stores the object; the
// caller holds s.mu.
func (s *Server) assemble(r *http.Request, key string, req completeRequest) (*object, *apiError) {
	up, id, e := s.findUpload(r, key)
	if e != nil {
		return nil, e
	}
	total := 0
	for i, p := range req.Parts {
		if i > 0 && p.PartNumber <= req.Parts[i-1].PartNumber {
			return nil, &apiError{http.StatusBadRequest, "InvalidPartOrder", "the parts must be listed in ascending order"}
		}
		total += len(up.parts[p.PartNumber].data)
	}
	data := bytes.NewBuffer(make([]byte, 0, total))
	sums := md5.New()
	for i, p := range req.Parts {
		got, ok := up.parts[p.PartNumber]
		if !ok || got.etag != p.ETag {
			return nil, &apiError{http.StatusBadRequest, "InvalidPart", fmt.Sprintf("part %d was not uploaded or its ETag differs", p.PartNumber)}
		}
		if i < len(req.Parts)-1 && len(got.data) < minPartSize {
			return nil, &apiError{http.StatusBadRequest, "EntityTooSmall", fmt.Sprintf("part %d is %d bytes; all but the last must be at least 1 MB", p.PartNumber, len(got.data))}
		}
		data.Write(got.data)
		raw, _ := hex.DecodeString(strings.Trim(got.etag, `"`))
		sums.Write(raw)
	}
	o := &object{data: data.Bytes(), contentType: up.contentType, modTime: s.cfg.Now(),
		etag: fmt.Sprintf(`"%s-%d"`, hex.EncodeToString(sums.Sum(nil)), len(req.Parts))}
	s.objects[key] = o
	delete(s.uploads, id)
	return o, nil
}

func (s *Server) abort(w http.ResponseWriter, r *http.Request, key string) {
	s.mu.Lock()
	_, id, e := s.findUpload(r, key)
	if e == nil {
		delete(s.uploads, id)
	}
	s.mu.Unlock()
	if e != nil {
		writeError(w, r, e)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
