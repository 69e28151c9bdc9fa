package serveconn

import (
	"context"
	"errors"
	"net"
	"os"
	"sync"
	"time"

	"github.com/kevydb/kevy/resp"
)

// Subscriber mode. A subscribed connection must take commands and deliver
// messages at the same time, so it runs on three goroutines:
//
//   - the reader parses commands from the socket and hands them over in
//     batches (readItem) on cmds;
//   - the owner (the goroutine that called Serve) runs the batches and, in
//     between, waits for messages with Session.Receive; the reader wakes it
//     from that wait by cancelling the context it waits with;
//   - the writer drains the output queue to the socket.
//
// The output queue counts its bytes: a client that does not read its
// messages fills it past the pubsub class's limit and is cut off, as Redis
// cuts a slow subscriber, without ever stalling publishers.

type readItem struct {
	batch [][]string
	err   error
}

type async struct {
	cmds chan readItem

	wakeMu sync.Mutex
	wake   context.CancelFunc // cancels the owner's Receive; nil when not waiting

	mu        sync.Mutex
	q, spare  []byte
	pending   int64
	softSince time.Time
	closed    bool
	kick      chan struct{}

	readerDone, writerDone chan struct{}
}

// serveAsync serves the connection in subscriber mode until it ends.
// readErr is the read error met by the batch that subscribed, if any.
func (c *Conn) serveAsync(readErr error) error {
	as := &async{cmds: make(chan readItem, 4), kick: make(chan struct{}, 1),
		readerDone: make(chan struct{}), writerDone: make(chan struct{})}
	c.as = as
	_ = c.nc.SetReadDeadline(time.Time{}) // subscribers are exempt from the idle timeout
	if c.closing.Load() {
		_ = c.nc.SetReadDeadline(time.Now())
	}
	go c.writer()
	if readErr != nil {
		close(as.readerDone)
		as.cmds <- readItem{err: readErr}
	} else {
		go c.reader()
	}
	err := c.enqueue()
	if err == nil {
		err = c.ownerLoop()
	}
	// Let the writer flush what is queued (bounded), then close.
	as.mu.Lock()
	as.closed = true
	as.mu.Unlock()
	select {
	case as.kick <- struct{}{}:
	default:
	}
	if err == nil && !c.killed.Load() {
		_ = c.nc.SetWriteDeadline(time.Now().Add(time.Second))
		<-as.writerDone
	}
	c.cancel()
	_ = c.nc.Close()
	<-as.writerDone
	<-as.readerDone
	return c.closed(err)
}

// ownerLoop runs commands and delivers messages until the connection
// should close; it returns a limit error, or nil.
func (c *Conn) ownerLoop() error {
	as := c.as
	for {
		if c.quit || c.killed.Load() || c.ctx.Err() != nil {
			return nil
		}
		select {
		case it := <-as.cmds:
			if done, err := c.handleItem(it); done {
				return err
			}
			continue
		default:
		}
		if c.chans+c.pats == 0 {
			select {
			case it := <-as.cmds:
				if done, err := c.handleItem(it); done {
					return err
				}
			case <-c.ctx.Done():
				return nil
			}
			continue
		}
		if err := c.receive(); err != nil {
			return err
		}
	}
}

// receive delivers messages until the reader has commands for the owner.
func (c *Conn) receive() error {
	as := c.as
	rctx, cancel := context.WithCancel(c.ctx)
	defer cancel()
	as.wakeMu.Lock()
	as.wake = cancel
	as.wakeMu.Unlock()
	defer func() {
		as.wakeMu.Lock()
		as.wake = nil
		as.wakeMu.Unlock()
	}()
	if len(as.cmds) > 0 {
		return nil
	}
	for {
		r, err := c.sess.Receive(rctx)
		if err != nil {
			if rctx.Err() != nil {
				return nil // commands to run, or the connection ends
			}
			// Cut off by the bus (it fell behind) or the store closed.
			c.log.Warn("kevy: subscriber closed", "addr", c.cl.Addr, "err", err)
			c.quit = true
			return nil
		}
		c.out = appendPush(c.out, &r, c.proto)
		if err := c.enqueue(); err != nil {
			return err
		}
	}
}

