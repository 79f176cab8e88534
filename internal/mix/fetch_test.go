package mix

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// encodePNG returns a w×h PNG, flat or (noisy) hard to compress.
func encodePNG(t testing.TB, w, h int, noisy bool) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	x := uint32(1)
	for i := range img.Pix {
		img.Pix[i] = 200
		if noisy {
			x = x*1664525 + 1013904223
			img.Pix[i] = byte(x >> 24)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func encodeJPEG(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	img.Set(0, 0, color.White)
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// imageServer serves images, and ways to fail, on 127.0.0.1.
func imageServer(t *testing.T) *httptest.Server {
	release := make(chan struct{})
	small, huge := encodePNG(t, 40, 20, false), encodePNG(t, 5000, 10, false)
	mux := http.NewServeMux()
	serve := func(path string, body []byte, typ string) {
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", typ)
			w.Write(body)
		})
	}
	serve("/logo.png", small, "image/png")
	serve("/logo.jpg", encodeJPEG(t, 30, 10), "image/jpeg")
	serve("/named-wrong", small, "text/plain") // the signature decides, not the header
	serve("/huge.png", huge, "image/png")
	serve("/big.png", encodePNG(t, 200, 200, true), "image/png") // over MaxBytes below
	serve("/anim.gif", []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"), "image/gif")
	serve("/broken.png", small[:60], "image/png")
	mux.HandleFunc("/chunked", func(w http.ResponseWriter, r *http.Request) {
		for range 40 { // no Content-Length: the cap is counted while reading
			w.Write(make([]byte, 1024))
			w.(http.Flusher).Flush()
		}
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		select { // answers only when the client gave up (or the test ends)
		case <-r.Context().Done():
		case <-release:
		}
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(func() { close(release); srv.Close() })
	return srv
}

// TestFetchWatermark downloads images from an httptest server on
// 127.0.0.1: what is accepted, and every way a download fails (all
// matching ErrFetch, with a message that says why).
func TestFetchWatermark(t *testing.T) {
	srv := imageServer(t)
	lim := FetchLimits{Timeout: 200 * time.Millisecond, MaxBytes: 32 << 10, MaxSide: 4096}
	cases := []struct {
		path string
		w, h int    // accepted image size
		err  string // else: the error says this
	}{
		{"/logo.png", 40, 20, ""},
		{"/logo.jpg", 30, 10, ""},
		{"/named-wrong", 40, 20, ""},
		{"/huge.png", 0, 0, "5000x10 pixels"},
		{"/big.png", 0, 0, "more than"},
		{"/chunked", 0, 0, "more than the 32768 bytes"},
		{"/anim.gif", 0, 0, "not a PNG or JPEG"},
		{"/broken.png", 0, 0, "image"},
		{"/missing", 0, 0, "404"},
		{"/slow", 0, 0, "deadline exceeded"},
	}
	for _, tc := range cases {
		t.Run(strings.TrimPrefix(tc.path, "/"), func(t *testing.T) {
			img, err := FetchWatermark(context.Background(), srv.Client(), srv.URL+tc.path, lim)
			if tc.err == "" {
				if err != nil {
					t.Fatal(err)
				}
				if b := img.Bounds(); b.Dx() != tc.w || b.Dy() != tc.h {
					t.Fatalf("image %v, want %dx%d", b, tc.w, tc.h)
				}
				return
			}
			if !errors.Is(err, ErrFetch) || !strings.Contains(err.Error(), tc.err) {
				t.Fatalf("error %v, want ErrFetch saying %q", err, tc.err)
			}
		})
	}
}

func TestFetchWatermarkURL(t *testing.T) {
	for _, u := range []string{"ftp://example.com/a.png", "file:///etc/passwd", "http://", "::", "/relative.png"} {
		if _, err := FetchWatermark(context.Background(), nil, u, FetchLimits{}); !errors.Is(err, ErrFetch) ||
			!strings.Contains(err.Error(), "not an http or https URL") {
			t.Errorf("%q: %v", u, err)
		}
	}
	// A cancelled context is a failure too, before any connection.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := FetchWatermark(ctx, nil, "http://127.0.0.1:1/x.png", FetchLimits{}); !errors.Is(err, ErrFetch) {
		t.Errorf("cancelled: %v", err)
	}
	if got := (FetchLimits{}).withDefaults(); got.MaxBytes != DefaultMaxImageBytes || got.MaxSide != DefaultMaxImageSide ||
		got.Timeout != DefaultFetchTimeout {
		t.Errorf("defaults %+v", got)
	}
}
