package serveconn

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"os"
	"sync/atomic"
	"time"

	"github.com/kevydb/kevy/resp"
	"github.com/kevydb/kevy/shard"
)

// Conn serves one client connection. Create it with [New], run it with
// [Conn.Serve]; [Conn.Kill] and [Conn.Shutdown] may be called from any
// goroutine.
type Conn struct {
	nc   net.Conn
	sess Session
	cfg  *Config
	lim  limits
	reg  *Registry
	cl   *Client
	log  *slog.Logger

	ctx    context.Context // cancelled when the connection is killed or ends
	cancel context.CancelFunc

	// Owned by the serving goroutine (in subscriber mode: the owner, see
	// async.go), except rd, which the reader goroutine takes over there.
	rd     *resp.Reader
	out    []byte
	arena  []string
	batch  [][]string
	proto  int
	authed bool
	quit   bool // close once the replies are written
	tx     txTrack
	chans  int
	pats   int
	last   *shard.Command
	as     *async

	closing atomic.Bool // Shutdown: close after the current batch
	killed  atomic.Bool
}

// txTrack follows the session's MULTI state from the replies, for CLIENT
// LIST and for shaping EXEC's reply in RESP3.
type txTrack struct {
	active bool
	n      int
	cmds   [][]string // queued commands (RESP3 only)
}

var (
	errQueryBuffer  = errors.New("serveconn: query buffer limit reached")
	errOutputBuffer = errors.New("serveconn: output buffer limit reached")
)

