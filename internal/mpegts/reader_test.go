package mpegts

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
)

// got is what a read returned: the PES packets and the glitches.
type got struct {
	pes     []PES
	glitch  []string
	err     error
	first   int64
	hasHead bool
}

// readAll reads b to its end with a reader whose reads return at most
// chunk bytes, copying the PES data.
func readAll(b []byte, chunk int) got {
	var g got
	r := NewReader(&chunked{b, chunk}, nil, func(err error) { g.glitch = append(g.glitch, err.Error()) })
	for {
		p, err := r.Next()
		if err != nil {
			if !errors.Is(err, io.EOF) {
				g.err = err
			}
			g.first, g.hasHead = r.First()
			return g
		}
		p.Data = bytes.Clone(p.Data)
		g.pes = append(g.pes, p)
	}
}

// chunked returns at most n bytes per Read.
type chunked struct {
	b []byte
	n int
}

func (c *chunked) Read(p []byte) (int, error) {
	if len(c.b) == 0 {
		return 0, io.EOF
	}
	n := copy(p[:min(len(p), c.n)], c.b)
	c.b = c.b[n:]
	return n, nil
}

// recording is a small file: PSI, then video (unbounded PES with DTS, 500
// bytes each) and audio (bounded PES, 30 bytes) interleaved.
func recording() (*tsWriter, [][]byte) {
	w := &tsWriter{}
	w.psi(1)
	var data [][]byte
	for i := range 3 {
		v := payloadOf(byte(i), 500)
		w.pes(testVideo, pesBytes(int64(i)*3000+6000, int64(i)*3000+3000, true, false, v))
		a := payloadOf(byte(100+i), 30)
		w.pes(testAudio, pesBytes(int64(i)*1800+3600, 0, false, true, a))
		data = append(data, v, a)
	}
	return w, data
}

// TestReader reads a sound file in chunks of several sizes: the audio PES
// packets complete when their length is reached, the video ones at the
// next video PES or the end of the file.
func TestReader(t *testing.T) {
	w, data := recording()
	for _, chunk := range []int{1, 100, PacketSize, 4096, len(w.b)} {
		g := readAll(w.b, chunk)
		if g.err != nil || len(g.glitch) > 0 {
			t.Fatalf("chunk %d: err %v, glitches %q", chunk, g.err, g.glitch)
		}
		// Order: a0, v0 (at v1's start), a1, v1, a2, v2 (at the end).
		order := []int{1, 0, 3, 2, 5, 4}
		if len(g.pes) != len(order) {
			t.Fatalf("chunk %d: %d PES packets, want %d", chunk, len(g.pes), len(order))
		}
		for i, k := range order {
			p := g.pes[i]
			video := k%2 == 0
			n := int64(k / 2)
			wantPTS, wantDTS := n*1800+3600, n*1800+3600
			if video {
				wantPTS, wantDTS = n*3000+6000, n*3000+3000
			}
			if p.Stream.Codec.IsVideo() != video || p.PTS != wantPTS || p.DTS != wantDTS || !bytes.Equal(p.Data, data[k]) {
				t.Fatalf("chunk %d, PES %d: %v PTS %d DTS %d %d bytes; want video %v PTS %d DTS %d %d bytes",
					chunk, i, p.Stream.Codec, p.PTS, p.DTS, len(p.Data), video, wantPTS, wantDTS, len(data[k]))
			}
		}
		if a := g.pes[0].Stream; a.Codec != Opus || a.Channels != 1 || a.PID != testAudio {
			t.Fatalf("audio stream %+v, want Opus mono on %#x", a, testAudio)
		}
		if !g.hasHead || g.first != 3000 {
			t.Fatalf("First() = %d, %v; want the first video DTS 3000", g.first, g.hasHead)
		}
	}
}

