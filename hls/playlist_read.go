package hls

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// maxPlaylistBytes bounds what ReadPlaylist reads (a day of 2 s segments
// takes about 7 MB).
const maxPlaylistBytes = 64 << 20

// playlistReader is the state of ReadPlaylist between lines.
type playlistReader struct {
	p      *Playlist
	line   int
	header bool
	inf    *PlaylistSegment // #EXTINF waiting for its URI
	disc   bool             // #EXT-X-DISCONTINUITY waiting for its segment
	seen   map[string]bool  // tags that may appear once
}

// parseLine handles one trimmed line.
func (r *playlistReader) parseLine(line string) error {
	switch {
	case line == "":
		return nil
	case !r.header:
		if line != tagHeader {
			return errors.New("the playlist does not start with #EXTM3U")
		}
		r.header = true
		return nil
	case strings.HasPrefix(line, "#EXT"):
		name, value, hasValue := strings.Cut(line, ":")
		return r.parseTag(name, value, hasValue)
	case line[0] == '#':
		return nil // comment
	}
	if r.inf == nil {
		return fmt.Errorf("URI %q without #EXTINF", line)
	}
	r.inf.URI = line
	r.p.Segments = append(r.p.Segments, *r.inf)
	r.inf = nil
	return nil
}

// parseTag handles a known tag and ignores the others.
func (r *playlistReader) parseTag(name, value string, hasValue bool) error {
	switch name {
	case tagVersion, tagMediaSequence, tagTarget, tagStartRec, tagVideoMeta, tagAllowCache:
		if r.seen[name] {
			return fmt.Errorf("%s appears twice", name)
		}
		r.seen[name] = true
		return r.parseHeaderTag(name, value)
	case tagInf:
		return r.parseInf(value)
	case tagDiscontinuity, tagEndList, tagHeader:
		if hasValue {
			return fmt.Errorf("%s takes no value, got %q", name, value)
		}
		if name == tagDiscontinuity {
			r.disc = true
		} else if name == tagEndList {
			r.p.Ended = true
		}
	}
	return nil
}

// parseHeaderTag handles the tags that apply to the whole playlist.
func (r *playlistReader) parseHeaderTag(name, value string) error {
	var err error
	switch name {
	case tagVersion:
		r.p.Version, err = parseCount(value, 1)
	case tagMediaSequence:
		r.p.MediaSequence, err = parseCount(value, 0)
	case tagTarget:
		r.p.TargetDuration, err = parseCount(value, 0)
	case tagAllowCache:
		if value != "YES" && value != "NO" {
			err = fmt.Errorf("want YES or NO, got %q", value)
		}
	case tagStartRec:
		var ms int
		if ms, err = parseCount(value, 0); err == nil {
			r.p.StartRecTime = time.UnixMilli(int64(ms))
		}
	case tagVideoMeta:
		r.p.Width, r.p.Height, err = parseVideoMeta(value)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// parseInf handles "#EXTINF:<duration>,[<title>]" (comma optional).
func (r *playlistReader) parseInf(value string) error {
	if r.inf != nil {
		return errors.New("two #EXTINF without a URI between them")
	}
	d, _, _ := strings.Cut(value, ",")
	secs, err := parseDecimal(strings.TrimSpace(d))
	if err != nil {
		return fmt.Errorf("#EXTINF: %w", err)
	}
	r.inf = &PlaylistSegment{
		Duration:      time.Duration(math.Round(secs * 1e9)),
		Discontinuity: r.disc,
	}
	r.disc = false
	return nil
}

// parseVideoMeta parses "WIDTH:<w> HEIGHT:<h>"; other KEY:value fields
// are skipped.
func parseVideoMeta(v string) (w, h int, err error) {
	var haveW, haveH bool
	for _, f := range strings.Fields(v) {
		key, val, ok := strings.Cut(f, ":")
		if !ok {
			return 0, 0, fmt.Errorf("field %q is not KEY:value", f)
		}
		switch key {
		case "WIDTH":
			w, err = parseCount(val, 1)
			haveW = true
		case "HEIGHT":
			h, err = parseCount(val, 1)
			haveH = true
		}
		if err != nil {
			return 0, 0, fmt.Errorf("%s: %w", key, err)
		}
	}
	if !haveW || !haveH {
		return 0, 0, fmt.Errorf("want WIDTH:<w> HEIGHT:<h>, got %q", v)
	}
	return w, h, nil
}

// parseCount parses a decimal-integer (digits only) of at least lowest.
func parseCount(s string, lowest int) (int, error) {
	if s == "" || len(s) > 18 || strings.TrimLeft(s, "0123456789") != "" {
		return 0, fmt.Errorf("want a decimal integer, got %q", s)
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lowest {
		return 0, fmt.Errorf("want an integer of at least %d, got %q", lowest, s)
	}
	return n, nil
}

// parseDecimal parses a non-negative decimal-floating-point ("12" or
// "12.074") of at most maxSegmentDuration.
func parseDecimal(s string) (float64, error) {
	ip, fp, hasDot := strings.Cut(s, ".")
	digits := func(x string) bool { return strings.TrimLeft(x, "0123456789") == "" }
	if ip == "" || !digits(ip) || !digits(fp) || (hasDot && fp == "") || len(s) > 32 {
		return 0, fmt.Errorf("want a decimal number, got %q", s)
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f > maxSegmentDuration {
		return 0, fmt.Errorf("duration %q out of range", s)
	}
	return f, nil
}
