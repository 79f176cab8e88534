package mp4

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"testing"
	"time"

	"github.com/roomrec/roomrec/hls"
)

// memStore is an in-memory Source and Sink.
type memStore map[string][]byte

func (m memStore) Get(_ context.Context, key string) (io.ReadCloser, error) {
	b, ok := m[key]
	if !ok {
		return nil, fmt.Errorf("%s: %w", key, fs.ErrNotExist)
	}
	return io.NopCloser(bytes.NewReader(b)), nil
}

func (m memStore) Put(_ context.Context, key string, r io.Reader, size int64, _ string) error {
	b, err := io.ReadAll(r)
	if err == nil && int64(len(b)) != size {
		err = fmt.Errorf("%s: %d bytes, announced %d", key, len(b), size)
	}
	m[key] = b
	return err
}

// fuzzPlaylists are the playlists of the fuzz seeds; they list s.ts.
var fuzzPlaylists = []string{
	"#EXTM3U\n#EXTINF:2.000,\ns.ts\n#EXT-X-ENDLIST\n",
	"#EXTM3U\n#EXT-X-TRTC-START-REC-TIME:1622425551884\n#EXTINF:2,\ns.ts\n#EXT-X-DISCONTINUITY\n#EXTINF:2,\ns.ts\n",
	"#EXTM3U\n#EXTINF:2,\ns.ts\n#EXTINF:2,\ns.ts\n#EXTINF:2,\nt.ts\n",
}

// fuzzSegment records one small segment (the solid red clip, 2 s, and
// 20 ms Opus packets) with our segmenter.
func fuzzSegment(t testing.TB) []byte {
	t.Helper()
	aus, err := loadH264(filepath.Join("..", "testdata", "media", "solid_red.h264"))
	if err != nil {
		t.Fatal(err)
	}
	m := media{vcodec: hls.CodecH264, acodec: hls.CodecOpus, rate: 48000, channels: 2, video: aus}
	for i := range 100 {
		m.audio = append(m.audio, frame{pts: int64(i) * 1800, dts: int64(i) * 1800, data: [][]byte{{0xFC, 0xFF, 0xFE}}})
	}
	dir := t.TempDir()
	s := segmenter(t, dir, "s", m, m.vcodec, m.acodec, testStart, 10*time.Second)
	feed(t, s, m, 0)
	closeSeg(t, s)
	st := tsFrames(t, dir, "s.m3u8") // checks the segment reads back
	if len(st.video) != len(aus) {
		t.Fatalf("%d frames in the seed segment", len(st.video))
	}
	segs, _ := filepath.Glob(filepath.Join(dir, "s_*.ts"))
	return mustRead(t, segs[0])
}

// FuzzConvert feeds arbitrary playlists and segments to Convert with small
// limits (so splits happen): it must return parts or an error, never
// panic, and every part it stores must be as long as announced. The seeds
// (testdata/fuzz/FuzzConvert, and those added here) are a real segment,
// cut, damaged as in errorCases, and repeated.
func FuzzConvert(f *testing.F) {
	seg := fuzzSegment(f)
	for i, pl := range fuzzPlaylists {
		f.Add(pl, seg)
		f.Add(pl, seg[:len(seg)/(i+2)+i*50])
	}
	damaged := bytes.Clone(seg)
	for i := 188*3 + 10; i < len(damaged); i += 997 {
		damaged[i] ^= 0x5A
	}
	f.Add(fuzzPlaylists[0], damaged)
	for _, edit := range []func([]byte) []byte{garbage, nullPackets, losePackets} { // as in errorCases
		f.Add(fuzzPlaylists[0], edit(bytes.Clone(seg)))
	}
	f.Fuzz(func(t *testing.T, playlist string, segment []byte) {
		store := memStore{"p/rec.m3u8": []byte(playlist), "p/s.ts": segment, "p/t.ts": segment[:len(segment)/2]}
		parts, err := Convert(context.Background(), store, []string{"p/rec.m3u8"}, store,
			Options{MaxDuration: time.Second, MaxSize: MinMaxSize, TempDir: t.TempDir()})
		if err != nil && !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrNoMedia) && !errors.Is(err, ErrSource) {
			t.Fatalf("unexpected error class: %v", err)
		}
		for _, p := range parts {
			if int64(len(store[p.Name])) != p.Size || p.Size > MinMaxSize+int64(len(segment)) { // one sample may exceed it
				t.Fatalf("part %s: %d bytes stored, %d announced", p.Name, len(store[p.Name]), p.Size)
			}
		}
	})
}
