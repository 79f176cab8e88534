// Command layoutpreview draws the automatic and custom layouts of SPEC §4
// (package layout) as PNG contact sheets, one per mode: grid.png,
// float.png, screenshare.png and custom.png. Each sheet holds one thumbnail
// canvas per screen count n (1…25, 1…24 for screen-share); every screen is
// filled with its own colour and labelled with its number in join order.
// Audio-only screens are striped, absent users' slots (custom layout) are
// grey with a cross.
//
// Usage:
//
//	go run ./examples/layoutpreview [-out ./recordings/layouts] [-size 384x216]
//
// It is what `make demo` runs, and a quick way to eyeball a change to the
// layout rules.
package main
