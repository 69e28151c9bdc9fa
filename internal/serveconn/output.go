package serveconn

import (
	"errors"
	"os"
	"time"
)

// Writing replies in normal mode: the serving goroutine writes a batch's
// replies before it reads more, so a client that does not read its
// replies stops being read (backpressure, where Redis would buffer up to
// its output limit). The normal class's limits still apply to what one
// batch produced, and the idle timeout to a write that makes no progress.

// writeChunk is how much is written at once when a deadline must be
// renewed as the write progresses.
const writeChunk = 64 << 10

// softTimer remembers since when a connection's pending output has been at
// or above its class's soft limit.
type softTimer struct{ since time.Time }

// update records whether pending output is over lim's soft limit at now and
// returns the deadline the soft limit sets (zero: none).
func (s *softTimer) update(lim OutputLimit, pending int64, now time.Time) time.Time {
	if !lim.overSoft(pending) {
		s.since = time.Time{}
		return time.Time{}
	}
	if s.since.IsZero() {
		s.since = now
	}
	return s.since.Add(lim.SoftSeconds)
}

var errIdle = errors.New("serveconn: idle timeout")

// flush writes the pending replies under the normal class's limits.
func (c *Conn) flush() error {
	if len(c.out) == 0 {
		return nil
	}
	err := c.write(c.out, c.reg.Limits().Normal)
	c.out = c.out[:0]
	if cap(c.out) > 1<<20 {
		c.out = nil
	}
	return err
}

// write writes buf, all of it pending output of a connection of class
// lim: at the hard limit it is refused (the connection closes, as Redis
// closes a client whose output reaches it); while what remains is over the
// soft limit it must drain within the soft limit's seconds; with an idle
// timeout, each chunk must make progress within it.
func (c *Conn) write(buf []byte, lim OutputLimit) error {
	if lim.Hard > 0 && int64(len(buf)) >= lim.Hard {
		return errOutputBuffer
	}
	idle := c.cfg.IdleTimeout
	if idle <= 0 && !lim.overSoft(int64(len(buf))) {
		_, err := c.nc.Write(buf)
		return err
	}
	for len(buf) > 0 {
		now := time.Now()
		soft := c.soft.update(lim, int64(len(buf)), now)
		dl := soft
		if idle > 0 {
			if d := now.Add(idle); dl.IsZero() || d.Before(dl) {
				dl = d
			}
		}
		_ = c.nc.SetWriteDeadline(dl) // a closed conn fails the write
		n, err := c.nc.Write(buf[:min(len(buf), writeChunk)])
		buf = buf[n:]
		if err != nil {
			if errors.Is(err, os.ErrDeadlineExceeded) {
				if !soft.IsZero() && !time.Now().Before(soft) {
					return errOutputBuffer
				}
				return errIdle
			}
			return err
		}
	}
	c.soft = softTimer{}
	_ = c.nc.SetWriteDeadline(time.Time{})
	return nil
}
