package storagetest

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"

	"github.com/roomrec/roomrec/errcode"
	"github.com/roomrec/roomrec/storage"
)

// Run runs the conformance suite as subtests of t. newStorage returns a
// fresh, empty Storage for one subtest (it may register clean-up with
// t.Cleanup); the subtests run one after another.
func Run(t *testing.T, newStorage func(t *testing.T) storage.Storage) {
	t.Helper()
	tests := []struct {
		name string
		fn   func(t *testing.T, s storage.Storage)
	}{
		{"RoundTrip", testRoundTrip},
		{"Overwrite", testOverwrite},
		{"Stat", testStat},
		{"List", testList},
		{"Missing", testMissing},
		{"InvalidKeys", testInvalidKeys},
		{"ValidOddKeys", testValidOddKeys},
		{"FailingReader", testFailingReader},
		{"ShortReader", testShortReader},
		{"CancelMidPut", testCancel},
		{"ConcurrentPuts", testConcurrent},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.fn(t, newStorage(t))
		})
	}
}

// data returns n pseudo-random bytes that differ with seed.
func data(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, ^seed))
	b := make([]byte, n+8)
	for i := 0; i < n; i += 8 {
		binary.LittleEndian.PutUint64(b[i:], r.Uint64())
	}
	return b[:n]
}

// onlyReader hides Len, Seek and WriteTo so a back-end cannot learn the size.
type onlyReader struct{ r io.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }

func put(t *testing.T, s storage.Storage, key string, b []byte) {
	t.Helper()
	if err := s.Put(context.Background(), key, bytes.NewReader(b), int64(len(b)), storage.ContentType(key)); err != nil {
		t.Fatalf("Put(%q, %d bytes): %v", key, len(b), err)
	}
}

func get(t *testing.T, s storage.Storage, key string) []byte {
	t.Helper()
	rc, err := s.Get(context.Background(), key)
	if err != nil {
		t.Fatalf("Get(%q): %v", key, err)
	}
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("reading %q: %v", key, err)
	}
	if err := rc.Close(); err != nil {
		t.Fatalf("closing %q: %v", key, err)
	}
	return b
}

func list(t *testing.T, s storage.Storage, prefix string) []string {
	t.Helper()
	objs, err := s.List(context.Background(), prefix)
	if err != nil {
		t.Fatalf("List(%q): %v", prefix, err)
	}
	keys := make([]string, 0, len(objs))
	for _, o := range objs {
		keys = append(keys, o.Key)
	}
	return keys
}

func testRoundTrip(t *testing.T, s storage.Storage) {
	cases := []struct {
		key     string
		body    []byte
		unknown bool // size -1 and a reader without Len
	}{
		{"rt/empty.ts", nil, false},
		{"rt/small.m3u8", []byte("#EXTM3U\n#EXT-X-VERSION:3\n"), false},
		{"rt/big.mp4", data(5<<20, 1), false},
		{"rt/unknown.ts", data(3<<20+7, 2), true},
		{"rt/unknown-empty.ts", nil, true},
	}
	for _, c := range cases {
		var r io.Reader = bytes.NewReader(c.body)
		size := int64(len(c.body))
		if c.unknown {
			r, size = onlyReader{r}, -1
		}
		if err := s.Put(context.Background(), c.key, r, size, storage.ContentType(c.key)); err != nil {
			t.Fatalf("Put(%q, size %d): %v", c.key, size, err)
		}
		if got := get(t, s, c.key); !bytes.Equal(got, c.body) {
			t.Errorf("Get(%q) = %d bytes, want the %d bytes put", c.key, len(got), len(c.body))
		}
		o, err := s.Stat(context.Background(), c.key)
		if err != nil {
			t.Fatalf("Stat(%q): %v", c.key, err)
		}
		if o.Key != c.key || o.Size != int64(len(c.body)) {
			t.Errorf("Stat(%q) = %+v, want key %q size %d", c.key, o, c.key, len(c.body))
		}
	}
}

func testOverwrite(t *testing.T, s storage.Storage) {
	const key = "ow/a.m3u8"
	put(t, s, key, data(100_000, 3))
	want := []byte("#EXTM3U\n")
	put(t, s, key, want)
	if got := get(t, s, key); !bytes.Equal(got, want) {
		t.Fatalf("after overwrite Get = %q, want %q", got, want)
	}
	if o, err := s.Stat(context.Background(), key); err != nil || o.Size != int64(len(want)) {
		t.Fatalf("after overwrite Stat = %+v, %v; want size %d", o, err, len(want))
	}
	if keys := list(t, s, "ow/"); len(keys) != 1 || keys[0] != key {
		t.Fatalf("after overwrite List = %q, want [%q]", keys, key)
	}
}

