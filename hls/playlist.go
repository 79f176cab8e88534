package hls

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// The tags of the SPEC §3 playlist.
const (
	tagHeader        = "#EXTM3U"
	tagVersion       = "#EXT-X-VERSION"
	tagAllowCache    = "#EXT-X-ALLOW-CACHE"
	tagMediaSequence = "#EXT-X-MEDIA-SEQUENCE"
	tagTarget        = "#EXT-X-TARGETDURATION"
	tagStartRec      = "#EXT-X-TRTC-START-REC-TIME"
	tagVideoMeta     = "#EXT-X-TRTC-VIDEO-METADATA"
	tagInf           = "#EXTINF"
	tagDiscontinuity = "#EXT-X-DISCONTINUITY"
	tagEndList       = "#EXT-X-ENDLIST"

	// maxSegmentDuration bounds EXTINF values the reader accepts.
	maxSegmentDuration = 1e6 // seconds
)

// Playlist is an HLS media playlist in the form of SPEC §3: standard HLS
// version 3 plus the #EXT-X-TRTC-START-REC-TIME and
// #EXT-X-TRTC-VIDEO-METADATA tags.
type Playlist struct {
	// Version is #EXT-X-VERSION; 0 is written as 3 (and read when absent).
	Version int
	// MediaSequence is #EXT-X-MEDIA-SEQUENCE (0 for a recording).
	MediaSequence int
	// TargetDuration is #EXT-X-TARGETDURATION in whole seconds; it must be
	// at least every segment duration rounded up.
	TargetDuration int
	// StartRecTime is #EXT-X-TRTC-START-REC-TIME (Unix ms); the zero time
	// omits the tag.
	StartRecTime time.Time
	// Width and Height are #EXT-X-TRTC-VIDEO-METADATA; 0 omits the tag.
	Width, Height int
	// Segments are the media segments in order.
	Segments []PlaylistSegment
	// Ended is #EXT-X-ENDLIST: the recording is complete.
	Ended bool
}

// PlaylistSegment is one #EXTINF entry.
type PlaylistSegment struct {
	// URI is the segment's URI, relative to the playlist.
	URI string
	// Duration is the EXTINF duration (written with millisecond precision).
	Duration time.Duration
	// Discontinuity marks the segment with #EXT-X-DISCONTINUITY.
	Discontinuity bool
}

// MarshalText renders the playlist. EXTINF values get three decimals and the
// comma HLS requires ("#EXTINF:12.074,"). It returns an error wrapping
// ErrPlaylist when a field cannot be written (a URI with a line break or a
// leading '#', a negative value, a target duration below a segment's).
func (p *Playlist) MarshalText() ([]byte, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	b := make([]byte, 0, 256+len(p.Segments)*96)
	b = p.appendHeader(b)
	for _, s := range p.Segments {
		b = s.appendTo(b)
	}
	return p.appendTrailer(b), nil
}

// appendHeader appends the playlist-wide tags.
func (p *Playlist) appendHeader(b []byte) []byte {
	version := p.Version
	if version == 0 {
		version = 3
	}
	b = append(b, tagHeader+"\n"+tagVersion+":"...)
	b = strconv.AppendInt(b, int64(version), 10)
	b = append(b, "\n"+tagAllowCache+":NO\n"+tagMediaSequence+":"...)
	b = strconv.AppendInt(b, int64(p.MediaSequence), 10)
	b = append(b, "\n"+tagTarget+":"...)
	b = strconv.AppendInt(b, int64(p.TargetDuration), 10)
	b = append(b, '\n')
	if !p.StartRecTime.IsZero() {
		b = append(b, tagStartRec+":"...)
		b = strconv.AppendInt(b, p.StartRecTime.UnixMilli(), 10)
		b = append(b, '\n')
	}
	if p.Width > 0 && p.Height > 0 {
		b = append(b, tagVideoMeta+":WIDTH:"...)
		b = strconv.AppendInt(b, int64(p.Width), 10)
		b = append(b, " HEIGHT:"...)
		b = strconv.AppendInt(b, int64(p.Height), 10)
		b = append(b, '\n')
	}
	return b
}

