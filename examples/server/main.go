package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/roomrec/roomrec/api"
	"github.com/roomrec/roomrec/callback"
	"github.com/roomrec/roomrec/recorder"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "server:", err)
		os.Exit(1)
	}
}

// Defaults printed at start-up: a credential pair for local use only.
const (
	defaultSdkAppID  = 1400000001
	defaultSecretID  = "AKIDroomrecLOCAL"
	defaultSecretKey = "roomrec-local-secret"
	recorderUserID   = "recorder_bot"
)

type options struct {
	addr         string
	dir          string
	sdkAppID     uint64
	secretID     string
	secretKey    string
	hlsJS        string
	segment      time.Duration
	iceInterface string
	icePublicIP  string
	udpPorts     string
	whipToken    string
	uiAnyClient  bool
	callbackURL  string
	callbackKey  string
	verbose      bool
}

// parseFlags reads the command line; usage and -h go to out.
func parseFlags(args []string, out io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("server", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.StringVar(&o.addr, "addr", "127.0.0.1:8080", "HTTP listen address (page, /api, /whip, /recordings)")
	fs.StringVar(&o.dir, "dir", "recordings", "folder of the recordings (local-disk storage)")
	fs.Uint64Var(&o.sdkAppID, "sdkappid", defaultSdkAppID, "the SdkAppId served by /api and used by the page and WHIP rooms")
	fs.StringVar(&o.secretID, "secret-id", defaultSecretID, "SecretId accepted by /api (TC3-HMAC-SHA256)")
	fs.StringVar(&o.secretKey, "secret-key", defaultSecretKey, "SecretKey of -secret-id")
	fs.StringVar(&o.hlsJS, "hlsjs", filepath.Join("bin", "hls.min.js"), "hls.min.js served at /static/hls.min.js (make hlsjs installs it)")
	fs.DurationVar(&o.segment, "segment-duration", 0, "HLS target segment duration (0: the recorder's default, 10s; lower it for live playback)")
	fs.StringVar(&o.iceInterface, "ice-interface", "", "network interface WebRTC uses (empty: loopback only, for local use)")
	fs.StringVar(&o.icePublicIP, "ice-public-ip", "", "public IPv4 announced in ICE candidates (a server behind 1:1 NAT); needs -ice-interface")
	fs.StringVar(&o.udpPorts, "udp-ports", "", "UDP port range for WebRTC media, as min-max (empty: any port)")
	fs.StringVar(&o.whipToken, "whip-token", "", "bearer token WHIP clients must send (empty: none)")
	fs.BoolVar(&o.uiAnyClient, "ui-any-client", false, "serve the page's unsigned /ui/ endpoints to non-loopback clients too (they can start and stop recordings without a signature)")
	fs.StringVar(&o.callbackURL, "callback-url", "", "also POST the events 301-312 to this URL (signed with -callback-key)")
	fs.StringVar(&o.callbackKey, "callback-key", "", "callback key for -callback-url")
	fs.BoolVar(&o.verbose, "v", false, "log debug messages (every API call)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	switch {
	case o.sdkAppID == 0:
		return o, errors.New("-sdkappid must not be 0")
	case o.secretID == "" || o.secretKey == "":
		return o, errors.New("-secret-id and -secret-key must not be empty")
	case o.icePublicIP != "" && o.iceInterface == "":
		return o, errors.New("-ice-public-ip needs -ice-interface")
	case (o.callbackURL == "") != (o.callbackKey == ""):
		return o, errors.New("-callback-url and -callback-key go together")
	}
	return o, nil
}

// run serves until ctx ends, then shuts the server down, ends the WHIP
// sessions and stops the running recordings.
func run(ctx context.Context, args []string, stdout io.Writer) error {
	o, err := parseFlags(args, stdout)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	out := &syncWriter{w: stdout}
	level := slog.LevelInfo
	if o.verbose {
		level = slog.LevelDebug
	}
	logger := slog.New(slog.NewTextHandler(out, &slog.HandlerOptions{Level: level}))

	s, err := newServer(o, out, logger)
	if err != nil {
		return err
	}
	defer s.close()
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return err
	}
	s.printBanner(ln.Addr().String())

	baseCtx, cancelBase := context.WithCancel(context.Background())
	defer cancelBase()
	srv := &http.Server{
		Handler:           s.routes(),
		ReadHeaderTimeout: 10 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return baseCtx },
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelDebug),
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err = <-served:
		return err
	case <-ctx.Done():
	}
	fmt.Fprintln(out, "server: shutting down")
	shutCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cancelBase()
	if err := srv.Shutdown(shutCtx); err != nil {
		return err
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// server holds the parts of the recording server.
type server struct {
	opts   options
	out    io.Writer
	log    *slog.Logger
	rec    *recorder.Recorder
	events *eventLog
	http   *callback.HTTP // nil without -callback-url
	api    *api.Handler
	whip   *whipServer
	files  *files
}

func newServer(o options, out io.Writer, logger *slog.Logger) (_ *server, err error) {
	s := &server{opts: o, out: out, log: logger, events: newEventLog(out, 500)}
	defer func() {
		if err != nil {
			s.close()
		}
	}()
	var notifier recorder.Notifier = s.events
	if o.callbackURL != "" {
		s.http, err = callback.NewHTTP(callback.HTTPConfig{URL: o.callbackURL, Key: o.callbackKey, SdkAppID: o.sdkAppID, Logger: logger})
		if err != nil {
			return nil, err
		}
		notifier = teeNotifier{s.events, s.http}
	}
	s.rec, err = recorder.New(recorder.Config{Dir: o.dir, Notifier: notifier, Logger: logger, SegmentDuration: o.segment})
	if err != nil {
		return nil, err
	}
	s.api, err = api.NewHandler(api.Config{
		Recorder:    s.rec,
		Credentials: map[string]string{o.secretID: o.secretKey},
		SdkAppIDs:   []uint64{o.sdkAppID},
		Logger:      logger,
	})
	if err != nil {
		return nil, err
	}
	webrtcAPI, err := newWebRTCAPI(o)
	if err != nil {
		return nil, err
	}
	s.whip = newWHIPServer(webrtcAPI, s.rec, o.sdkAppID, o.whipToken, logger)
	s.files, err = newFiles(o.dir, o.hlsJS)
	if err != nil {
		return nil, err
	}
	return s, nil
}

// close ends the WHIP sessions, stops the recordings (waiting up to 30 s
// for their uploads) and delivers the last callbacks.
func (s *server) close() {
	if s.whip != nil {
		s.whip.close()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if s.rec != nil {
		if err := s.rec.Close(ctx); err != nil {
			s.log.Warn("recorder: not every recording was finished", "err", err)
		}
	}
	if s.http != nil {
		if err := s.http.Close(ctx); err != nil {
			s.log.Warn("callbacks: not every event was delivered", "err", err)
		}
	}
	if s.files != nil {
		s.files.close()
	}
}

func (s *server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/api", s.api)
	mux.Handle("/api/", s.api)
	s.whip.register(mux)
	mux.Handle("GET /recordings/", http.StripPrefix("/recordings/", http.HandlerFunc(s.files.serveRecording)))
	mux.HandleFunc("GET /static/hls.min.js", s.files.serveHLSJS)
	mux.Handle("GET /static/", http.StripPrefix("/static/", http.HandlerFunc(s.files.serveWeb)))
	mux.HandleFunc("GET /{$}", s.files.serveIndex)
	s.registerUI(mux)
	return mux
}

func (s *server) printBanner(addr string) {
	base := "http://" + addr
	o := s.opts
	fmt.Fprintf(s.out, "roomrec server on %s/\n", base)
	fmt.Fprintf(s.out, "  page:       %s/  (publish, record, events, playback)\n", base)
	fmt.Fprintf(s.out, "  API:        %s/api  service trtc, version %s, TC3-HMAC-SHA256\n", base, api.Version)
	fmt.Fprintf(s.out, "              SdkAppId %d  SecretId %s  SecretKey %s", o.sdkAppID, o.secretID, o.secretKey)
	if o.secretID == defaultSecretID && o.secretKey == defaultSecretKey {
		fmt.Fprint(s.out, "  (the built-in pair: for local use only)")
	}
	fmt.Fprintln(s.out)
	fmt.Fprintf(s.out, "  WHIP:       POST %s/whip/<room>/<user>  (application/sdp)\n", base)
	fmt.Fprintf(s.out, "  recordings: %s -> %s/recordings/\n", s.files.dir, base)
	if err := s.files.checkHLSJS(); err != nil {
		fmt.Fprintf(s.out, "  WARNING: %v\n", err)
	} else {
		fmt.Fprintf(s.out, "  hls.js:     %s\n", s.files.hlsJS)
	}
	if o.iceInterface == "" {
		fmt.Fprintln(s.out, "  WebRTC:     loopback only (use -ice-interface and -ice-public-ip to publish from other machines)")
	}
}

// syncWriter serialises writes to the program's output, which the
// recorder's goroutines (events, logs) share.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (w *syncWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.w.Write(p)
}
