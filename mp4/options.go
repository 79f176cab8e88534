package mp4

import (
	"context"
	"io"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/roomrec/roomrec/errcode"
)

// Defaults applied by Convert to zero Options fields.
const (
	// DefaultMaxDuration is the longest MP4 file of SPEC §3: 24 hours.
	DefaultMaxDuration = 24 * time.Hour
	// DefaultMaxSize is the largest MP4 file of SPEC §3, "2 GB", taken as
	// 2,000,000,000 bytes: a file within it is within 2 GB whether the
	// reader counts in decimal or binary units (2 GiB = 2,147,483,648).
	DefaultMaxSize = 2_000_000_000

	// MinMaxDuration and MinMaxSize are the smallest limits accepted (tests
	// and tools use small ones; a part always holds at least one sample).
	MinMaxDuration = time.Second
	MinMaxSize     = 64 << 10
)

// Source is where the HLS recording is read from: the recorder passes its
// storage (storage.Storage has this method), tools pass a Dir. Get opens the
// object under key; the caller closes it.
type Source interface {
	Get(ctx context.Context, key string) (io.ReadCloser, error)
}

// Sink receives the finished MP4 files: the recorder passes its storage
// (storage.Storage has this method), tools pass a Dir. Put stores the size
// bytes of r under key with the given MIME type ("video/mp4", or
// "audio/mp4" for a file without video). r also implements io.Seeker and
// io.WriterTo; it is only valid during the call. A failed Put must leave no
// partial object.
type Sink interface {
	Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error
}

// Options tune Convert. The zero value converts with the SPEC limits into
// files named after the first playlist.
type Options struct {
	// MaxDuration is the longest a part may last (default
	// DefaultMaxDuration, at least MinMaxDuration).
	MaxDuration time.Duration
	// MaxSize is the largest a part may be in bytes, headers included
	// (default DefaultMaxSize, at least MinMaxSize). A part holds at least
	// one sample, so only a single sample larger than it makes a larger
	// part.
	MaxSize int64
	// Name returns the key of part index: 0 when the recording fits in one
	// file, 1, 2, 3, … for every part when it was split (SPEC §3: "_<Index>
	// only when split"). Convert asks for index 0 only once it knows no
	// split happened. The default puts "<playlist>.mp4" or
	// "<playlist>_<index>.mp4" next to the first playlist (its key without
	// ".m3u8").
	Name func(index int) string
	// TempDir is where the media data of the part being assembled is kept
	// until the part is complete (default os.TempDir()). It needs room for
	// one part plus, while a split is under way, one group of pictures.
	TempDir string
	// OnDecodeError, when set, is told about every damaged packet or frame
	// that was dropped (errors wrapping ErrDamaged that name the segment);
	// the conversion goes on. Nil ignores them.
	OnDecodeError func(error)
}

// Validate checks the options without I/O. It returns nil or an
// *errcode.Error with code InvalidParameter.<Field>.
func (o Options) Validate() error {
	switch {
	case o.MaxDuration != 0 && o.MaxDuration < MinMaxDuration:
		return errcode.New(errcode.InvalidParameter.Detail("MaxDuration"),
			"mp4: MaxDuration must be 0 (24 h) or at least %v, got %v", MinMaxDuration, o.MaxDuration)
	case o.MaxSize != 0 && o.MaxSize < MinMaxSize:
		return errcode.New(errcode.InvalidParameter.Detail("MaxSize"),
			"mp4: MaxSize must be 0 (%d bytes) or at least %d bytes, got %d", DefaultMaxSize, MinMaxSize, o.MaxSize)
	}
	return nil
}

// withDefaults returns o with the defaults applied; playlist is the first
// playlist's key (for the default names).
func (o Options) withDefaults(playlist string) Options {
	if o.MaxDuration == 0 {
		o.MaxDuration = DefaultMaxDuration
	}
	if o.MaxSize == 0 {
		o.MaxSize = DefaultMaxSize
	}
	if o.Name == nil {
		base := strings.TrimSuffix(playlist, path.Ext(playlist))
		o.Name = func(i int) string {
			if i == 0 {
				return base + ".mp4"
			}
			return base + "_" + strconv.Itoa(i) + ".mp4"
		}
	}
	return o
}

// Part describes one MP4 file written by Convert.
type Part struct {
	// Name is the key the file was stored under (Options.Name).
	Name string
	// Start is the wall-clock time of the part's first sample: the
	// earliest playlist's #EXT-X-TRTC-START-REC-TIME plus the part's offset
	// in the recording; the zero time when the playlists lack that tag.
	Start time.Time
	// Duration is the part's duration (the longest track, edit lists
	// included).
	Duration time.Duration
	// Size is the file size in bytes.
	Size int64
	// Video and Audio tell which tracks the file holds.
	Video, Audio bool
}
