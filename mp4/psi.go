package mp4

import (
	"errors"
	"fmt"
)

// section returns the PSI section with table id tid that starts in a
// payload with payload_unit_start_indicator, or an error when it is not
// there, spans packets or fails its CRC.
func section(payload []byte, tid byte) ([]byte, error) {
	if len(payload) < 1 || 1+int(payload[0]) > len(payload) {
		return nil, errors.New("bad pointer field")
	}
	s := payload[1+int(payload[0]):]
	if len(s) < 3 || s[0] != tid {
		return nil, fmt.Errorf("table id %#x expected", tid)
	}
	total := 3 + (int(s[1]&0x0F)<<8 | int(s[2]))
	switch {
	case total < 12:
		return nil, errors.New("section too short")
	case total > len(s):
		return nil, errors.New("section spans TS packets (not supported)")
	case crc32MPEG(s[:total]) != 0:
		return nil, errors.New("section CRC mismatch")
	}
	return s[:total-4], nil // without the CRC
}

// parsePAT finds the PID of the first program's PMT.
func (t *tsReader) parsePAT(payload []byte) {
	s, err := section(payload, 0x00)
	if err != nil {
		t.glitch(fmt.Errorf("%w: PAT: %w", ErrDamaged, err))
		return
	}
	for i := 8; i+4 <= len(s); i += 4 {
		if s[i] != 0 || s[i+1] != 0 { // program_number 0 is the network PID
			t.pmtPID = int(s[i+2]&0x1F)<<8 | int(s[i+3])
			return
		}
	}
}

// parsePMT keeps the first H.264/H.265 stream and the first AAC/Opus
// stream of the program. A PMT without either fails the file.
func (t *tsReader) parsePMT(payload []byte) error {
	s, err := section(payload, 0x02)
	if err != nil {
		t.glitch(fmt.Errorf("%w: PMT: %w", ErrDamaged, err))
		return nil
	}
	i := 12 + (int(s[10]&0x0F)<<8 | int(s[11]))
	var video, audio bool
	for i+5 <= len(s) {
		typ, pid := s[i], uint16(s[i+1]&0x1F)<<8|uint16(s[i+2])
		n := int(s[i+3]&0x0F)<<8 | int(s[i+4])
		if i+5+n > len(s) {
			return fmt.Errorf("%w: PMT entry runs past the section", errNotTS)
		}
		c, channels := streamCodec(typ, s[i+5:i+5+n])
		i += 5 + n
		if c == codecNone || (c.isVideo() && video) || (!c.isVideo() && audio) {
			continue
		}
		video, audio = video || c.isVideo(), audio || !c.isVideo()
		t.streams = append(t.streams, &elemStream{pid: pid, codec: c, channels: channels, cc: -1})
	}
	if len(t.streams) == 0 {
		return fmt.Errorf("%w: the PMT lists no H.264, H.265, AAC or Opus stream", errNotTS)
	}
	t.havePMT = true
	return nil
}

// streamCodec maps a PMT stream type and its descriptors to a codec; Opus
// is stream type 0x06 with an "Opus" registration descriptor, its channel
// count in the DVB extension descriptor 0x80.
func streamCodec(typ byte, desc []byte) (codec, int) {
	switch typ {
	case 0x1B:
		return codecH264, 0
	case 0x24:
		return codecH265, 0
	case 0x0F:
		return codecAAC, 0
	case 0x06:
	default:
		return codecNone, 0
	}
	opus, channels := false, 0
	for len(desc) >= 2 && 2+int(desc[1]) <= len(desc) {
		tag, body := desc[0], desc[2:2+int(desc[1])]
		desc = desc[2+len(body):]
		switch {
		case tag == 0x05 && len(body) >= 4 && string(body[:4]) == "Opus":
			opus = true
		case tag == 0x7F && len(body) >= 2 && body[0] == 0x80:
			channels = int(body[1])
		}
	}
	if !opus {
		return codecNone, 0
	}
	return codecOpus, channels
}

// crc32MPEG is the CRC-32/MPEG-2 of data; a section including its CRC
// yields 0.
func crc32MPEG(data []byte) uint32 {
	crc := uint32(0xFFFFFFFF)
	for _, b := range data {
		crc ^= uint32(b) << 24
		for range 8 {
			if crc&0x80000000 != 0 {
				crc = crc<<1 ^ 0x04C11DB7
			} else {
				crc <<= 1
			}
		}
	}
	return crc
}
