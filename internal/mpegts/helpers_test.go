package mpegts

import "slices"

// PIDs of the streams tsWriter writes.
const (
	testPMT   = 0x1000
	testVideo = 0x100
	testAudio = 0x101
)

// tsWriter builds small TS files for the tests: PSI, and PES packets split
// into TS packets with continuity counters, each one's tail padded with
// adaptation-field stuffing.
type tsWriter struct {
	b  []byte
	cc map[uint16]uint8
}

// packet appends one TS packet on pid carrying payload (at most 182 bytes
// when disc is set, 184 otherwise).
func (w *tsWriter) packet(pid uint16, pusi, disc bool, payload []byte) {
	if w.cc == nil {
		w.cc = map[uint16]uint8{}
	}
	p := make([]byte, PacketSize)
	p[0], p[1], p[2] = SyncByte, byte(pid>>8)&0x1F, byte(pid)
	if pusi {
		p[1] |= 0x40
	}
	p[3] = 0x10 | w.cc[pid]
	w.cc[pid] = (w.cc[pid] + 1) & 0x0F
	space := 184 - len(payload)
	if space > 0 || disc {
		p[3] |= 0x20
		p[4] = byte(space - 1)
		if space > 1 {
			p[5] = 0
			if disc {
				p[5] = 0x80
			}
			for i := 6; i < 4+space; i++ {
				p[i] = 0xFF
			}
		}
	}
	copy(p[4+space:], payload)
	w.b = append(w.b, p...)
}

// psiSection returns a packet payload holding one PSI section (pointer field,
// header, body, CRC).
func psiSection(tid byte, body []byte) []byte {
	n := 5 + len(body) + 4
	s := []byte{0, tid, 0xB0 | byte(n>>8), byte(n), 0, 1, 0xC1, 0, 0}
	s = append(s, body...)
	crc := CRC32(s[1:])
	return append(s, byte(crc>>24), byte(crc>>16), byte(crc>>8), byte(crc))
}

// psi appends a PAT (program 1 on testPMT) and a PMT with H.264 video and
// Opus audio (channels in its DVB extension descriptor).
func (w *tsWriter) psi(channels byte) {
	w.packet(0, true, false, psiSection(0x00, []byte{0, 1, 0xE0 | testPMT>>8, testPMT & 0xFF}))
	pmt := []byte{0xE1, 0x00, 0xF0, 0x00}
	pmt = append(pmt, 0x1B, 0xE1, 0x00, 0xF0, 0)
	pmt = append(pmt, 0x06, 0xE1, 0x01, 0xF0, 10, 0x05, 4, 'O', 'p', 'u', 's', 0x7F, 2, 0x80, channels)
	w.packet(testPMT, true, false, psiSection(0x02, pmt))
}

// pesBytes returns a PES packet with pts (and dts when withDTS), bounded
// (PES_packet_length set) or not.
func pesBytes(pts, dts int64, withDTS, bounded bool, data []byte) []byte {
	h := []byte{0, 0, 1, 0xE0, 0, 0, 0x84, 0x80, 5, 0, 0, 0, 0, 0}
	PutTimestamp(h[9:], 2, pts)
	if withDTS {
		h[7], h[8] = 0xC0, 10
		h = append(h, 0, 0, 0, 0, 0)
		PutTimestamp(h[9:], 3, pts)
		PutTimestamp(h[14:], 1, dts)
	}
	if bounded {
		n := len(h) - 6 + len(data)
		h[4], h[5] = byte(n>>8), byte(n)
	}
	return append(h, data...)
}

// pes appends a PES packet on pid, split into TS packets.
func (w *tsWriter) pes(pid uint16, pes []byte) {
	for first := true; first || len(pes) > 0; first = false {
		n := min(len(pes), 184)
		w.packet(pid, first, false, pes[:n])
		pes = pes[n:]
	}
}

// payloadOf returns count bytes counting up from seed.
func payloadOf(seed byte, count int) []byte {
	b := make([]byte, count)
	for i := range b {
		b[i] = seed + byte(i)
	}
	return slices.Clip(b)
}
