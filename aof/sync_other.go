//go:build !linux

package aof

import "os"

// fdatasync flushes f to stable storage; without fdatasync(2) that is a
// full fsync (F_FULLFSYNC on macOS, as os.File.Sync does).
func fdatasync(f *os.File) error { return f.Sync() }
