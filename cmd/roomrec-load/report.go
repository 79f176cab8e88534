package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/roomrec/roomrec/internal/loadgen"
	"github.com/roomrec/roomrec/internal/oracle"
	"github.com/roomrec/roomrec/recorder"
)

// decodeParallel is how many playlists ffmpeg decodes at once.
const decodeParallel = 2

// report prints the summary after every task has stopped and returns an
// error naming what failed, if anything did.
func (l *load) report(ctx context.Context) error {
	playlists, err := findPlaylists(l.recDir, l.ids)
	if err != nil {
		return err
	}
	t0 := time.Now()
	decodeErrs, decoded := decodeAll(ctx, playlists)
	r := summary{
		st: l.rec.Stats(), sent: l.feeder.Stats(), playlists: len(playlists),
		decodeErrs: decodeErrs, decoded: decoded, decodeWall: time.Since(t0),
	}
	_, r.hwm = procStatus()
	fails := l.failures(ctx, r)
	result := "PASS"
	if len(fails) > 0 {
		result = "FAIL: " + strings.Join(fails, "; ")
	}
	if err := l.printSummary(r, result); err != nil {
		return err
	}
	if len(fails) > 0 {
		return errors.New(result)
	}
	return nil
}

// summary is what report found.
type summary struct {
	st         recorder.Stats
	sent       loadgen.FeederStats
	hwm        int64
	playlists  int
	decodeErrs []error
	decoded    int
	decodeWall time.Duration
}

// dropped is every packet handed to the recorder that it did not record:
// dropped by a full queue, or late (arrived after it was declared lost).
// Packets the recorder counts as lost are gaps in what reached its
// reorder buffer; in-process, only the queue drops make them.
func (r summary) dropped() uint64 {
	return r.st.QueueDropped + r.st.PacketsLate + r.st.PacketsMalformed
}

// failures lists what makes the run fail.
func (l *load) failures(ctx context.Context, r summary) []string {
	var fails []string
	if n := r.dropped(); n > 0 {
		fails = append(fails, fmt.Sprintf("%d packets dropped by the recorder", n))
	}
	if r.st.PacketsLost > 0 {
		fails = append(fails, fmt.Sprintf("%d packets lost", r.st.PacketsLost))
	}
	if got := r.st.Packets + r.st.QueueDropped; got != r.sent.Packets {
		fails = append(fails, fmt.Sprintf("%d packets sent but %d accounted for", r.sent.Packets, got))
	}
	for _, err := range l.stopErrs {
		fails = append(fails, "stop: "+err.Error())
	}
	if want := 2 * l.o.tasks; r.playlists != want {
		fails = append(fails, fmt.Sprintf("%d playlists, want %d", r.playlists, want))
	}
	if len(r.decodeErrs) > 0 {
		fails = append(fails, fmt.Sprintf("%d of %d playlists did not decode", len(r.decodeErrs), r.decoded))
	}
	if err := ctx.Err(); err != nil {
		fails = append(fails, fmt.Sprintf("interrupted after %v of feeding (%d playlists not decoded)",
			l.feedWall.Round(time.Second), r.playlists-r.decoded))
	}
	return fails
}

