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
	SSRCChanges, Discontinuities                                                            uint64
	// Segments and bytes of TS written (single-stream playlists and
	// mixed outputs).
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

// totals are the counters of what ended: the media counters of ended
// tasks (under Recorder.mu) and the upload counters (atomic, from the
// uploaders).
type totals struct {
	streams                 StreamState
	uploads, uploadFailures atomic.Uint64
}

// output returns the mix output's segments and bytes as stream counters
// (zero for a nil MixState: a single-stream task).
func (m *MixState) output() StreamState {
	if m == nil {
		return StreamState{}
	}
	return StreamState{Segments: m.Segments, Bytes: m.Bytes}
}

// notifierStats is implemented by notifiers that count deliveries.
type notifierStats interface{ Stats() callback.Stats }

// Stats returns the recorder's counters and gauges. It is cheap enough to
// call for every metrics scrape.
func (r *Recorder) Stats() Stats {
	var s Stats
	r.mu.Lock()
	sum := r.totals.streams
	tasks := make([]*task, 0, len(r.tasks))
	for _, tk := range r.tasks {
		tasks = append(tasks, tk)
	}
	ups := make([]*uploader, 0, len(r.uploaders))
	for u := range r.uploaders {
		ups = append(ups, u)
	}
	r.mu.Unlock()
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
			sum.add(st)
		}
		sum.add(d.Mix.output())
	}
	s.Packets, s.PacketsLost, s.PacketsReordered = sum.Packets, sum.Lost, sum.Reordered
	s.PacketsDuplicate, s.PacketsLate, s.PacketsMalformed = sum.Duplicates, sum.Late, sum.Malformed
	s.QueueDropped, s.FramesDropped, s.KeyframeRequests = sum.QueueDropped, sum.FramesDropped, sum.KeyframeRequests
	s.SSRCChanges, s.Discontinuities = sum.SSRCChanges, sum.Discontinuities
	s.Segments, s.Bytes = uint64(sum.Segments), uint64(sum.Bytes)
	s.Uploads, s.UploadFailures = r.totals.uploads.Load(), r.totals.uploadFailures.Load()
	for _, u := range ups {
		n, b := u.backlog()
		s.SpoolFiles += n
		s.SpoolBytes += b
	}
	if ns, ok := r.cfg.Notifier.(notifierStats); ok {
		cs := ns.Stats()
		s.CallbackQueue, s.CallbackDelivered, s.CallbackFailed = cs.Queued, cs.Delivered, cs.Failures
		s.CallbackRetries, s.CallbackDropped = cs.Retries, cs.Dropped
	}
	return s
}
