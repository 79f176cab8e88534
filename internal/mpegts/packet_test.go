package mpegts

import (
	"bytes"
	"testing"
)

// TestCRC32 checks the CRC-32/MPEG-2 check value and that a section
// followed by its CRC yields 0.
func TestCRC32(t *testing.T) {
	if got := CRC32([]byte("123456789")); got != 0x0376E6E7 {
		t.Fatalf("CRC32(123456789) = %#x, want 0x0376e6e7", got)
	}
	s := psiSection(0x00, []byte{0, 1, 0xF0, 0})[1:]
	if got := CRC32(s); got != 0 {
		t.Fatalf("CRC32 of a section with its CRC = %#x, want 0", got)
	}
}

// TestTimestamps writes and reads back PES timestamps, and checks the
// prefix, the marker bits and the 33-bit wrap.
func TestTimestamps(t *testing.T) {
	for _, ts := range []int64{0, 1, 90000, 1<<30 - 1, 1 << 30, 1<<32 + 12345, Mask, Wrap, Wrap + 7, -1} {
		for _, prefix := range []byte{1, 2, 3} {
			var b [5]byte
			PutTimestamp(b[:], prefix, ts)
			if got := ReadTimestamp(b[:]); got != ts&Mask {
				t.Errorf("timestamp %d: read back %d, want %d", ts, got, ts&Mask)
			}
			if b[0]>>4 != prefix || b[0]&1 != 1 || b[2]&1 != 1 || b[4]&1 != 1 {
				t.Errorf("timestamp %d prefix %d: % x lacks its prefix or marker bits", ts, prefix, b)
			}
		}
	}
}

// TestWrapDelta checks differences of 33-bit timestamps across the wrap.
func TestWrapDelta(t *testing.T) {
	cases := []struct{ a, b, want int64 }{
		{100, 40, 60},
		{40, 100, -60},
		{5, Mask - 4, 10},
		{Mask - 4, 5, -10},
		{Wrap / 2, 0, Wrap / 2},
		{Wrap/2 + 1, 0, -Wrap/2 + 1},
	}
	for _, c := range cases {
		if got := WrapDelta(c.a, c.b); got != c.want {
			t.Errorf("WrapDelta(%d, %d) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}

// TestPayload checks the payload of packets with and without an
// adaptation field.
func TestPayload(t *testing.T) {
	var w tsWriter
	w.packet(0x123, true, false, payloadOf(1, 184))
	w.packet(0x123, false, true, payloadOf(2, 10))
	w.packet(0x124, false, false, nil) // all adaptation field
	cases := []struct {
		pid  uint16
		pusi bool
		want []byte
	}{
		{0x123, true, payloadOf(1, 184)},
		{0x123, false, payloadOf(2, 10)},
		{0x124, false, nil},
	}
	for i, c := range cases {
		pid, pusi, got := Payload(w.b[i*PacketSize : (i+1)*PacketSize])
		if pid != c.pid || pusi != c.pusi || !bytes.Equal(got, c.want) {
			t.Errorf("packet %d: pid %#x pusi %v payload % x, want %#x %v % x", i, pid, pusi, got, c.pid, c.pusi, c.want)
		}
	}
}

// TestParsePES checks PES headers, good and bad.
func TestParsePES(t *testing.T) {
	data := payloadOf(9, 20)
	good := pesBytes(1000, 0, false, true, data)
	cases := []struct {
		name     string
		b        []byte
		want     int
		pts, dts int64
		data     []byte
		ok       bool
	}{
		{"PTS only", good, 0, 1000, 1000, data, true},
		{"PTS and DTS", pesBytes(7000, 4000, true, false, data), 0, 7000, 4000, data, true},
		{"bytes past its length ignored", append(good, 1, 2, 3), len(good), 1000, 1000, data, true},
		{"cut short", good[:len(good)-1], len(good), 0, 0, nil, false},
		{"length shorter than its header", good, 7, 0, 0, nil, false},
		{"bad start code", append([]byte{0, 0, 2}, good[3:]...), 0, 0, 0, nil, false},
		{"too short", good[:8], 0, 0, 0, nil, false},
		{"header past the end", good[:12], 0, 0, 0, nil, false},
		{"no PTS", append(append([]byte{}, good[:7]...), 0x00, 0), 0, 0, 0, nil, false},
		{"DTS flag, short header", append(append([]byte{}, good[:7]...), 0xC0, 5, 0x21, 0, 1, 0, 1), 0, 0, 0, nil, false},
	}
	for _, c := range cases {
		p, err := ParsePES(c.b, c.want)
		if (err == nil) != c.ok {
			t.Errorf("%s: error %v, want ok %v", c.name, err, c.ok)
			continue
		}
		if c.ok && (p.PTS != c.pts || p.DTS != c.dts || !bytes.Equal(p.Data, c.data) || p.Stream != nil) {
			t.Errorf("%s: PTS %d DTS %d data % x, want %d %d % x", c.name, p.PTS, p.DTS, p.Data, c.pts, c.dts, c.data)
		}
	}
}

// TestParsePAT checks the PMT PID of a PAT, and broken PATs.
func TestParsePAT(t *testing.T) {
	good := psiSection(0x00, []byte{0, 0, 0xE0, 0x10, 0, 1, 0xE1, 0x23}) // network PID first
	bad := bytes.Clone(good)
	bad[len(bad)-1] ^= 1
	cases := []struct {
		name    string
		payload []byte
		want    int
		ok      bool
	}{
		{"first program", good, 0x123, true},
		{"no program", psiSection(0x00, nil), -1, true},
		{"CRC mismatch", bad, -1, false},
		{"wrong table", psiSection(0x02, []byte{0, 1, 0xE1, 0x23}), -1, false},
		{"pointer past the end", []byte{5, 0}, -1, false},
		{"spans packets", good[:len(good)-2], -1, false},
	}
	for _, c := range cases {
		got, err := ParsePAT(c.payload)
		if got != c.want || (err == nil) != c.ok {
			t.Errorf("%s: ParsePAT = %d, %v; want %d, ok %v", c.name, got, err, c.want, c.ok)
		}
	}
}
