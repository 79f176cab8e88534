//go:build !cgo

package mix

import (
	"errors"
	"testing"

	"github.com/roomrec/roomrec/errcode"
)

// Without cgo a Mixer cannot be made, and the error says why.
func TestNoCgo(t *testing.T) {
	if _, err := New(Config{}); !errors.Is(err, errcode.Unsupported) {
		t.Fatalf("New: %v", err)
	}
}
