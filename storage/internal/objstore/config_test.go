package objstore_test

import (
	"errors"
	"testing"
	"time"

	"github.com/roomrec/roomrec/errcode"
	"github.com/roomrec/roomrec/storage/internal/objstore"
)

func TestLimitsValidate(t *testing.T) {
	l := objstore.Limits{Store: "S3", MinPartSize: 5 << 20, MaxPartSize: 5 << 30,
		DefaultPartSize: 8 << 20, DefaultMultipartThreshold: 16 << 20, DefaultTimeout: 2 * time.Minute}
	cases := []struct {
		name      string
		part, thr int64
		timeout   time.Duration
		wantField string // "" = valid
		wantMsg   string
	}{
		{"zeros take defaults", 0, 0, 0, "", ""},
		{"bounds", 5 << 20, 5 << 30, time.Second, "", ""},
		{"largest part, threshold 1", 5 << 30, 1, time.Hour, "", ""},
		{"part too small", 5<<20 - 1, 0, 0, "PartSize", "S3 PartSize 5242879: must be 0 (default 8388608) or between 5242880 and 5368709120 bytes"},
		{"part too large", 5<<30 + 1, 0, 0, "PartSize", "S3 PartSize 5368709121: must be 0 (default 8388608) or between 5242880 and 5368709120 bytes"},
		{"negative part", -1, 0, 0, "PartSize", ""},
		{"negative threshold", 0, -1, 0, "MultipartThreshold", "S3 MultipartThreshold -1: must be 0 (default 16777216) or between 1 and 5368709120 bytes"},
		{"threshold too large", 0, 5<<30 + 1, 0, "MultipartThreshold", ""},
		{"negative timeout", 0, 0, -time.Second, "Timeout", "S3 Timeout -1s: must be 0 (default 2m0s) or positive"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := l.Validate(c.part, c.thr, c.timeout)
			if c.wantField == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			want := errcode.InvalidParameter.Detail("StorageParams." + c.wantField)
			if !errors.Is(err, want) || errcode.CodeOf(err) != want || objstore.Param(c.wantField) != want {
				t.Errorf("Validate = %v, want %s", err, want)
			}
			var ee *errcode.Error
			if c.wantMsg != "" && (!errors.As(err, &ee) || ee.Message != c.wantMsg) {
				t.Errorf("Validate = %v, want message %q", err, c.wantMsg)
			}
		})
	}
}