// appendTo appends the segment's lines.
func (s PlaylistSegment) appendTo(b []byte) []byte {
	if s.Discontinuity {
		b = append(b, tagDiscontinuity+"\n"...)
	}
	ms := int64(s.Duration.Round(time.Millisecond) / time.Millisecond)
	b = append(b, tagInf+":"...)
	b = strconv.AppendInt(b, ms/1000, 10)
	b = append(b, '.', byte('0'+ms/100%10), byte('0'+ms/10%10), byte('0'+ms%10), ',', '\n')
	b = append(b, s.URI...)
	return append(b, '\n')
}

// appendTrailer appends #EXT-X-ENDLIST when the playlist has ended.
func (p *Playlist) appendTrailer(b []byte) []byte {
	if p.Ended {
		b = append(b, tagEndList+"\n"...)
	}
	return b
}

// WriteTo writes the rendered playlist to w; it returns the bytes written
// and the error of MarshalText or of w.
func (p *Playlist) WriteTo(w io.Writer) (int64, error) {
	b, err := p.MarshalText()
	if err != nil {
		return 0, err
	}
	n, err := w.Write(b)
	return int64(n), err
}

// check validates the fields MarshalText writes.
func (p *Playlist) check() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{ErrPlaylist}, args...)...)
	}
	switch {
	case p.Version < 0 || p.MediaSequence < 0 || p.TargetDuration < 0:
		return bad("negative version, media sequence or target duration")
	case p.Width < 0 || p.Height < 0:
		return bad("negative video size %dx%d", p.Width, p.Height)
	case !p.StartRecTime.IsZero() && p.StartRecTime.UnixMilli() < 0:
		return bad("start time %v before 1970", p.StartRecTime)
	}
	for i, s := range p.Segments {
		switch {
		case !validURI(s.URI):
			return bad("segment %d: unusable URI %q", i, s.URI)
		case s.Duration < 0:
			return bad("segment %d: negative duration %v", i, s.Duration)
		case ceilSeconds(s.Duration.Round(time.Millisecond)) > p.TargetDuration:
			return bad("segment %d: duration %v above the target duration %ds", i, s.Duration, p.TargetDuration)
		}
	}
	return nil
}

// validURI reports whether u can stand on a playlist line as a URI.
func validURI(u string) bool {
	if u == "" || u[0] == '#' || strings.TrimSpace(u) != u {
		return false
	}
	for i := 0; i < len(u); i++ {
		if u[i] < 0x20 || u[i] == 0x7F {
			return false
		}
	}
	return true
}

// ReadPlaylist parses a media playlist. Unknown tags and comments are
// skipped; malformed known tags, a URI without #EXTINF, duplicate header
// tags or a missing #EXTM3U give an error wrapping ErrPlaylist that names
// the line. "#EXTINF:<d>" is accepted with and without the comma.
func ReadPlaylist(r io.Reader) (*Playlist, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxPlaylistBytes+1))
	if err != nil {
		return nil, fmt.Errorf("hls: read playlist: %w", err)
	}
	if len(data) > maxPlaylistBytes {
		return nil, fmt.Errorf("%w: larger than %d bytes", ErrPlaylist, maxPlaylistBytes)
	}
	pr := playlistReader{p: &Playlist{}, seen: map[string]bool{}}
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	for len(data) > 0 {
		var line []byte
		line, data, _ = bytes.Cut(data, []byte{'\n'})
		pr.line++
		if err := pr.parseLine(string(bytes.TrimSpace(line))); err != nil {
			return nil, fmt.Errorf("%w: line %d: %w", ErrPlaylist, pr.line, err)
		}
	}
	switch {
	case !pr.header:
		return nil, fmt.Errorf("%w: no #EXTM3U header", ErrPlaylist)
	case pr.inf != nil:
		return nil, fmt.Errorf("%w: line %d: #EXTINF without a URI", ErrPlaylist, pr.line)
	}
	return pr.p, nil
}
