package api

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/roomrec/roomrec/errcode"
	"github.com/roomrec/roomrec/naming"
	"github.com/roomrec/roomrec/recorder"
)

// The request bodies, field for field as the service's 2019-07-22 API
// defines them (the SDK's trtc models). Optional numbers are pointers so
// that "absent" and 0 differ where the service gives them different
// meanings. Fields accepted but not used are named so in the comments.

type createRequest struct {
	SdkAppId      *uint64
	RoomId        *string
	RoomIdType    *uint64 // 0 string room id, 1 (default) 32-bit integer
	UserId        *string
	UserSig       *string // accepted, not checked: the room is the host's
	RecordParams  *recordParams
	StorageParams *storageParams
	// Mixed-stream parameters (mixparams.go): used with RecordMode 2,
	// decoded and otherwise not used with RecordMode 1, as the service does.
	MixTranscodeParams  *mixTranscodeParams
	MixLayoutParams     *mixLayoutParams
	ResourceExpiredHour *uint64 // checked (6..720), not used: tasks stay reachable while they run
	PrivateMapKey       *string // accepted, not used
}

type recordParams struct {
	RecordMode             *uint64
	MaxIdleTime            *uint64 // seconds
	StreamType             *uint64
	SubscribeStreamUserIds *subscribeStreamUserIds
	OutputFormat           *uint64
	AvMerge                *uint64
	MaxMediaFileDuration   *uint64 // minutes; checked, not used (MP4 splits at 24 h / 2 GB)
	MediaId                *uint64
	FillType               *uint64 // mixed-stream only; checked, not used
	SubscribeAbility       *uint64 // checked, not used (there is no mix-back robot)
}

type subscribeStreamUserIds struct {
	SubscribeAudioUserIds   []string
	UnSubscribeAudioUserIds []string
	SubscribeVideoUserIds   []string
	UnSubscribeVideoUserIds []string
}

type storageParams struct {
	CloudStorage *CloudStorage
	CloudVod     json.RawMessage
}

// CloudVod is the request's StorageParams.CloudVod (the service's
// TencentVod fields); Config.VOD turns it into a destination.
type CloudVod struct {
	TencentVod *TencentVod `json:"TencentVod"`
}

// TencentVod are the VOD options of a task.
type TencentVod struct {
	Procedure          string `json:"Procedure,omitempty"`
	ExpireTime         uint64 `json:"ExpireTime,omitempty"` // seconds from now; 0 keeps the media forever
	StorageRegion      string `json:"StorageRegion,omitempty"`
	ClassId            uint64 `json:"ClassId,omitempty"`
	SubAppId           uint64 `json:"SubAppId,omitempty"`
	SessionContext     string `json:"SessionContext,omitempty"`
	SourceContext      string `json:"SourceContext,omitempty"`
	MediaType          uint64 `json:"MediaType,omitempty"` // 0 mp4 (the only one supported), 1 hls, 2 aac
	UserDefineRecordId string `json:"UserDefineRecordId,omitempty"`
}

// CloudStorage is the request's StorageParams.CloudStorage: the object
// storage the caller wants the task's files in. Config.Storage turns it
// into a recorder.Storage.
type CloudStorage struct {
	// Vendor is 0 for Tencent COS, 1 for AWS S3 (the service's values).
	Vendor uint64
	// Region is the bucket's region, for example "ap-guangzhou".
	Region string
	// Bucket is the bucket name.
	Bucket string
	// AccessKey and SecretKey are the storage credentials.
	AccessKey string
	SecretKey string
	// FileNamePrefix are the folders put before <TaskId>/ in every key.
	FileNamePrefix []string
}

type taskRequest struct {
	SdkAppId *uint64
	TaskId   *string
}

type describeRequest struct {
	taskRequest
	RecorderKey *string // for relay recordings in the service; accepted, not used
}

type deleteRequest struct{ taskRequest }

type modifyRequest struct {
	SdkAppId               *uint64
	TaskId                 *string
	SubscribeStreamUserIds *subscribeStreamUserIds
	MixLayoutParams        *mixLayoutParams // replaces the layout of a mixed-stream task
}

func missing(name string) error {
	return errcode.New(CodeMissingParameter.Detail(name), "%s is required", name)
}

