//go:build !linux

package s3test

import "os/exec"

// setParentDeathSignal does nothing where the kernel has no parent-death
// signal; the test's clean-up stops versitygw.
func setParentDeathSignal(*exec.Cmd) {}
