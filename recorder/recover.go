package recorder

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/roomrec/roomrec/callback"
	"github.com/roomrec/roomrec/hls"
	"github.com/roomrec/roomrec/naming"
)

// manifestName is the file in a task's spool folder that says whose files
// they are, so that a later process can report their recovery (event 305).
const manifestName = ".task.json"

// manifest is the content of manifestName.
type manifest struct {
	TaskID   string
	SdkAppID uint64
	RoomNum  uint32 `json:",omitempty"`
	RoomStr  string `json:",omitempty"`
	UserID   string
}

// writeManifest records the task in its spool folder.
func (t *task) writeManifest() error {
	b, err := json.Marshal(manifest{TaskID: t.id, SdkAppID: t.p.SdkAppID, RoomNum: t.p.Room.Num, RoomStr: t.p.Room.Str, UserID: t.p.UserID})
	if err != nil {
		return err
	}
	if err := os.MkdirAll(t.up.taskDir, 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(t.up.taskDir, manifestName), b, 0o644)
}

// recoverSpool finds what an earlier process left in the spool (it died or
// was closed with the storage down) and uploads it in the background:
// segments being written are salvaged (cut to their last whole PES),
// segments the playlist does not list yet are added to it, and every
// playlist is finished with #EXT-X-ENDLIST; finished MP4s (hls+mp4 or mp4
// output held after 310 Status 1) are uploaded too, unfinished ones
// dropped (no new conversion is made: the HLS is stored). MP4s a VOD task
// held stay in its spool folder's "vod" subfolder, with a warning: a new
// process has no VOD credentials. A folder whose task left a manifest
// fires 305 Status 2 once all its files are in the storage.
// Recovered files go to Config.Storage (a task's own storage is not known
// to a new process). It returns the number of task folders found.
func (r *Recorder) recoverSpool() (int, error) {
	folders := map[string][]string{}
	err := filepath.WalkDir(r.cfg.SpoolDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return fs.SkipAll
			}
			return err
		}
		if !d.IsDir() {
			folders[filepath.Dir(p)] = append(folders[filepath.Dir(p)], d.Name())
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	for dir, files := range folders {
		if filepath.Base(dir) == "vod" {
			if _, err := os.Stat(filepath.Join(filepath.Dir(dir), manifestName)); err == nil {
				// MP4s a VOD task held (311 Status 1): they belong on the
				// VOD platform, which a new process has no credentials for.
				r.log.Warn("MP4 files held for VOD are left in the spool; upload them to VOD by hand", "folder", dir, "files", len(files))
				continue
			}
		}
		if err := r.recoverFolder(dir, files); err != nil {
			r.log.Error("cannot recover spooled files", "folder", dir, "err", err)
		}
	}
	return len(folders), nil
}

// recoverFolder repairs one task folder and starts its upload.
func (r *Recorder) recoverFolder(dir string, files []string) error {
	rel, err := filepath.Rel(r.cfg.SpoolDir, dir)
	if err != nil {
		return err
	}
	var m manifest
	if b, err := os.ReadFile(filepath.Join(dir, manifestName)); err == nil {
		_ = json.Unmarshal(b, &m)
	}
	segments, playlists, mp4s, err := salvageFiles(dir, files)
	if err != nil {
		return err
	}
	for _, pl := range streamsOf(segments, playlists) {
		if err := finishPlaylist(dir, pl.name, pl.segments); err != nil {
			return err
		}
		playlists = append(playlists, pl.name)
	}
	slices.Sort(playlists)
	playlists = slices.Compact(playlists)
	log := r.log.With("recovered", filepath.ToSlash(rel))
	emit := func(p callback.Payload) {}
	if m.TaskID != "" && r.cfg.Notifier != nil {
		emit = func(p callback.Payload) {
			e := callback.Event{Room: naming.RoomID{Num: m.RoomNum, Str: m.RoomStr}, TaskID: m.TaskID, UserID: m.UserID, Time: r.clock.Now(), Payload: p}
			if err := r.cfg.Notifier.Notify(r.bg, e); err != nil {
				log.Warn("event not delivered", "err", err)
			}
		}
	}
	up := newUploader(r, filepath.ToSlash(rel), r.store, log, func(p callback.Payload) {
		if _, ok := p.(callback.UploadError); ok {
			emit(p) // 304 was sent by the first process; 308 is news
		}
	})
	r.mu.Lock()
	r.uploaders[up] = struct{}{}
	r.mu.Unlock()
	up.mu.Lock()
	for _, name := range slices.Concat(segments, playlists, mp4s) {
		up.enqueueLocked(path.Join(filepath.ToSlash(rel), name))
	}
	up.mu.Unlock()
	log.Info("uploading files left in the spool", "segments", len(segments), "playlists", len(playlists), "mp4", len(mp4s))
	r.wg.Go(up.run)
	r.wg.Go(func() {
		if up.drain(r.bg) {
			emit(callback.UploadStop{Status: callback.UploadStopRecovered})
		}
		up.close()
	})
	return nil
}

