package hls

import (
	"bytes"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"

	"github.com/roomrec/roomrec/internal/mpegts"
)

// tsPES is a PES packet reassembled by parseTS.
type tsPES struct {
	pid      uint16
	rai, pcr bool
	pcrBase  int64
	data     []byte // the whole PES packet, header included
}

// parseTS is a strict little TS reader for the tests: it checks sync bytes,
// continuity counters, adaptation field layout and stuffing, and returns the
// PES packets and the PSI sections (pointer field removed) in order.
func parseTS(t *testing.T, data []byte) (pes []tsPES, psi map[uint16][]byte) {
	t.Helper()
	if len(data)%tsPacketSize != 0 {
		t.Fatalf("%d bytes is not a whole number of packets", len(data))
	}
	psi = map[uint16][]byte{}
	cc := map[uint16]byte{}
	open := map[uint16]int{} // pid -> index in pes
	for off := 0; off < len(data); off += tsPacketSize {
		p := data[off : off+tsPacketSize]
		pid := uint16(p[1]&0x1F)<<8 | uint16(p[2])
		if p[0] != 0x47 || p[3]&0x10 == 0 || p[1]&0x80 != 0 {
			t.Fatalf("packet %d: bad header % x", off/tsPacketSize, p[:4])
		}
		if last, ok := cc[pid]; ok && p[3]&0x0F != (last+1)&0x0F {
			t.Fatalf("packet %d pid %#x: CC %d after %d", off/tsPacketSize, pid, p[3]&0x0F, last)
		}
		cc[pid] = p[3] & 0x0F
		payload, rai, pcr, base := parseAdaptation(t, p)
		pusi := p[1]&0x40 != 0
		switch {
		case pid == pidPAT || pid == pidPMT:
			if !pusi || payload[0] != 0 {
				t.Fatalf("PSI packet without PUSI/pointer 0")
			}
			psi[pid] = payload[1:]
		case pusi:
			open[pid] = len(pes)
			pes = append(pes, tsPES{pid: pid, rai: rai, pcr: pcr, pcrBase: base, data: slicesClone(payload)})
		default:
			if rai || pcr {
				t.Fatalf("RAI/PCR on a continuation packet")
			}
			i, ok := open[pid]
			if !ok {
				t.Fatalf("continuation packet before a PES start on %#x", pid)
			}
			pes[i].data = append(pes[i].data, payload...)
		}
	}
	return pes, psi
}

func slicesClone(b []byte) []byte { return append([]byte(nil), b...) }

// parseAdaptation checks the adaptation field of p and returns the payload.
func parseAdaptation(t *testing.T, p []byte) (payload []byte, rai, pcr bool, base int64) {
	t.Helper()
	if p[3]&0x20 == 0 {
		return p[4:], false, false, 0
	}
	l := int(p[4])
	if l > 182 {
		t.Fatalf("adaptation field length %d leaves no payload", l)
	}
	af := p[5 : 5+l]
	stuffFrom := 0
	if l > 0 {
		if af[0]&^0x50 != 0 {
			t.Fatalf("unexpected adaptation flags %#x", af[0])
		}
		rai, pcr = af[0]&0x40 != 0, af[0]&0x10 != 0
		stuffFrom = 1
		if pcr {
			base = int64(af[1])<<25 | int64(af[2])<<17 | int64(af[3])<<9 | int64(af[4])<<1 | int64(af[5]>>7)
			if af[5]&0x7E != 0x7E || af[5]&1 != 0 || af[6] != 0 {
				t.Fatalf("bad PCR reserved bits/extension % x", af[1:7])
			}
			stuffFrom = 7
		}
	}
	for _, b := range af[stuffFrom:] {
		if b != 0xFF {
			t.Fatalf("stuffing byte %#x", b)
		}
	}
	return p[5+l:], rai, pcr, base
}

// pesTimestamps decodes the PTS (and DTS) of a PES header.
func pesTimestamps(t *testing.T, h []byte) (pts, dts int64, payload []byte) {
	t.Helper()
	if !bytes.HasPrefix(h, []byte{0, 0, 1}) || h[6] != 0x84 {
		t.Fatalf("bad PES header % x", h[:min(9, len(h))])
	}
	ts := func(b []byte, prefix byte) int64 {
		if b[0]>>4 != prefix || b[0]&1 != 1 || b[2]&1 != 1 || b[4]&1 != 1 {
			t.Fatalf("bad timestamp % x", b[:5])
		}
		return int64(b[0]>>1&7)<<30 | int64(b[1])<<22 | int64(b[2]>>1)<<15 | int64(b[3])<<7 | int64(b[4]>>1)
	}
	switch h[7] {
	case 0x80:
		pts = ts(h[9:], 2)
		return pts, pts, h[9+int(h[8]):]
	case 0xC0:
		return ts(h[9:], 3), ts(h[14:], 1), h[9+int(h[8]):]
	}
	t.Fatalf("PTS_DTS_flags %#x", h[7])
	return 0, 0, nil
}