func testStat(t *testing.T, s storage.Storage) {
	for i, key := range []string{"st/a.m3u8", "st/b.ts", "st/c.mp4", "st/d.m4a", "st/e.bin"} {
		body := data(1000+i, uint64(10+i))
		put(t, s, key, body)
		o, err := s.Stat(context.Background(), key)
		if err != nil {
			t.Fatalf("Stat(%q): %v", key, err)
		}
		if o.Key != key || o.Size != int64(len(body)) || o.ContentType != storage.ContentType(key) || o.ModTime.IsZero() {
			t.Errorf("Stat(%q) = %+v, want size %d type %q and a ModTime", key, o, len(body), storage.ContentType(key))
		}
	}
}

func testList(t *testing.T, s storage.Storage) {
	keys := []string{"l/b.ts", "l/b/c.ts", "l/b/d/e.m3u8", "l/bb.ts", "l/a.ts", "l/b.m3u8", "m/x.ts", "l-x.ts"}
	for i, k := range keys {
		put(t, s, k, data(10+i, uint64(i)))
	}
	cases := []struct {
		prefix string
		want   []string
	}{
		{"", []string{"l-x.ts", "l/a.ts", "l/b.m3u8", "l/b.ts", "l/b/c.ts", "l/b/d/e.m3u8", "l/bb.ts", "m/x.ts"}},
		{"l", []string{"l-x.ts", "l/a.ts", "l/b.m3u8", "l/b.ts", "l/b/c.ts", "l/b/d/e.m3u8", "l/bb.ts"}},
		{"l/", []string{"l/a.ts", "l/b.m3u8", "l/b.ts", "l/b/c.ts", "l/b/d/e.m3u8", "l/bb.ts"}},
		{"l/b", []string{"l/b.m3u8", "l/b.ts", "l/b/c.ts", "l/b/d/e.m3u8", "l/bb.ts"}},
		{"l/b/", []string{"l/b/c.ts", "l/b/d/e.m3u8"}},
		{"l/b/d/e.m3u8", []string{"l/b/d/e.m3u8"}},
		{"l/b.", []string{"l/b.m3u8", "l/b.ts"}},
		{"l/z", []string{}},
		{"nothing/", []string{}},
		{"l/b.ts/", []string{}}, // a key is not a folder
	}
	for _, c := range cases {
		if got := list(t, s, c.prefix); fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("List(%q) = %q, want %q", c.prefix, got, c.want)
		}
	}
	objs, err := s.List(context.Background(), "l/b/d/")
	if err != nil || len(objs) != 1 {
		t.Fatalf("List(l/b/d/) = %+v, %v", objs, err)
	}
	if o := objs[0]; o.Size != 12 || o.ContentType != storage.ContentType(o.Key) || o.ModTime.IsZero() {
		t.Errorf("List object = %+v, want size 12, type %q and a ModTime", o, storage.ContentType(o.Key))
	}
}

func testMissing(t *testing.T, s storage.Storage) {
	put(t, s, "ms/dir/a.ts", []byte("x"))
	for _, key := range []string{"ms/none.ts", "ms/dir", "ms/dir/a.ts/b", "other/a.ts"} {
		if _, err := s.Get(context.Background(), key); !errors.Is(err, storage.ErrNotExist) {
			t.Errorf("Get(%q) error = %v, want ErrNotExist", key, err)
		}
		_, err := s.Stat(context.Background(), key)
		if !errors.Is(err, storage.ErrNotExist) {
			t.Errorf("Stat(%q) error = %v, want ErrNotExist", key, err)
		}
		var se *storage.Error
		if !errors.As(err, &se) || se.Retryable {
			t.Errorf("Stat(%q) error = %#v, want a non-retryable *storage.Error", key, err)
		}
	}
}

