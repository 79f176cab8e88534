package api

import (
	"context"
	"encoding/json"
	"errors"
	"sync"

	"github.com/roomrec/roomrec/errcode"
	"github.com/roomrec/roomrec/recorder"
)

// taskResponse answers Create, Modify and Delete.
type taskResponse struct {
	TaskId    string
	RequestId string
}

func (r *taskResponse) setRequestID(id string) { r.RequestId = id }

// describeResponse answers Describe.
type describeResponse struct {
	TaskId          string
	Status          string
	StorageFileList []storageFile
	RequestId       string
}

func (r *describeResponse) setRequestID(id string) { r.RequestId = id }

type storageFile struct {
	FileName       string
	UserId         string
	TrackType      string
	BeginTimeStamp int64
}

func (c *createRequest) appID() *uint64 { return c.SdkAppId }
func (c *taskRequest) appID() *uint64   { return c.SdkAppId }
func (c *modifyRequest) appID() *uint64 { return c.SdkAppId }

// vod builds the task's VOD destination from the request's CloudVod with
// Config.VOD; without it CloudVod is FailedOperation.Unsupported.
func (h *Handler) vod(ctx context.Context, raw json.RawMessage) (recorder.VOD, error) {
	if h.cfg.VOD == nil {
		return nil, unsupported("StorageParams.CloudVod: this server has no VOD destination configured; use CloudStorage")
	}
	var cv CloudVod
	if err := json.Unmarshal(raw, &cv); err != nil {
		return nil, invalid("CloudVod", "%v", err)
	}
	dest, err := h.cfg.VOD(ctx, cv)
	if err != nil {
		var e *errcode.Error
		if errors.As(err, &e) {
			return nil, err
		}
		return nil, errcode.Wrap(errcode.InvalidParameter.Detail("CloudVod"), err, "cannot use the CloudVod given")
	}
	return dest, nil
}

// run starts the task: parameters are checked before the task's storage is
// built, and a task that starts after the call's deadline is stopped again.
func (c *createRequest) run(ctx context.Context, h *Handler) (response, error) {
	p, err := c.startParams()
	if err != nil {
		return nil, err
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if cs := c.StorageParams; cs != nil && cs.CloudStorage != nil && h.cfg.Storage != nil {
		store, err := h.cfg.Storage(ctx, *cs.CloudStorage)
		if err != nil {
			var e *errcode.Error
			if errors.As(err, &e) {
				return nil, err
			}
			return nil, errcode.Wrap(errcode.InvalidParameter.Detail("CloudStorage"), err, "cannot use the CloudStorage given")
		}
		p.Storage.Storage = store
	}
	if cs := c.StorageParams; cs != nil && present(cs.CloudVod) {
		dest, err := h.vod(ctx, cs.CloudVod)
		if err != nil {
			return nil, err
		}
		p.Storage.VOD = dest
	}
	id, err := h.cfg.Recorder.Start(ctx, p)
	if err != nil {
		return nil, err
	}
	h.own(id, owner{app: p.SdkAppID})
	return &taskResponse{TaskId: id}, nil
}

func (c *describeRequest) run(ctx context.Context, h *Handler) (response, error) {
	id, err := h.ownedTask(c.taskRequest)
	if err != nil {
		return nil, err
	}
	d, err := h.cfg.Recorder.Describe(ctx, id)
	if err != nil {
		h.forgetIfGone(id, err)
		return nil, err
	}
	out := &describeResponse{TaskId: d.TaskID, Status: string(d.Status), StorageFileList: []storageFile{}}
	for _, f := range d.StorageFileList {
		out.StorageFileList = append(out.StorageFileList, storageFile{
			FileName: f.FileName, UserId: f.UserID, TrackType: f.TrackType, BeginTimeStamp: f.BeginTimeStamp,
		})
	}
	return out, nil
}

// run replaces the task's subscription lists (an absent
// SubscribeStreamUserIds means four empty lists: a full overwrite) and,
// when MixLayoutParams is given, the layout of a mixed-stream task.
func (c *modifyRequest) run(ctx context.Context, h *Handler) (response, error) {
	id, err := h.ownedTask(taskRequest{SdkAppId: c.SdkAppId, TaskId: c.TaskId})
	if err != nil {
		return nil, err
	}
	var p recorder.ModifyParams
	if c.SubscribeStreamUserIds != nil {
		p.Subscribe = c.SubscribeStreamUserIds.toRecorder()
	}
	if l := c.MixLayoutParams; l != nil {
		lay, extras, err := l.toRecorder()
		if err != nil {
			return nil, err
		}
		p.Layout, p.Watermarks, p.BackgroundColor = &lay, extras.marks, extras.background
	}
	if err := h.cfg.Recorder.Modify(ctx, id, p); err != nil {
		h.forgetIfGone(id, err)
		return nil, err
	}
	return &taskResponse{TaskId: id}, nil
}

// run stops the task, waiting at most StopWait for its uploads.
func (c *deleteRequest) run(ctx context.Context, h *Handler) (response, error) {
	id, err := h.ownedTask(c.taskRequest)
	if err != nil {
		return nil, err
	}
	stopCtx, cancel := withClockTimeout(ctx, h.cfg.Clock, h.cfg.StopWait)
	defer cancel()
	if _, err := h.cfg.Recorder.Stop(stopCtx, id); err != nil {
		h.forgetIfGone(id, err)
		return nil, err
	}
	h.forget(id)
	return &taskResponse{TaskId: id}, nil
}

// owner is what the handler remembers of a task it created: its SdkAppId.
type owner struct {
	app uint64
}

// own remembers a task created through the handler, and now and then
// drops the tasks that have ended.
func (h *Handler) own(taskID string, t owner) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.owners[taskID] = t
	if len(h.owners) < h.pruneAt {
		return
	}
	running := map[string]bool{}
	for _, id := range h.cfg.Recorder.Tasks() {
		running[id] = true
	}
	for id := range h.owners {
		if !running[id] {
			delete(h.owners, id)
		}
	}
	h.pruneAt = 2*len(h.owners) + 64
}