// salvageFiles tidies a folder: stale upload links, unfinished playlists
// and unfinished MP4s (a conversion cut short: its HLS is uploaded) are
// removed, unfinished segments are cut to their whole PES and committed.
// It returns the segment, playlist and finished MP4 file names, sorted.
func salvageFiles(dir string, files []string) (segments, playlists, mp4s []string, err error) {
	for _, f := range files {
		p := filepath.Join(dir, f)
		switch {
		case strings.HasSuffix(f, ".up"), strings.HasSuffix(f, ".m3u8.part"), strings.HasSuffix(f, ".mp4.part"):
			_ = os.Remove(p)
		case strings.HasSuffix(f, ".mp4"):
			mp4s = append(mp4s, f)
		case strings.HasSuffix(f, ".ts.part"):
			name := strings.TrimSuffix(f, ".part")
			ok, err := salvageSegment(p, filepath.Join(dir, name))
			if err != nil {
				return nil, nil, nil, err
			}
			if ok {
				segments = append(segments, name)
			}
		case strings.HasSuffix(f, ".ts"):
			segments = append(segments, f)
		case strings.HasSuffix(f, ".m3u8"):
			playlists = append(playlists, f)
		}
	}
	slices.Sort(segments)
	slices.Sort(playlists)
	slices.Sort(mp4s)
	return segments, playlists, mp4s, nil
}

// salvageSegment keeps the whole PES packets of a segment that was being
// written and commits them under final; it reports whether anything was
// kept.
func salvageSegment(part, final string) (bool, error) {
	data, err := os.ReadFile(part)
	if err != nil {
		return false, err
	}
	sv, err := hls.SalvageSegment(data)
	if err != nil || sv.Size == 0 {
		return false, os.Remove(part)
	}
	f, err := os.OpenFile(part, os.O_WRONLY, 0)
	if err != nil {
		return false, err
	}
	err = f.Truncate(int64(sv.Size))
	if serr := f.Sync(); err == nil {
		err = serr
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return false, err
	}
	return true, os.Rename(part, final)
}

// recoveredStream is a playlist to finish and the spooled segments of its
// stream that it may not list yet.
type recoveredStream struct {
	name     string
	segments []string
}

// streamsOf groups segments by the playlist of their stream.
func streamsOf(segments, playlists []string) []recoveredStream {
	byName := map[string]*recoveredStream{}
	var out []*recoveredStream
	get := func(name string) *recoveredStream {
		if s, ok := byName[name]; ok {
			return s
		}
		s := &recoveredStream{name: name}
		byName[name] = s
		out = append(out, s)
		return s
	}
	for _, p := range playlists {
		get(p)
	}
	for _, seg := range segments {
		n, err := naming.ParseFile(seg)
		if err != nil {
			continue // not ours: uploaded as it is
		}
		s := get(n.Playlist().File())
		s.segments = append(s.segments, seg)
	}
	res := make([]recoveredStream, len(out))
	for i, s := range out {
		res[i] = *s
	}
	return res
}

// finishPlaylist adds the segments the playlist does not list yet and
// #EXT-X-ENDLIST, creating the playlist if the first segment never made it
// into one.
func finishPlaylist(dir, name string, segments []string) error {
	p := filepath.Join(dir, name)
	pl := &hls.Playlist{Version: 3, TargetDuration: 1}
	if b, err := os.ReadFile(p); err == nil {
		if pl, err = hls.ReadPlaylist(bytes.NewReader(b)); err != nil {
			return fmt.Errorf("recover %s: %w", name, err)
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	listed := map[string]bool{}
	for _, s := range pl.Segments {
		listed[s.URI] = true
	}
	for _, seg := range segments {
		if listed[seg] {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, seg))
		if err != nil {
			return err
		}
		sv, err := hls.SalvageSegment(data)
		if err != nil {
			continue
		}
		if pl.StartRecTime.IsZero() {
			if n, err := naming.ParseFile(seg); err == nil {
				pl.StartRecTime = n.UTC
			}
		}
		pl.Segments = append(pl.Segments, hls.PlaylistSegment{URI: seg, Duration: sv.Duration})
		pl.TargetDuration = max(pl.TargetDuration, int((sv.Duration+time.Second-1)/time.Second))
	}
	pl.Ended = true
	text, err := pl.MarshalText()
	if err != nil {
		return err
	}
	tmp := p + ".part"
	if err := os.WriteFile(tmp, text, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, p)
}