func invalid(name, format string, args ...any) error {
	return errcode.New(errcode.InvalidParameter.Detail(name), name+" "+format, args...)
}

func unsupported(format string, args ...any) error {
	return errcode.New(errcode.Unsupported, format, args...)
}

// present reports whether a raw JSON field was given and is not null.
func present(raw json.RawMessage) bool { return len(raw) > 0 && string(raw) != "null" }

// small returns v as an int, or -1 when it does not fit in 31 bits (so
// that no huge value wraps to a valid one).
func small(v uint64) int {
	if v > math.MaxInt32 {
		return -1
	}
	return int(v)
}

// startParams converts the request to the recorder's parameters, all but
// the per-task storage (which Config.Storage builds).
func (c *createRequest) startParams() (recorder.StartParams, error) {
	switch {
	case c.RoomId == nil || *c.RoomId == "":
		return recorder.StartParams{}, missing("RoomId")
	case c.UserId == nil || *c.UserId == "":
		return recorder.StartParams{}, missing("UserId")
	case c.RecordParams == nil:
		return recorder.StartParams{}, missing("RecordParams")
	case c.ResourceExpiredHour != nil && (*c.ResourceExpiredHour < 6 || *c.ResourceExpiredHour > 720):
		return recorder.StartParams{}, invalid("ResourceExpiredHour", "%d: must be 6 to 720 hours", *c.ResourceExpiredHour)
	}
	room, err := roomID(*c.RoomId, c.RoomIdType)
	if err != nil {
		return recorder.StartParams{}, err
	}
	rec, err := c.RecordParams.toRecorder()
	if err != nil {
		return recorder.StartParams{}, err
	}
	p := recorder.StartParams{SdkAppID: *c.SdkAppId, Room: room, UserID: *c.UserId, Record: rec}
	if rec.Mode == recorder.Mixed {
		if p.Mix, err = mixParams(c.MixTranscodeParams, c.MixLayoutParams); err != nil {
			return recorder.StartParams{}, err
		}
	}
	if c.StorageParams != nil {
		sp := c.StorageParams
		switch {
		case sp.CloudStorage != nil && present(sp.CloudVod):
			return recorder.StartParams{}, invalid("StorageParams", "has both CloudStorage and CloudVod; set exactly one")
		case present(sp.CloudVod):
			// Built by Config.VOD in run; unsupported without it.
		case sp.CloudStorage != nil:
			p.Storage.FileNamePrefix = sp.CloudStorage.FileNamePrefix
		}
	}
	return p, nil
}

// roomID reads RoomId as RoomIdType says: 1 (the default) a 32-bit
// unsigned integer in decimal, 0 a string room id.
func roomID(s string, typ *uint64) (naming.RoomID, error) {
	t := uint64(1)
	if typ != nil {
		t = *typ
	}
	switch t {
	case 0:
		return naming.RoomID{Str: s}, nil
	case 1:
		n, err := strconv.ParseUint(s, 10, 32)
		if err != nil {
			return naming.RoomID{}, invalid("RoomId", "%q is not a 32-bit integer; for a string room id set RoomIdType 0", s)
		}
		return naming.RoomID{Num: uint32(n)}, nil
	}
	return naming.RoomID{}, invalid("RoomIdType", "%d: must be 0 (string room id) or 1 (integer room id)", t)
}

// toRecorder converts RecordParams. Values the recorder checks itself
// (mode, idle time, stream type, lists) are passed on for it to judge.
func (r *recordParams) toRecorder() (recorder.RecordParams, error) {
	if r.RecordMode == nil {
		return recorder.RecordParams{}, missing("RecordMode")
	}
	if m := *r.RecordMode; m != 1 && m != 2 {
		return recorder.RecordParams{}, invalid("RecordMode", "%d: must be 1 (single-stream) or 2 (mixed-stream)", m)
	}
	out := recorder.RecordParams{Mode: recorder.RecordMode(*r.RecordMode)}
	if r.MaxIdleTime != nil && *r.MaxIdleTime != 0 {
		secs := min(*r.MaxIdleTime, uint64(recorder.MaxMaxIdleTime/time.Second)+1)
		out.MaxIdleTime = time.Duration(secs) * time.Second
	}
	if r.StreamType != nil {
		out.StreamType = recorder.StreamType(small(*r.StreamType))
	}
	if r.SubscribeStreamUserIds != nil {
		out.Subscribe = r.SubscribeStreamUserIds.toRecorder()
	}
	f, err := outputFormat(r.OutputFormat)
	if err != nil {
		return recorder.RecordParams{}, err
	}
	out.Output = f
	return out, r.checkUnused()
}

