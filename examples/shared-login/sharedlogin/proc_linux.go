package sharedlogin

import (
	"os/exec"
	"syscall"
)

// setProcAttr puts the server in a process group of its own (gunicorn's
// workers included), killed with the Go process if that dies first.
func setProcAttr(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