// TestReaderDamage checks that damage is reported and dropped and that the
// rest of the file is read.
func TestReaderDamage(t *testing.T) {
	cases := []struct {
		name   string
		build  func() []byte
		pes    int    // PES packets read
		glitch string // in the first glitch ("" for none)
	}{
		{"duplicate packet dropped", func() []byte {
			w := &tsWriter{}
			w.psi(2)
			w.pes(testAudio, pesBytes(0, 0, false, true, payloadOf(1, 300)))
			w.b = append(w.b, w.b[len(w.b)-PacketSize:]...)
			w.pes(testAudio, pesBytes(1800, 0, false, true, payloadOf(2, 30)))
			return w.b
		}, 2, ""},
		{"lost packet", func() []byte {
			w := &tsWriter{}
			w.psi(2)
			w.pes(testVideo, pesBytes(0, 0, false, false, payloadOf(1, 600)))
			w.b = append(w.b[:len(w.b)-2*PacketSize], w.b[len(w.b)-PacketSize:]...)
			w.pes(testVideo, pesBytes(3000, 0, false, false, payloadOf(2, 100)))
			return w.b
		}, 1, "lost TS packets of PID 256 (continuity counter 3 after 1)"},
		{"discontinuity indicator", func() []byte {
			w := &tsWriter{}
			w.psi(2)
			w.pes(testAudio, pesBytes(0, 0, false, true, payloadOf(1, 30)))
			w.cc[testAudio] = 9
			w.packet(testAudio, true, true, pesBytes(1800, 0, false, true, payloadOf(2, 30)))
			return w.b
		}, 2, ""},
		{"transport error", func() []byte {
			w := &tsWriter{}
			w.psi(2)
			w.pes(testAudio, pesBytes(0, 0, false, true, payloadOf(1, 30)))
			w.b[len(w.b)-PacketSize+1] |= 0x80
			w.pes(testAudio, pesBytes(1800, 0, false, true, payloadOf(2, 30)))
			return w.b
		}, 1, "transport error indicator"},
		{"cut inside a packet", func() []byte {
			w := &tsWriter{}
			w.psi(2)
			w.pes(testAudio, pesBytes(0, 0, false, true, payloadOf(1, 30)))
			w.pes(testVideo, pesBytes(0, 0, false, false, payloadOf(2, 400)))
			return w.b[:len(w.b)-100]
		}, 1, "ends inside a TS packet"},
		{"bounded PES cut at a packet end", func() []byte {
			w := &tsWriter{}
			w.psi(2)
			w.pes(testAudio, pesBytes(0, 0, false, true, payloadOf(1, 400)))
			return w.b[:len(w.b)-PacketSize]
		}, 0, "PID 257: PES packet cut short"},
		{"PES without PTS", func() []byte {
			w := &tsWriter{}
			w.psi(2)
			p := pesBytes(0, 0, false, true, payloadOf(1, 30))
			p[7] = 0
			w.pes(testAudio, p)
			return w.b
		}, 0, "PID 257: PES packet without a PTS"},
		{"PAT with a bad CRC, then a good one", func() []byte {
			w := &tsWriter{}
			w.psi(2)
			good := bytes.Clone(w.b)
			w.b[PacketSize-1] ^= 0xFF // the PAT's CRC ends its packet
			w.b = append(w.b[:PacketSize], good...)
			w.pes(testAudio, pesBytes(0, 0, false, true, payloadOf(1, 30)))
			return w.b
		}, 1, "PAT: section CRC mismatch"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g := readAll(c.build(), 1000)
			if g.err != nil || len(g.pes) != c.pes {
				t.Fatalf("err %v, %d PES packets (glitches %q); want %d", g.err, len(g.pes), g.glitch, c.pes)
			}
			switch {
			case c.glitch == "" && len(g.glitch) > 0:
				t.Fatalf("glitches %q, want none", g.glitch)
			case c.glitch != "" && (len(g.glitch) == 0 || !strings.Contains(g.glitch[0], c.glitch)):
				t.Fatalf("glitches %q, want %q first", g.glitch, c.glitch)
			}
		})
	}
}

// TestReaderNotTS checks the files that fail with ErrNotTS.
func TestReaderNotTS(t *testing.T) {
	noStreams := &tsWriter{}
	noStreams.packet(0, true, false, psiSection(0x00, []byte{0, 1, 0xF0, 0}))
	noStreams.packet(testPMT, true, false, psiSection(0x02, []byte{0xE1, 0, 0xF0, 0, 0x02, 0xE1, 0, 0xF0, 0}))
	cases := []struct {
		name, b, want string
	}{
		{"empty", "", "no program map table (PAT/PMT) in 0 bytes"},
		{"garbage", strings.Repeat("not a transport stream ", 20), "no sync byte at offset 0"},
		{"null packets only", strings.Repeat("\x47\x1F\xFF\x10"+strings.Repeat("\xFF", 184), 3), "no program map table (PAT/PMT) in 564 bytes"},
		{"no stream kept", string(noStreams.b), "the PMT lists no H.264, H.265, AAC or Opus stream"},
	}
	for _, c := range cases {
		g := readAll([]byte(c.b), 1000)
		if !errors.Is(g.err, ErrNotTS) || !strings.Contains(g.err.Error(), c.want) {
			t.Errorf("%s: %v, want ErrNotTS with %q", c.name, g.err, c.want)
		}
	}
}

// TestReaderAllocs checks that reading allocates nothing per packet: ten
// times the packets cost no more allocations.
func TestReaderAllocs(t *testing.T) {
	file := func(n int) []byte {
		w := &tsWriter{}
		w.psi(2)
		for i := range n {
			w.pes(testVideo, pesBytes(int64(i)*3000, 0, false, false, payloadOf(byte(i), 5000)))
			w.pes(testAudio, pesBytes(int64(i)*1800, 0, false, true, payloadOf(byte(i), 300)))
		}
		return w.b
	}
	buf := make([]byte, readSize)
	allocs := func(b []byte) float64 {
		return testing.AllocsPerRun(5, func() {
			r := NewReader(bytes.NewReader(b), buf, func(error) {})
			for {
				if _, err := r.Next(); err != nil {
					return
				}
			}
		})
	}
	small, large := allocs(file(20)), allocs(file(200))
	if large > small {
		t.Fatalf("%v allocations for 200 access units, %v for 20: the reader allocates per packet", large, small)
	}
}

// FuzzReader feeds arbitrary bytes to the reader: it must return PES
// packets and an error or io.EOF, never panic or loop.
func FuzzReader(f *testing.F) {
	w, _ := recording()
	f.Add(w.b)
	f.Add(w.b[:len(w.b)-50])
	f.Add(w.b[:PacketSize*2+10])
	f.Fuzz(func(t *testing.T, b []byte) {
		g := readAll(b, 777)
		for _, p := range g.pes {
			if len(p.Data) == 0 || p.Stream == nil {
				t.Fatalf("empty or orphan PES packet %+v", p)
			}
		}
	})
}
