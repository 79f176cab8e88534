package main

import (
	"bytes"
	"embed"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/roomrec/roomrec/naming"
	"github.com/roomrec/roomrec/storage"
)

// web holds the page: index.html, app.js and style.css.
//
//go:embed web
var web embed.FS

// maxPlaylists is how many playlists /ui/playlists lists (newest first).
const maxPlaylists = 200

// files serves the page, hls.js and the recordings folder.
type files struct {
	dir   string   // the recordings folder (local-disk storage)
	root  *os.Root // dir, opened so that no path can leave it
	hlsJS string   // path of hls.min.js on disk
	web   fs.FS
}

func newFiles(dir, hlsJS string) (*files, error) {
	// The recorder created dir already.
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	sub, err := fs.Sub(web, "web")
	if err != nil {
		_ = root.Close()
		return nil, err
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		abs = dir
	}
	return &files{dir: abs, root: root, hlsJS: hlsJS, web: sub}, nil
}

func (f *files) close() { _ = f.root.Close() }

// hidden reports whether a path inside the recordings folder names a hidden
// file or folder (the spool ".spool", temporary ".roomrec-tmp-*" files).
func hidden(name string) bool {
	return slices.ContainsFunc(strings.Split(name, "/"), func(s string) bool { return strings.HasPrefix(s, ".") })
}

// serveRecording serves one file of the recordings folder with the content
// type of its extension (.m3u8 application/vnd.apple.mpegurl, .ts
// video/mp2t, ...). Playlists are not cached: a running recording's
// playlist grows. Folders and hidden files are not served.
func (f *files) serveRecording(w http.ResponseWriter, r *http.Request) {
	name := r.URL.Path
	if !fs.ValidPath(name) || name == "." || hidden(name) {
		http.NotFound(w, r)
		return
	}
	file, err := f.root.Open(name)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	defer file.Close()
	info, err := file.Stat()
	if err != nil || info.IsDir() {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", storage.ContentType(name))
	w.Header().Set("Access-Control-Allow-Origin", "*")
	if strings.HasSuffix(name, ".m3u8") {
		w.Header().Set("Cache-Control", "no-cache")
	}
	http.ServeContent(w, r, name, info.ModTime(), file)
}

// checkHLSJS says what is wrong with the hls.js file, or nil.
func (f *files) checkHLSJS() error {
	info, err := os.Stat(f.hlsJS)
	if err == nil && info.Mode().IsRegular() && info.Size() > 0 {
		return nil
	}
	return fmt.Errorf("hls.js is missing at %s: playback in the page is off. Run `make hlsjs` in the repository "+
		"(it installs hls.js from the npm registry into bin/), or point -hlsjs at an hls.min.js", f.hlsJS)
}

// serveHLSJS serves hls.min.js from disk (it is installed by the Makefile,
// not committed), or a 404 that says how to install it.
func (f *files) serveHLSJS(w http.ResponseWriter, r *http.Request) {
	if err := f.checkHLSJS(); err != nil {
		http.Error(w, err.Error(), http.StatusNotFound)
		return
	}
	file, err := os.Open(f.hlsJS)
	if err != nil {
		http.Error(w, err.Error(), http.StatusNotFound)
		return
	}
	defer file.Close()
	info, err := file.Stat()
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	http.ServeContent(w, r, "hls.min.js", info.ModTime(), file)
}

// serveWeb serves the embedded page files.
func (f *files) serveWeb(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "index.html" {
		http.Redirect(w, r, "/", http.StatusMovedPermanently)
		return
	}
	http.ServeFileFS(w, r, f.web, r.URL.Path)
}

// serveIndex serves the page.
func (f *files) serveIndex(w http.ResponseWriter, r *http.Request) {
	b, err := fs.ReadFile(f.web, "index.html")
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	http.ServeContent(w, r, "index.html", time.Time{}, bytes.NewReader(b))
}

// playlist is one M3U8 of the recordings folder, as /ui/playlists lists it.
type playlist struct {
	Key       string    `json:"key"`  // path inside the folder (the object key)
	URL       string    `json:"url"`  // where the page fetches it
	Live      bool      `json:"live"` // no #EXT-X-ENDLIST yet: the recording runs (or was cut off)
	TaskID    string    `json:"taskId"`
	Room      string    `json:"room"`
	UserID    string    `json:"userId"`
	TrackType string    `json:"trackType"`
	Segments  int       `json:"segments"`
	Modified  time.Time `json:"modified"`
}

// playlists returns the playlists in the recordings folder, newest first.
func (f *files) playlists() ([]playlist, error) {
	var out []playlist
	err := fs.WalkDir(f.root.FS(), ".", func(p string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case p != "." && strings.HasPrefix(d.Name(), "."):
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		case d.IsDir() || path.Ext(p) != ".m3u8":
			return nil
		}
		pl, err := f.readPlaylist(p, d)
		if err == nil {
			out = append(out, pl)
		}
		return nil // a playlist renamed away meanwhile is just not listed
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b playlist) int {
		if c := b.Modified.Compare(a.Modified); c != 0 {
			return c
		}
		return strings.Compare(a.Key, b.Key)
	})
	if len(out) > maxPlaylists {
		out = out[:maxPlaylists]
	}
	return out, nil
}

func (f *files) readPlaylist(p string, d fs.DirEntry) (playlist, error) {
	info, err := d.Info()
	if err != nil {
		return playlist{}, err
	}
	file, err := f.root.Open(p)
	if err != nil {
		return playlist{}, err
	}
	defer file.Close()
	text, err := io.ReadAll(io.LimitReader(file, 16<<20))
	if err != nil {
		return playlist{}, err
	}
	pl := playlist{Key: p, URL: "/recordings/" + (&url.URL{Path: p}).EscapedPath(), Modified: info.ModTime(),
		Live:     !bytes.Contains(text, []byte("#EXT-X-ENDLIST")),
		Segments: bytes.Count(text, []byte("#EXTINF:"))}
	if n, err := naming.Parse(p); err == nil {
		pl.TaskID, pl.Room, pl.UserID, pl.TrackType = n.TaskID, n.Room.String(), n.UserID, string(n.Type)
		if n.Mixed {
			pl.TrackType = "audio_video"
		}
	} else {
		pl.TaskID = path.Base(path.Dir(p))
	}
	return pl, nil
}
