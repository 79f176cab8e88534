package promrec_test

import (
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/roomrec/roomrec/metrics/promrec"
	"github.com/roomrec/roomrec/recorder"
)

type fixed recorder.Stats

func (f fixed) Stats() recorder.Stats { return recorder.Stats(f) }

func TestCollector(t *testing.T) {
	c := promrec.New(fixed{TasksIdle: 1, TasksInProgress: 2, Tracks: 3, PacketsLost: 7, SpoolFiles: 4, SpoolBytes: 4096, CallbackQueue: 5}, "roomrec")
	reg := prometheus.NewPedanticRegistry()
	if err := reg.Register(c); err != nil {
		t.Fatal(err)
	}
	want := `
# HELP roomrec_packets_lost_total RTP packets never received.
# TYPE roomrec_packets_lost_total counter
roomrec_packets_lost_total 7
# HELP roomrec_spool_bytes Bytes waiting in the spool.
# TYPE roomrec_spool_bytes gauge
roomrec_spool_bytes 4096
# HELP roomrec_tasks Recording tasks by status.
# TYPE roomrec_tasks gauge
roomrec_tasks{status="exiting"} 0
roomrec_tasks{status="idle"} 1
roomrec_tasks{status="in_progress"} 2
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "roomrec_packets_lost_total", "roomrec_spool_bytes", "roomrec_tasks"); err != nil {
		t.Fatal(err)
	}
	if n := testutil.CollectAndCount(c); n != 26 {
		t.Errorf("%d series, want 26", n)
	}
}

func ExampleNew() {
	rec, err := recorder.New(recorder.Config{Dir: "recordings"})
	if err != nil {
		panic(err)
	}
	prometheus.MustRegister(promrec.New(rec, "roomrec"))
}
