//go:build linux || darwin

package serveconn

import (
	"errors"
	"net"
	"syscall"

	"golang.org/x/sys/unix"
)

// peekClosed reports whether the peer of a socket has closed it (or the
// connection broke), without consuming input: one non-blocking
// recv(MSG_PEEK). It reports false for what it cannot check.
func peekClosed(nc net.Conn) bool {
	sc, ok := nc.(syscall.Conn)
	if !ok {
		return false
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return false
	}
	closed := false
	var b [1]byte
	_ = rc.Read(func(fd uintptr) bool { // fails only on a closed conn: not ours to report
		n, _, err := unix.Recvfrom(int(fd), b[:], unix.MSG_PEEK|unix.MSG_DONTWAIT)
		switch {
		case err == nil:
			closed = n == 0
		case errors.Is(err, unix.EAGAIN), errors.Is(err, unix.EINTR):
		default:
			closed = true
		}
		return true
	})
	return closed
}
