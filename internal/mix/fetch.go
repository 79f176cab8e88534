package mix

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Defaults of FetchLimits.
const (
	// DefaultFetchTimeout bounds one download, headers and body.
	DefaultFetchTimeout = 10 * time.Second
	// DefaultMaxImageBytes is the largest image file accepted (5 MiB).
	DefaultMaxImageBytes = 5 << 20
	// DefaultMaxImageSide is the largest image width or height accepted:
	// a 4096×4096 image decodes to 64 MiB.
	DefaultMaxImageSide = 4096
)

// FetchLimits bounds what FetchWatermark accepts; zero fields get the
// defaults.
type FetchLimits struct {
	// Timeout bounds the whole download (default DefaultFetchTimeout).
	Timeout time.Duration
	// MaxBytes is the largest file size (default DefaultMaxImageBytes).
	MaxBytes int64
	// MaxSide is the largest width or height, checked from the image
	// header before decoding (default DefaultMaxImageSide).
	MaxSide int
}

// FetchWatermark downloads a watermark image: an http or https URL, a PNG
// or JPEG file within the limits, decoded. client nil means
// http.DefaultClient. Every error matches ErrFetch and says why (bad URL,
// HTTP status, timeout, too many bytes, too many pixels, not PNG or JPEG,
// undecodable); the recorder fires event 309 with the URL and records
// without the image.
func FetchWatermark(ctx context.Context, client *http.Client, rawURL string, lim FetchLimits) (image.Image, error) {
	lim = lim.withDefaults()
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%w: %q is not an http or https URL", ErrFetch, rawURL)
	}
	if client == nil {
		client = http.DefaultClient
	}
	ctx, cancel := context.WithTimeout(ctx, lim.Timeout)
	defer cancel()
	data, err := download(ctx, client, u.String(), lim.MaxBytes)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrFetch, rawURL, err)
	}
	img, err := decodeImage(data, lim.MaxSide)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrFetch, rawURL, err)
	}
	return img, nil
}

func (l FetchLimits) withDefaults() FetchLimits {
	if l.Timeout <= 0 {
		l.Timeout = DefaultFetchTimeout
	}
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultMaxImageBytes
	}
	if l.MaxSide <= 0 {
		l.MaxSide = DefaultMaxImageSide
	}
	return l
}

// download GETs the URL and returns the body, at most limit bytes.
func download(ctx context.Context, client *http.Client, u string, limit int64) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "image/png, image/jpeg")
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("HTTP status %s", resp.Status)
	}
	if resp.ContentLength > limit {
		return nil, fmt.Errorf("the image is %d bytes, more than the %d allowed", resp.ContentLength, limit)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("reading the image: %w", err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("the image is more than the %d bytes allowed", limit)
	}
	return data, nil
}

// decodeImage decodes a PNG or JPEG (told by its signature, not by the
// server's Content-Type) after checking its size in the header.
func decodeImage(data []byte, maxSide int) (image.Image, error) {
	var decodeConfig func(io.Reader) (image.Config, error)
	var decode func(io.Reader) (image.Image, error)
	switch {
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		decodeConfig, decode = png.DecodeConfig, png.Decode
	case bytes.HasPrefix(data, []byte{0xff, 0xd8, 0xff}):
		decodeConfig, decode = jpeg.DecodeConfig, jpeg.Decode
	default:
		return nil, fmt.Errorf("not a PNG or JPEG image (starts with %q)", head(data))
	}
	cfg, err := decodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("unreadable image header: %w", err)
	}
	if cfg.Width < 1 || cfg.Height < 1 || cfg.Width > maxSide || cfg.Height > maxSide {
		return nil, fmt.Errorf("the image is %dx%d pixels; at most %dx%d are allowed", cfg.Width, cfg.Height, maxSide, maxSide)
	}
	img, err := decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("undecodable image: %w", err)
	}
	return img, nil
}

func head(b []byte) string {
	s := string(b[:min(len(b), 8)])
	return strings.ToValidUTF8(s, "?")
}
