// Package layout computes where each video of a mixed-stream recording goes
// on the canvas: SPEC §4 "Mixed-stream parameters" (layout modes, custom
// MixLayoutList, MixWatermark, render modes).
//
// The package is pure: no I/O, no clock, no goroutines, no state. Compute
// takes the canvas size, the room's screens in join order, the mode and the
// user named for the big screen, and appends one Rect per shown screen to a
// caller's buffer (no allocation when the buffer has room for 25). Fit
// turns a screen's Box, a source size and a RenderMode into the crop of the
// source and the destination of the scaling; Watermarks validates and
// places the watermark images; Params.Validate checks parameters at Start
// and Modify time without computing anything.
//
// # Modes (the service's numbering: 1 Float, 2 ScreenShare, 3 Grid, 4 Custom)
//
// Grid: n screens (at most 25) of the same size, by the SPEC's table: 1:
// W×H; 2: W/2×H; 3–4: W/2×H/2; 5–9: W/3×H/3; 10–16: W/4×H/4; 17–25:
// W/5×H/5. Filled left→right, top→bottom; an incomplete last row is
// centred horizontally and the block of used rows vertically.
//
// Float: the named user (else the first to join; also when the named user
// is not in the room) fills the canvas at Z 0; the others lie above it at Z
// 1, left→right from the bottom-left corner in join order, rows stacking
// upwards. n ≤ 17: 0.235W×0.235H, 4 per row, gap and edge margin
// 0.012W/0.012H; n > 17: 0.188W×0.188H, 5 per row, gap and margin
// 0.01W/0.01H. At most 25 screens.
//
// ScreenShare: the named user in the big screen on the left, the others
// top→bottom in the right-hand columns (the column next to the big screen
// first), per the SPEC's table: n ≤ 5: small W/5×H/4, big 4W/5×H; 6–7:
// W/7×H/6, 6W/7×H; 8–9: W/9×H/8, 8W/9×H; 10–17: W/10×H/8, 8 per column, 2
// columns, big 4W/5×H; 18–24: W/10×H/8, screens 2–17 in the two columns,
// screens 18–24 left→right along the bottom strip from the bottom-left
// corner, big 4W/5×7H/8. At most 24 screens; all at Z 0, none overlapping.
//
// Custom: one Rect per MixLayoutList entry (at most 25), at its Top, Left,
// Width, Height and ImageLayer; an entry whose user is not in the room
// keeps its slot with Absent set.
//
// In every mode a user who sends only audio keeps a slot, with AudioOnly
// set so that the compositor draws a placeholder. Streams past the mode's
// maximum (in join order, after the big screen) get no Rect.
//
// # How n is counted
//
// The Japanese original counts "screens" (画面) including the big one: in
// Float, "17 or fewer: 4 per row (4×4)" holds 1 big + 16 small screens, and
// 0.235·4 + 0.012·5 = 1 exactly fills the canvas with 4 rows; in
// ScreenShare, "5 or fewer: small W/5×H/4" holds 1 big + 4 small (H/4), and
// "17 or more go to the bottom-left" means small screens 17.. (screens
// 18..). So n = the number of shown screens, big one included, and the
// table row of ScreenShare is chosen by n = small screens + 1 whether the
// big area is filled or not.
//
// ScreenShare with nobody named: the big area is left to the background
// (no Rect) and every stream is a small screen; with 24 streams (n = 25)
// the 18–24 row is used, whose 2 columns and bottom strip hold exactly 24.
// A named user who is not in the room keeps the big area as an Absent
// Rect (the compositor draws the background or a placeholder). With only
// the big user (n = 1) the big screen is 4W/5×H, as the table says.
//
// # Rounding
//
// The SPEC's fractions are exact only for nice canvases, and 4:2:0 video
// needs even offsets and sizes. One rule: every size and gap that is a
// fraction of the canvas (W/5, 0.235W, 0.012H …) is floored to an even
// number; positions are sums of these rounded sizes and gaps, so
// neighbours abut exactly (or keep exactly the rounded gap) and nothing
// leaves the canvas. The pixels left over (less than 2 per screen) go:
//
//   - Grid: to the centring margins (offsets (W − k·w)/2 floored to even).
//   - Float: to the right and top margins (the layout is anchored at the
//     bottom-left corner).
//   - ScreenShare: to the big screen, whose size is the canvas minus the
//     small columns (and minus the bottom strip): exactly the table's
//     4W/5, 6W/7, 8W/9, 7H/8 on nice canvases, and no stray strip on
//     others. The right-hand columns are top-aligned; their leftover
//     pixels stay at the bottom.
//   - Custom and watermarks: the edges (Left, Left+Width, Top, Top+Height)
//     are floored to even, so entries that abut still abut.
//
// Example at 1920×1080: grid n=5 is 640×360 screens with the rows at y=180
// and 540, the second row centred at x=320; float n=2 puts a 450×252 small
// screen at (22, 816); screen-share n=18 uses 192×134 small screens
// (1080/8 = 135 is odd) and a 1536×946 big screen.
package layout
