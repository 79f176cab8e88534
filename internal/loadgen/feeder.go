package loadgen

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/pion/rtp"

	"github.com/roomrec/roomrec/clock"
)

// Writer is where a stream's packets go; *recorder.Track implements it.
// WriteRTP must not keep the packet: the Feeder reuses it.
type Writer interface {
	WriteRTP(p *rtp.Packet) error
}

// Config configures a Feeder. The zero value is usable: the real clock and
// a 10 ms tick.
type Config struct {
	// Clock paces the packets; nil means the real clock.
	Clock clock.Clock
	// Tick is how often the Feeder sends what is due. Default 10 ms.
	Tick time.Duration
}

// Loop is a Clip sent again and again with SSRC, its first packet at
// Offset, as a publisher looping the clip would: sequence numbers and
// timestamps keep counting from one pass to the next. Clip must have
// packets.
type Loop struct {
	Clip   *Clip
	SSRC   uint32
	Offset time.Duration
}

// At returns the send time of packet i of the loop.
func (l Loop) At(i int) time.Duration {
	n := len(l.Clip.Packets)
	return l.Offset + time.Duration(i/n)*l.Clip.Period + l.Clip.Packets[i%n].At
}

// Packet fills into with packet i of the loop; its payload is the clip's
// (not to be modified).
func (l Loop) Packet(i int, into *rtp.Packet) {
	n := len(l.Clip.Packets)
	p := l.Clip.Packets[i%n].Packet
	into.Header, into.Payload = p.Header, p.Payload
	into.SSRC = l.SSRC
	into.SequenceNumber = p.SequenceNumber + uint16(i/n*n)
	into.Timestamp = p.Timestamp + uint32(i/n)*l.Clip.Ticks
}

// stream is a Loop written into a Writer.
type stream struct {
	Loop
	w    Writer
	next int // packets written
}

// Feeder sends the packets of many looping streams in real time from one
// goroutine. Add the streams, then call Run once; Stats may be called at
// any time from any goroutine.
type Feeder struct {
	clk     clock.Clock
	tick    time.Duration
	streams []*stream
	pkt     rtp.Packet

	packets atomic.Uint64
	bytes   atomic.Uint64
	maxLag  atomic.Int64
}

// FeederStats are what a Feeder has sent so far.
type FeederStats struct {
	// Packets and Bytes (RTP payload) written to the streams.
	Packets, Bytes uint64
	// MaxLag is the longest a packet was written after its send time: the
	// tick plus however late the Feeder's goroutine ran. A lag far above
	// the tick means the machine starved the load generator itself.
	MaxLag time.Duration
}

// NewFeeder returns a Feeder for cfg.
func NewFeeder(cfg Config) *Feeder {
	if cfg.Clock == nil {
		cfg.Clock = clock.Real()
	}
	if cfg.Tick <= 0 {
		cfg.Tick = 10 * time.Millisecond
	}
	return &Feeder{clk: cfg.Clock, tick: cfg.Tick}
}

// Add loops c into w with SSRC ssrc, its first packet sent offset after
// Run starts. It must not be called once Run has started. It returns an
// error for an empty clip or a nil writer.
func (f *Feeder) Add(w Writer, c *Clip, ssrc uint32, offset time.Duration) error {
	if w == nil || c == nil || len(c.Packets) == 0 || c.Period <= 0 {
		return errors.New("loadgen: Add needs a writer and a clip with packets")
	}
	f.streams = append(f.streams, &stream{Loop: Loop{Clip: c, SSRC: ssrc, Offset: offset}, w: w})
	return nil
}

// SendDue writes, stream after stream, every packet whose send time is
// before elapsed (time since the start) and not written yet; lagging
// records how late each was, measured at elapsed. It returns the first
// write error, naming the stream.
func (f *Feeder) SendDue(elapsed time.Duration) error {
	var bytes, pkts uint64
	maxLag := time.Duration(f.maxLag.Load())
	for k, s := range f.streams {
		for at := s.At(s.next); at < elapsed; at = s.At(s.next) {
			s.Packet(s.next, &f.pkt)
			s.next++
			if err := s.w.WriteRTP(&f.pkt); err != nil {
				return fmt.Errorf("loadgen: stream %d (%s): %w", k, s.Clip.MimeType, err)
			}
			pkts++
			bytes += uint64(len(f.pkt.Payload))
			maxLag = max(maxLag, elapsed-at)
		}
	}
	f.packets.Add(pkts)
	f.bytes.Add(bytes)
	f.maxLag.Store(int64(maxLag))
	return nil
}

// Run sends the streams' packets, paced by the clock, until d of media has
// been sent (every packet whose send time is before d) or ctx ends. It
// returns ctx's error if ctx ended first, or the first write error.
func (f *Feeder) Run(ctx context.Context, d time.Duration) error {
	start := f.clk.Now()
	t := f.clk.NewTicker(f.tick)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C():
		}
		el := f.clk.Now().Sub(start)
		if el >= d {
			return f.SendDue(d)
		}
		if err := f.SendDue(el); err != nil {
			return err
		}
	}
}

// Stats returns what the Feeder has sent so far.
func (f *Feeder) Stats() FeederStats {
	return FeederStats{Packets: f.packets.Load(), Bytes: f.bytes.Load(), MaxLag: time.Duration(f.maxLag.Load())}
}
