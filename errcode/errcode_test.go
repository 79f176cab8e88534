package errcode

import (
	"errors"
	"fmt"
	"io"
	"testing"
)

func TestIsMatchesClassAndCode(t *testing.T) {
	err := fmt.Errorf("start: %w", Wrap(InvalidParameter.Detail("UserId"), io.EOF, "user id %q is too long", "x"))
	cases := []struct {
		target error
		want   bool
	}{
		{InvalidParameter, true},
		{Code("InvalidParameter.UserId"), true},
		{Code("InvalidParameter.RoomId"), false},
		{InternalError, false},
		{io.EOF, true},
		{io.ErrUnexpectedEOF, false},
	}
	for _, c := range cases {
		if got := errors.Is(err, c.target); got != c.want {
			t.Errorf("errors.Is(err, %v) = %v, want %v", c.target, got, c.want)
		}
	}
	var e *Error
	if !errors.As(err, &e) || e.Code != "InvalidParameter.UserId" {
		t.Fatalf("errors.As: %v", e)
	}
	if got, want := err.Error(), `start: InvalidParameter.UserId: user id "x" is too long: EOF`; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestCodeOfAndRetryable(t *testing.T) {
	if CodeOf(nil) != "" {
		t.Error("CodeOf(nil) not empty")
	}
	if CodeOf(io.EOF) != InternalError {
		t.Error("plain error should classify as InternalError")
	}
	if CodeOf(New(RestrictedConcurrency, "full")) != RestrictedConcurrency {
		t.Error("CodeOf lost the code")
	}
	if !InternalError.Detail("Storage").Retryable() || InvalidParameter.Detail("X").Retryable() {
		t.Error("Retryable wrong")
	}
	if RestrictedConcurrency.Class() != FailedOperation {
		t.Error("Class wrong")
	}
}
