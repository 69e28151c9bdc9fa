//go:build !unix

package dirlock

import "os"

// Without flock, the lock is advisory only within this process's files.
func flock(f *os.File) error   { return nil }
func funlock(f *os.File) error { return nil }