// outputFormat maps the service's OutputFormat (0 hls, 1 hls+mp4, 2
// hls+aac, 3 mp4, 4 aac) to the recorder's.
func outputFormat(v *uint64) (recorder.OutputFormat, error) {
	if v == nil {
		return recorder.HLS, nil
	}
	switch *v {
	case 0:
		return recorder.HLS, nil
	case 1:
		return recorder.HLSAndMP4, nil
	case 3:
		return recorder.MP4, nil
	case 2, 4:
		return 0, unsupported("OutputFormat %d: AAC output is not available in this version; use 0 (hls)", *v)
	}
	return 0, invalid("OutputFormat", "%d: must be 0 (hls), 1 (hls+mp4), 2 (hls+aac), 3 (mp4) or 4 (aac)", *v)
}

// checkUnused checks the fields the recorder has no equivalent for: values
// that change nothing pass, others are Unsupported or out of range.
func (r *recordParams) checkUnused() error {
	in := func(v *uint64, lo, hi uint64) bool { return v == nil || (*v >= lo && *v <= hi) }
	switch {
	case !in(r.AvMerge, 0, 1):
		return invalid("AvMerge", "%d: must be 0 or 1", *r.AvMerge)
	case r.AvMerge != nil && *r.AvMerge == 1:
		return unsupported("AvMerge 1: merging a user's audio and video into one TS is not available; use 0")
	case !in(r.MediaId, 0, 2):
		return invalid("MediaId", "%d: must be 0 (main and aux), 1 (main) or 2 (aux)", *r.MediaId)
	case r.MediaId != nil && *r.MediaId != 0:
		return unsupported("MediaId %d: recording only the main or only the aux stream is not available; use 0", *r.MediaId)
	case r.MaxMediaFileDuration != nil && *r.MaxMediaFileDuration != 0 && !in(r.MaxMediaFileDuration, 1, 1440):
		return invalid("MaxMediaFileDuration", "%d: must be 1 to 1440 minutes", *r.MaxMediaFileDuration)
	case !in(r.FillType, 0, 1):
		return invalid("FillType", "%d: must be 0 (last frame) or 1 (black)", *r.FillType)
	case !in(r.SubscribeAbility, 0, 1):
		return invalid("SubscribeAbility", "%d: must be 0 or 1", *r.SubscribeAbility)
	}
	return nil
}

// toRecorder converts the four lists, translating the service's prefix
// pattern "abc.*$" to the recorder's "abc*".
func (s *subscribeStreamUserIds) toRecorder() recorder.Subscription {
	conv := func(in []string) []string {
		if in == nil {
			return nil
		}
		out := make([]string, len(in))
		for i, p := range in {
			out[i] = pattern(p)
		}
		return out
	}
	return recorder.Subscription{
		SubscribeAudio:   conv(s.SubscribeAudioUserIds),
		UnsubscribeAudio: conv(s.UnSubscribeAudioUserIds),
		SubscribeVideo:   conv(s.SubscribeVideoUserIds),
		UnsubscribeVideo: conv(s.UnSubscribeVideoUserIds),
	}
}

// pattern rewrites a prefix pattern in the service's regular-expression
// form ("^abc.*$", "abc.*") as "abc*"; other strings are returned as they
// are for the recorder to validate.
func pattern(p string) string {
	q := strings.TrimPrefix(p, "^")
	if prefix, ok := strings.CutSuffix(q, ".*$"); ok {
		return prefix + "*"
	}
	if prefix, ok := strings.CutSuffix(q, ".*"); ok {
		return prefix + "*"
	}
	return p
}

// taskID returns the request's TaskId or MissingParameter.TaskId.
func taskID(p *string) (string, error) {
	if p == nil || *p == "" {
		return "", missing("TaskId")
	}
	return *p, nil
}
