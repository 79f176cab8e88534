package mp4

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/roomrec/roomrec/errcode"
)

// smallRecording writes the clips once as a mixed playlist rec.m3u8 (five
// 2 s segments) and returns the folder and the segment names.
func smallRecording(t *testing.T) (string, []string) {
	t.Helper()
	dir := t.TempDir()
	record(t, dir, clipMedia(t, 1), layout{name: "rec"})
	var segs []string
	for _, s := range readPlaylist(t, filepath.Join(dir, "rec.m3u8")).Segments {
		segs = append(segs, s.URI)
	}
	return dir, segs
}

// failingSink fails every Put.
type failingSink struct{}

func (failingSink) Put(context.Context, string, io.Reader, int64, string) error {
	return errors.New("storage is down")
}

// mutation breaks a recording (folder, segment names).
type mutation func(t *testing.T, dir string, segs []string)

// writeFile replaces a file of the recording.
func writeFile(name, data string) mutation {
	return func(t *testing.T, dir string, _ []string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// editSegment replaces the third segment by edit(its content).
func editSegment(edit func([]byte) []byte) mutation {
	return func(t *testing.T, dir string, segs []string) {
		p := filepath.Join(dir, segs[2])
		if err := os.WriteFile(p, edit(mustRead(t, p)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// garbage returns 50000 random bytes.
func garbage([]byte) []byte {
	b := make([]byte, 50000)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// nullPackets returns 20 TS null packets.
func nullPackets([]byte) []byte {
	b := make([]byte, 188*20)
	for i := 0; i < len(b); i += 188 {
		copy(b[i:], []byte{0x47, 0x1F, 0xFF, 0x10})
	}
	return b
}

// losePackets turns four packets in the middle into null packets.
func losePackets(b []byte) []byte {
	mid := len(b) / 188 / 2
	for i := mid; i < mid+4 && i < len(b)/188; i++ {
		p := b[i*188 : (i+1)*188]
		copy(p, []byte{0x47, 0x1F, 0xFF, 0x10})
		for j := 4; j < len(p); j++ {
			p[j] = 0xFF
		}
	}
	return b
}

// copyPlaylist makes rec2.m3u8, a copy of rec.m3u8.
func copyPlaylist(t *testing.T, dir string, _ []string) {
	if err := os.WriteFile(filepath.Join(dir, "rec2.m3u8"), mustRead(t, filepath.Join(dir, "rec.m3u8")), 0o644); err != nil {
		t.Fatal(err)
	}
}

// removeSegment deletes the third segment.
func removeSegment(t *testing.T, dir string, segs []string) {
	if err := os.Remove(filepath.Join(dir, segs[2])); err != nil {
		t.Fatal(err)
	}
}

// errorCases are the broken recordings of TestConvertErrors: want is the
// error (nil: it converts, with damage reported in the third segment).
var errorCases = []struct {
	name     string
	keys     []string
	mutate   mutation
	sink     Sink
	want     error
	contains string
}{
	{"missing playlist", []string{"nope.m3u8"}, nil, nil, fs.ErrNotExist, "nope.m3u8"},
	{"malformed playlist", nil, writeFile("rec.m3u8", "<html>"), nil, ErrCorrupt, "rec.m3u8"},
	{"segment outside the folder", nil, writeFile("rec.m3u8", "#EXTM3U\n#EXTINF:2,\n../x.ts\n"), nil, ErrCorrupt, "../x.ts"},
	{"no segments", nil, writeFile("rec.m3u8", "#EXTM3U\n#EXT-X-ENDLIST\n"), nil, ErrNoMedia, ""},
	{"missing segment", nil, removeSegment, nil, fs.ErrNotExist, ""},
	{"garbage segment", nil, editSegment(garbage), nil, ErrCorrupt, "no sync byte"},
	{"segment without PMT", nil, editSegment(nullPackets), nil, ErrCorrupt, "no program map table"},
	{"empty segment", nil, editSegment(func([]byte) []byte { return nil }), nil, ErrCorrupt, "no program map table"},
	{"same track twice", []string{"rec.m3u8", "rec2.m3u8"}, copyPlaylist, nil, ErrCorrupt, "both hold"},
	{"storage down", nil, nil, failingSink{}, ErrSink, "storage is down"},
	{"truncated segment", nil, editSegment(func(b []byte) []byte { return b[:len(b)/2+100] }), nil, nil, ""},
	{"lost packets", nil, editSegment(losePackets), nil, nil, ""},
}

// TestConvertErrors breaks a recording in the ways a stored HLS can be
// broken and checks the error, that nothing was stored and that no
// temporary file is left. A damaged (but still MPEG-TS) segment converts,
// with the damage reported.
func TestConvertErrors(t *testing.T) {
	for _, c := range errorCases {
		t.Run(c.name, func(t *testing.T) {
			dir, segs := smallRecording(t)
			if c.mutate != nil {
				c.mutate(t, dir, segs)
			}
			keys, sink := c.keys, c.sink
			if keys == nil {
				keys = []string{"rec.m3u8"}
			}
			if sink == nil {
				sink = Dir(dir)
			}
			tmp := t.TempDir()
			var reports []error
			parts, err := Convert(context.Background(), Dir(dir), keys, sink,
				Options{TempDir: tmp, OnDecodeError: func(err error) { reports = append(reports, err) }})
			if left, _ := os.ReadDir(tmp); len(left) > 0 {
				t.Errorf("temporary files left: %v", left)
			}
			if c.want == nil {
				if err != nil || len(parts) != 1 || len(reports) == 0 || !errors.Is(reports[0], ErrDamaged) ||
					!strings.Contains(reports[0].Error(), segs[2]) {
					t.Fatalf("err %v, parts %v, reports %v: want one part and damage reported in %s", err, parts, reports, segs[2])
				}
				checkOracle(t, filepath.Join(dir, parts[0].Name))
				return
			}
			if !errors.Is(err, c.want) || !strings.Contains(err.Error(), c.contains) || len(parts) != 0 {
				t.Fatalf("err %v, parts %v: want %v mentioning %q", err, parts, c.want, c.contains)
			}
			if _, serr := os.Stat(filepath.Join(dir, "rec.mp4")); serr == nil {
				t.Fatal("an MP4 was stored despite the error")
			}
		})
	}
}

// TestConvertArguments checks the argument and option errors.
func TestConvertArguments(t *testing.T) {
	d := Dir(t.TempDir())
	cases := []struct {
		name      string
		src       Source
		playlists []string
		sink      Sink
		opts      Options
		code      errcode.Code
	}{
		{"no source", nil, []string{"a.m3u8"}, d, Options{}, "InvalidParameter.Source"},
		{"no sink", d, []string{"a.m3u8"}, nil, Options{}, "InvalidParameter.Sink"},
		{"no playlist", d, nil, d, Options{}, "InvalidParameter.Playlists"},
		{"twice", d, []string{"a.m3u8", "a.m3u8"}, d, Options{}, "InvalidParameter.Playlists"},
		{"short", d, []string{"a.m3u8"}, d, Options{MaxDuration: 1}, "InvalidParameter.MaxDuration"},
		{"small", d, []string{"a.m3u8"}, d, Options{MaxSize: 1000}, "InvalidParameter.MaxSize"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Convert(context.Background(), c.src, c.playlists, c.sink, c.opts)
			if !errors.Is(err, c.code) {
				t.Fatalf("got %v, want %s", err, c.code)
			}
		})
	}
}

// TestConvertCancelled checks that a cancelled context stops the
// conversion with its error.
func TestConvertCancelled(t *testing.T) {
	dir, _ := smallRecording(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	parts, err := Convert(ctx, Dir(dir), []string{"rec.m3u8"}, Dir(dir), Options{TempDir: t.TempDir()})
	if !errors.Is(err, context.Canceled) || len(parts) != 0 {
		t.Fatalf("parts %v, err %v; want context.Canceled", parts, err)
	}
}