// printSummary prints the final table.
func (l *load) printSummary(r summary, result string) error {
	w := tabwriter.NewWriter(l.out, 0, 0, 1, ' ', 0)
	st := r.st
	fmt.Fprintln(w, "== summary ==")
	l.printCPUMemory(w, r.hwm)
	fmt.Fprintf(w, "packets:\tsent %d, taken in by the recorder %d\n", r.sent.Packets, st.Packets)
	fmt.Fprintf(w, "dropped by the recorder:\t%d (queue full %d, late %d, malformed %d); lost %d\n",
		r.dropped(), st.QueueDropped, st.PacketsLate, st.PacketsMalformed, st.PacketsLost)
	fmt.Fprintf(w, "frames dropped:\t%d (keyframe requests %d)\n", st.FramesDropped, st.KeyframeRequests)
	fmt.Fprintf(w, "segments:\t%d, %s MiB\n", st.Segments, mib(int64(st.Bytes)))
	fmt.Fprintf(w, "uploads:\t%d (%d failed attempts); spool backlog %d files\n", st.Uploads, st.UploadFailures, st.SpoolFiles)
	fmt.Fprintf(w, "feeder max lag:\t%v (packets sent this late; far above 10ms: the process was starved of CPU)\n", r.sent.MaxLag.Round(time.Millisecond))
	fmt.Fprintf(w, "Recorder.Stats():\ttook up to %v\n", l.statsMax.Round(time.Microsecond))
	fmt.Fprintf(w, "stop (all tasks):\t%v\n", l.stopWall.Round(time.Millisecond))
	fmt.Fprintf(w, "decoded:\t%d of %d playlists, %d failed (ffmpeg -v error, %d at a time, %v)\n",
		r.decoded, r.playlists, len(r.decodeErrs), decodeParallel, r.decodeWall.Round(time.Second))
	for i, err := range r.decodeErrs {
		if i == 5 {
			fmt.Fprintf(w, "\t... and %d more\n", len(r.decodeErrs)-5)
			break
		}
		fmt.Fprintf(w, "\t%v\n", strings.TrimSpace(err.Error()))
	}
	fmt.Fprintf(w, "load average:\t%s at start, %s at end\n", l.loadAvg0, loadAverage())
	fmt.Fprintf(w, "result:\t%s\n", result)
	return w.Flush()
}

// printCPUMemory prints CPU per task, peak RSS and the memory trend.
func (l *load) printCPUMemory(w *tabwriter.Writer, hwm int64) {
	cpu, wall := l.feedCPU.Seconds(), l.feedWall.Seconds()
	if wall > 0 {
		fmt.Fprintf(w, "CPU per task:\t%.2f%% of a core (process CPU %.1f s in %.1f s of feeding: %.1f%% of the machine's %d CPUs)\n",
			100*cpu/wall/float64(l.o.tasks), cpu, wall, 100*cpu/wall/float64(runtime.NumCPU()), runtime.NumCPU())
	}
	fmt.Fprintf(w, "peak RSS (VmHWM):\t%s MiB\n", mib(hwm))
	if len(l.samples) > 0 {
		first, last := l.samples[0], l.samples[len(l.samples)-1]
		fmt.Fprintf(w, "memory trend:\theap %s -> %s MiB (%s), RSS %s -> %s MiB (%s), row %v against row %v\n",
			mib(int64(first.u.heap)), mib(int64(last.u.heap)), change(float64(first.u.heap), float64(last.u.heap)),
			mib(first.u.rss), mib(last.u.rss), change(float64(first.u.rss), float64(last.u.rss)),
			first.elapsed.Round(time.Second), last.elapsed.Round(time.Second))
	}
}

// change formats the relative change from a to b.
func change(a, b float64) string {
	if a == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%+.1f%%", 100*(b-a)/a)
}

// findPlaylists returns the M3U8 files stored for the tasks (each task's
// files are in the folder named by its id).
func findPlaylists(dir string, taskIDs []string) ([]string, error) {
	var out []string
	for _, id := range taskIDs {
		m, err := filepath.Glob(filepath.Join(dir, id, "*.m3u8"))
		if err != nil {
			return nil, err
		}
		out = append(out, m...)
	}
	sort.Strings(out)
	return out, nil
}

// decodeAll decodes the playlists with ffmpeg, decodeParallel at a time,
// until ctx ends; it returns the failures (in playlist order) and how many
// playlists it decoded.
func decodeAll(ctx context.Context, playlists []string) ([]error, int) {
	errs := make([]error, len(playlists))
	done := make([]bool, len(playlists))
	sem := make(chan struct{}, decodeParallel)
	var wg sync.WaitGroup
	for i, p := range playlists {
		sem <- struct{}{}
		if ctx.Err() != nil {
			<-sem
			break
		}
		wg.Go(func() {
			defer func() { <-sem }()
			errs[i], done[i] = oracle.Decode(p), true
		})
	}
	wg.Wait()
	var failed []error
	n := 0
	for i := range playlists {
		if done[i] {
			n++
		}
		if errs[i] != nil {
			failed = append(failed, errs[i])
		}
	}
	return failed, n
}
