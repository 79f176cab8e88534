package objstore

import (
	"time"

	"github.com/roomrec/roomrec/errcode"
)

// Param returns the service code of a wrong storage parameter,
// InvalidParameter.StorageParams.<name>.
func Param(name string) errcode.Code {
	return errcode.InvalidParameter.Detail("StorageParams." + name)
}

// Limits are what a store allows for the upload settings of a back-end's
// Config, and the defaults its zero values take (named in the messages).
type Limits struct {
	Store                     string // starts each message: "COS", "S3"
	MinPartSize, MaxPartSize  int64
	DefaultPartSize           int64
	DefaultMultipartThreshold int64
	DefaultTimeout            time.Duration
}

// Validate checks the upload settings of a back-end's Config without I/O:
// partSize 0 or MinPartSize to MaxPartSize, threshold 0 to MaxPartSize,
// timeout not negative. It returns nil or an *errcode.Error with code
// Param("PartSize"), Param("MultipartThreshold") or Param("Timeout") and a
// message that says what to change.
func (l Limits) Validate(partSize, threshold int64, timeout time.Duration) error {
	if partSize != 0 && (partSize < l.MinPartSize || partSize > l.MaxPartSize) {
		return errcode.New(Param("PartSize"), "%s PartSize %d: must be 0 (default %d) or between %d and %d bytes", l.Store, partSize, l.DefaultPartSize, l.MinPartSize, l.MaxPartSize)
	}
	if threshold < 0 || threshold > l.MaxPartSize {
		return errcode.New(Param("MultipartThreshold"), "%s MultipartThreshold %d: must be 0 (default %d) or between 1 and %d bytes", l.Store, threshold, l.DefaultMultipartThreshold, l.MaxPartSize)
	}
	if timeout < 0 {
		return errcode.New(Param("Timeout"), "%s Timeout %v: must be 0 (default %v) or positive", l.Store, timeout, l.DefaultTimeout)
	}
	return nil
}