// handleItem runs a batch from the reader; done says the connection ends.
func (c *Conn) handleItem(it readItem) (done bool, err error) {
	if len(it.batch) > 0 {
		c.runBatch(it.batch)
		c.publish()
		if err := c.enqueue(); err != nil {
			return true, err
		}
	}
	if it.err != nil {
		var pe *resp.ProtocolError
		if errors.As(it.err, &pe) {
			c.out = append(c.out, "-ERR "...)
			c.out = append(c.out, pe.Msg...)
			c.out = append(c.out, '\r', '\n')
			_ = c.enqueue() // we close anyway
		}
		if errors.Is(it.err, errQueryBuffer) {
			return true, it.err
		}
		return true, nil
	}
	return c.quit, nil
}

// enqueue moves c.out to the output queue, enforcing the output limit of
// the connection's class.
func (c *Conn) enqueue() error {
	if len(c.out) == 0 {
		return nil
	}
	as := c.as
	lim := c.lim.normal
	if c.chans+c.pats > 0 {
		lim = c.lim.pubsub
	}
	now := time.Now()
	as.mu.Lock()
	as.q = append(as.q, c.out...)
	as.pending += int64(len(c.out))
	if lim.Soft > 0 && as.pending > lim.Soft {
		if as.softSince.IsZero() {
			as.softSince = now
		}
	} else {
		as.softSince = time.Time{}
	}
	over := lim.exceeded(as.pending, as.softSince, now)
	pending := as.pending
	as.mu.Unlock()
	c.out = c.out[:0]
	c.cl.mu.Lock()
	c.cl.omem = pending
	c.cl.mu.Unlock()
	if over {
		c.Kill()
		return errOutputBuffer
	}
	select {
	case as.kick <- struct{}{}:
	default:
	}
	return nil
}

// writer writes the output queue to the socket.
func (c *Conn) writer() {
	as := c.as
	defer close(as.writerDone)
	for {
		as.mu.Lock()
		for len(as.q) == 0 {
			if as.closed {
				as.mu.Unlock()
				return
			}
			as.mu.Unlock()
			select {
			case <-as.kick:
			case <-c.ctx.Done():
				return
			}
			as.mu.Lock()
		}
		buf := as.q
		as.q = as.spare[:0]
		as.mu.Unlock()
		_, err := c.nc.Write(buf)
		as.mu.Lock()
		as.pending -= int64(len(buf))
		as.spare = buf[:0]
		if cap(as.spare) > 1<<20 {
			as.spare = nil
		}
		as.mu.Unlock()
		if err != nil {
			if !errors.Is(err, os.ErrDeadlineExceeded) && !errors.Is(err, net.ErrClosed) {
				c.log.Debug("kevy: write to client failed", "addr", c.cl.Addr, "err", err)
			}
			c.cancel()
			return
		}
	}
}

// reader parses commands and hands them to the owner in batches.
func (c *Conn) reader() {
	as := c.as
	defer close(as.readerDone)
	for {
		var it readItem
		var arena []string
		for {
			args, err := c.rd.ReadArgs()
			if err != nil {
				it.err = err
				break
			}
			start := len(arena)
			for _, a := range args {
				arena = append(arena, string(a))
			}
			it.batch = append(it.batch, arena[start:len(arena):len(arena)])
			if c.rd.Buffered() == 0 || len(it.batch) >= MaxBatch {
				break
			}
		}
		select {
		case as.cmds <- it:
		case <-c.ctx.Done():
			return
		}
		as.wakeMu.Lock()
		if as.wake != nil {
			as.wake()
		}
		as.wakeMu.Unlock()
		if it.err != nil {
			return
		}
	}
}
