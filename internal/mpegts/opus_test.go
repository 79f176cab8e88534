package mpegts

import (
	"bytes"
	"testing"
)

// TestOpusAccessUnit splits good and bad Opus access units.
func TestOpusAccessUnit(t *testing.T) {
	pkt := bytes.Repeat([]byte{0xFC}, 300)
	cases := []struct {
		name       string
		b          []byte
		want, rest []byte
		ok         bool
	}{
		{"size over 255, another unit after", append(append([]byte{0x7F, 0xE0, 0xFF, 45}, pkt...), 0x7F), pkt, []byte{0x7F}, true},
		{"start and end trim", []byte{0x7F, 0xF8, 3, 0, 1, 0, 2, 0xFC, 1, 2}, []byte{0xFC, 1, 2}, nil, true},
		{"control extension", []byte{0x7F, 0xE4, 1, 2, 9, 9, 0xFC}, []byte{0xFC}, nil, true},
		{"no size", []byte{0x7F, 0xE0}, nil, nil, false},
		{"size cut short", []byte{0x7F, 0xE0, 0xFF}, nil, nil, false},
		{"packet cut short", []byte{0x7F, 0xE0, 5, 1}, nil, nil, false},
		{"no control header", []byte{0x12, 0xE0, 1, 1}, nil, nil, false},
		{"empty packet", []byte{0x7F, 0xE0, 0, 1}, nil, nil, false},
		{"extension cut short", []byte{0x7F, 0xE4, 1}, nil, nil, false},
	}
	for _, c := range cases {
		got, rest, err := OpusAccessUnit(c.b)
		if (err == nil) != c.ok || !bytes.Equal(got, c.want) || !bytes.Equal(rest, c.rest) {
			t.Errorf("%s: % x, rest % x, %v; want % x, % x, ok %v", c.name, got, rest, err, c.want, c.rest, c.ok)
		}
	}
}
