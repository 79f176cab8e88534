package merge

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"github.com/roomrec/roomrec/mp4"
)

// Run merges the single-stream recording in opts.Dir into one or more
// files per user in opts.Out (SPEC §7): <UserId>_<timestamp>_av.mp4 for
// audio with video, <UserId>_<timestamp>.m4a for audio only, with
// "_<Index>" before the extension on the parts of a file split by
// opts.MaxDuration or opts.MaxSize. See the package documentation for how
// segments, gaps and re-encoding are handled.
//
// Every user is processed even when another fails. Run returns the files
// written, in user order, and nil or the errors joined: an *errcode.Error
// with code InvalidParameter.* for bad options or an unreadable folder;
// errors wrapping ErrEmpty (nothing to merge), ErrCorrupt (a TS segment
// that is not usable MPEG-TS, naming the user and file), ErrNoVideo or
// ErrNoAudio (naming the user), ErrReencode, ErrWrite; or the context's
// error, which stops the run.
func Run(ctx context.Context, opts Options) ([]Output, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	opts = opts.withDefaults()
	users, err := listFolder(opts.Dir)
	if err != nil {
		return nil, err
	}
	type choice struct {
		video, audio []*tsFile
		err          error
	}
	choices := make([]choice, len(users))
	var total int64
	for i, u := range users {
		c := &choices[i]
		c.video, c.audio, c.err = u.choose(opts.AV)
		for _, f := range slices.Concat(c.video, c.audio) {
			total += 2 * f.size // measured, then remuxed or re-encoded
		}
	}
	m := &merger{opts: opts, prog: newProgress(opts.Progress, total)}
	var outs []Output
	var errs []error
	for i, u := range users {
		c := choices[i]
		err := c.err
		if err == nil {
			var o []Output
			o, err = m.user(ctx, u, c.video, c.audio)
			outs = append(outs, o...)
		}
		if cerr := ctx.Err(); cerr != nil {
			return outs, cerr
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	m.prog.finish()
	return outs, errors.Join(errs...)
}

// merger runs the merge of one folder.
type merger struct {
	opts Options
	prog *progress
}

// glitch reports damage that was skipped.
func (m *merger) glitch(err error) {
	if m.opts.OnDecodeError != nil {
		m.opts.OnDecodeError(err)
	}
}

// user merges one user's chosen files.
func (m *merger) user(ctx context.Context, u *userRec, video, audio []*tsFile) ([]Output, error) {
	m.prog.setLabel(u.id)
	for _, f := range slices.Concat(video, audio) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := m.probe(f); err != nil {
			return nil, fmt.Errorf("%w: user %q: %s: %w", ErrCorrupt, u.id, f.name, err)
		}
	}
	segs := splitSegments(video, audio)
	var outs []Output
	for _, j := range planJobs(u, segs, m.opts.Mode) {
		j.format = audio[0].info.audio
		j.place(m.opts.Save && m.opts.Mode == ModeMerge)
		j.fillAudio()
		if j.silenceErr != nil {
			m.glitch(fmt.Errorf("user %q: audio gaps left unfilled: %w", u.id, j.silenceErr))
		}
		o, err := m.convert(ctx, j)
		outs = append(outs, o...)
		if err != nil {
			return outs, fmt.Errorf("user %q: %w", u.id, err)
		}
	}
	return outs, nil
}

// probe measures one file.
func (m *merger) probe(f *tsFile) error {
	r, err := os.Open(f.path)
	if err != nil {
		return err
	}
	defer r.Close() // read-only
	f.info, err = probe(countReader{r, m.prog.add}, f.video, func(err error) { m.glitch(fmt.Errorf("%s: %w", f.name, err)) })
	return err
}

// convert writes the job's file(s).
func (m *merger) convert(ctx context.Context, j *job) ([]Output, error) {
	tmp, err := os.MkdirTemp(m.opts.TempDir, "roomrec-merge-*")
	if err != nil {
		return nil, fmt.Errorf("%w: temporary folder: %w", ErrWrite, err)
	}
	defer os.RemoveAll(tmp) // best effort: only temporary files
	spec, reencode := m.opts.reencodeFor(j)
	if reencode {
		if err := encodeVideo(ctx, j, spec, tmp, m.glitch, m.prog.add); err != nil {
			return nil, err
		}
	}
	src, keys, err := newJobSource(j, j.start, m.prog.add)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	base, ext := j.user.enc+"_"+stamp(j.start), ".m4a"
	if len(j.video) > 0 {
		base, ext = base+"_av", ".mp4"
	}
	parts, err := mp4.Convert(ctx, src, keys, mp4.Dir(m.opts.Out), mp4.Options{
		MaxDuration:   m.opts.MaxDuration,
		MaxSize:       m.opts.MaxSize,
		TempDir:       m.opts.TempDir,
		OnDecodeError: m.glitch,
		Name: func(i int) string {
			if i == 0 {
				return base + ext
			}
			return base + "_" + strconv.Itoa(i) + ext
		},
	})
	outs := make([]Output, len(parts))
	for i, p := range parts {
		outs[i] = Output{
			UserID: j.user.id, Name: p.Name, Path: filepath.Join(m.opts.Out, p.Name), Start: j.start,
			Duration: p.Duration, Size: p.Size, Video: p.Video, Audio: p.Audio,
			Segments: len(j.segs), Reencoded: reencode,
		}
	}
	switch {
	case err == nil, ctx.Err() != nil:
	case errors.Is(err, mp4.ErrSink):
		err = fmt.Errorf("%w: %w", ErrWrite, err)
	case errors.Is(err, mp4.ErrCorrupt), errors.Is(err, mp4.ErrSource), errors.Is(err, mp4.ErrNoMedia):
		err = fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	return outs, err
}

// stamp formats t as the 17-digit UTC stamp of SPEC §3 names,
// yyyyMMddHHmmssSSS.
func stamp(t time.Time) string {
	u := t.UTC()
	return u.Format("20060102150405") + strconv.Itoa(1000 + u.Nanosecond()/int(time.Millisecond))[1:]
}

// countReader counts the bytes read through it.
type countReader struct {
	r     io.Reader
	count func(int)
}

// Read reads from the underlying reader and counts the bytes.
func (c countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if n > 0 && c.count != nil {
		c.count(n)
	}
	return n, err
}
