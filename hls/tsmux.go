package hls

import (
	"io"

	"github.com/roomrec/roomrec/internal/mpegts"
)

// MPEG-TS layout (ISO/IEC 13818-1) as written by the muxer: one program,
// PAT on PID 0, PMT on 0x1000, video on 0x100, audio on 0x101 (FFmpeg's
// default PIDs). PCR rides on the video PID, or on the audio PID when there
// is no video.
const (
	tsPacketSize = mpegts.PacketSize
	tsPayload    = tsPacketSize - 4
	pidPAT       = 0x0000
	pidPMT       = 0x1000
	pidVideo     = 0x0100
	pidAudio     = 0x0101
	// tsBufPackets is the size of the reused output buffer in packets
	// (about 24 KB): one write to the segment file per buffer.
	tsBufPackets = 128
	// pcrOffset puts the PCR 200 ms before the DTS of the PES it rides
	// with, so audio written up to one aggregation window late is still
	// ahead of the system clock.
	pcrOffset = 18000
	// tsMask keeps the low 33 bits of a 90 kHz timestamp.
	tsMask = mpegts.Mask
)

// tsMuxer writes MPEG-TS packets to an io.Writer through a reused buffer.
// It holds no per-frame allocations: PES payloads are gathered from the
// caller's slices straight into the packet buffer. Write errors are sticky
// until the next reset.
type tsMuxer struct {
	w   io.Writer
	buf []byte // whole pending packets
	n   int64  // bytes accepted for the current writer (flushed + pending)
	err error

	ccPAT, ccPMT, ccVideo, ccAudio uint8

	video, audio  Codec // the codecs the PMT announces
	audioChannels int
	pmtVersion    uint8
	psiBuilt      bool
	psi           [2 * tsPacketSize]byte // PAT and PMT packets, CC patched on write

	pesHdr    [19]byte
	pieces    [][]byte
	startCode [4]byte
	aud       [3]byte
}

func newTSMuxer() *tsMuxer {
	return &tsMuxer{
		buf:       make([]byte, 0, tsBufPackets*tsPacketSize),
		pieces:    make([][]byte, 0, 64),
		startCode: [4]byte{0, 0, 0, 1},
		ccPAT:     15, ccPMT: 15, ccVideo: 15, ccAudio: 15, // first packet gets CC 0
	}
}

// reset directs the muxer to a new writer (a new segment).
func (m *tsMuxer) reset(w io.Writer) {
	m.w, m.n, m.err, m.buf = w, 0, nil, m.buf[:0]
}

// setTracks declares the program's tracks; the PSI is rebuilt (and the PMT
// version bumped) when they change.
func (m *tsMuxer) setTracks(video, audio Codec, audioChannels int) {
	if m.psiBuilt && video == m.video && audio == m.audio && audioChannels == m.audioChannels {
		return
	}
	if m.psiBuilt {
		m.pmtVersion = (m.pmtVersion + 1) & 0x1F
	}
	m.video, m.audio, m.audioChannels = video, audio, audioChannels
	m.buildPSI()
	m.psiBuilt = true
}

// packet returns the next 188-byte packet slot of the buffer, flushing it
// first when full.
func (m *tsMuxer) packet() []byte {
	if len(m.buf)+tsPacketSize > cap(m.buf) {
		m.flush()
	}
	l := len(m.buf)
	m.buf = m.buf[:l+tsPacketSize]
	m.n += tsPacketSize
	return m.buf[l : l+tsPacketSize]
}

// flush writes the pending packets to the writer; it returns the sticky error.
func (m *tsMuxer) flush() error {
	if m.err == nil && len(m.buf) > 0 {
		_, m.err = m.w.Write(m.buf)
	}
	m.buf = m.buf[:0]
	return m.err
}

// writePSI writes the PAT and the PMT.
func (m *tsMuxer) writePSI() {
	p := m.packet()
	copy(p, m.psi[:tsPacketSize])
	m.ccPAT = (m.ccPAT + 1) & 0x0F
	p[3] = 0x10 | m.ccPAT
	p = m.packet()
	copy(p, m.psi[tsPacketSize:])
	m.ccPMT = (m.ccPMT + 1) & 0x0F
	p[3] = 0x10 | m.ccPMT
}

// pcrPID returns the PID that carries the PCR.
func (m *tsMuxer) pcrPID() uint16 {
	if m.video != CodecNone {
		return pidVideo
	}
	return pidAudio
}

