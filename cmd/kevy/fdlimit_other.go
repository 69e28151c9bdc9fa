//go:build !(linux || darwin)

package main

import "errors"

// sysRlimit: kevy serve does not manage the open-file limit on this
// platform.
type sysRlimit struct{}

func (sysRlimit) get() (cur, max uint64, err error) {
	return 0, 0, errors.ErrUnsupported
}

func (sysRlimit) set(uint64, uint64) error { return errors.ErrUnsupported }
