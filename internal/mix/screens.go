package mix

import (
	"cmp"
	"image"
	"image/color"
	"math"
	"slices"
	"time"

	"github.com/roomrec/roomrec/layout"
	"github.com/roomrec/roomrec/naming"
)

// The layout over time: joins, leaves, SetLayout and SetWatermarks are
// stamped with the mix time of the call and played when the output
// reaches it.

// SetLayout replaces the layout (the service's Modify: a full overwrite)
// from the mix time of the call on (after the playout delay in the
// output): mode, big-screen user, render mode and custom list of p; its
// Width, Height and Screens are ignored (the Mixer's canvas and inputs).
// It returns the layout package's *errcode.Error for invalid params (the
// layout is then unchanged) and ErrClosed after Close.
func (m *Mixer) SetLayout(p layout.Params) error {
	p.Width, p.Height, p.Screens = m.cfg.Width, m.cfg.Height, nil
	if err := p.Validate(); err != nil {
		return err
	}
	p.Custom = append([]layout.Slot(nil), p.Custom...)
	return m.schedule(pendingLayout{p: p})
}

// schedule stamps a layout change with the mix time of the call and queues
// it for the output. It returns ErrClosed after Close.
func (m *Mixer) schedule(c pendingLayout) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return ErrClosed
	}
	c.at = m.now()
	m.pending = append(m.pending, c)
	m.dirty = true
	return nil
}

// SetWatermarks replaces the watermarks (a Modify, or images whose
// download ended after New) from the mix time of the call on, like
// SetLayout. The images are converted before it returns. It returns an
// *errcode.Error with ErrMixWatermark for a bad box or image, and
// ErrClosed after Close.
func (m *Mixer) SetWatermarks(marks []Watermark) error {
	c := m.cfg
	c.Watermarks = marks
	if err := c.validateWatermarks(); err != nil {
		return err
	}
	return m.schedule(pendingLayout{marks: placeMarks(marks, m.cfg.Background), isMarks: true})
}

// SetBackgroundImage replaces the background image (nil: the background
// colour) from the mix time of the call on, like SetLayout; the image is
// scaled to fill the canvas (cropped, keeping its aspect) before it
// returns. It returns ErrClosed after Close.
func (m *Mixer) SetBackgroundImage(img image.Image) error {
	return m.schedule(pendingLayout{bg: backgroundPlanes(img, m.cfg), isBg: true})
}

// SetBackgroundColor replaces the canvas colour (behind and between the
// screens, and the padding of fitted pictures) from the mix time of the
// call on, like SetLayout. A background image keeps the colour it was
// flattened over. It returns ErrClosed after Close.
func (m *Mixer) SetBackgroundColor(c color.RGBA) error {
	return m.schedule(pendingLayout{colour: toYUV(c), isColour: true})
}

// advance plays the joins, leaves and layout changes due by the output
// frame time t, and recomputes the layout when one happened.
func (m *Mixer) advance(t time.Duration) {
	if !m.dirty && t < m.nextEvent {
		return
	}
	n := 0
	for ; n < len(m.pending) && m.pending[n].at <= t; n++ {
		if p := &m.pending[n]; p.isMarks {
			m.comp.marks = p.marks
		} else if p.isColour {
			m.comp.bg = p.colour
		} else if p.isBg {
			m.comp.bgImage = p.bg
		} else {
			scr := m.params.Screens
			m.params = p.p
			m.params.Screens = scr
		}
	}
	m.pending = m.pending[:copy(m.pending, m.pending[n:])]
	m.release(t)
	m.relayout(t)
	m.dirty = false
	m.nextEvent = time.Duration(math.MaxInt64)
	if len(m.pending) > 0 {
		m.nextEvent = m.pending[0].at
	}
	for _, in := range m.inputs {
		if in.joined > t {
			m.nextEvent = min(m.nextEvent, in.joined)
		}
		if in.closing {
			m.nextEvent = min(m.nextEvent, in.left)
		}
	}
}

// relayout recomputes the screens and their rectangles for frame time t:
// the screens of the inputs in the mix at t, by InputConfig.Order (join
// order), then in the order the inputs were added.
func (m *Mixer) relayout(t time.Duration) {
	m.screens = m.screens[:0]
	for _, in := range m.inputs {
		if in.joined > t || in.closing && in.left <= t {
			continue
		}
		var sc *screen
		for _, s := range m.screens {
			if s.user == in.cfg.UserID && s.media == in.cfg.Media {
				sc = s
			}
		}
		if sc == nil {
			sc = &screen{user: in.cfg.UserID, media: in.cfg.Media, order: in.cfg.Order}
			m.screens = append(m.screens, sc)
		}
		sc.order = min(sc.order, in.cfg.Order)
		if in.video {
			sc.video = in
		} else {
			sc.audio = in
		}
	}
	slices.SortStableFunc(m.screens, func(a, b *screen) int {
		if c := cmp.Compare(a.order, b.order); c != 0 {
			return c
		}
		return cmp.Compare(auxRank(a.media), auxRank(b.media)) // main first
	})
	scr := m.params.Screens[:0]
	for _, s := range m.screens {
		scr = append(scr, layout.Screen{UserID: s.user, Media: s.media, AudioOnly: s.video == nil})
	}
	m.params.Screens = scr
	rects, err := layout.Compute(m.rects[:0], m.params)
	if err != nil { // validated by New and SetLayout: cannot happen
		m.cfg.Logger.Error("mix: layout failed", "err", err)
	}
	m.rects = rects
	m.comp.cover(rects, m.params.Mode)
}

// release frees the inputs whose leave time is played by t. Under m.mu.
func (m *Mixer) release(t time.Duration) {
	for i := 0; i < len(m.inputs); i++ {
		in := m.inputs[i]
		if !in.closing || in.left > t {
			continue
		}
		m.inputs = append(m.inputs[:i], m.inputs[i+1:]...)
		i--
		if u := in.usr; u != nil {
			if u.inputs = deleteItem(u.inputs, in); len(u.inputs) == 0 {
				delete(m.users, u.id)
			}
		}
		in.release()
	}
}

// auxRank sorts a user's main screen before their screen share.
func auxRank(m naming.MediaID) int {
	if m == naming.MediaAux {
		return 1
	}
	return 0
}
