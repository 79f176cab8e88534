package recorder

import (
	"sync/atomic"

	"github.com/roomrec/roomrec/callback"
)

// Stats is what an operator watches (Recorder.Stats). Counters are totals
// since New, including tasks that have ended; the others are current.
type Stats struct {
	// Tasks by status, now.
	TasksIdle, TasksInProgress, TasksExiting int
	// Tracks being recorded now (one per task and track).
	Tracks int
	// Media path counters (see StreamState).
	Packets, PacketsLost, PacketsReordered, PacketsDuplicate, PacketsLate, PacketsMalformed uint64
	QueueDropped, FramesDropped, KeyframeRequests                                           uint64
	// Segments and bytes of TS written.
	Segments uint64
	Bytes    uint64
	// Uploads: files stored, failed attempts (each is retried), and the
	// spool backlog now (files waiting to be stored and their size).
	Uploads, UploadFailures uint64
	SpoolFiles              int
	SpoolBytes              int64
	// Callback delivery, when the Notifier reports it (*callback.HTTP).
	CallbackQueue                     int
	CallbackDelivered, CallbackFailed int64
	CallbackRetries, CallbackDropped  int64
}

// totals are the counters of ended tasks and pipelines.
type totals struct {
	packets, lost, reordered, duplicates, late, malformed atomic.Uint64
	queueDropped, framesDropped, keyframeRequests         atomic.Uint64
	segments, bytes, uploads, uploadFailures              atomic.Uint64
}

// addStream adds the counters of a stream whose task ended.
func (tt *totals) addStream(s StreamState) {
	tt.packets.Add(s.Packets)
	tt.lost.Add(s.Lost)
	tt.reordered.Add(s.Reordered)
	tt.duplicates.Add(s.Duplicates)
	tt.late.Add(s.Late)
	tt.malformed.Add(s.Malformed)
	tt.queueDropped.Add(s.QueueDropped)
	tt.framesDropped.Add(s.FramesDropped)
	tt.keyframeRequests.Add(s.KeyframeRequests)
	tt.segments.Add(uint64(s.Segments))
	tt.bytes.Add(uint64(s.Bytes))
}

// notifierStats is implemented by notifiers that count deliveries.
type notifierStats interface{ Stats() callback.Stats }

// Stats returns the recorder's counters and gauges. It is cheap enough to
// call for every metrics scrape.
func (r *Recorder) Stats() Stats {
	var s Stats
	tt := &r.totals
	r.mu.Lock()
	s.Packets, s.PacketsLost, s.PacketsReordered = tt.packets.Load(), tt.lost.Load(), tt.reordered.Load()
	s.PacketsDuplicate, s.PacketsLate, s.PacketsMalformed = tt.duplicates.Load(), tt.late.Load(), tt.malformed.Load()
	s.QueueDropped, s.FramesDropped, s.KeyframeRequests = tt.queueDropped.Load(), tt.framesDropped.Load(), tt.keyframeRequests.Load()
	s.Segments, s.Bytes = tt.segments.Load(), tt.bytes.Load()
	s.Uploads, s.UploadFailures = tt.uploads.Load(), tt.uploadFailures.Load()
	tasks := make([]*task, 0, len(r.tasks))
	for _, tk := range r.tasks {
		tasks = append(tasks, tk)
	}
	ups := make([]*uploader, 0, len(r.uploaders))
	for u := range r.uploaders {
		ups = append(ups, u)
	}
	r.mu.Unlock()
	for _, u := range ups {
		n, b := u.backlog()
		s.SpoolFiles += n
		s.SpoolBytes += b
	}
	for _, tk := range tasks {
		d := tk.describe()
		switch d.Status {
		case Idle:
			s.TasksIdle++
		case InProgress:
			s.TasksInProgress++
		default:
			s.TasksExiting++
		}
		for _, st := range d.Streams {
			if st.Recording {
				s.Tracks++
			}
			s.Packets += st.Packets
			s.PacketsLost += st.Lost
			s.PacketsReordered += st.Reordered
			s.PacketsDuplicate += st.Duplicates
			s.PacketsLate += st.Late
			s.PacketsMalformed += st.Malformed
			s.QueueDropped += st.QueueDropped
			s.FramesDropped += st.FramesDropped
			s.KeyframeRequests += st.KeyframeRequests
			s.Segments += uint64(st.Segments)
			s.Bytes += uint64(st.Bytes)
		}
	}
	if ns, ok := r.cfg.Notifier.(notifierStats); ok {
		cs := ns.Stats()
		s.CallbackQueue, s.CallbackDelivered, s.CallbackFailed = cs.Queued, cs.Delivered, cs.Failures
		s.CallbackRetries, s.CallbackDropped = cs.Retries, cs.Dropped
	}
	return s
}
