//go:build linux || darwin

package main

import "syscall"

// sysRlimit is the process's RLIMIT_NOFILE.
type sysRlimit struct{}

func (sysRlimit) get() (cur, max uint64, err error) {
	var l syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l); err != nil {
		return 0, 0, err
	}
	return uint64(l.Cur), uint64(l.Max), nil
}

func (sysRlimit) set(cur, max uint64) error {
	return syscall.Setrlimit(syscall.RLIMIT_NOFILE, &syscall.Rlimit{Cur: cur, Max: max})
}
