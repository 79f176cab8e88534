package layout

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// formatLayout writes the layouts of one family for n = 1…max on one canvas.
func formatLayout(t *testing.T, mc modeCase, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	fmt.Fprintf(&b, "# layout %s %dx%d: per n, one line per Rect in painting order\n", mc.name, w, h)
	fmt.Fprintf(&b, "# screen user media x y w h z render [audio-only] [absent]\n")
	for n := 1; n <= mc.max; n++ {
		rs, err := Compute(nil, mc.make(n, w, h))
		if err != nil {
			t.Fatalf("%s n=%d %dx%d: %v", mc.name, n, w, h, err)
		}
		fmt.Fprintf(&b, "n=%d\n", n)
		for _, r := range rs {
			fmt.Fprintf(&b, "%3d %-7s %-4s x=%-5d y=%-5d w=%-5d h=%-5d z=%-2d %s", r.Screen, r.UserID, r.Media, r.X, r.Y, r.W, r.H, r.Z, r.Render)
			if r.AudioOnly {
				b.WriteString(" audio-only")
			}
			if r.Absent {
				b.WriteString(" absent")
			}
			b.WriteByte('\n')
		}
	}
	return b.Bytes()
}

// TestGolden compares every family at every golden canvas with
// testdata/<family>_<W>x<H>.golden; go test -run TestGolden -update
// rewrites them.
func TestGolden(t *testing.T) {
	for _, mc := range modeCases {
		for _, c := range canvases {
			name := fmt.Sprintf("%s_%dx%d.golden", mc.name, c[0], c[1])
			t.Run(name, func(t *testing.T) {
				got := formatLayout(t, mc, c[0], c[1])
				path := filepath.Join("testdata", name)
				if *update {
					if err := os.WriteFile(path, got, 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (run go test ./layout -run TestGolden -update to create it)", err)
				}
				if !bytes.Equal(got, want) {
					t.Errorf("%s differs from the computed layout; inspect and rerun with -update if the change is intended\n%s", path, firstDiff(got, want))
				}
			})
		}
	}
}

// firstDiff returns the first differing line of two texts.
func firstDiff(got, want []byte) string {
	g, w := bytes.Split(got, []byte("\n")), bytes.Split(want, []byte("\n"))
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl []byte
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if !bytes.Equal(gl, wl) {
			return fmt.Sprintf("line %d:\n got: %s\nwant: %s", i+1, gl, wl)
		}
	}
	return ""
}
