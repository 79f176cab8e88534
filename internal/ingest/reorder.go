package ingest

import "time"

// Kinds of packets in the sequence.
const (
	kindMedia  uint8 = iota
	kindFiller       // padding only: takes a sequence number, carries nothing
	kindBad          // empty payload: takes its sequence number, breaks the video frame
)

// pkt is what the Track keeps of an RTP packet.
type pkt struct {
	ts      uint32
	marker  bool
	kind    uint8
	arrival time.Time
	payload []byte
}

// Slot states of the reorder ring.
const (
	slotEmpty uint8 = iota
	slotHeld
	slotReleased
)

// slot is one place of the reorder ring. A released slot keeps its sequence
// number so a later copy is recognised as a duplicate.
type slot struct {
	ext   int64 // extended sequence number
	state uint8
	p     pkt
	buf   []byte // owned storage behind p.payload, reused
}

// reorder is the ring of packets waiting for their turn, indexed by extended
// sequence number modulo its size.
type reorder struct {
	slots    []slot
	started  bool
	released bool      // a packet of this sequence was released
	start    time.Time // arrival of the sequence's first packet
	next     int64     // extended sequence number of the next packet to release
	highest  int64     // highest extended sequence number placed
	held     int
}

func (r *reorder) init(window int) { r.slots = make([]slot, window) }

// reset forgets the sequence (a new SSRC or a sequence restart) so the old
// numbers cannot be mistaken for duplicates of the new ones.
func (r *reorder) reset() {
	for i := range r.slots {
		r.slots[i].state = slotEmpty
	}
	r.started, r.released, r.held = false, false, 0
}

func (r *reorder) at(ext int64) *slot {
	n := int64(len(r.slots))
	return &r.slots[((ext%n)+n)%n]
}

// suspect is a packet far out of sequence, held until the next packet
// confirms a sequence restart or refutes it.
type suspect struct {
	valid bool
	seq   uint16
	p     pkt
	buf   []byte
}

// place puts a packet with sequence number seq into the stream and releases
// what is due.
func (t *Track) place(seq uint16, p pkt) {
	r := &t.ro
	if !r.started {
		r.started, r.start = true, p.arrival
		r.next = int64(seq)
		r.highest = r.next - 1
	}
	d := int64(int16(seq - uint16(r.next)))
	if d >= maxSeqJump || d <= -maxSeqJump {
		t.probation(seq, p)
		return
	}
	t.dropSuspect()
	ext := r.next + d
	if d < 0 && !r.released && ext > r.highest-int64(len(r.slots)) {
		// Nothing was released yet: a packet from before the first one
		// that arrived (reordered at the very start) moves the start back.
		r.next, d = ext, 0
	}
	if d < 0 {
		s := r.at(ext)
		if s.state == slotReleased && s.ext == ext {
			t.c.duplicates.Add(1)
		} else {
			t.c.late.Add(1)
		}
		return
	}
	s := r.at(ext)
	if d < int64(len(r.slots)) && s.state == slotHeld && s.ext == ext {
		t.c.duplicates.Add(1)
		return
	}
	if ext < r.highest {
		t.c.reordered.Add(1)
	} else {
		r.highest = ext
	}
	if d == 0 && r.held == 0 && r.released { // in order, nothing waiting: no copy
		s.ext, s.state = ext, slotReleased
		r.next++
		t.process(&p)
		return
	}
	if d >= int64(len(r.slots)) {
		t.advanceTo(ext - int64(len(r.slots)) + 1)
		s = r.at(ext)
	}
	s.buf = append(s.buf[:0], p.payload...)
	p.payload = s.buf
	s.ext, s.state, s.p = ext, slotHeld, p
	r.held++
	t.drain(p.arrival)
}

// drain releases packets in order; at a missing one it waits until the
// first packet behind the gap is MaxReorderDelay old (by arrival time).
//
// The first packets of a sequence are held for MaxReorderDelay as well, so
// that packets sent before the first one to arrive still find their place.
func (t *Track) drain(now time.Time) {
	r := &t.ro
	for r.held > 0 {
		if !r.released && now.Sub(r.start) < t.cfg.MaxReorderDelay {
			return
		}
		if t.releaseNext() {
			continue
		}
		first := t.firstHeld()
		if now.Sub(r.at(first).p.arrival) < t.cfg.MaxReorderDelay {
			return
		}
		t.lose(first - r.next)
		r.next = first
	}
}

// releaseAll releases every held packet now, counting the missing ones lost.
func (t *Track) releaseAll() {
	r := &t.ro
	for r.held > 0 {
		if t.releaseNext() {
			continue
		}
		first := t.firstHeld()
		t.lose(first - r.next)
		r.next = first
	}
}

// advanceTo releases or gives up every sequence number before target.
func (t *Track) advanceTo(target int64) {
	r := &t.ro
	for r.next < target && r.held > 0 {
		if !t.releaseNext() {
			t.lose(1)
			r.next++
		}
	}
	if r.next < target {
		t.lose(target - r.next)
		r.next = target
	}
}

// releaseNext processes the packet at r.next if it is held.
func (t *Track) releaseNext() bool {
	r := &t.ro
	s := r.at(r.next)
	if s.state != slotHeld || s.ext != r.next {
		return false
	}
	s.state = slotReleased
	r.held--
	r.next++
	r.released = true
	t.process(&s.p)
	return true
}

// firstHeld returns the extended sequence number of the first held packet
// after r.next (r.held > 0 and r.next is not held).
func (t *Track) firstHeld() int64 {
	r := &t.ro
	for ext := r.next + 1; ; ext++ {
		if s := r.at(ext); s.state == slotHeld && s.ext == ext {
			return ext
		}
	}
}

// lose counts n missing packets and tells the frame assembler.
func (t *Track) lose(n int64) {
	if n <= 0 {
		return
	}
	t.c.lost.Add(uint64(n))
	if t.video {
		t.videoGap()
	}
}

// probation handles a packet far out of sequence: the second of two
// consecutive such packets confirms that the sender restarted its sequence
// (a new epoch begins with both); a lone one is dropped as Late.
func (t *Track) probation(seq uint16, p pkt) {
	sp := &t.suspect
	if sp.valid && seq == sp.seq+1 {
		sp.valid = false
		t.endEpoch()
		t.sr.valid = false // the sender's RTP time base may have changed too
		t.place(sp.seq, sp.p)
		t.place(seq, p)
		return
	}
	t.dropSuspect()
	sp.buf = append(sp.buf[:0], p.payload...)
	p.payload = sp.buf
	sp.valid, sp.seq, sp.p = true, seq, p
}

// dropSuspect discards a packet on probation, counting it Late.
func (t *Track) dropSuspect() {
	if t.suspect.valid {
		t.suspect.valid = false
		t.c.late.Add(1)
	}
}
