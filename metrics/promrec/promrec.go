// Package promrec exports a roomrec Recorder's Stats to Prometheus
// (github.com/prometheus/client_golang). It is its own package so that the
// recorder does not depend on Prometheus: import it only if you scrape.
//
//	reg.MustRegister(promrec.New(rec, "roomrec"))
package promrec

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/roomrec/roomrec/recorder"
)

// StatsSource is what the collector reads; *recorder.Recorder implements it.
type StatsSource interface {
	Stats() recorder.Stats
}

// Collector is a prometheus.Collector over a Recorder's Stats. Every scrape
// calls Stats once.
type Collector struct {
	src   StatsSource
	descs []metric
}

// metric is one exported series: its description, kind and value.
type metric struct {
	desc  *prometheus.Desc
	kind  prometheus.ValueType
	label string // value of the "status" label, for tasks
	value func(recorder.Stats) float64
}

// New returns a Collector for src with metric names under namespace (for
// example "roomrec_tasks", "roomrec_packets_lost_total").
func New(src StatsSource, namespace string) *Collector {
	c := &Collector{src: src}
	tasks := prometheus.NewDesc(prometheus.BuildFQName(namespace, "", "tasks"), "Recording tasks by status.", []string{"status"}, nil)
	add := func(name, help string, kind prometheus.ValueType, v func(recorder.Stats) float64) {
		c.descs = append(c.descs, metric{desc: prometheus.NewDesc(prometheus.BuildFQName(namespace, "", name), help, nil, nil), kind: kind, value: v})
	}
	c.descs = append(c.descs,
		metric{desc: tasks, kind: prometheus.GaugeValue, label: "idle", value: func(s recorder.Stats) float64 { return float64(s.TasksIdle) }},
		metric{desc: tasks, kind: prometheus.GaugeValue, label: "in_progress", value: func(s recorder.Stats) float64 { return float64(s.TasksInProgress) }},
		metric{desc: tasks, kind: prometheus.GaugeValue, label: "exiting", value: func(s recorder.Stats) float64 { return float64(s.TasksExiting) }},
	)
	g, ct := prometheus.GaugeValue, prometheus.CounterValue
	add("tracks", "Tracks being recorded.", g, func(s recorder.Stats) float64 { return float64(s.Tracks) })
	add("packets_total", "RTP packets received by tasks.", ct, func(s recorder.Stats) float64 { return float64(s.Packets) })
	add("packets_lost_total", "RTP packets never received.", ct, func(s recorder.Stats) float64 { return float64(s.PacketsLost) })
	add("packets_reordered_total", "RTP packets that arrived out of order.", ct, func(s recorder.Stats) float64 { return float64(s.PacketsReordered) })
	add("packets_duplicate_total", "Duplicate RTP packets.", ct, func(s recorder.Stats) float64 { return float64(s.PacketsDuplicate) })
	add("packets_late_total", "RTP packets that came after they were given up.", ct, func(s recorder.Stats) float64 { return float64(s.PacketsLate) })
	add("packets_malformed_total", "Malformed RTP packets.", ct, func(s recorder.Stats) float64 { return float64(s.PacketsMalformed) })
	add("queue_dropped_total", "Packets dropped because a task's queue was full.", ct, func(s recorder.Stats) float64 { return float64(s.QueueDropped) })
	add("frames_dropped_total", "Frames not written (broken, or waiting for a keyframe).", ct, func(s recorder.Stats) float64 { return float64(s.FramesDropped) })
	add("keyframe_requests_total", "Keyframe requests (PLI) sent to publishers.", ct, func(s recorder.Stats) float64 { return float64(s.KeyframeRequests) })
	add("ssrc_changes_total", "Tracks that switched to a new SSRC (a publisher restarted its stream).", ct, func(s recorder.Stats) float64 { return float64(s.SSRCChanges) })
	add("discontinuities_total", "Breaks in a track's timeline (SSRC changes, sequence restarts, timestamp jumps).", ct, func(s recorder.Stats) float64 { return float64(s.Discontinuities) })
	add("segments_total", "TS segments written.", ct, func(s recorder.Stats) float64 { return float64(s.Segments) })
	add("bytes_total", "Bytes of TS written.", ct, func(s recorder.Stats) float64 { return float64(s.Bytes) })
	add("uploads_total", "Files stored.", ct, func(s recorder.Stats) float64 { return float64(s.Uploads) })
	add("upload_failures_total", "Failed upload attempts (each is retried).", ct, func(s recorder.Stats) float64 { return float64(s.UploadFailures) })
	add("spool_files", "Files waiting in the spool.", g, func(s recorder.Stats) float64 { return float64(s.SpoolFiles) })
	add("spool_bytes", "Bytes waiting in the spool.", g, func(s recorder.Stats) float64 { return float64(s.SpoolBytes) })
	add("callback_queue", "Events waiting to be delivered.", g, func(s recorder.Stats) float64 { return float64(s.CallbackQueue) })
	add("callback_delivered_total", "Events delivered.", ct, func(s recorder.Stats) float64 { return float64(s.CallbackDelivered) })
	add("callback_failed_total", "Events given up.", ct, func(s recorder.Stats) float64 { return float64(s.CallbackFailed) })
	add("callback_retries_total", "Event delivery retries.", ct, func(s recorder.Stats) float64 { return float64(s.CallbackRetries) })
	add("callback_dropped_total", "Events refused by a full queue.", ct, func(s recorder.Stats) float64 { return float64(s.CallbackDropped) })
	return c
}

// Describe sends the descriptions of every metric (prometheus.Collector).
func (c *Collector) Describe(ch chan<- *prometheus.Desc) {
	seen := map[*prometheus.Desc]bool{}
	for _, m := range c.descs {
		if !seen[m.desc] {
			seen[m.desc] = true
			ch <- m.desc
		}
	}
}

// Collect reads the Stats once and sends every metric (prometheus.Collector).
func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	s := c.src.Stats()
	for _, m := range c.descs {
		if m.label != "" {
			ch <- prometheus.MustNewConstMetric(m.desc, m.kind, m.value(s), m.label)
		} else {
			ch <- prometheus.MustNewConstMetric(m.desc, m.kind, m.value(s))
		}
	}
}