// TestPESPacketization writes PES packets of every size around the packet
// boundaries and reads them back, covering every stuffing case.
func TestPESPacketization(t *testing.T) {
	var out bytes.Buffer
	m := newTSMuxer()
	m.reset(&out)
	m.setTracks(CodecH264, CodecAAC, 2)
	type written struct {
		video    bool
		pts, dts int64
		payload  []byte
	}
	var want []written
	for size := 1; size < 600; size++ {
		payload := bytes.Repeat([]byte{byte(size)}, size)
		pts := int64(size)*3000 + 1<<33 - 300000 // wraps half-way
		if size%2 == 0 {
			m.writeAudio(CodecAAC, pts, payload)
			want = append(want, written{false, pts & tsMask, pts & tsMask, payload})
			continue
		}
		payload[0] = 0x41 // a slice, not an AUD
		dts := pts - int64(size%3)*3000
		m.writeVideo(CodecH264, pts, dts, size%5 == 1, [][]byte{payload})
		want = append(want, written{true, pts & tsMask, dts & tsMask, append([]byte{0, 0, 0, 1, 9, 0xF0, 0, 0, 0, 1}, payload...)})
	}
	if err := m.flush(); err != nil {
		t.Fatal(err)
	}
	pes, _ := parseTS(t, out.Bytes())
	if len(pes) != len(want) {
		t.Fatalf("%d PES read, %d written", len(pes), len(want))
	}
	for i, w := range want {
		p := pes[i]
		pts, dts, payload := pesTimestamps(t, p.data)
		if pts != w.pts || dts != w.dts || !bytes.Equal(payload, w.payload) {
			t.Fatalf("PES %d: pts %d dts %d len %d; want %d %d %d", i, pts, dts, len(payload), w.pts, w.dts, len(w.payload))
		}
		if w.video {
			if p.pid != pidVideo || !p.pcr || p.pcrBase != (w.dts-pcrOffset)&tsMask || p.data[4] != 0 || p.data[5] != 0 {
				t.Fatalf("video PES %d: pid %#x pcr %v/%d length field % x", i, p.pid, p.pcr, p.pcrBase, p.data[4:6])
			}
			continue
		}
		if l := int(p.data[4])<<8 | int(p.data[5]); p.pid != pidAudio || !p.rai || p.pcr || l != len(p.data)-6 {
			t.Fatalf("audio PES %d: pid %#x rai %v pcr %v length %d of %d", i, p.pid, p.rai, p.pcr, l, len(p.data)-6)
		}
	}
}

func TestPSIMatchesFFmpeg(t *testing.T) {
	// The PAT and the H.264 PMT FFmpeg writes (well known bytes).
	m := newTSMuxer()
	m.setTracks(CodecH264, CodecNone, 0)
	wantPAT, _ := hex.DecodeString("4740001000" + "00b00d0001c100000001f0002ab104b2")
	wantPMT, _ := hex.DecodeString("4750001000" + "02b0120001c10000e100f0001be100f00015bd4d56")
	if !bytes.HasPrefix(m.psi[:], wantPAT) || !bytes.HasPrefix(m.psi[tsPacketSize:], wantPMT) {
		t.Errorf("PSI differs from FFmpeg's:\n% x\n% x", m.psi[:24], m.psi[tsPacketSize:tsPacketSize+28])
	}
	// The elementary stream entries (type and descriptors) of FFmpeg's PMT.
	dir := t.TempDir()
	tests := []struct {
		codec Codec
		args  []string
	}{
		{CodecOpus, []string{"-f", "lavfi", "-i", "sine=sample_rate=48000:duration=0.2", "-ac", "2", "-c:a", "libopus"}},
		{CodecAAC, []string{"-f", "lavfi", "-i", "sine=sample_rate=48000:duration=0.2", "-c:a", "aac"}},
		{CodecH265, []string{"-f", "lavfi", "-i", "testsrc2=size=64x64:duration=0.2", "-c:v", "libx265", "-x265-params", "log-level=error"}},
		{CodecH264, []string{"-f", "lavfi", "-i", "testsrc2=size=64x64:duration=0.2", "-c:v", "libx264"}},
	}
	for _, tt := range tests {
		file := filepath.Join(dir, tt.codec.String()+".ts")
		ffmpegGen(t, append(tt.args, "-f", "mpegts", file)...)
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		_, psi := parseTS(t, data)
		ffES := esInfo(t, psi[pidPMT])
		video, audio := tt.codec, CodecNone
		if tt.codec.IsAudio() {
			video, audio = CodecNone, tt.codec
		}
		m.setTracks(video, audio, 2)
		ours := esInfo(t, m.psi[tsPacketSize+5:])
		if !bytes.Equal(ours, ffES) {
			t.Errorf("%v: ES info % x, FFmpeg writes % x", tt.codec, ours, ffES)
		}
		if crc := mpegts.CRC32(psi[pidPMT][:3+int(psi[pidPMT][2])]); crc != 0 {
			t.Errorf("CRC check of FFmpeg's PMT = %#x, want 0", crc)
		}
		if crc := mpegts.CRC32(m.psi[tsPacketSize+5 : tsPacketSize+5+3+int(m.psi[tsPacketSize+7])]); crc != 0 {
			t.Errorf("%v: CRC check of our PMT = %#x, want 0", tt.codec, crc)
		}
	}
}

// esInfo returns the first ES loop entry of a PMT section without its PID.
func esInfo(t *testing.T, sec []byte) []byte {
	t.Helper()
	if sec[0] != 0x02 {
		t.Fatalf("not a PMT: % x", sec[:8])
	}
	i := 12 + int(sec[10]&0x0F)<<8 | int(sec[11])
	l := int(sec[i+3]&0x0F)<<8 | int(sec[i+4])
	return append([]byte{sec[i]}, sec[i+3:i+5+l]...)
}

func TestPMTVersionChangesWithTracks(t *testing.T) {
	m := newTSMuxer()
	m.setTracks(CodecH264, CodecNone, 0)
	v0 := m.psi[tsPacketSize+10]
	m.setTracks(CodecH264, CodecNone, 0)
	if m.psi[tsPacketSize+10] != v0 {
		t.Errorf("version changed without a track change")
	}
	m.setTracks(CodecH265, CodecNone, 0)
	if got := (m.psi[tsPacketSize+10] >> 1) & 0x1F; got != 1 {
		t.Errorf("version after a codec change = %d, want 1", got)
	}
}
