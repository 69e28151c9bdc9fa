package serveconn

import (
	"context"
	"errors"
	"net"
	"os"
	"sync"
	"time"

	"github.com/kevydb/kevy/bus"
)

// Subscriber mode. A subscribed connection must take commands and deliver
// messages at the same time, so while it is subscribed it runs on three
// goroutines:
//
//   - the pump reads the socket into the inbox (input.go);
//   - the owner (the goroutine that called Serve) parses and runs the
//     commands that arrived and, in between, waits for messages with
//     Session.Receive; the pump wakes it from that wait by cancelling the
//     context it waits with;
//   - the writer drains the output queue to the socket.
//
// The output queue counts its bytes against the pubsub class's limits: a
// client that does not read its messages is cut off, as Redis cuts a slow
// subscriber, without ever stalling publishers. When the last subscription
// ends, the connection goes back to normal mode: the pump and the writer
// stop (the writer once the queue is written) and the owner serves the
// connection alone again, with normal mode's backpressure and limits.

type async struct {
	mu      sync.Mutex
	q       []byte
	spare   []byte
	pending int64
	soft    softTimer
	closed  bool
	kick    chan struct{}

	writerDone chan struct{}
}

// serveAsync serves the connection in subscriber mode. It returns when
// the connection should close (with a limit error, or nil), or, with back
// set, when the connection left subscriber mode and its replies are
// written.
func (c *Conn) serveAsync() (back bool, err error) {
	as := &async{kick: make(chan struct{}, 1), writerDone: make(chan struct{})}
	c.as = as
	go c.writer()
	c.startPump()
	err = c.enqueue()
	if err == nil {
		back, err = c.ownerLoop()
	}
	c.stopPump()
	// Let the writer write what is queued, then stop it: at once when
	// going back to normal mode (which would wait for the write anyway),
	// within a second when closing.
	as.mu.Lock()
	as.closed = true
	as.mu.Unlock()
	select {
	case as.kick <- struct{}{}:
	default:
	}
	if back {
		<-as.writerDone
		c.as = nil
		// The writer cancels c.ctx when a write fails: the connection ends.
		return c.ctx.Err() == nil, nil
	}
	if err == nil && !c.killed.Load() {
		_ = c.nc.SetWriteDeadline(time.Now().Add(time.Second))
		<-as.writerDone
	}
	c.cancel()
	_ = c.nc.Close()
	<-as.writerDone
	c.as = nil
	return false, c.closed(err)
}

// ownerLoop runs commands and delivers messages until the connection
// should close (back false; a limit error, or nil) or leaves subscriber
// mode (back true).
func (c *Conn) ownerLoop() (back bool, err error) {
	for {
		if c.quit || c.dead || c.killed.Load() || c.ctx.Err() != nil {
			return false, nil
		}
		done, err := c.runAvailable()
		if done || err != nil {
			return false, err
		}
		if c.chans+c.pats == 0 {
			return true, nil
		}
		if err := c.receive(); err != nil {
			return false, err
		}
	}
}

// runAvailable parses and runs the commands the pump has read, in batches,
// without waiting for more; done says the connection ends.
func (c *Conn) runAvailable() (done bool, err error) {
	for {
		c.batch, c.arena = c.batch[:0], c.arena[:0]
		c.authed = !c.sess.AuthRequired()
		c.rd.SetUnauthenticated(!c.authed)
		c.noRead = true
		var rerr error
		for len(c.batch) < MaxBatch {
			start := len(c.arena)
			c.arena, rerr = c.rd.ReadStrings(c.arena)
			if rerr != nil {
				break
			}
			n := int64(0)
			for _, a := range c.arena[start:] {
				n += int64(len(a))
			}
			c.argBytes.Add(n)
			c.rdHeld.Store(c.rd.Held())
			c.batch = append(c.batch, c.arena[start:len(c.arena):len(c.arena)])
			if !c.authed || c.changesAuth(c.batch[len(c.batch)-1]) {
				break
			}
		}
		c.noRead = false
		if len(c.batch) > 0 {
			c.runBatch(c.batch)
			c.argBytes.Store(0)
			clear(c.arena)
			c.publish()
			if c.dead {
				return true, c.closed(c.in.failure())
			}
			if err := c.enqueue(); err != nil {
				return true, err
			}
			if c.quit || c.chans+c.pats == 0 {
				// Commands after the batch are run in normal mode (or not
				// at all): the error, if any, is seen there.
				return c.quit, nil
			}
		}
		switch {
		case rerr == nil:
			continue // MaxBatch or unauthenticated: more may be buffered
		case rerr == errWouldBlock:
			return false, nil
		}
		return true, c.readFailed(rerr)
	}
}

// receive delivers messages until the pump has input for the owner.
func (c *Conn) receive() error {
	rctx, cancel := context.WithCancel(c.ctx)
	defer cancel()
	c.wakeMu.Lock()
	c.wake = cancel
	c.wakeMu.Unlock()
	defer func() {
		c.wakeMu.Lock()
		c.wake = nil
		c.wakeMu.Unlock()
	}()
	// Checked after wake is set: input that arrives later cancels rctx.
	if c.in.size.Load() > 0 || c.in.failure() != nil {
		return nil
	}
	for {
		r, err := c.sess.Receive(rctx)
		if err != nil {
			if rctx.Err() != nil {
				return nil // input to read, or the connection ends
			}
			if errors.Is(err, bus.ErrSlowSubscriber) {
				// The bus's queue for this client is bounded by the same
				// pubsub limit as the output queue (SubscriberLimit):
				// whichever fills first, the client overcame its output
				// buffer limit, as Redis reports it.
				c.Kill()
				return errOutputBuffer
			}
			// The store closed.
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

// enqueue moves c.out to the output queue, enforcing the output limit of
// the connection's class.
func (c *Conn) enqueue() error {
	if len(c.out) == 0 {
		return nil
	}
	as := c.as
	lims := c.reg.Limits()
	lim := lims.Normal
	if c.chans+c.pats > 0 {
		lim = lims.PubSub
	}
	now := time.Now()
	as.mu.Lock()
	as.q = append(as.q, c.out...)
	as.pending += int64(len(c.out))
	as.soft.update(lim, as.pending, now)
	over := lim.exceeded(as.pending, as.soft.since, now)
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
		if as.pending == 0 {
			as.soft = softTimer{}
		}
		as.spare = buf[:0]
		if cap(as.spare) > 1<<20 {
			as.spare = nil
		}
		pending := as.pending
		as.mu.Unlock()
		c.cl.mu.Lock()
		c.cl.omem = pending
		c.cl.mu.Unlock()
		if err != nil {
			if !errors.Is(err, os.ErrDeadlineExceeded) && !errors.Is(err, net.ErrClosed) {
				c.log.Debug("kevy: write to client failed", "addr", c.cl.Addr, "err", err)
			}
			c.cancel()
			return
		}
	}
}
