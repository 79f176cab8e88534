// Package wire is the stored form of a taskstate record, shared by the
// back-ends: versioned JSON, so a store written by one release is read by
// the next.
package wire

import (
	"encoding/json"
	"fmt"
)

// version is the format written by Marshal.
const version = 1

// Value is what a back-end stores for one task.
type Value struct {
	V     int    `json:"v"`
	Data  []byte `json:"data,omitempty"`
	HA    int    `json:"ha"`
	Owner string `json:"owner"`
	// Token is the token of the last Create or Claim (bolt only; etcd
	// derives it from the owner key's revision).
	Token int64 `json:"token,omitempty"`
}

// Marshal returns v's stored form.
func Marshal(v Value) []byte {
	v.V = version
	b, _ := json.Marshal(v) // cannot fail: plain fields only
	return b
}

// Unmarshal parses a stored value of task id; it returns an error naming
// the task for bytes that are not a value of a known version.
func Unmarshal(id string, b []byte) (Value, error) {
	var v Value
	if err := json.Unmarshal(b, &v); err != nil {
		return Value{}, fmt.Errorf("taskstate: corrupt record of task %q: %w", id, err)
	}
	if v.V != version {
		return Value{}, fmt.Errorf("taskstate: record of task %q has format version %d, this build reads %d", id, v.V, version)
	}
	if v.HA < 0 {
		return Value{}, fmt.Errorf("taskstate: corrupt record of task %q: HA %d", id, v.HA)
	}
	return v, nil
}
