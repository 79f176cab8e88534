package mp4

import "sort"

// The sample tables of a part are kept compact: 4 bytes per sample for its
// size, run-length lists for durations and composition offsets (one run for
// regular audio), 4 bytes per sync sample and 16 bytes per chunk.

// pageLen is the number of values per page of a u32s.
const pageLen = 1 << 14

// u32s is a growable list of uint32 in fixed pages (no copying on growth).
type u32s struct {
	pages [][]uint32
	n     int
}

// add appends v.
func (u *u32s) add(v uint32) {
	if u.n == len(u.pages)*pageLen {
		u.pages = append(u.pages, make([]uint32, 0, pageLen))
	}
	p := &u.pages[u.n/pageLen]
	*p = append(*p, v)
	u.n++
}

// at returns value i.
func (u *u32s) at(i int) uint32 { return u.pages[i/pageLen][i%pageLen] }

// split keeps the first i values and returns the others.
func (u *u32s) split(i int) u32s {
	var tail u32s
	for j := i; j < u.n; j++ {
		tail.add(u.at(j))
	}
	u.pages = u.pages[:(i+pageLen-1)/pageLen]
	if len(u.pages) > 0 {
		last := &u.pages[len(u.pages)-1]
		*last = (*last)[:i-(len(u.pages)-1)*pageLen]
	}
	u.n = i
	return tail
}

// runs is a run-length list of values.
type runs[T uint32 | int32] struct {
	counts []uint32
	vals   []T
	n      int
}

// add appends v.
func (r *runs[T]) add(v T) {
	if k := len(r.vals) - 1; k >= 0 && r.vals[k] == v {
		r.counts[k]++
	} else {
		r.counts = append(r.counts, 1)
		r.vals = append(r.vals, v)
	}
	r.n++
}

// split keeps the first i values and returns the others.
func (r *runs[T]) split(i int) runs[T] {
	var tail runs[T]
	at := 0
	for k := range r.counts {
		c := int(r.counts[k])
		if at+c <= i {
			at += c
			continue
		}
		keep := i - at // values of run k that stay
		tail.counts = append(tail.counts, uint32(c-keep))
		tail.vals = append(tail.vals, r.vals[k])
		tail.counts = append(tail.counts, r.counts[k+1:]...)
		tail.vals = append(tail.vals, r.vals[k+1:]...)
		tail.n = r.n - i
		if keep > 0 {
			r.counts[k] = uint32(keep)
			k++
		}
		r.counts, r.vals = r.counts[:k:k], r.vals[:k:k]
		r.n = i
		return tail
	}
	return tail
}

// first returns the first value (the zero value when empty).
func (r *runs[T]) first() T {
	if len(r.vals) == 0 {
		var zero T
		return zero
	}
	return r.vals[0]
}

// last returns the last value (the zero value when empty).
func (r *runs[T]) last() T {
	if len(r.vals) == 0 {
		var zero T
		return zero
	}
	return r.vals[len(r.vals)-1]
}

// sum returns the sum of the values.
func (r *runs[T]) sum() int64 {
	var s int64
	for k, c := range r.counts {
		s += int64(c) * int64(r.vals[k])
	}
	return s
}

// chunk is a run of consecutive samples of one track in the media data.
type chunk struct {
	off   int64  // offset in the part's media data
	first uint32 // index of its first sample in the track
}

// table is the sample table of one track of a part.
type table struct {
	sizes  u32s
	durs   runs[uint32] // durations; the last sample's is known only when complete
	cts    runs[int32]  // PTS - DTS per sample
	sync   []uint32     // 1-based numbers of the sync samples (video)
	chunks []chunk
	n      int
}

// add appends a sample; dur is the duration of the previous one (ignored
// for the first).
func (t *table) add(size uint32, prevDur uint32, cts int32, sync bool) {
	if t.n > 0 {
		t.durs.add(prevDur)
	}
	t.sizes.add(size)
	t.cts.add(cts)
	if sync {
		t.sync = append(t.sync, uint32(t.n+1))
	}
	t.n++
}

// split keeps the samples before chunk ci and returns the rest, with chunk
// offsets made relative to off.
func (t *table) split(ci int, off int64) table {
	si := t.n
	if ci < len(t.chunks) {
		si = int(t.chunks[ci].first)
	}
	var tail table
	tail.sizes = t.sizes.split(si)
	tail.durs = t.durs.split(si)
	tail.cts = t.cts.split(si)
	k := sort.Search(len(t.sync), func(j int) bool { return t.sync[j] > uint32(si) })
	for _, s := range t.sync[k:] {
		tail.sync = append(tail.sync, s-uint32(si))
	}
	t.sync = t.sync[:k:k]
	for _, c := range t.chunks[ci:] {
		tail.chunks = append(tail.chunks, chunk{off: c.off - off, first: c.first - uint32(si)})
	}
	t.chunks = t.chunks[:ci:ci]
	tail.n, t.n = t.n-si, si
	return tail
}

// bytes returns an upper bound of the size of the table's boxes.
func (t *table) bytes() int64 {
	return 4*int64(t.n) + 8*int64(len(t.durs.vals)+1) + 8*int64(len(t.cts.vals)) +
		4*int64(len(t.sync)) + 20*int64(len(t.chunks)+1)
}
