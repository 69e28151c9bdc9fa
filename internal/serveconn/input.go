package serveconn

import (
	"errors"
	"io"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// Reading a connection. In normal mode the serving goroutine reads the
// socket itself, through qbufReader, which enforces the query buffer limit
// and renews the idle deadline on every read. While a blocking command
// waits (BLPOP and friends) and while the connection is subscribed, a
// pump goroutine reads the socket instead, into the inbox: it notices at
// once a peer that left (the blocked command is then cancelled before
// anything is handed to it) and keeps what a client pipelines behind a
// blocked command, in order, for later. qbufReader takes the inbox's bytes
// before the socket's.

// errWouldBlock is what qbufReader returns when the serving goroutine must
// not wait for input: the rest of a batch is parsed only from bytes already
// read, and in subscriber mode the pump does the waiting. resp.Reader
// treats it as a timeout, so the command in progress resumes later.
var errWouldBlock = wouldBlock{}

type wouldBlock struct{}

func (wouldBlock) Error() string { return "serveconn: no input buffered" }
func (wouldBlock) Timeout() bool { return true }

// inbox holds the bytes a pump read ahead of the parser, and the error
// that ended the pump's reading (io.EOF when the peer left).
type inbox struct {
	mu   sync.Mutex
	q    []byte
	err  error
	size atomic.Int64 // len(q), for the limit checks of other goroutines
}

func (in *inbox) put(p []byte) {
	in.mu.Lock()
	in.q = append(in.q, p...)
	in.size.Store(int64(len(in.q)))
	in.mu.Unlock()
}

func (in *inbox) fail(err error) {
	in.mu.Lock()
	if in.err == nil {
		in.err = err
	}
	in.mu.Unlock()
}

// take moves buffered bytes to p; ok is false when the inbox has neither
// bytes nor an error, and the socket must be read.
func (in *inbox) take(p []byte) (n int, err error, ok bool) {
	in.mu.Lock()
	defer in.mu.Unlock()
	if len(in.q) > 0 {
		n = copy(p, in.q)
		in.q = in.q[n:]
		if len(in.q) == 0 {
			in.q = nil // a large read-ahead is not kept
		}
		in.size.Store(int64(len(in.q)))
		return n, nil, true
	}
	if in.err != nil {
		return 0, in.err, true
	}
	return 0, nil, false
}

// failure returns the error that ended the pump's reading, or nil.
func (in *inbox) failure() error {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.err
}

// peerGone reports whether err, a read error, means the client is gone (it
// closed the connection, or the connection broke) rather than a deadline.
func peerGone(err error) bool {
	if err == nil || errors.Is(err, errQueryBuffer) {
		return false
	}
	var ne net.Error
	return !(errors.As(err, &ne) && ne.Timeout())
}

// qbufReader reads the connection for the resp.Reader.
type qbufReader struct{ c *Conn }

func (q qbufReader) Read(p []byte) (int, error) {
	c := q.c
	if n, err, ok := c.in.take(p); ok {
		return n, err
	}
	if c.noRead {
		return 0, errWouldBlock
	}
	if err := c.checkHeld(true, 0); err != nil {
		return 0, err
	}
	if d := c.cfg.IdleTimeout; d > 0 {
		_ = c.nc.SetReadDeadline(time.Now().Add(d)) // a closed conn fails the read below
		if c.closing.Load() {
			return 0, errClosing // Shutdown's deadline was just overwritten
		}
	}
	return c.nc.Read(p)
}

var errClosing = errors.New("serveconn: server shutting down")

// held returns the bytes the connection holds of its input: read and not
// parsed (the reader's buffer and the inbox), large arguments being read,
// and the arguments of parsed commands not yet executed. The serving
// goroutine counts the reader's own; the pump, which must not touch the
// reader, the figure the serving goroutine last published.
func (c *Conn) held(owner bool) int64 {
	rd := c.rdHeld.Load()
	if owner {
		rd = c.rd.Held()
		c.rdHeld.Store(rd)
	}
	return rd + c.in.size.Load() + c.argBytes.Load()
}

// checkHeld fails when holding more bytes, extra of them, would pass the
// query buffer limit.
func (c *Conn) checkHeld(owner bool, extra int64) error {
	if c.held(owner)+extra > c.reg.Limits().QueryBuffer {
		return errQueryBuffer
	}
	return nil
}

// pump reads the socket into the inbox on a goroutine of its own.
type pump struct {
	stop atomic.Bool
	done chan struct{}
}

// startPump starts reading the socket on a pump goroutine. Blocked and
// subscribed connections have no idle timeout.
func (c *Conn) startPump() {
	p := &pump{done: make(chan struct{})}
	c.pump = p
	_ = c.nc.SetReadDeadline(time.Time{}) // a closed conn fails the pump's read
	if c.closing.Load() {
		_ = c.nc.SetReadDeadline(time.Now()) // Shutdown's wake-up was overwritten
	}
	go c.runPump(p)
}

// stopPump stops the pump and waits for it; what it read stays in the
// inbox, in order, ahead of the socket.
func (c *Conn) stopPump() {
	p := c.pump
	if p == nil {
		return
	}
	c.pump = nil
	p.stop.Store(true)
	_ = c.nc.SetReadDeadline(time.Now()) // wakes the pump's read
	<-p.done
	_ = c.nc.SetReadDeadline(time.Time{})
	if c.closing.Load() {
		_ = c.nc.SetReadDeadline(time.Now())
	}
}

func (c *Conn) runPump(p *pump) {
	defer close(p.done)
	buf := make([]byte, 16<<10)
	for {
		if err := c.checkHeld(false, 0); err != nil {
			c.in.fail(err)
			c.inputEnded()
			return
		}
		n, err := c.nc.Read(buf)
		if n > 0 {
			c.in.put(buf[:n])
			c.wakeOwner()
		}
		if err != nil {
			if p.stop.Load() && errors.Is(err, os.ErrDeadlineExceeded) {
				return // stopPump
			}
			if err == io.EOF || !errors.Is(err, net.ErrClosed) {
				c.in.fail(err)
			} else {
				c.in.fail(io.EOF) // Kill closed it
			}
			c.inputEnded()
			return
		}
	}
}

// inputEnded is called by the pump when the client left, broke a limit or
// the server shuts down: a blocked command is cancelled, and the owner of
// a subscribed connection woken.
func (c *Conn) inputEnded() {
	c.cancelBlocked()
	c.wakeOwner()
}

// wakeOwner interrupts the subscribed owner's wait for messages, so that it
// runs the commands that arrived.
func (c *Conn) wakeOwner() {
	c.wakeMu.Lock()
	if c.wake != nil {
		c.wake()
	}
	c.wakeMu.Unlock()
}