// New prepares the connection nc, served on sess, and registers it.
func New(nc net.Conn, sess Session, cfg *Config) *Conn {
	if cfg == nil {
		cfg = &Config{}
	}
	c := &Conn{nc: nc, sess: sess, cfg: cfg, lim: cfg.limits(), reg: cfg.Registry, log: cfg.Logger,
		proto: 2, authed: cfg.Password == ""}
	if c.reg == nil {
		c.reg = NewRegistry()
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	c.ctx, c.cancel = context.WithCancel(context.Background())
	c.rd = resp.NewReader(&qbufReader{c: c}, resp.ReaderOptions{MaxBulkLen: c.lim.maxBulk, MaxMultibulkLen: c.lim.maxMbulk})
	id := int64(0)
	if r := sess.Exec(c.ctx, "CLIENT", "ID"); r.Kind == resp.Int {
		id = r.Int
	}
	now := time.Now()
	c.cl = &Client{ID: id, Addr: addrString(nc.RemoteAddr()), LAddr: addrString(nc.LocalAddr()),
		Created: now, conn: c, multi: -1, last: now, proto: 2}
	c.reg.add(c.cl)
	return c
}

func addrString(a net.Addr) string {
	if a == nil {
		return ""
	}
	if a.Network() == "pipe" {
		return "pipe:0"
	}
	return a.String()
}

// Client returns the connection's registry entry.
func (c *Conn) Client() *Client { return c.cl }

// Kill closes the connection at once: a command in progress is abandoned
// (its context is cancelled) and Serve returns.
func (c *Conn) Kill() {
	c.killed.Store(true)
	c.cancel()
	_ = c.nc.Close() // the error of closing a connection we drop is of no use
}

// Shutdown asks the connection to close once the commands it is executing
// are done and their replies written; a connection waiting for input
// closes at once.
func (c *Conn) Shutdown() {
	c.closing.Store(true)
	_ = c.nc.SetReadDeadline(time.Now()) // wakes a blocked read; it fails only on a closed connection
}

// Serve serves the connection until the client leaves, a limit or a
// protocol error closes it, or Kill or Shutdown is called. It closes the
// connection and the session and removes the client from the registry.
func (c *Conn) Serve() error {
	defer c.finish()
	for {
		if c.cfg.IdleTimeout > 0 {
			_ = c.nc.SetReadDeadline(time.Now().Add(c.cfg.IdleTimeout)) // a closed conn fails the read below
		}
		if c.closing.Load() || c.killed.Load() {
			return nil
		}
		err := c.readBatch()
		if len(c.batch) > 0 {
			c.runBatch(c.batch)
			c.publish()
			clear(c.arena)
			if c.chans+c.pats > 0 {
				return c.serveAsync(err)
			}
			if werr := c.flush(); werr != nil {
				return c.closed(werr)
			}
		}
		if err != nil {
			return c.readFailed(err)
		}
		if c.quit {
			return nil
		}
	}
}

// readBatch reads one command, blocking, then every command already
// buffered, up to MaxBatch. It returns the read error that stopped it; the
// commands read before it are in c.batch.
func (c *Conn) readBatch() error {
	c.batch, c.arena = c.batch[:0], c.arena[:0]
	for {
		args, err := c.rd.ReadArgs()
		if err != nil {
			return err
		}
		start := len(c.arena)
		for _, a := range args {
			c.arena = append(c.arena, string(a))
		}
		c.batch = append(c.batch, c.arena[start:len(c.arena):len(c.arena)])
		if c.rd.Buffered() == 0 || len(c.batch) >= MaxBatch {
			return nil
		}
	}
}

// readFailed ends the connection after a read error: a protocol error is
// answered with Redis's text first.
func (c *Conn) readFailed(err error) error {
	var pe *resp.ProtocolError
	if errors.As(err, &pe) {
		c.out = append(c.out[:0], "-ERR "...)
		c.out = append(c.out, pe.Msg...)
		c.out = append(c.out, '\r', '\n')
		_ = c.flush() // we close anyway
		c.log.Debug("kevy: protocol error from client", "addr", c.cl.Addr, "err", pe.Msg)
		return nil
	}
	return c.closed(err)
}

// closed logs why a connection was cut for a limit.
func (c *Conn) closed(err error) error {
	switch {
	case errors.Is(err, errQueryBuffer):
		c.log.Warn("kevy: closing client that reached max query buffer length", "addr", c.cl.Addr,
			"limit", c.lim.qbuf)
		return err
	case errors.Is(err, errOutputBuffer):
		c.log.Warn("kevy: client closed for overcoming of output buffer limits", "addr", c.cl.Addr)
		return err
	}
	return nil
}

func (c *Conn) finish() {
	c.cancel()
	_ = c.nc.Close() // may be closed already
	_ = c.sess.Close()
	c.reg.remove(c.cl)
}

// flush writes the pending replies, enforcing the normal class's output
// limit.
func (c *Conn) flush() error {
	if len(c.out) == 0 {
		return nil
	}
	n := int64(len(c.out))
	lim := c.lim.normal
	if lim.Hard > 0 && n > lim.Hard {
		return errOutputBuffer
	}
	soft := lim.Soft > 0 && n > lim.Soft
	if soft {
		_ = c.nc.SetWriteDeadline(time.Now().Add(lim.SoftSeconds))
	}
	_, err := c.nc.Write(c.out)
	if soft {
		_ = c.nc.SetWriteDeadline(time.Time{})
		if errors.Is(err, os.ErrDeadlineExceeded) {
			err = errOutputBuffer
		}
	}
	c.out = c.out[:0]
	if cap(c.out) > 1<<20 {
		c.out = nil
	}
	return err
}

// publish copies the connection's state to its registry entry.
func (c *Conn) publish() {
	cl := c.cl
	db := c.sess.DB()
	cl.mu.Lock()
	cl.db = db
	cl.sub, cl.psub = c.chans, c.pats
	cl.multi = -1
	if c.tx.active {
		cl.multi = c.tx.n
	}
	if c.last != nil {
		cl.cmd = c.last.FullName
	}
	cl.last = time.Now()
	cl.proto = c.proto
	if c.as == nil { // in subscriber mode the reader goroutine owns rd
		cl.qbuf = c.rd.Buffered()
	}
	cl.mu.Unlock()
}

// qbufReader reads the connection for the resp.Reader, refusing to hold
// more than the query buffer limit of input not yet executed.
type qbufReader struct {
	c    *Conn
	read int64
}

func (q *qbufReader) Read(p []byte) (int, error) {
	room := q.c.lim.qbuf - (q.read - q.c.rd.InputOffset())
	if room <= 0 {
		return 0, errQueryBuffer
	}
	if int64(len(p)) > room {
		p = p[:room]
	}
	n, err := q.c.nc.Read(p)
	q.read += int64(n)
	return n, err
}
