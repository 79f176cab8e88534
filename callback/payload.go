package callback

import (
	"encoding/json"

	"github.com/roomrec/roomrec/errcode"
	"github.com/roomrec/roomrec/naming"
)

// Payload is the event-specific part of an Event (EventInfo.Payload); a
// closed set: RecorderStart, RecorderStop, UploadStart, FileInfo,
// UploadStop, Failover, FileSlice, UploadError, DownloadImageError, MP4Stop,
// VODCommit and VODStop. Each struct's JSON tags are the service's names.
type Payload interface {
	// EventType returns the event type this payload belongs to.
	EventType() EventType
	validate() error
}

// RecorderStart is the payload of event 301.
type RecorderStart struct {
	Status StartStatus `json:"Status"`
}

// RecorderStop is the payload of event 302.
type RecorderStop struct {
	LeaveCode LeaveCode `json:"LeaveCode"`
}

// UploadStart is the payload of event 303.
type UploadStart struct {
	Status UploadStartStatus `json:"Status"`
}

// FileInfo is the payload of event 304, sent after the first successful
// upload of an M3U8.
type FileInfo struct {
	FileList string `json:"FileList"` // the M3U8 file name (one name, a string)
}

// UploadStop is the payload of event 305.
type UploadStop struct {
	Status UploadStopStatus `json:"Status"`
}

// Failover is the payload of event 306.
type Failover struct {
	Status FailoverStatus `json:"Status"`
}

// FileSlice is the payload of event 307, sent after the first TS of an
// M3U8 is cut.
type FileSlice struct {
	FileName       string    `json:"FileName"`       // the M3U8 file name
	UserID         string    `json:"UserId"`         // the recorded user ("" in mixed mode)
	TrackType      TrackType `json:"TrackType"`      // audio, video or audio_video
	BeginTimeStamp int64     `json:"BeginTimeStamp"` // recording start, Unix ms (SPEC §1)
}

// UploadError is the payload of event 308: the storage's own code and
// message (see storage.AsError).
type UploadError struct {
	Code    string `json:"Code"`
	Message string `json:"Message"`
}

// DownloadImageError is the payload of event 309.
type DownloadImageError struct {
	URL string `json:"Url"` // the watermark image that could not be downloaded
}

// MP4Stop is the payload of event 310. FileList is always a JSON array
// (empty, never null).
type MP4Stop struct {
	Status   MP4StopStatus `json:"Status"`
	FileList []string      `json:"FileList"` // the MP4 file names
}

// VODCommit is the payload of event 311: one file's VOD upload.
type VODCommit struct {
	Status     VODCommitStatus `json:"Status"`
	ErrMsg     string          `json:"Errmsg,omitempty"` // set when Status is not VODCommitOK
	TencentVOD TencentVOD      `json:"TencentVod"`
}

// TencentVOD describes the file of a VODCommit; empty fields are left out,
// as in the service's examples (success: UserId, TrackType, MediaId, FileId,
// VideoUrl; failure: UserId, TrackType, CacheFile).
type TencentVOD struct {
	UserID    string         `json:"UserId,omitempty"`    // the recorded user ("" in mixed mode)
	TrackType TrackType      `json:"TrackType,omitempty"` // audio, video or audio_video
	MediaID   naming.MediaID `json:"MediaId,omitempty"`   // main or aux
	FileID    string         `json:"FileId,omitempty"`    // the file's id on the VOD platform
	VideoURL  string         `json:"VideoUrl,omitempty"`  // its playback URL
	CacheFile string         `json:"CacheFile,omitempty"` // the MP4 file name before the upload
}

// VODStop is the payload of event 312.
type VODStop struct {
	Status VODStopStatus `json:"Status"`
}

// EventType returns EventRecorderStart.
func (RecorderStart) EventType() EventType { return EventRecorderStart }

// EventType returns EventRecorderStop.
func (RecorderStop) EventType() EventType { return EventRecorderStop }

// EventType returns EventUploadStart.
func (UploadStart) EventType() EventType { return EventUploadStart }

// EventType returns EventFileInfo.
func (FileInfo) EventType() EventType { return EventFileInfo }