// writeVideo writes one video access unit (NAL units without start codes)
// as one PES, prepending an AUD when the unit has none.
func (m *tsMuxer) writeVideo(c Codec, pts, dts int64, key bool, au [][]byte) {
	m.pieces = m.pieces[:0]
	m.pieces = append(m.pieces, nil) // PES header, set below
	total := 0
	if !hasAUD(c, au) {
		aud := m.aud[:2]
		if c == CodecH264 {
			m.aud[0], m.aud[1] = 9, 0xF0 // AUD, primary_pic_type 7 (any)
		} else {
			m.aud[0], m.aud[1], m.aud[2] = 35<<1, 1, 0x50 // AUD_NUT, pic_type 2
			aud = m.aud[:3]
		}
		m.pieces = append(m.pieces, m.startCode[:], aud)
		total += 4 + len(aud)
	}
	for _, n := range au {
		if len(n) == 0 {
			continue
		}
		m.pieces = append(m.pieces, m.startCode[:], n)
		total += 4 + len(n)
	}
	hdr := m.putPESHeader(c.streamID(), pts, dts, pts != dts, 0)
	m.pieces[0] = hdr
	m.writePES(pidVideo, &m.ccVideo, key, dts, m.pieces, len(hdr)+total)
}

// writeAudio writes one PES of ready-made audio payload (ADTS frames or Opus
// access units with their control headers).
func (m *tsMuxer) writeAudio(c Codec, pts int64, payload []byte) {
	pesLen := 8 + len(payload) // flags (3) + PTS (5) + payload
	if pesLen > 0xFFFF {
		pesLen = 0
	}
	hdr := m.putPESHeader(c.streamID(), pts, pts, false, pesLen)
	m.pieces = append(m.pieces[:0], hdr, payload)
	m.writePES(pidAudio, &m.ccAudio, true, pts, m.pieces, len(hdr)+len(payload))
}

// putPESHeader fills the PES header scratch and returns it. pesLen is the
// PES_packet_length field (0 = unbounded, used for video as FFmpeg does).
func (m *tsMuxer) putPESHeader(streamID byte, pts, dts int64, withDTS bool, pesLen int) []byte {
	h := m.pesHdr[:]
	h[0], h[1], h[2], h[3] = 0, 0, 1, streamID
	h[4], h[5] = byte(pesLen>>8), byte(pesLen)
	h[6] = 0x84 // '10' marker, data_alignment_indicator: the PES starts with an AU
	if withDTS {
		h[7], h[8] = 0xC0, 10
		mpegts.PutTimestamp(h[9:], 0x3, pts)
		mpegts.PutTimestamp(h[14:], 0x1, dts)
		return h[:19]
	}
	h[7], h[8] = 0x80, 5
	mpegts.PutTimestamp(h[9:], 0x2, pts)
	return h[:14]
}

// writePES splits a PES packet (given as pieces of total bytes) into TS
// packets on pid. The first packet carries the random access indicator when
// rai is set and a PCR derived from dts when pid is the PCR PID; the last
// packet is filled with adaptation-field stuffing.
func (m *tsMuxer) writePES(pid uint16, cc *uint8, rai bool, dts int64, pieces [][]byte, total int) {
	withPCR := pid == m.pcrPID()
	idx, off := 0, 0
	for first := true; total > 0; first = false {
		p := m.packet()
		afLen := 0 // bytes taken by the adaptation field, its length byte included
		if first && (rai || withPCR) {
			afLen = 2
			if withPCR {
				afLen += 6
			}
		}
		space := tsPayload - afLen
		if total < space {
			if afLen == 0 {
				afLen = space - total
			} else {
				afLen += space - total
			}
			space = total
		}
		*cc = (*cc + 1) & 0x0F
		p[0] = 0x47
		p[1] = byte(pid >> 8)
		if first {
			p[1] |= 0x40 // payload_unit_start_indicator
		}
		p[2] = byte(pid)
		p[3] = 0x10 | *cc
		if afLen > 0 {
			p[3] |= 0x20
			m.putAdaptation(p[4:4+afLen], first && rai, first && withPCR, dts)
		}
		dst := p[4+afLen:]
		for len(dst) > 0 {
			n := copy(dst, pieces[idx][off:])
			dst, off = dst[n:], off+n
			if off == len(pieces[idx]) {
				idx, off = idx+1, 0
			}
		}
		total -= space
	}
}

// putAdaptation writes an adaptation field filling af exactly: length byte,
// flags, optional PCR, then stuffing.
func (m *tsMuxer) putAdaptation(af []byte, rai, pcr bool, dts int64) {
	af[0] = byte(len(af) - 1)
	if len(af) == 1 {
		return
	}
	af[1] = 0
	i := 2
	if rai {
		af[1] |= 0x40
	}
	if pcr {
		af[1] |= 0x10
		base := (dts - pcrOffset) & tsMask
		af[2] = byte(base >> 25)
		af[3] = byte(base >> 17)
		af[4] = byte(base >> 9)
		af[5] = byte(base >> 1)
		af[6] = byte(base<<7) | 0x7E // 6 reserved bits, extension 0
		af[7] = 0
		i = 8
	}
	for ; i < len(af); i++ {
		af[i] = 0xFF
	}
}
