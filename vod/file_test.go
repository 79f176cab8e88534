package vod_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/roomrec/roomrec/vod"
)

// makeMP4 remuxes the committed H.264 test clip into an MP4 with ffmpeg
// (installed by make deps; the test fails without it).
func makeMP4(t *testing.T, path string) []byte {
	t.Helper()
	out, err := exec.Command("ffmpeg", "-v", "error", "-y", "-framerate", "15", "-i", "../testdata/media/h264_640x360_15fps.h264",
		"-c", "copy", "-movflags", "+faststart", path).CombinedOutput()
	if err != nil {
		t.Fatalf("ffmpeg: %v\n%s", err, out)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestUploadFile uploads a real MP4 from disk: the type comes from the
// extension, the name from the file, the bytes arrive unchanged.
func TestUploadFile(t *testing.T) {
	e := newEnv(t, nil)
	path := filepath.Join(t.TempDir(), "1400123456_room1__UserId_s_dXNlcjE__UserId_e_main_video.MP4")
	data := makeMP4(t, path)
	res, err := e.c.UploadFile(e.ctx(), path, "")
	if err != nil {
		t.Fatal(err)
	}
	media := e.srv.Media()
	if len(media) != 1 || media[0].FileID != res.FileID {
		t.Fatalf("result %+v, committed %+v", res, media)
	}
	if got, ct, _ := e.srv.COS().Object(media[0].Key); !bytes.Equal(got, data) || ct != "video/mp4" {
		t.Fatalf("object: %d bytes of %d, identical %v, type %q", len(got), len(data), bytes.Equal(got, data), ct)
	}
	apply := media[0].Apply
	if apply["MediaType"] != "mp4" || apply["MediaName"] != "1400123456_room1__UserId_s_dXNlcjE__UserId_e_main_video" {
		t.Errorf("ApplyUpload parameters %v", apply)
	}
}

// TestUploadFileMissing: a file that cannot be opened is CodeSourceError
// and reaches no service.
func TestUploadFileMissing(t *testing.T) {
	e := newEnv(t, nil)
	for _, path := range []string{filepath.Join(t.TempDir(), "gone.mp4"), t.TempDir()} {
		_, err := e.c.UploadFile(e.ctx(), path, "x")
		if ve := vodError(t, err); ve.Code != vod.CodeSourceError || ve.Op != vod.OpUpload || ve.Retryable || ve.Err == nil {
			t.Errorf("%s: %+v", path, ve)
		}
	}
	if _, err := e.c.UploadFile(e.ctx(), filepath.Join(t.TempDir(), "noext"), "x"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("no extension, missing file: %v", err)
	}
	if calls := e.srv.Calls(); len(calls) != 0 {
		t.Errorf("calls %v", calls)
	}
}

// TestConcurrentUploads: one Client serves parallel uploads, each its own
// session and file.
func TestConcurrentUploads(t *testing.T) {
	e := newEnv(t, nil)
	const n = 8
	var wg sync.WaitGroup
	results := make([]vod.Result, n)
	errs := make([]error, n)
	ctx := e.ctx()
	for i := range n {
		wg.Go(func() {
			data := randomBytes(1000+i, uint64(100+i))
			results[i], errs[i] = e.c.Upload(ctx, bytes.NewReader(data), int64(len(data)), fmt.Sprint("file", i), "mp4")
		})
	}
	wg.Wait()
	ids := map[string]bool{}
	for i, err := range errs {
		if err != nil {
			t.Fatalf("upload %d: %v", i, err)
		}
		ids[results[i].FileID] = true
	}
	if len(ids) != n || len(e.srv.Media()) != n {
		t.Fatalf("%d distinct FileIds, %d committed, want %d", len(ids), len(e.srv.Media()), n)
	}
	for _, m := range e.srv.Media() {
		var i int
		if _, err := fmt.Sscanf(m.Apply["MediaName"].(string), "file%d", &i); err != nil || m.Size != int64(1000+i) {
			t.Errorf("file %v has %d bytes", m.Apply["MediaName"], m.Size)
		}
	}
}
