package recorder

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"path"
	"path/filepath"
	"time"

	"github.com/roomrec/roomrec/callback"
	"github.com/roomrec/roomrec/vod"
)

// VOD is a video-on-demand destination: *vod.Client (Tencent VOD)
// implements it. It returns the file's id and playback URL, or an error
// that tells (errors.As *vod.Error, Retryable) whether trying again may
// help.
type VOD interface {
	UploadFile(ctx context.Context, path, mediaName string) (vod.Result, error)
}

// uploadToVOD is the end of a VOD task (StorageParams.VOD): the task's HLS,
// stored as an intermediate in the Recorder's storage, becomes one MP4 per
// user stream (one for a mixed recording), each uploaded to the VOD
// platform: event 311 per file (Status 0 with FileId and VideoUrl; 1 when
// it could not be uploaded in time and is held in the spool folder; 2 when
// the upload failed for good or the MP4 could not be made), then 312
// (Status 0 when every file is on the platform, else 1). Retryable upload
// errors are retried with back-off until Config.StopTimeout.
func (t *task) uploadToVOD() {
	ok := true
	for _, g := range t.mp4Groups() {
		sink := localSink{dir: filepath.Join(t.up.taskDir, "vod")}
		parts, err := t.makeMP4(g, sink)
		if err != nil {
			ok = false
			t.emit(callback.VODCommit{Status: callback.VODCommitFailed, ErrMsg: "MP4 conversion failed: " + err.Error(),
				TencentVOD: t.vodFile(g, "")})
		}
		for _, p := range parts {
			ok = t.uploadPart(g, sink.path(p.Name)) && ok
		}
	}
	status := callback.VODStopOK
	if !ok {
		status = callback.VODStopFailed
	}
	t.emit(callback.VODStop{Status: status})
}

// uploadPart uploads one MP4 file and fires its 311; it reports success.
// An uploaded file is removed from the spool; one that failed stays.
func (t *task) uploadPart(g mp4Group, file string) bool {
	ctx, cancel := context.WithTimeout(t.rec.bg, t.rec.cfg.StopTimeout)
	defer cancel()
	info := t.vodFile(g, path.Base(file))
	backoff := uploadBackoffMin
	for {
		res, err := t.p.Storage.VOD.UploadFile(ctx, file, "")
		if err == nil {
			info.FileID, info.VideoURL = res.FileID, res.MediaURL
			t.emit(callback.VODCommit{Status: callback.VODCommitOK, TencentVOD: info})
			_ = os.Remove(file)
			return true
		}
		var ve *vod.Error
		retry := errors.As(err, &ve) && ve.Retryable
		t.log.Warn("VOD upload failed", "file", file, "retry", retry, "err", err)
		wait := time.Duration(float64(backoff) * (0.8 + 0.4*rand.Float64()))
		timer := t.rec.clock.NewTimer(wait)
		if !retry {
			timer.Stop()
			t.emit(callback.VODCommit{Status: callback.VODCommitFailed, ErrMsg: err.Error(), TencentVOD: info})
			return false
		}
		select {
		case <-timer.C():
			backoff = min(2*backoff, uploadBackoffMax)
		case <-ctx.Done():
			timer.Stop()
			t.emit(callback.VODCommit{Status: callback.VODCommitHeld, ErrMsg: err.Error(), TencentVOD: info})
			return false
		}
	}
}

// vodFile is the TencentVod part of a 311 for the group's file.
func (t *task) vodFile(g mp4Group, cacheFile string) callback.TencentVOD {
	return callback.TencentVOD{UserID: g.name.UserID, TrackType: g.trackType(), MediaID: g.name.Media, CacheFile: cacheFile}
}

// localSink keeps MP4 parts in a local folder (for VOD upload).
type localSink struct{ dir string }

func (s localSink) path(key string) string { return filepath.Join(s.dir, path.Base(key)) }

// Put writes r to the folder under the key's file name (temp file, fsync,
// rename).
func (s localSink) Put(_ context.Context, key string, r io.Reader, _ int64, _ string) error {
	if err := os.MkdirAll(s.dir, 0o755); err != nil {
		return err
	}
	final := s.path(key)
	tmp := final + ".part"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	_, err = io.Copy(f, r)
	if serr := f.Sync(); err == nil {
		err = serr
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, final)
}
