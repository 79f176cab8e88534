package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"time"

	"github.com/roomrec/roomrec/internal/loadgen"
	"github.com/roomrec/roomrec/recorder"
)

// usage is the process's resource use at one moment.
type usage struct {
	at         time.Time
	cpu        time.Duration // user + system, every thread
	rss, hwm   int64         // VmRSS, VmHWM in bytes; 0 when unknown
	heap       uint64        // live heap as of the last GC
	goroutines int
}

func readUsage() usage {
	u := usage{at: time.Now(), cpu: processCPU(), goroutines: runtime.NumGoroutine()}
	u.rss, u.hwm = procStatus()
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() == metrics.KindUint64 {
		u.heap = s[0].Value.Uint64()
	}
	return u
}

// procStatus returns VmRSS and VmHWM from /proc/self/status, or zeros
// where there is no such file.
func procStatus() (rss, hwm int64) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, 0
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		name, val, ok := strings.Cut(sc.Text(), ":")
		if !ok || (name != "VmRSS" && name != "VmHWM") {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(val), "kB")), 10, 64)
		if err != nil {
			continue
		}
		if name == "VmRSS" {
			rss = kb << 10
		} else {
			hwm = kb << 10
		}
	}
	return rss, hwm
}

// loadAverage returns the 1, 5 and 15 minute load averages, or "?".
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return "?"
}

// sample is one row of the table.
type sample struct {
	elapsed  time.Duration
	machine  float64 // CPU since the previous row, % of all CPUs
	perTask  float64 // the same, per task, % of one core
	u        usage
	st       recorder.Stats
	sent     loadgen.FeederStats
	loadAvg1 string
}

func (l *load) sample(t0 time.Time, prev, now usage) sample {
	wall := now.at.Sub(prev.at).Seconds()
	cpu := (now.cpu - prev.cpu).Seconds()
	t := time.Now()
	s := sample{elapsed: now.at.Sub(t0), u: now, st: l.rec.Stats(), sent: l.feeder.Stats()}
	l.statsMax = max(l.statsMax, time.Since(t))
	if wall > 0 {
		s.machine = 100 * cpu / wall / float64(runtime.NumCPU())
		s.perTask = 100 * cpu / wall / float64(l.o.tasks)
	}
	s.loadAvg1, _, _ = strings.Cut(loadAverage(), " ")
	return s
}

const rowFormat = "%8s %6s %9s %8s %8s %7s %10s %7s %6s %8s %12s %6s %8s\n"

func (l *load) printHeader() {
	fmt.Fprintf(l.out, rowFormat, "elapsed", "cpu%", "cpu/task", "rss MiB", "heap MiB", "gorout",
		"packets in", "q-drop", "lost", "segments", "spool", "load1", "feed-lag")
}

func (l *load) printRow(s sample) {
	fmt.Fprintf(l.out, rowFormat, s.elapsed.Round(time.Second), fmt.Sprintf("%.1f", s.machine),
		fmt.Sprintf("%.2f%%", s.perTask), mib(s.u.rss), mib(int64(s.u.heap)), strconv.Itoa(s.u.goroutines),
		strconv.FormatUint(s.st.Packets, 10), strconv.FormatUint(s.st.QueueDropped, 10),
		strconv.FormatUint(s.st.PacketsLost, 10), strconv.FormatUint(s.st.Segments, 10),
		fmt.Sprintf("%d/%sMiB", s.st.SpoolFiles, mib(s.st.SpoolBytes)), s.loadAvg1, s.sent.MaxLag.Round(time.Millisecond))
}

func mib(b int64) string { return fmt.Sprintf("%.1f", float64(b)/(1<<20)) }

// feed runs the feeder for the duration and prints a row every interval,
// and one at the end unless the last is recent. It returns the feeder's
// error (ctx's when interrupted).
func (l *load) feed(ctx context.Context) error {
	done := make(chan error, 1)
	start := readUsage()
	go func() { done <- l.feeder.Run(ctx, l.o.duration) }()
	tick := time.NewTicker(l.o.interval)
	defer tick.Stop()
	l.printHeader()
	prev := start
	for {
		select {
		case err := <-done:
			end := readUsage()
			if end.at.Sub(prev.at) >= l.o.interval/2 || len(l.samples) == 0 {
				l.addSample(start.at, prev, end)
			}
			l.feedCPU, l.feedWall = end.cpu-start.cpu, end.at.Sub(start.at)
			return err
		case <-tick.C:
			now := readUsage()
			l.addSample(start.at, prev, now)
			prev = now
		}
	}
}

func (l *load) addSample(t0 time.Time, prev, now usage) {
	s := l.sample(t0, prev, now)
	l.samples = append(l.samples, s)
	l.printRow(s)
}

// printSetup says what the run does.
func (l *load) printSetup(video, audio *loadgen.Clip) {
	fmt.Fprintf(l.out, "roomrec-load: %d tasks (one room, one publisher each) for %v, in-process RTP paced in real time (one 10 ms ticker)\n",
		l.o.tasks, l.o.duration)
	fmt.Fprintf(l.out, "  per publisher: H.264 %.0f kbit/s %.0f pkt/s + Opus %.0f kbit/s %.0f pkt/s (RTP payload); audio written as %s; %v segments\n",
		video.Bitrate()/1000, video.PacketsPerSecond(), audio.Bitrate()/1000, audio.PacketsPerSecond(), strings.ToUpper(l.o.audio), l.o.segment)
	fmt.Fprintf(l.out, "  recordings in %s; %d CPUs, GOMAXPROCS %d, %s; load average %s\n",
		l.recDir, runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.Version(), l.loadAvg0)
}