func testInvalidKeys(t *testing.T, s storage.Storage) {
	ctx := context.Background()
	badKeys := []string{
		"", "/a.ts", "a/", "a//b.ts", "a/../b.ts", "..", ".", "a/./b", "../a",
		`a\b.ts`, "a\x00b", "a\nb", "a\tb", "a\x7fb", "a\u0085b", "a\xffb",
		".roomrec-tmp-x", "a/.roomrec-tmp-1/b", strings.Repeat("a", storage.MaxKeyLen+1),
	}
	for _, key := range badKeys {
		checkInvalid(t, "Put", key, s.Put(ctx, key, bytes.NewReader([]byte("x")), 1, storage.DefaultContentType))
		_, err := s.Get(ctx, key)
		checkInvalid(t, "Get", key, err)
		_, err = s.Stat(ctx, key)
		checkInvalid(t, "Stat", key, err)
	}
	for _, prefix := range []string{"/a", "a//", "../", "a/../", `a\`, "a\x00", "\xff"} {
		_, err := s.List(ctx, prefix)
		checkInvalid(t, "List", prefix, err)
	}
	if keys := list(t, s, ""); len(keys) != 0 {
		t.Errorf("after rejected Puts the store holds %q", keys)
	}
}

func checkInvalid(t *testing.T, op, key string, err error) {
	t.Helper()
	if !errors.Is(err, storage.ErrKey) || !errors.Is(err, errcode.InvalidParameter) {
		t.Errorf("%s(%q) error = %v, want %s", op, key, err, storage.ErrKey)
	}
}

func testValidOddKeys(t *testing.T, s storage.Storage) {
	keys := []string{
		"rec/task-1/1400123456_12345__UserId_s_MTY4NjExOQ..__UserId_e_main_video.m3u8",
		"a/..b/c..", "a/.hidden", "ünï/cödé 空白.ts", "a/b+c=d@e,f;g.ts",
	}
	for i, k := range keys {
		body := data(50+i, uint64(100+i))
		put(t, s, k, body)
		if got := get(t, s, k); !bytes.Equal(got, body) {
			t.Errorf("Get(%q) differs from what was put", k)
		}
	}
	if got := list(t, s, ""); len(got) != len(keys) {
		t.Errorf("List(\"\") = %q, want %d keys", got, len(keys))
	}
}

// brokenReader yields n bytes of zeros and then fails with err.
type brokenReader struct {
	n   int
	err error
}

func (r *brokenReader) Read(p []byte) (int, error) {
	if r.n == 0 {
		return 0, r.err
	}
	n := min(len(p), r.n)
	clear(p[:n])
	r.n -= n
	return n, nil
}

func testFailingReader(t *testing.T, s storage.Storage) {
	const key, old = "fr/a.ts", "fr/old.ts"
	boom := errors.New("disk of the source died")
	for _, size := range []int64{2 << 20, -1} {
		err := s.Put(context.Background(), key, &brokenReader{n: 1 << 20, err: boom}, size, storage.ContentType(key))
		if !errors.Is(err, boom) {
			t.Errorf("Put with a failing reader (size %d) error = %v, want it to wrap the reader's error", size, err)
		}
	}
	if _, err := s.Stat(context.Background(), key); !errors.Is(err, storage.ErrNotExist) {
		t.Errorf("after a failed Put, Stat error = %v, want ErrNotExist", err)
	}
	// A failed overwrite keeps the old object whole.
	want := data(3000, 7)
	put(t, s, old, want)
	err := s.Put(context.Background(), old, &brokenReader{n: 1 << 20, err: boom}, -1, storage.ContentType(old))
	if !errors.Is(err, boom) {
		t.Errorf("failed overwrite error = %v, want the reader's error", err)
	}
	if got := get(t, s, old); !bytes.Equal(got, want) {
		t.Errorf("a failed overwrite changed the object: %d bytes, want the old %d", len(got), len(want))
	}
	if keys := list(t, s, ""); fmt.Sprint(keys) != fmt.Sprint([]string{old}) {
		t.Errorf("after failed Puts List = %q, want [%q]", keys, old)
	}
}

func testShortReader(t *testing.T, s storage.Storage) {
	const key = "sr/a.ts"
	err := s.Put(context.Background(), key, onlyReader{bytes.NewReader(data(1000, 9))}, 5000, storage.ContentType(key))
	if err == nil {
		t.Fatal("Put of 1000 bytes declared as 5000 succeeded")
	}
	if keys := list(t, s, ""); len(keys) != 0 {
		t.Errorf("after a short Put List = %q, want nothing", keys)
	}
}

// cancelReader cancels its context once it has yielded after bytes and
// keeps yielding data, so only the storage can notice the cancellation.
type cancelReader struct {
	r      io.Reader
	after  int
	cancel context.CancelFunc
	read   int
}

func (c *cancelReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.read += n
	if c.read >= c.after {
		c.cancel()
	}
	return n, err
}

func testCancel(t *testing.T, s storage.Storage) {
	const key = "cx/a.ts"
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r := &cancelReader{r: bytes.NewReader(data(8<<20, 11)), after: 1 << 20, cancel: cancel}
	err := s.Put(ctx, key, r, 8<<20, storage.ContentType(key))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Put cancelled midway error = %v, want context.Canceled", err)
	}
	if keys := list(t, s, ""); len(keys) != 0 {
		t.Errorf("after a cancelled Put List = %q, want nothing", keys)
	}
	if err := s.Put(ctx, key, bytes.NewReader([]byte("x")), 1, storage.ContentType(key)); !errors.Is(err, context.Canceled) {
		t.Errorf("Put with a cancelled context error = %v, want context.Canceled", err)
	}
}

func testConcurrent(t *testing.T, s storage.Storage) {
	const n = 16
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			key := fmt.Sprintf("cc/%02d/seg%02d.ts", i%4, i)
			b := data(64<<10+i, uint64(200+i))
			errs[i] = s.Put(context.Background(), key, bytes.NewReader(b), int64(len(b)), storage.ContentType(key))
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("concurrent Put %d: %v", i, err)
		}
	}
	keys := list(t, s, "cc/")
	if len(keys) != n {
		t.Fatalf("List after %d concurrent Puts = %d keys", n, len(keys))
	}
	for i := range n {
		key := fmt.Sprintf("cc/%02d/seg%02d.ts", i%4, i)
		if got := get(t, s, key); !bytes.Equal(got, data(64<<10+i, uint64(200+i))) {
			t.Errorf("Get(%q) differs from what was put", key)
		}
	}
}
