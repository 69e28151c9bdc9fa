//go:build !unix

package kevy

import "time"

// cpuTimes returns zeros where getrusage is not available.
func cpuTimes() (sys, user time.Duration) { return 0, 0 }
