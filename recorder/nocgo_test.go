//go:build !cgo

package recorder

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/roomrec/roomrec/errcode"
	"github.com/roomrec/roomrec/internal/testpub"
	"github.com/roomrec/roomrec/naming"
)

// lockedBuffer is a log sink safe for the recorder's goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestPureGoBuild: a build without cgo (no codec layer) records audio as
// Opus by default and says so at Start; a VP8 track is skipped with a
// reason naming what to install; AAC and mixed-stream recording are
// refused with FailedOperation.Unsupported naming it too. make test runs
// it with CGO_ENABLED=0.
func TestPureGoBuild(t *testing.T) {
	var logs lockedBuffer
	h := newHarness(t, func(c *Config) { c.Logger = slog.New(slog.NewTextHandler(&logs, nil)) })
	id := h.start(nil)
	if !strings.Contains(logs.String(), "recorded as Opus") {
		t.Errorf("no warning at Start; logs:\n%s", logs.String())
	}
	for _, mut := range []func(*StartParams){
		func(p *StartParams) { p.UserID, p.Record.Audio.Codec = "aac_bot", AudioAAC },
		func(p *StartParams) { p.UserID, p.Record.Mode = "mix_bot", Mixed },
	} {
		p := baseParams()
		mut(&p)
		_, err := h.rec.Start(context.Background(), p)
		if !errors.Is(err, errcode.Unsupported) || !strings.Contains(err.Error(), "apt-get install") {
			t.Errorf("Start %+v: %v, want Unsupported naming what to install", p.Record, err)
		}
	}
	vp8 := h.track("alice", naming.MediaMain, "video/VP8")
	aa := h.track("alice", naming.MediaMain, "audio/opus")
	h.feed(send{vp8, load(t, "video/VP8", 3*time.Second, testpub.RTPOptions{SSRC: 1})},
		send{aa, load(t, "audio/opus", 3*time.Second, testpub.RTPOptions{SSRC: 2})})
	final := h.stop(id)
	for _, s := range final.Streams {
		if s.Kind == naming.TrackVideo && !strings.Contains(s.Skipped, "apt-get install") {
			t.Errorf("VP8 stream %+v: want it skipped, naming what to install", s)
		}
	}
	if len(final.StorageFileList) != 1 || final.StorageFileList[0].TrackType != "audio" {
		t.Fatalf("files %+v, want the audio only", final.StorageFileList)
	}
	info := h.checkDecodes(final.StorageFileList[0].Key, 3*time.Second, 200*time.Millisecond)
	if len(info.Streams) != 1 || info.Streams[0].CodecName != "opus" {
		t.Errorf("streams %+v, want Opus", info.Streams)
	}
}