// EventType returns EventUploadStop.
func (UploadStop) EventType() EventType { return EventUploadStop }

// EventType returns EventFailover.
func (Failover) EventType() EventType { return EventFailover }

// EventType returns EventFileSlice.
func (FileSlice) EventType() EventType { return EventFileSlice }

// EventType returns EventUploadError.
func (UploadError) EventType() EventType { return EventUploadError }

// EventType returns EventDownloadImageError.
func (DownloadImageError) EventType() EventType { return EventDownloadImageError }

// EventType returns EventMP4Stop.
func (MP4Stop) EventType() EventType { return EventMP4Stop }

// EventType returns EventVODCommit.
func (VODCommit) EventType() EventType { return EventVODCommit }

// EventType returns EventVODStop.
func (VODStop) EventType() EventType { return EventVODStop }

func (p RecorderStart) validate() error { return check(p, p.Status.Valid(), "Status", p.Status) }
func (p RecorderStop) validate() error {
	return check(p, p.LeaveCode.Valid(), "LeaveCode", p.LeaveCode)
}
func (p UploadStart) validate() error { return check(p, p.Status.Valid(), "Status", p.Status) }
func (p FileInfo) validate() error    { return check(p, p.FileList != "", "FileList", p.FileList) }
func (p UploadStop) validate() error  { return check(p, p.Status.Valid(), "Status", p.Status) }
func (p Failover) validate() error    { return check(p, p.Status.Valid(), "Status", p.Status) }
func (p UploadError) validate() error { return check(p, p.Code != "", "Code", p.Code) }
func (p VODStop) validate() error     { return check(p, p.Status.Valid(), "Status", p.Status) }

func (p DownloadImageError) validate() error { return check(p, p.URL != "", "Url", p.URL) }

func (p FileSlice) validate() error {
	if err := check(p, p.FileName != "", "FileName", p.FileName); err != nil {
		return err
	}
	return check(p, p.TrackType.Valid(), "TrackType", p.TrackType)
}

func (p MP4Stop) validate() error {
	for _, f := range p.FileList {
		if err := check(p, f != "", "FileList", p.FileList); err != nil {
			return err
		}
	}
	return check(p, p.Status.Valid(), "Status", p.Status)
}

func (p VODCommit) validate() error {
	v := p.TencentVOD
	if err := check(p, v.TrackType == "" || v.TrackType.Valid(), "TencentVod.TrackType", v.TrackType); err != nil {
		return err
	}
	if err := check(p, v.MediaID == "" || v.MediaID.Valid(), "TencentVod.MediaId", v.MediaID); err != nil {
		return err
	}
	return check(p, p.Status.Valid(), "Status", p.Status)
}

// check returns an ErrEvent error naming the field when ok is false.
func check(p Payload, ok bool, field string, value any) error {
	if ok {
		return nil
	}
	return errcode.New(ErrEvent, "%s payload: %s %#v is missing or not one of its allowed values", p.EventType(), field, value)
}

// MarshalJSON writes FileList as [] when it is nil, as the service does.
func (p MP4Stop) MarshalJSON() ([]byte, error) {
	type plain MP4Stop
	if p.FileList == nil {
		p.FileList = []string{}
	}
	return json.Marshal(plain(p))
}

// UnmarshalJSON reads FileList as an array of names or, as the service's
// field table describes it, a single name string; an empty list is nil.
func (p *MP4Stop) UnmarshalJSON(b []byte) error {
	var v struct {
		Status   MP4StopStatus   `json:"Status"`
		FileList json.RawMessage `json:"FileList"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	p.Status, p.FileList = v.Status, nil
	if len(v.FileList) == 0 || string(v.FileList) == "null" {
		return nil
	}
	var one string
	if json.Unmarshal(v.FileList, &one) == nil {
		p.FileList = []string{one}
		return nil
	}
	if err := json.Unmarshal(v.FileList, &p.FileList); err != nil {
		return err
	}
	if len(p.FileList) == 0 {
		p.FileList = nil // [] and nil are the same list
	}
	return nil
}
