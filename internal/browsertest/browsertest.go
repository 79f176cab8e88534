// Package browsertest drives headless Debian Chromium (chromedp) for the
// tests that need a real browser: the recording server's WebRTC page and
// hls.js playback of recordings. Chromium runs with a fresh profile, a fake
// camera and microphone, no background networking, and loopback allowed in
// ICE; the tests themselves run inside a loopback-only network namespace
// (scripts/netns.sh), so the browser reaches nothing else.
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// StepTimeout bounds any one step in a page.
const StepTimeout = 40 * time.Second

// PollPeriod is how often Poll evaluates its expression.
const PollPeriod = 200 * time.Millisecond

// ChromiumPath is $ROOMREC_CHROMIUM, else Debian's /usr/bin/chromium, else
// chromium or google-chrome on PATH (`make deps` installs it). It fails the
// test when there is none.
func ChromiumPath(t testing.TB) string {
	if p := os.Getenv("ROOMREC_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("Chromium is not installed: run `make deps` (Debian package chromium), or set ROOMREC_CHROMIUM")
	return ""
}

// Start starts headless Chromium with a fresh profile and returns its
// browser context; the process is killed and waited for when the test ends.
func Start(t testing.TB) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(ChromiumPath(t)),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("headless", "new"),
		chromedp.Flag("no-sandbox", true), // tests run as root in CI, where the sandbox refuses to start
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("mute-audio", true),
		// Nothing but the page: no background traffic, no QUIC, no updates.
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("metrics-recording-only", true),
		chromedp.Flag("password-store", "basic"),
		chromedp.Flag("use-mock-keychain", true),
		// WebRTC on loopback: a fake camera and microphone granted without
		// a prompt, real host addresses instead of mDNS names, and the
		// loopback interface, which Chrome leaves out of ICE by default.
		chromedp.Flag("use-fake-device-for-media-stream", true),
		chromedp.Flag("use-fake-ui-for-media-stream", true),
		chromedp.Flag("disable-features", "Translate,MediaRouter,OptimizationHints,WebRtcHideLocalIpsWithMdns"),
		chromedp.Flag("allow-loopback-in-peer-connection", true),
		chromedp.Flag("autoplay-policy", "no-user-gesture-required"),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	browser, cancelBrowser := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancelBrowser()
		cancelAlloc() // kills Chromium if it is still there, and waits for it
	})
	// The first run starts the browser for the lifetime of its context.
	if err := chromedp.Do(browser); err != nil {
		t.Fatalf("starting Chromium: %v", err)
	}
	return browser
}

// Console keeps what a page printed and threw, read from the tab's console
// until the tab closes.
type Console struct {
	done chan struct{}

	mu    sync.Mutex
	lines []string
}

// ReadConsole starts collecting the console of tab.
func ReadConsole(tab context.Context) *Console {
	c := &Console{done: make(chan struct{})}
	messages := chromedp.Console(tab)
	go func() {
		defer close(c.done)
		for m, err := range messages {
			if err != nil {
				return
			}
			c.mu.Lock()
			c.lines = append(c.lines, m.String())
			c.mu.Unlock()
		}
	}()
	return c
}

// Wait waits until the console reader has stopped (its tab closed).
func (c *Console) Wait() { <-c.done }

// String returns the console lines so far.
func (c *Console) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return strings.Join(c.lines, "\n")
}

// Run runs actions in the tab with StepTimeout; it fails the test on error.
func Run(t testing.TB, tab context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	Value(t, tab, what, chromedp.Steps(actions...))
}

// Value runs an action that returns a value in the tab with StepTimeout;
// it fails the test on error.
func Value[T any](t testing.TB, tab context.Context, what string, action chromedp.Action[T]) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(tab, StepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, action)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return v
}

// Poll waits until the page expression returns a non-empty string and
// returns it; it fails the test after StepTimeout.
func Poll(t testing.TB, tab context.Context, what, expr string) string {
	t.Helper()
	return Value(t, tab, what, chromedp.Poll[string](expr,
		chromedp.WithPollingInterval(PollPeriod), chromedp.WithPollingTimeout(StepTimeout)))
}

// HLSJSPath returns the hls.js that `make hlsjs` installs (bin/hls.min.js
// in the repository), failing the test with that advice when it is absent.
func HLSJSPath(t testing.TB) string {
	_, file, _, _ := runtime.Caller(0)
	p := filepath.Join(filepath.Dir(file), "..", "..", "bin", "hls.min.js")
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("hls.js is not installed (%v): run `make hlsjs` (make test does)", err)
	}
	return p
}
