package hls

import (
	"bytes"
	"fmt"
)

// Appender is an optional extension of Output for long recordings. When the
// Output given to a Segmenter implements it, the Segmenter keeps no segment
// lines in memory (only the header fields and counters): after the first
// segment it appends each new segment's lines, and at Close the
// #EXT-X-ENDLIST line, with AppendFile. When the header must change
// (EXT-X-TARGETDURATION grows because a segment is longer than every
// earlier one, or the first #EXT-X-TRTC-VIDEO-METADATA appears after
// segments were listed) it reads the playlist back with ReadFile, replaces
// the header and writes the whole text with WriteFile — rare.
//
// Without Appender the Segmenter keeps the playlist text in memory and
// rewrites it after every segment. The playlist bytes are the same either
// way, after every write.
type Appender interface {
	// AppendFile atomically replaces the file name with its current
	// content followed by data. On error the file must be unchanged (the
	// Segmenter appends the same lines again with the next segment); a
	// file that does not exist is an error. data is reused after the call
	// returns: copy it to keep it.
	AppendFile(name string, data []byte) error
	// ReadFile returns the whole current content of the file name, or the
	// error that prevented reading it.
	ReadFile(name string) ([]byte, error)
}

// playlistOut keeps a Segmenter's playlist up to date in its Output, by
// rewriting the text it keeps in memory (app == nil) or by appending to the
// file (app != nil). Its invariant: the output's playlist (when created)
// is the header of rendered followed by every segment line added so far,
// except the ones still in text (appending) — which are the lines a failed
// write left to be written with the next flush.
type playlistOut struct {
	name string
	out  Output
	app  Appender

	want     Playlist // header fields to write (never has Segments)
	rendered Playlist // header fields of the text already rendered
	// Rewriting: the whole text, header (head bytes) then segment lines.
	// Appending: the lines not in the output yet.
	text    []byte
	head    int
	created bool // appending: the output has the playlist
	scratch []byte
}

// newPlaylistOut returns the playlist writer of name in out with the
// header fields of head.
func newPlaylistOut(name string, out Output, head Playlist) playlistOut {
	app, _ := out.(Appender)
	return playlistOut{name: name, out: out, app: app, want: head}
}

// add adds one segment's lines; the header fields (p.want) must already
// cover it. Nothing is written before flush.
func (p *playlistOut) add(seg PlaylistSegment) {
	if p.app == nil && (len(p.text) == 0 || !sameHeader(&p.want, &p.rendered)) {
		text := p.want.appendHeader(make([]byte, 0, len(p.text)+256))
		head := len(text)
		p.text, p.head, p.rendered = append(text, p.text[p.head:]...), head, p.want
	}
	p.text = seg.appendTo(p.text)
}

// end adds #EXT-X-ENDLIST; nothing is written before flush.
func (p *playlistOut) end() {
	p.want.Ended = true
	p.text = p.want.appendTrailer(p.text)
}

// flush brings the output's playlist up to date. On error nothing is lost:
// the next flush writes what this one could not.
func (p *playlistOut) flush() error {
	var err error
	switch {
	case p.app == nil:
		err = p.out.WriteFile(p.name, p.text)
	case !p.created:
		p.scratch = append(p.want.appendHeader(p.scratch[:0]), p.text...)
		if err = p.out.WriteFile(p.name, p.scratch); err == nil {
			p.created, p.rendered = true, p.want
		}
	case !sameHeader(&p.want, &p.rendered):
		err = p.rewrite()
	default:
		err = p.app.AppendFile(p.name, p.text)
	}
	if err != nil {
		return fmt.Errorf("hls: write playlist %q: %w", p.name, err)
	}
	if p.app != nil {
		// Keep the small buffers for the next segment, not large ones left
		// by a burst of failed writes.
		p.text, p.scratch = reuse(p.text), reuse(p.scratch)
	}
	return nil
}

// rewrite reads the output's playlist back, replaces its header by the
// wanted one and writes it whole with the pending lines.
func (p *playlistOut) rewrite() error {
	old, err := p.app.ReadFile(p.name)
	if err != nil {
		return err
	}
	head := p.rendered.appendHeader(p.scratch[:0])
	p.scratch = head
	if !bytes.HasPrefix(old, head) {
		return fmt.Errorf("%w: the playlist in the output does not start with the header written", ErrPlaylist)
	}
	text := p.want.appendHeader(make([]byte, 0, len(old)-len(head)+len(p.text)+256))
	text = append(append(text, old[len(head):]...), p.text...)
	if err := p.out.WriteFile(p.name, text); err != nil {
		return err
	}
	p.rendered = p.want
	return nil
}

// sameHeader reports whether a and b render the same header (only these
// fields change after the first segment).
func sameHeader(a, b *Playlist) bool {
	return a.TargetDuration == b.TargetDuration && a.Width == b.Width && a.Height == b.Height
}

// reuse empties b for reuse, or drops it when it has grown large.
func reuse(b []byte) []byte {
	if cap(b) > 4096 {
		return nil
	}
	return b[:0]
}