// ownedTask returns the request's TaskId. A task created through this
// handler for another SdkAppId is reported as not existing.
func (h *Handler) ownedTask(req taskRequest) (string, error) {
	id, err := taskID(req.TaskId)
	if err != nil {
		return "", err
	}
	h.mu.Lock()
	t, ok := h.owners[id]
	h.mu.Unlock()
	if ok && t.app != *req.SdkAppId {
		return "", errcode.New(errcode.TaskNotExist, "task %q does not exist for SdkAppId %d", id, *req.SdkAppId)
	}
	return id, nil
}

func (h *Handler) forget(taskID string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.owners, taskID)
}

func (h *Handler) forgetIfGone(taskID string, err error) {
	if errors.Is(err, errcode.TaskNotExist) {
		h.forget(taskID)
	}
}

// call runs the action under the call's deadline. Exactly one of the
// action and the deadline answers: if the action finishes after the
// deadline was answered, a task it started is stopped again.
func (h *Handler) call(parent context.Context, req request) (response, error) {
	ctx, cancel := withClockTimeout(parent, h.cfg.Clock, h.cfg.Timeout)
	defer cancel()
	var (
		mu       sync.Mutex
		answered bool
	)
	done := make(chan result, 1)
	go func() {
		var res result
		func() {
			defer func() {
				if p := recover(); p != nil {
					res = result{err: errcode.New(errcode.InternalError, "the action failed: %v", p)}
				}
			}()
			res.resp, res.err = req.run(ctx, h)
		}()
		mu.Lock()
		late := answered
		answered = true
		mu.Unlock()
		if !late {
			done <- res
			return
		}
		if lf, ok := req.(interface{ finishedLate(*Handler, response) }); ok && res.err == nil {
			lf.finishedLate(h, res.resp)
		}
	}()
	select {
	case res := <-done:
		return res.resp, res.err
	case <-ctx.Done():
	}
	mu.Lock()
	mine := !answered
	answered = true
	mu.Unlock()
	if !mine {
		res := <-done
		return res.resp, res.err
	}
	if parent.Err() != nil {
		return nil, errcode.Wrap(errcode.InternalError.Detail("Canceled"), parent.Err(), "the caller went away")
	}
	return nil, errcode.New(CodeTimeout, "the recorder did not answer within %v; the call may still take effect: Describe the task before retrying", h.cfg.Timeout)
}

// result is what an action returned.
type result struct {
	resp response
	err  error
}

// finishedLate is called for a Create that succeeded after its caller was
// told it timed out: the task is stopped again, so that the caller's retry
// leaves one task running.
func (c *createRequest) finishedLate(h *Handler, resp response) {
	tr, ok := resp.(*taskResponse)
	if !ok {
		return
	}
	ctx, cancel := withClockTimeout(context.Background(), h.cfg.Clock, h.cfg.StopWait)
	defer cancel()
	if _, err := h.cfg.Recorder.Stop(ctx, tr.TaskId); err != nil {
		h.cfg.Logger.Warn("api: cannot stop a task started after its call timed out", "task", tr.TaskId, "err", err)
	}
	h.forget(tr.TaskId)
	h.cfg.Logger.Info("api: stopped a task started after its call timed out", "task", tr.TaskId)
}
