package mpegts

import (
	"errors"
	"fmt"
)

// Codec is the codec of an elementary stream the reader keeps; the set is
// closed.
type Codec uint8

// The codecs of the PMT that the reader keeps.
const (
	None Codec = iota // a stream the reader skips
	H264              // stream type 0x1B
	H265              // stream type 0x24
	AAC               // stream type 0x0F (ADTS)
	Opus              // stream type 0x06 with an "Opus" registration descriptor
)

// String returns the codec's name ("H.264", "Opus", …).
func (c Codec) String() string {
	return [...]string{"none", "H.264", "H.265", "AAC", "Opus"}[min(int(c), 4)]
}

// IsVideo reports whether c is a video codec.
func (c Codec) IsVideo() bool { return c == H264 || c == H265 }

// section returns the PSI section with table id tid that starts in a
// payload with payload_unit_start_indicator, without its CRC, or an error
// when it is not there, spans packets or fails its CRC.
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
	case CRC32(s[:total]) != 0:
		return nil, errors.New("section CRC mismatch")
	}
	return s[:total-4], nil // without the CRC
}

// ParsePAT returns the PID of the first program's PMT in the PAT section
// that starts in payload (a packet payload with
// payload_unit_start_indicator), -1 when the PAT lists no program, or an
// error when the section is malformed, spans packets or fails its CRC.
func ParsePAT(payload []byte) (int, error) {
	s, err := section(payload, 0x00)
	if err != nil {
		return -1, err
	}
	for i := 8; i+4 <= len(s); i += 4 {
		if s[i] != 0 || s[i+1] != 0 { // program_number 0 is the network PID
			return int(s[i+2]&0x1F)<<8 | int(s[i+3]), nil
		}
	}
	return -1, nil
}

// parsePAT notes the PID of the first program's PMT.
func (t *Reader) parsePAT(payload []byte) {
	pid, err := ParsePAT(payload)
	if err != nil {
		t.glitch(fmt.Errorf("PAT: %w", err))
		return
	}
	if pid >= 0 {
		t.pmtPID = pid
	}
}

// parsePMT keeps the first H.264/H.265 stream and the first AAC/Opus
// stream of the program. A PMT without either fails the file; a broken
// section is reported and the next PMT is waited for.
func (t *Reader) parsePMT(payload []byte) error {
	s, err := section(payload, 0x02)
	if err != nil {
		t.glitch(fmt.Errorf("PMT: %w", err))
		return nil
	}
	i := 12 + (int(s[10]&0x0F)<<8 | int(s[11]))
	var video, audio bool
	for i+5 <= len(s) {
		typ, pid := s[i], uint16(s[i+1]&0x1F)<<8|uint16(s[i+2])
		n := int(s[i+3]&0x0F)<<8 | int(s[i+4])
		if i+5+n > len(s) {
			return fmt.Errorf("%w: PMT entry runs past the section", ErrNotTS)
		}
		c, channels := streamCodec(typ, s[i+5:i+5+n])
		i += 5 + n
		if c == None || (c.IsVideo() && video) || (!c.IsVideo() && audio) {
			continue
		}
		video, audio = video || c.IsVideo(), audio || !c.IsVideo()
		t.streams = append(t.streams, &Stream{PID: pid, Codec: c, Channels: channels, cc: -1})
	}
	if len(t.streams) == 0 {
		return fmt.Errorf("%w: the PMT lists no H.264, H.265, AAC or Opus stream", ErrNotTS)
	}
	t.havePMT = true
	return nil
}

// streamCodec maps a PMT stream type and its descriptors to a codec; Opus
// is stream type 0x06 with an "Opus" registration descriptor, its channel
// count in the DVB extension descriptor 0x80.
func streamCodec(typ byte, desc []byte) (Codec, int) {
	switch typ {
	case 0x1B:
		return H264, 0
	case 0x24:
		return H265, 0
	case 0x0F:
		return AAC, 0
	case 0x06:
	default:
		return None, 0
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
		return None, 0
	}
	return Opus, channels
}
