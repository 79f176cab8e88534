package browsertest

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// playerPage plays ?src= with hls.js and records hls.js errors.
const playerPage = `<!doctype html><meta charset="utf-8"><title>player</title>
<video id="v" muted autoplay playsinline></video>
<script src="/hls.min.js"></script>
<script>
window.playerErrors = [];
const hls = new Hls();
hls.on(Hls.Events.ERROR, (_, d) => window.playerErrors.push({type: d.type, details: d.details, fatal: d.fatal}));
hls.loadSource(new URLSearchParams(location.search).get('src'));
hls.attachMedia(document.getElementById('v'));
hls.on(Hls.Events.MANIFEST_PARSED, () => document.getElementById('v').play());
</script>`

// Player serves a folder of recordings and a page that plays one of its
// playlists with hls.js, on 127.0.0.1.
type Player struct {
	srv *httptest.Server
}

// NewPlayer serves dir at /files/ with the right content types, hls.js and
// the player page; it stops when the test ends.
func NewPlayer(t testing.TB, dir string) *Player {
	t.Helper()
	hlsjs := HLSJSPath(t)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /player.html", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, playerPage)
	})
	mux.HandleFunc("GET /hls.min.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		http.ServeFile(w, r, hlsjs)
	})
	files := http.StripPrefix("/files/", http.FileServer(http.Dir(dir)))
	mux.HandleFunc("GET /files/", func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasSuffix(r.URL.Path, ".m3u8"):
			w.Header().Set("Content-Type", "application/vnd.apple.mpegurl")
		case strings.HasSuffix(r.URL.Path, ".ts"):
			w.Header().Set("Content-Type", "video/mp2t")
		}
		files.ServeHTTP(w, r)
	})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(mux)
	srv.Listener.Close()
	srv.Listener = l
	srv.Start()
	t.Cleanup(srv.Close)
	return &Player{srv: srv}
}

// Play opens a tab of browser on the player page for the playlist at key
// (a path below the served folder) and waits until the video element has
// played past minSeconds without any hls.js error. It returns the state it
// saw ("played 3.21") and fails the test otherwise.
func (p *Player) Play(t testing.TB, browser context.Context, key string, minSeconds float64) string {
	t.Helper()
	tab, cancel := chromedp.NewContext(browser)
	defer cancel()
	if err := chromedp.Do(tab); err != nil { // opens the tab for the lifetime of tab
		t.Fatalf("opening a tab: %v", err)
	}
	u := p.srv.URL + "/player.html?src=" + url.QueryEscape("/files/"+key)
	Run(t, tab, "opening the player", chromedp.Navigate(u))
	state := fmt.Sprintf(`(() => {
		const v = document.getElementById('v');
		if (window.playerErrors.length) return 'hls.js errors: ' + JSON.stringify(window.playerErrors);
		if (v.currentTime > %v) return 'played ' + v.currentTime.toFixed(2);
		return 'waiting: currentTime ' + v.currentTime + ', readyState ' + v.readyState + ', paused ' + v.paused +
			', error ' + (v.error && v.error.message);
	})()`, minSeconds)
	var res string
	for deadline := time.Now().Add(StepTimeout); time.Now().Before(deadline); {
		res = Value(t, tab, "reading the player", chromedp.Evaluate[string](state))
		if !strings.HasPrefix(res, "waiting") {
			break
		}
		Run(t, tab, "waiting", chromedp.Sleep(PollPeriod))
	}
	if !strings.HasPrefix(res, "played") {
		t.Fatalf("%s: %s", key, res)
	}
	return res
}
