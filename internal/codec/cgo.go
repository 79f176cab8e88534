//go:build cgo

package codec

/*
#cgo pkg-config: libavcodec libavutil libswscale libswresample
#include <stdlib.h>
#include "ffmpeg.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"strings"
	"unsafe"

	"github.com/roomrec/roomrec/errcode"
)

// Available returns nil when the package was built with cgo and FFmpeg's
// libraries have what the recorder needs: the libx264 and AAC encoders and
// the Opus, H.264 and VP8 decoders. Otherwise it returns an error matching
// ErrUnsupported that names what is missing.
func Available() error {
	var missing []string
	for _, n := range []struct {
		c       Codec
		name    string
		encoder bool
	}{{H264, "libx264", true}, {AAC, "aac", true}, {Opus, "", false}, {H264, "", false}, {VP8, "", false}} {
		if _, err := find(n.c, n.name, n.encoder); err != nil {
			missing = append(missing, err.Error())
		}
	}
	if len(missing) > 0 {
		return errcode.New(ErrUnsupported, "codec: FFmpeg (%s) lacks: %s", Versions(), strings.Join(missing, "; "))
	}
	return nil
}

// Versions returns the versions of the FFmpeg libraries linked, e.g.
// "libavcodec 59.37.100, libavutil 57.28.100, ...".
func Versions() string {
	var buf [256]C.char
	return C.GoString(C.rr_versions(&buf[0], C.int(len(buf))))
}

// FindDecoder returns the name of the FFmpeg decoder NewDecoder would use
// for c (for AV1: libdav1d, else libaom-av1), or an error matching
// ErrUnsupported that lists the decoders this FFmpeg build has.
func FindDecoder(c Codec) (string, error) { return find(c, "", false) }

// FindEncoder returns the name of the FFmpeg encoder for c that NewVideoEncoder
// or NewAudioEncoder would open under name ("" for the default). It returns
// an error matching ErrUnsupported when the build lacks it (listing the
// encoders it has), or InvalidParameter.Encoder when name encodes another
// codec.
func FindEncoder(c Codec, name string) (string, error) {
	if name == "" {
		name = map[bool]string{true: DefaultVideoEncoder, false: DefaultAudioEncoder}[c.IsVideo()]
	}
	return find(c, name, true)
}

func find(c Codec, name string, encoder bool) (string, error) {
	kind := map[bool]string{true: "encoder", false: "decoder"}[encoder]
	if !c.Valid() {
		return "", invalid("Codec", "unknown codec %v", c)
	}
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	var found *C.char
	switch C.rr_find(C.int(c), cname, cbool(encoder), &found) {
	case 0:
		return C.GoString(found), nil
	case -2:
		return "", invalid(map[bool]string{true: "Encoder", false: "Decoder"}[encoder],
			"FFmpeg's %s %q is not a %v %s", kind, C.GoString(found), c, kind)
	}
	var buf [512]C.char
	C.rr_list(C.int(c), cbool(encoder), &buf[0], C.int(len(buf)))
	have := C.GoString(&buf[0])
	if have == "" {
		have = "none"
	}
	if name == "" {
		return "", errcode.New(ErrUnsupported, "codec: this FFmpeg build (libavcodec %s) has no %v %s (usable: %s); "+
			"install an FFmpeg with one (for AV1: libdav1d)", libavcodec(), c, kind, have)
	}
	return "", errcode.New(ErrUnsupported, "codec: this FFmpeg build (libavcodec %s) has no %v %s %q (it has: %s)",
		libavcodec(), c, kind, name, have)
}

func libavcodec() string {
	v, _, _ := strings.Cut(strings.TrimPrefix(Versions(), "libavcodec "), ",")
	return v
}

// SetLibraryLogLevel sets the level of FFmpeg's own log messages, which it
// prints on stderr (for example the AAC encoder's "Qavg" line when closed,
// or a decoder's complaint about a corrupt frame). It is process-wide
// (FFmpeg's av_log level), so the package never calls it by itself:
// slog.LevelError keeps only errors, above it silences FFmpeg.
func SetLibraryLogLevel(level slog.Level) {
	l := C.int(-8) // AV_LOG_QUIET
	switch {
	case level <= slog.LevelDebug:
		l = 48 // AV_LOG_DEBUG
	case level <= slog.LevelInfo:
		l = 32 // AV_LOG_INFO
	case level <= slog.LevelWarn:
		l = 24 // AV_LOG_WARNING
	case level <= slog.LevelError:
		l = 16 // AV_LOG_ERROR
	}
	C.rr_set_log_level(l)
}

// cHeapInUse returns the bytes the C heap holds, or -1 where the C library
// cannot tell (tests check that Close frees everything).
func cHeapInUse() int64 { return int64(C.rr_heap_in_use()) }

func cbool(b bool) C.int {
	if b {
		return 1
	}
	return 0
}

// averror describes an FFmpeg error code.
func averror(code C.int) string {
	var buf [128]C.char
	C.rr_strerror(code, &buf[0], C.int(len(buf)))
	return C.GoString(&buf[0])
}

// failure wraps an FFmpeg error of operation op: invalid input becomes
// ErrInvalidData, anything else an InternalError.
func failure(op string, code C.int) error {
	if code == C.RR_INVALIDDATA || code == C.RR_EINVAL {
		return fmt.Errorf("%w: %s: %s", ErrInvalidData, op, averror(code))
	}
	return errcode.Wrap(errcode.InternalError, errors.New(averror(code)), "codec: %s", op)
}

// leak is what the safety-net cleanup of an object not closed needs: it
// must not reference the object itself.
type leak struct {
	what string
	log  *slog.Logger
	free func()
}

func leaked(l leak) {
	l.log.Warn("codec: object garbage collected without Close; freeing its C memory now (call Close)", "object", l.what)
	l.free()
}

// watch arms the safety net of obj: if obj becomes unreachable before
// Close stops the returned cleanup, its C memory is freed and a warning
// logged. free must capture C pointers only, never obj.
func watch[T any](obj *T, what string, log *slog.Logger, free func()) runtime.Cleanup {
	if log == nil {
		log = slog.Default()
	}
	return runtime.AddCleanup(obj, leaked, leak{what: what, log: log, free: free})
}
