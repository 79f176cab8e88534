package recorder

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/rtcp"
	"github.com/pion/rtp"

	"github.com/roomrec/roomrec/internal/ingest"
)

// pipeline carries one track into one task: a bounded queue filled by the
// host's WriteRTP, and a goroutine that turns packets into frames (ingest)
// and writes them to the task's stream.
type pipeline struct {
	t     *task
	track *Track
	st    *stream
	codec ingest.Codec
	ing   *ingest.Track

	q       chan item
	stop    chan struct{}
	done    chan struct{}
	once    sync.Once
	dropped atomic.Uint64
}

// item is one entry of a pipeline's queue, kept small (56 bytes) because
// every track of every task holds QueuePackets of them: a packet's header
// fields and pooled payload, or (ctl) RTCP packets or a barrier.
type item struct {
	buf    *[]byte // the payload; nil for a control item
	at     time.Time
	ts     uint32
	ssrc   uint32
	seq    uint16
	pt     uint8
	marker bool
	ctl    *control
}

// control is an item that is not a media packet.
type control struct {
	rtcp    []rtcp.Packet
	barrier chan struct{} // closed when everything queued before it is processed
}

// bufPool holds packet payload buffers (a typical RTP payload fits 1500).
var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 1500); return &b }}

// newPipeline returns a pipeline for the track, or nil and the reason the
// track cannot be recorded (for example a codec TS cannot carry).
func newPipeline(t *task, tr *Track, st *stream) (*pipeline, string) {
	codec, err := ingest.CodecFromMimeType(tr.info.MimeType)
	if err != nil {
		return nil, "unknown codec " + tr.info.MimeType
	}
	if reason := st.accepts(codec); reason != "" {
		return nil, reason
	}
	p := &pipeline{
		t: t, track: tr, st: st, codec: codec,
		q:    make(chan item, t.rec.cfg.QueuePackets),
		stop: make(chan struct{}),
		done: make(chan struct{}),
	}
	ing, err := ingest.NewTrack(ingest.Config{
		Codec:           codec,
		ClockRate:       tr.info.ClockRate,
		OnFrame:         p.onFrame,
		RequestKeyframe: tr.keyframe,
		MaxReorderDelay: t.rec.cfg.ReorderDelay,
	})
	if err != nil {
		return nil, err.Error()
	}
	p.ing = ing
	return p, ""
}

// pushRTP copies the packet into the queue; a full queue drops it.
func (p *pipeline) pushRTP(pkt *rtp.Packet, at time.Time) {
	bp := bufPool.Get().(*[]byte)
	*bp = append((*bp)[:0], pkt.Payload...)
	it := item{buf: bp, at: at, ts: pkt.Timestamp, ssrc: pkt.SSRC, seq: pkt.SequenceNumber,
		pt: pkt.PayloadType, marker: pkt.Marker}
	select {
	case p.q <- it:
	default:
		p.dropped.Add(1)
		bufPool.Put(bp)
	}
}

// pushRTCP queues RTCP packets (sender reports) in order with the media.
func (p *pipeline) pushRTCP(pkts []rtcp.Packet, at time.Time) {
	select {
	case p.q <- item{ctl: &control{rtcp: pkts}, at: at}:
	default:
		p.dropped.Add(1)
	}
}

func (p *pipeline) handle(it item) {
	if it.ctl != nil {
		if it.ctl.barrier != nil {
			close(it.ctl.barrier)
		} else {
			p.ing.PushRTCP(it.ctl.rtcp)
		}
		return
	}
	pkt := rtp.Packet{
		Header: rtp.Header{Version: 2, Marker: it.marker, PayloadType: it.pt,
			SequenceNumber: it.seq, Timestamp: it.ts, SSRC: it.ssrc},
		Payload: *it.buf,
	}
	p.ing.Push(&pkt, it.at)
	bufPool.Put(it.buf)
}

// run processes the queue until close, then flushes the stream.
func (p *pipeline) run() {
	defer close(p.done)
	p.st.attach(p)
	for {
		select {
		case it := <-p.q:
			p.handle(it)
		case <-p.stop:
			for {
				select {
				case it := <-p.q:
					p.handle(it)
				default:
					p.ing.Flush()
					p.st.detach(p)
					return
				}
			}
		}
	}
}

// settle waits until everything queued so far has been processed, or the
// pipeline has ended. It blocks while the queue is full.
func (p *pipeline) settle() {
	b := make(chan struct{})
	select {
	case p.q <- item{ctl: &control{barrier: b}}:
	case <-p.done:
		return
	}
	select {
	case <-b:
	case <-p.done:
	}
}

// close asks run to finish what is queued and end; it does not wait (see done).
func (p *pipeline) close() { p.once.Do(func() { close(p.stop) }) }

func (p *pipeline) onFrame(f ingest.Frame) {
	p.st.write(p, f)
}
