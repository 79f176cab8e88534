package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/roomrec/roomrec/merge"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	switch {
	case errors.Is(err, errUsage):
		os.Exit(2)
	case err != nil:
		fmt.Fprintln(os.Stderr, "roomrec-merge:", err)
		os.Exit(1)
	}
}

// errUsage marks bad flags (already explained on stderr).
var errUsage = errors.New("usage")

// run parses the flags, merges and prints the files written to stdout;
// the progress bar (when stderr is a terminal) and warnings go to stderr.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	opts, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	if isTerminal(stderr) {
		opts.Progress = stderr
	}
	warnings := 0
	opts.OnDecodeError = func(err error) {
		if warnings++; warnings <= 20 {
			fmt.Fprintln(stderr, "roomrec-merge: warning:", err)
		}
	}
	start := time.Now()
	outs, err := merge.Run(ctx, opts)
	for _, o := range outs {
		tracks := "audio"
		if o.Video {
			tracks = "video+audio"
		}
		if o.Reencoded {
			tracks += " (video re-encoded)"
		}
		fmt.Fprintf(stdout, "%s\t%.3fs\t%s\n", o.Path, o.Duration.Seconds(), tracks)
	}
	if warnings > 20 {
		fmt.Fprintf(stderr, "roomrec-merge: %d more warnings\n", warnings-20)
	}
	if err == nil {
		fmt.Fprintf(stderr, "roomrec-merge: %d file(s) in %v\n", len(outs), time.Since(start).Round(time.Millisecond))
	}
	return err
}

// parseFlags reads the flags of SPEC §7 into merge.Options. "-r W H" (two
// values) is accepted as well as "-r WxH".
func parseFlags(args []string, stderr io.Writer) (merge.Options, error) {
	var o merge.Options
	var mode, av, fps int
	var size resolution
	fs := flag.NewFlagSet("roomrec-merge", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.Dir, "f", "", "the recording folder (required)")
	fs.IntVar(&mode, "m", 0, "0: one file per segment; 1: one file per user")
	fs.BoolVar(&o.Save, "s", false, "save mode (with -m 1): remove the pauses between segments")
	fs.IntVar(&av, "a", 0, "0: main video; 1: main video, else aux; 2: aux video")
	fs.IntVar(&fps, "p", merge.DefaultFPS, "output frame rate (5..120); re-encodes only if the recording's differs")
	fs.Var(&size, "r", "output size `W H` (or WxH); re-encodes only if the recording's differs")
	fs.StringVar(&o.Out, "o", "", "output folder (default: the -f folder)")
	if err := fs.Parse(joinResolution(args)); err != nil {
		return o, errUsage // the flag package explained it
	}
	usage := func(format string, args ...any) (merge.Options, error) {
		fmt.Fprintf(stderr, "roomrec-merge: "+format+"\n", args...)
		fs.Usage()
		return o, errUsage
	}
	switch {
	case fs.NArg() > 0:
		return usage("unexpected argument %q", fs.Arg(0))
	case o.Dir == "":
		return usage("-f DIR is required")
	case mode != 0 && mode != 1:
		return usage("-m must be 0 or 1, got %d", mode)
	case av < 0 || av > 2:
		return usage("-a must be 0, 1 or 2, got %d", av)
	}
	o.Mode, o.AV, o.Width, o.Height = merge.Mode(mode), merge.AV(av), size.w, size.h
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "p" {
			o.FPS = merge.ClampFPS(fps) // -p given: the SPEC's clamp
		}
	})
	if err := o.Validate(); err != nil {
		return usage("%v", err)
	}
	return o, nil
}

// joinResolution rewrites "-r W H" as "-r WxH" for the flag package.
func joinResolution(args []string) []string {
	out := make([]string, 0, len(args))
	for i := 0; i < len(args); i++ {
		a := args[i]
		if (a == "-r" || a == "--r") && i+2 < len(args) && isNumber(args[i+1]) && isNumber(args[i+2]) {
			out = append(out, a, args[i+1]+"x"+args[i+2])
			i += 2
			continue
		}
		if a == "--" {
			return append(out, args[i:]...)
		}
		out = append(out, a)
	}
	return out
}

// isNumber reports whether s is a decimal number.
func isNumber(s string) bool {
	_, err := strconv.Atoi(s)
	return err == nil
}

// resolution is the value of -r.
type resolution struct{ w, h int }

// String returns "WxH", or "" when unset.
func (r *resolution) String() string {
	if r == nil || r.w == 0 {
		return ""
	}
	return fmt.Sprintf("%dx%d", r.w, r.h)
}

// Set parses "WxH".
func (r *resolution) Set(s string) error {
	w, h, ok := strings.Cut(strings.ToLower(s), "x")
	var err1, err2 error
	if ok {
		r.w, err1 = strconv.Atoi(w)
		r.h, err2 = strconv.Atoi(h)
	}
	if !ok || err1 != nil || err2 != nil {
		return fmt.Errorf("want -r W H or -r WxH, got %q", s)
	}
	return nil
}

// isTerminal reports whether w is a terminal (a character device), where a
// progress bar redrawn with '\r' makes sense.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
