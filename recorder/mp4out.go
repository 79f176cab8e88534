package recorder

import (
	"context"
	"errors"
	"io"
	"os"
	"path"
	"sort"

	"github.com/roomrec/roomrec/callback"
	"github.com/roomrec/roomrec/mp4"
	"github.com/roomrec/roomrec/naming"
)

// convertMP4 makes the MP4 files of an ended task (OutputFormat hls+mp4
// or mp4) from the HLS in the storage: one file per user stream (its video
// and audio playlists together; main and aux apart) in single-stream mode,
// split past MaxMediaFileDuration or Config.MP4MaxSize with _1, _2, ...
// names. The MP4 files go through the spool like every other file. Event
// 310 reports them: Status 0 when all are stored, 1 when some are held in
// the spool (they keep being retried), 2 when the HLS could not be read.
// It runs in the background after Stop and closes the task's uploader.
func (t *task) convertMP4() {
	defer t.up.close()
	if t.p.Storage.VOD != nil {
		t.uploadToVOD()
		return
	}
	var files []string
	status := callback.MP4StopOK
	for _, g := range t.mp4Groups() {
		parts, err := t.makeMP4(g, spoolSink{t.up})
		for _, p := range parts {
			files = append(files, path.Base(p.Name))
		}
		if err != nil {
			t.log.Error("MP4 conversion failed", "playlists", g.playlists, "err", err)
			status = callback.MP4StopFailed
		}
	}
	if status == callback.MP4StopOK {
		ctx, cancel := context.WithTimeout(t.rec.bg, t.rec.cfg.StopTimeout)
		if !t.up.drain(ctx) {
			status = callback.MP4StopHeld
		}
		cancel()
	}
	if files == nil {
		files = []string{}
	}
	t.emit(callback.MP4Stop{Status: status, FileList: files})
	if status == callback.MP4StopHeld {
		t.up.drain(t.rec.bg) // keep retrying until stored or the recorder closes
	}
}

// makeMP4 converts one group's HLS, read from the storage, into MP4 parts
// stored through sink.
func (t *task) makeMP4(g mp4Group, sink mp4.Sink) ([]mp4.Part, error) {
	return mp4.Convert(t.rec.bg, t.store, g.playlists, sink, mp4.Options{
		MaxDuration: t.p.Record.MaxMediaFileDuration,
		MaxSize:     t.rec.cfg.MP4MaxSize,
		Name:        func(i int) string { return g.name.MP4(i).String() },
		TempDir:     t.rec.cfg.SpoolDir,
		OnDecodeError: func(err error) {
			t.log.Warn("damaged media skipped in the MP4", "err", err)
		},
	})
}

// mp4Group is one MP4 file's worth of playlists.
type mp4Group struct {
	name      naming.Name // the stream's name (MP4(i) names the parts)
	playlists []string
	kinds     []naming.TrackType
}

// trackType says what the group's MP4 holds: audio, video or audio_video.
func (g mp4Group) trackType() callback.TrackType {
	if len(g.kinds) > 1 {
		return callback.TrackAudioVideo
	}
	return callback.TrackType(g.kinds[0])
}

// mp4Groups groups the task's playlists by user and MediaId (one group
// for a mixed recording), in name order.
func (t *task) mp4Groups() []mp4Group {
	byKey := map[[2]string]*mp4Group{}
	for _, st := range t.streamList() {
		f, ok := st.file()
		if !ok {
			continue
		}
		k := [2]string{st.key.user, string(st.key.media)}
		g := byKey[k]
		if g == nil {
			g = &mp4Group{name: st.name}
			byKey[k] = g
		}
		g.playlists = append(g.playlists, f.Key)
		g.kinds = append(g.kinds, st.key.kind)
	}
	if t.mix != nil {
		if f, ok := t.mix.file(); ok {
			return []mp4Group{{name: t.mix.name, playlists: []string{f.Key}, kinds: []naming.TrackType{naming.TrackVideo, naming.TrackAudio}}}
		}
		return nil
	}
	out := make([]mp4Group, 0, len(byKey))
	for _, g := range byKey {
		sort.Strings(g.playlists)
		out = append(out, *g)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name.String() < out[j].name.String() })
	return out
}

// spoolSink stores the MP4 parts through the task's spool.
type spoolSink struct{ u *uploader }

// Put writes r into the spool under key and queues its upload.
func (s spoolSink) Put(_ context.Context, key string, r io.Reader, _ int64, _ string) error {
	w, err := s.u.Create(key)
	if err != nil {
		return err
	}
	if _, err := io.Copy(w, r); err != nil {
		sf := w.(*spoolFile)
		_ = sf.f.Close()
		return errors.Join(err, os.Remove(sf.tmp))
	}
	return w.Close()
}
