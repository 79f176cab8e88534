package objstoretest

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"math/rand/v2"
	"testing"

	"github.com/roomrec/roomrec/storage"
)

// RandomBytes returns n pseudo-random bytes, the same for the same seed.
func RandomBytes(n int, seed uint64) []byte {
	b := make([]byte, n+8)
	r := rand.New(rand.NewPCG(seed, seed+1))
	for i := 0; i < n; i += 8 {
		binary.LittleEndian.PutUint64(b[i:], r.Uint64())
	}
	return b[:n]
}

// StorageError returns the *storage.Error in err's chain; it ends the test
// with t.Fatalf when there is none (err nil included).
func StorageError(t testing.TB, err error) *storage.Error {
	t.Helper()
	var se *storage.Error
	if !errors.As(err, &se) {
		t.Fatalf("error %v (%T) is not a *storage.Error", err, err)
	}
	return se
}

// RoundTripLarge puts want under "big/known.mp4" with its size and under
// "big/unknown.mp4" with size -1 (content type video/mp4), and checks that
// Get returns the same bytes and Stat the size and type. It ends the test
// at the first failure.
func RoundTripLarge(t *testing.T, st storage.Storage, want []byte) {
	t.Helper()
	for _, size := range []int64{int64(len(want)), -1} {
		key := "big/known.mp4"
		var r io.Reader = bytes.NewReader(want)
		if size < 0 {
			key, r = "big/unknown.mp4", struct{ io.Reader }{r}
		}
		if err := st.Put(context.Background(), key, r, size, "video/mp4"); err != nil {
			t.Fatalf("Put(%s): %v", key, err)
		}
		rc, err := st.Get(context.Background(), key)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(rc)
		rc.Close()
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("Get(%s) = %d bytes, %v; want the %d bytes put", key, len(got), err, len(want))
		}
		if o, err := st.Stat(context.Background(), key); err != nil || o.Size != int64(len(want)) || o.ContentType != "video/mp4" {
			t.Fatalf("Stat(%s) = %+v, %v", key, o, err)
		}
	}
}

// CheckRefused checks that a Put of "a/b.ts" and a List both fail with
// wantCode, not retryable (the store refused the credentials).
func CheckRefused(t *testing.T, st storage.Storage, wantCode string) {
	t.Helper()
	err := st.Put(context.Background(), "a/b.ts", bytes.NewReader([]byte("x")), 1, "video/mp2t")
	if se := StorageError(t, err); se.Code != wantCode || se.Retryable || se.Op != storage.OpPut || se.Key != "a/b.ts" {
		t.Errorf("Put error = %+v, want code %s, not retryable", se, wantCode)
	}
	_, err = st.List(context.Background(), "")
	if se := StorageError(t, err); se.Code != wantCode || se.Retryable {
		t.Errorf("List error = %+v, want code %s, not retryable", se, wantCode)
	}
}

// CheckHung checks that Put, Get, Stat and List on a server that never
// answers fail with wantCode (the back-end's request timeout), retryable
// and matching context.DeadlineExceeded.
func CheckHung(t *testing.T, st storage.Storage, wantCode string) {
	t.Helper()
	ctx := context.Background()
	for name, call := range map[string]func() error{
		"Put":  func() error { return st.Put(ctx, "a.ts", bytes.NewReader([]byte("abc")), 3, "") },
		"Get":  func() error { _, err := st.Get(ctx, "a.ts"); return err },
		"Stat": func() error { _, err := st.Stat(ctx, "a.ts"); return err },
		"List": func() error { _, err := st.List(ctx, ""); return err },
	} {
		se := StorageError(t, call())
		if !se.Retryable || se.Code != wantCode || !errors.Is(se, context.DeadlineExceeded) {
			t.Errorf("%s on a hung server: %+v, want retryable %s", name, se, wantCode)
		}
	}
}
