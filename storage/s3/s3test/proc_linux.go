package s3test

import (
	"os/exec"
	"syscall"
)

// setParentDeathSignal makes the kernel kill versitygw if the test process
// dies before its clean-up runs.
func setParentDeathSignal(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
