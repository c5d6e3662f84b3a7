//go:build unix && !linux

package sharedlogin

import (
	"os/exec"
	"syscall"
)

// setProcAttr puts the server in a process group of its own (gunicorn's
// workers included).
func setProcAttr(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}
