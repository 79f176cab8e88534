package merge

import (
	"cmp"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/roomrec/roomrec/errcode"
	"github.com/roomrec/roomrec/naming"
)

// tsFile is one single-stream TS segment of the folder.
type tsFile struct {
	name  string
	path  string
	size  int64
	utc   time.Time // <UTC> of the name: the wall time of the segment's start
	video bool
	info  tsInfo // set by probe
}

// wallEnd returns the wall time where the segment's media ends.
func (f *tsFile) wallEnd() time.Time { return f.utc.Add(ticksToDuration(f.info.end)) }

// userRec is what the folder holds of one user.
type userRec struct {
	enc, id   string // the user id encoded (as in names) and decoded
	mainVideo []*tsFile
	mainAudio []*tsFile
	auxVideo  []*tsFile
	auxAudio  []*tsFile
}

// listFolder finds the single-stream TS segments of dir and groups them by
// user (sorted by encoded id) and stream (sorted by <UTC>, then name).
// Other files (playlists, MP4s, mixed-stream segments, anything else) are
// skipped. It returns an error wrapping ErrEmpty when there is no
// single-stream segment, or an InvalidParameter.Dir error when dir cannot
// be read.
func listFolder(dir string) ([]*userRec, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, errcode.Wrap(errcode.InvalidParameter.Detail("Dir"), err, "merge: cannot read the recording folder %s", dir)
	}
	byUser := map[string]*userRec{}
	mixed := 0
	for _, e := range entries {
		if !e.Type().IsRegular() || !strings.HasSuffix(e.Name(), ".ts") {
			continue
		}
		n, err := naming.ParseFile(e.Name())
		if err != nil || n.Kind != naming.KindTS {
			continue
		}
		if n.Mixed {
			mixed++
			continue
		}
		info, err := e.Info()
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %w", ErrCorrupt, e.Name(), err)
		}
		enc := naming.EncodeID(n.UserID)
		u := byUser[enc]
		if u == nil {
			u = &userRec{enc: enc, id: n.UserID}
			byUser[enc] = u
		}
		f := &tsFile{name: e.Name(), path: filepath.Join(dir, e.Name()), size: info.Size(), utc: n.UTC, video: n.Type == naming.TrackVideo}
		*u.stream(n.Media, f.video) = append(*u.stream(n.Media, f.video), f)
	}
	if len(byUser) == 0 {
		return nil, emptyError(dir, entries, mixed)
	}
	users := make([]*userRec, 0, len(byUser))
	for _, u := range byUser {
		for _, list := range [][]*tsFile{u.mainVideo, u.mainAudio, u.auxVideo, u.auxAudio} {
			slices.SortFunc(list, func(a, b *tsFile) int {
				return cmp.Or(a.utc.Compare(b.utc), strings.Compare(a.name, b.name))
			})
		}
		users = append(users, u)
	}
	slices.SortFunc(users, func(a, b *userRec) int { return strings.Compare(a.enc, b.enc) })
	return users, nil
}

// stream returns the list of the user's files of one stream.
func (u *userRec) stream(m naming.MediaID, video bool) *[]*tsFile {
	switch {
	case m == naming.MediaAux && video:
		return &u.auxVideo
	case m == naming.MediaAux:
		return &u.auxAudio
	case video:
		return &u.mainVideo
	}
	return &u.mainAudio
}

// emptyError explains why dir holds nothing to merge.
func emptyError(dir string, entries []os.DirEntry, mixed int) error {
	if mixed > 0 {
		return fmt.Errorf("%w: %s holds %d mixed-stream TS segment(s) only; the merge tool is for single-stream recordings", ErrEmpty, dir, mixed)
	}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		sub, err := os.ReadDir(filepath.Join(dir, e.Name()))
		if err != nil {
			continue
		}
		for _, s := range sub {
			if n, err := naming.ParseFile(s.Name()); err == nil && n.Kind == naming.KindTS && !n.Mixed {
				return fmt.Errorf("%w: %s (its subfolder %s holds one: pass the task folder with -f)", ErrEmpty, dir, e.Name())
			}
		}
	}
	return fmt.Errorf("%w: %s (no file named <SdkAppId>_<RoomId>__UserId_s_<UserId>__UserId_e_<main|aux>_<audio|video>_<UTC>.ts)", ErrEmpty, dir)
}

// ticksToDuration converts 90 kHz ticks to a Duration.
func ticksToDuration(t int64) time.Duration {
	return time.Duration(t/9*100000 + t%9*100000/9)
}

// durationToTicks converts a Duration to 90 kHz ticks (rounded down).
func durationToTicks(d time.Duration) int64 {
	return int64(d/100000)*9 + int64(d%100000)*9/100000
}
