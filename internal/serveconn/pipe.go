package serveconn

import (
	"net"
	"sync"
)

// Pipe returns the two ends of an in-process connection, built on net.Pipe,
// for serving a client with no network: serve the server end, hand the
// client end to the client.
//
// net.Pipe has no buffer: a write waits for the matching read. A client
// that writes a pipeline and reads the replies only afterwards would then
// deadlock with a server that answers the first commands before reading the
// rest, which a socket's kernel buffers prevent. So the client end buffers
// its writes, as a socket does: Write queues the bytes and returns, and a
// goroutine feeds them to the pipe in order. The queue holds what the
// server has not read yet; the server reads as fast as it executes.
//
// The server end reports, through a PeerClosed method, whether the client
// end was closed, as a socket's server can find out with a peek.
func Pipe() (client, server net.Conn) {
	c, s := net.Pipe()
	bc := &bufConn{Conn: c, kick: make(chan struct{}, 1), done: make(chan struct{})}
	go bc.pump()
	return bc, &pipeEnd{Conn: s, peer: bc}
}

// pipeEnd is the server end of Pipe.
type pipeEnd struct {
	net.Conn
	peer *bufConn
}

// PeerClosed reports whether the client end was closed.
func (p *pipeEnd) PeerClosed() bool {
	select {
	case <-p.peer.done:
		return true
	default:
		return false
	}
}

// bufConn is the client end of Pipe.
type bufConn struct {
	net.Conn
	mu     sync.Mutex
	q      []byte
	spare  []byte
	err    error // the pipe's write error, or net.ErrClosed after Close
	kick   chan struct{}
	done   chan struct{}
	closed sync.Once
}

// Write queues p for the server and returns at once.
func (b *bufConn) Write(p []byte) (int, error) {
	b.mu.Lock()
	if b.err != nil {
		err := b.err
		b.mu.Unlock()
		return 0, err
	}
	b.q = append(b.q, p...)
	b.mu.Unlock()
	select {
	case b.kick <- struct{}{}:
	default:
	}
	return len(p), nil
}

// Close closes the connection; bytes still queued are dropped, as a
// socket's unsent bytes are when it is reset.
func (b *bufConn) Close() error {
	b.closed.Do(func() {
		b.mu.Lock()
		if b.err == nil {
			b.err = net.ErrClosed
		}
		b.mu.Unlock()
		close(b.done)
	})
	return b.Conn.Close()
}

func (b *bufConn) pump() {
	for {
		select {
		case <-b.kick:
		case <-b.done:
			return
		}
		for {
			b.mu.Lock()
			if len(b.q) == 0 || b.err != nil {
				b.mu.Unlock()
				break
			}
			buf := b.q
			b.q = b.spare[:0]
			b.mu.Unlock()
			_, err := b.Conn.Write(buf)
			b.mu.Lock()
			b.spare = buf[:0]
			if cap(b.spare) > 1<<20 {
				b.spare = nil
			}
			if err != nil && b.err == nil {
				b.err = err
			}
			b.mu.Unlock()
			if err != nil {
				return
			}
		}
	}
}
