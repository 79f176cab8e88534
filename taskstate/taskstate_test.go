package taskstate_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/roomrec/roomrec/errcode"
	"github.com/roomrec/roomrec/taskstate"
)

func TestValidate(t *testing.T) {
	cases := []struct {
		id     string
		data   int
		detail string // "" for valid
	}{
		{"t1", 0, ""},
		{"room 12/user ü-1", taskstate.MaxDataSize, ""},
		{strings.Repeat("a", taskstate.MaxTaskIDLen), 10, ""},
		{"", 0, "TaskId"},
		{strings.Repeat("a", taskstate.MaxTaskIDLen+1), 0, "TaskId"},
		{"bad\xffutf8", 0, "TaskId"},
		{"tab\there", 0, "TaskId"},
		{"del\x7f", 0, "TaskId"},
		{"t1", taskstate.MaxDataSize + 1, "Data"},
	}
	for _, c := range cases {
		err := taskstate.Validate(c.id, make([]byte, c.data))
		if c.detail == "" {
			if err != nil {
				t.Errorf("Validate(%q, %d bytes) = %v, want nil", c.id, c.data, err)
			}
			continue
		}
		if !errors.Is(err, errcode.InvalidParameter.Detail(c.detail)) {
			t.Errorf("Validate(%q, %d bytes) = %v, want InvalidParameter.%s", c.id, c.data, err, c.detail)
		}
	}
}

func TestRecordOrphan(t *testing.T) {
	if !(taskstate.Record{}).Orphan() || (taskstate.Record{Token: 3}).Orphan() {
		t.Fatal("Orphan must be Token == 0")
	}
}
