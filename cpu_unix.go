//go:build unix

package kevy

import (
	"syscall"
	"time"
)

// cpuTimes returns the CPU time the process spent in the kernel and in
// user space (INFO cpu).
func cpuTimes() (sys, user time.Duration) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, 0
	}
	return time.Duration(ru.Stime.Nano()), time.Duration(ru.Utime.Nano())
}
