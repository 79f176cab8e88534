package mp4

import (
	"encoding/binary"
	"fmt"
	"io"

	"github.com/Eyevinn/mp4ff/bits"
)

// tableBox is a sample-table full box (stsz, stts, ctts, stss, stsc,
// stco, co64) encoded straight from the part's compact tables. mp4ff's own
// table boxes hold one Go slice per field and encode a whole box into one
// buffer; for the tables of a long part that would triple their memory.
// It implements mp4ff's mp4.Box so it sits in an mp4ff box tree.
type tableBox struct {
	typ   string
	vf    uint32              // version and flags
	head  []uint32            // fields before the entries (entry_count included)
	n     int                 // number of entries
	width int                 // 32-bit words per entry
	fill  func([]uint32, int) // writes entry i
}

// Type returns the box type.
func (b *tableBox) Type() string { return b.typ }

// Size returns the box size in bytes.
func (b *tableBox) Size() uint64 {
	return 12 + 4*uint64(len(b.head)) + 4*uint64(b.width)*uint64(b.n)
}

// Encode writes the box to w in pieces of at most 32 KiB; it returns w's
// error.
func (b *tableBox) Encode(w io.Writer) error {
	buf := make([]byte, 0, 32<<10)
	buf = binary.BigEndian.AppendUint32(buf, uint32(b.Size()))
	buf = append(buf, b.typ...)
	buf = binary.BigEndian.AppendUint32(buf, b.vf)
	for _, v := range b.head {
		buf = binary.BigEndian.AppendUint32(buf, v)
	}
	e := make([]uint32, b.width)
	for i := range b.n {
		b.fill(e, i)
		for _, v := range e {
			buf = binary.BigEndian.AppendUint32(buf, v)
		}
		if len(buf) > cap(buf)-16 {
			if _, err := w.Write(buf); err != nil {
				return err
			}
			buf = buf[:0]
		}
	}
	_, err := w.Write(buf)
	return err
}

// EncodeSW writes the box to sw; it returns sw's accumulated error.
func (b *tableBox) EncodeSW(sw bits.SliceWriter) error {
	sw.WriteUint32(uint32(b.Size()))
	sw.WriteString(b.typ, false)
	sw.WriteUint32(b.vf)
	for _, v := range b.head {
		sw.WriteUint32(v)
	}
	e := make([]uint32, b.width)
	for i := range b.n {
		b.fill(e, i)
		for _, v := range e {
			sw.WriteUint32(v)
		}
	}
	return sw.AccError()
}

// Info writes a one-line description of the box.
func (b *tableBox) Info(w io.Writer, _, indent, _ string) error {
	_, err := fmt.Fprintf(w, "%s[%s] size=%d entries=%d\n", indent, b.typ, b.Size(), b.n)
	return err
}

// stszBox lists every sample's size.
func stszBox(t *table) *tableBox {
	return &tableBox{typ: "stsz", head: []uint32{0, uint32(t.n)}, n: t.n, width: 1,
		fill: func(e []uint32, i int) { e[0] = t.sizes.at(i) }}
}

// runBox lists (count, value) runs: stts for durations, ctts (version 0,
// values never negative) for composition offsets.
func runBox[T uint32 | int32](typ string, r *runs[T]) *tableBox {
	return &tableBox{typ: typ, head: []uint32{uint32(len(r.vals))}, n: len(r.vals), width: 2,
		fill: func(e []uint32, i int) { e[0], e[1] = r.counts[i], uint32(r.vals[i]) }}
}

// stssBox lists the sync samples.
func stssBox(sync []uint32) *tableBox {
	return &tableBox{typ: "stss", head: []uint32{uint32(len(sync))}, n: len(sync), width: 1,
		fill: func(e []uint32, i int) { e[0] = sync[i] }}
}

// stscBox maps chunks to their sample counts (one sample description).
func stscBox(t *table) *tableBox {
	var runs []uint32 // first chunk (1-based), samples per chunk
	for i, c := range t.chunks {
		next := uint32(t.n)
		if i+1 < len(t.chunks) {
			next = t.chunks[i+1].first
		}
		if n := next - c.first; len(runs) == 0 || runs[len(runs)-1] != n {
			runs = append(runs, uint32(i+1), n)
		}
	}
	return &tableBox{typ: "stsc", head: []uint32{uint32(len(runs) / 2)}, n: len(runs) / 2, width: 3,
		fill: func(e []uint32, i int) { e[0], e[1], e[2] = runs[2*i], runs[2*i+1], 1 }}
}

// chunkOffsetBox lists the chunks' file offsets: media offset + *base;
// co64 when they do not fit 32 bits.
func chunkOffsetBox(t *table, base *int64, co64 bool) *tableBox {
	if co64 {
		return &tableBox{typ: "co64", head: []uint32{uint32(len(t.chunks))}, n: len(t.chunks), width: 2,
			fill: func(e []uint32, i int) {
				o := uint64(t.chunks[i].off + *base)
				e[0], e[1] = uint32(o>>32), uint32(o)
			}}
	}
	return &tableBox{typ: "stco", head: []uint32{uint32(len(t.chunks))}, n: len(t.chunks), width: 1,
		fill: func(e []uint32, i int) { e[0] = uint32(t.chunks[i].off + *base) }}
}
