package testpub

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/pion/webrtc/v4"
	"github.com/pion/webrtc/v4/pkg/media"
)

// Options describe what a Publisher sends.
type Options struct {
	// Video are the video samples (looped); nil sends no video.
	Video []Sample
	// VideoMime is the video codec (webrtc.MimeTypeH264, MimeTypeVP8, ...).
	VideoMime string
	// Audio are the Opus samples (looped); nil sends no audio.
	Audio []Sample
	// Duration is how much media each track sends (the clips loop with
	// continuous timestamps); 0 sends until the context ends.
	Duration time.Duration
	// Speed paces the sending: 1 (or 0) is real time, 4 is four times
	// faster than real time.
	Speed float64
}

// Publisher is a pion PeerConnection that publishes clips to a server
// PeerConnection on loopback.
type Publisher struct {
	PC     *webrtc.PeerConnection
	opts   Options
	tracks []*webrtc.TrackLocalStaticSample
	lists  [][]Sample
}

// Publish creates a publisher PeerConnection with api, adds the tracks of
// opts, and negotiates with server (the host's PeerConnection, whose OnTrack
// handler the caller has set) in-process. It returns when the connection is
// up, or an error if negotiation fails or ctx ends first.
func Publish(ctx context.Context, api *webrtc.API, server *webrtc.PeerConnection, opts Options) (*Publisher, error) {
	pc, err := api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		return nil, err
	}
	p := &Publisher{PC: pc, opts: opts}
	add := func(samples []Sample, mime, kind string) error {
		if samples == nil {
			return nil
		}
		t, err := webrtc.NewTrackLocalStaticSample(webrtc.RTPCodecCapability{MimeType: mime}, kind, "testpub")
		if err != nil {
			return err
		}
		if _, err := pc.AddTrack(t); err != nil {
			return err
		}
		p.tracks = append(p.tracks, t)
		p.lists = append(p.lists, samples)
		return nil
	}
	if err := add(opts.Video, opts.VideoMime, "video"); err != nil {
		pc.Close()
		return nil, err
	}
	if err := add(opts.Audio, webrtc.MimeTypeOpus, "audio"); err != nil {
		pc.Close()
		return nil, err
	}
	if err := Negotiate(ctx, pc, server); err != nil {
		pc.Close()
		return nil, err
	}
	return p, nil
}

// Negotiate runs offer/answer between two PeerConnections in-process (the
// offerer first), waiting for ICE gathering on both sides, and returns once
// the offerer is connected, or an error.
func Negotiate(ctx context.Context, offerer, answerer *webrtc.PeerConnection) error {
	connected := make(chan struct{})
	failed := make(chan struct{})
	var once sync.Once
	offerer.OnConnectionStateChange(func(s webrtc.PeerConnectionState) {
		switch s {
		case webrtc.PeerConnectionStateConnected:
			once.Do(func() { close(connected) })
		case webrtc.PeerConnectionStateFailed:
			once.Do(func() { close(failed) })
		}
	})
	offer, err := offerer.CreateOffer(nil)
	if err != nil {
		return err
	}
	if err := setLocal(ctx, offerer, offer); err != nil {
		return err
	}
	if err := answerer.SetRemoteDescription(*offerer.LocalDescription()); err != nil {
		return err
	}
	answer, err := answerer.CreateAnswer(nil)
	if err != nil {
		return err
	}
	if err := setLocal(ctx, answerer, answer); err != nil {
		return err
	}
	if err := offerer.SetRemoteDescription(*answerer.LocalDescription()); err != nil {
		return err
	}
	select {
	case <-connected:
		return nil
	case <-failed:
		return errors.New("testpub: ICE failed")
	case <-ctx.Done():
		return fmt.Errorf("testpub: connecting: %w", ctx.Err())
	}
}

func setLocal(ctx context.Context, pc *webrtc.PeerConnection, d webrtc.SessionDescription) error {
	gathered := webrtc.GatheringCompletePromise(pc)
	if err := pc.SetLocalDescription(d); err != nil {
		return err
	}
	select {
	case <-gathered:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("testpub: gathering: %w", ctx.Err())
	}
}

// Run sends every track's samples, paced by Options.Speed, until
// Options.Duration of media is sent or ctx ends. It returns the first write
// error, or nil.
func (p *Publisher) Run(ctx context.Context) error {
	errs := make(chan error, len(p.tracks))
	for i, t := range p.tracks {
		go func() { errs <- p.send(ctx, t, p.lists[i]) }()
	}
	var first error
	for range p.tracks {
		if err := <-errs; err != nil && first == nil {
			first = err
		}
	}
	return first
}

func (p *Publisher) send(ctx context.Context, t *webrtc.TrackLocalStaticSample, samples []Sample) error {
	speed := p.opts.Speed
	if speed <= 0 {
		speed = 1
	}
	start := time.Now()
	var sent time.Duration
	timer := time.NewTimer(0)
	defer timer.Stop()
	for i := 0; p.opts.Duration == 0 || sent+samples[i%len(samples)].Duration/2 < p.opts.Duration; i++ {
		s := samples[i%len(samples)]
		if err := t.WriteSample(media.Sample{Data: s.Data, Duration: s.Duration}); err != nil {
			return err
		}
		sent += s.Duration
		timer.Reset(time.Until(start.Add(time.Duration(float64(sent) / speed))))
		select {
		case <-ctx.Done():
			return nil
		case <-timer.C:
		}
	}
	return nil
}

// Close closes the publisher's PeerConnection (the server sees its tracks end).
func (p *Publisher) Close() error { return p.PC.Close() }
