package hls

import "github.com/roomrec/roomrec/internal/mpegts"

// buildPSI renders the PAT and PMT packets for the declared tracks into
// m.psi. They are rebuilt only when the tracks change, so the CRC is
// computed bit by bit without a lookup table.
func (m *tsMuxer) buildPSI() {
	// PAT: one program (number 1) whose PMT is on pidPMT.
	pat := [...]byte{
		0x00,       // table_id: program_association_section
		0xB0, 0x0D, // section_syntax_indicator, '0', reserved, section_length 13
		0x00, 0x01, // transport_stream_id 1
		0xC1,       // reserved, version 0, current_next_indicator
		0x00, 0x00, // section_number, last_section_number
		0x00, 0x01, // program_number 1
		0xE0 | pidPMT>>8, pidPMT & 0xFF,
	}
	putSection(m.psi[:tsPacketSize], pidPAT, pat[:])

	var body [64]byte
	b := body[:0]
	pcr := m.pcrPID()
	b = append(b, 0x02, 0xB0, 0x00, // table_id, section_length patched below
		0x00, 0x01, // program_number 1
		0xC1|m.pmtVersion<<1, 0x00, 0x00,
		0xE0|byte(pcr>>8), byte(pcr),
		0xF0, 0x00) // program_info_length 0
	if m.video != CodecNone {
		b = appendES(b, m.video, pidVideo, 0)
	}
	if m.audio != CodecNone {
		b = appendES(b, m.audio, pidAudio, m.audioChannels)
	}
	b[2] = byte(len(b) - 3 + 4) // + CRC
	putSection(m.psi[tsPacketSize:], pidPMT, b)
}

// appendES appends one PMT elementary stream entry with the descriptors
// FFmpeg writes: 'HEVC' registration for H.265; 'Opus' registration plus the
// DVB extension descriptor 0x80 (channel_config_code) for Opus.
func appendES(b []byte, c Codec, pid uint16, channels int) []byte {
	b = append(b, c.streamType(), 0xE0|byte(pid>>8), byte(pid), 0xF0, 0)
	lenAt := len(b) - 1
	switch c {
	case CodecH265:
		b = append(b, 0x05, 4, 'H', 'E', 'V', 'C')
	case CodecOpus:
		b = append(b, 0x05, 4, 'O', 'p', 'u', 's', 0x7F, 2, 0x80, byte(channels))
	}
	b[lenAt] = byte(len(b) - lenAt - 1)
	return b
}

// putSection writes a PSI section (without CRC) into one TS packet on pid,
// appends the CRC and fills the rest with 0xFF. The CC nibble is patched
// when the packet is written.
func putSection(p []byte, pid uint16, section []byte) {
	p[0], p[1], p[2], p[3] = 0x47, 0x40|byte(pid>>8), byte(pid), 0x10
	p[4] = 0 // pointer_field
	n := 5 + copy(p[5:], section)
	crc := mpegts.CRC32(section)
	p[n], p[n+1], p[n+2], p[n+3] = byte(crc>>24), byte(crc>>16), byte(crc>>8), byte(crc)
	for i := n + 4; i < len(p); i++ {
		p[i] = 0xFF
	}
}
