package serveconn

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"strings"
	"sync"
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
	reg  *Registry
	cl   *Client
	log  *slog.Logger

	ctx    context.Context // cancelled when the connection is killed or ends
	cancel context.CancelFunc

	// Owned by the serving goroutine.
	rd     *resp.Reader
	out    []byte
	arena  []string
	batch  [][]string
	proto  int
	authed bool
	quit   bool // close once the replies are written
	dead   bool // close without writing: the client is gone or was killed
	tx     txTrack
	chans  int
	pats   int
	last   *shard.Command
	as     *async // subscriber mode; nil otherwise
	pump   *pump  // the goroutine reading the socket, or nil
	noRead bool   // qbufReader must not wait for the socket
	soft   softTimer

	in       inbox        // read ahead by the pump; see input.go
	argBytes atomic.Int64 // arguments of parsed commands not yet executed
	rdHeld   atomic.Int64 // rd.Held() as the serving goroutine last saw it

	wakeMu sync.Mutex
	wake   context.CancelFunc // interrupts the subscribed owner's Receive; nil when not waiting

	blockMu     sync.Mutex
	blockCancel context.CancelFunc // cancels the blocking command in progress, or nil

	closing atomic.Bool // Shutdown: close after the current batch
	killed  atomic.Bool
}

// txTrack follows the session's MULTI state from the replies, for CLIENT
// LIST, for shaping EXEC's reply in RESP3, and for the connection commands
// queued in the transaction (see execReply).
type txTrack struct {
	active bool
	n      int
	cmds   [][]string // queued commands (RESP3, or once one is a connection command)
	keep   bool       // cmds is kept
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
	c := &Conn{nc: nc, sess: sess, cfg: cfg, reg: cfg.Registry, log: cfg.Logger, proto: 2}
	if c.reg == nil {
		c.reg = NewRegistry()
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	c.ctx, c.cancel = context.WithCancel(context.WithValue(context.Background(), servedKey{}, c.reg))
	maxBulk, maxMbulk := cfg.protoLimits()
	c.rd = resp.NewReader(qbufReader{c: c}, resp.ReaderOptions{MaxBulkLen: maxBulk, MaxMultibulkLen: maxMbulk,
		BigArg: bigArg, Reserve: func(n int) error { return c.checkHeld(true, int64(n)) }})
	id := int64(0)
	if r := sess.Exec(c.ctx, "CLIENT", "ID"); r.Kind == resp.Int {
		id = r.Int
	}
	sess.RequireAuth() // after CLIENT ID, which it would refuse
	c.authed = !sess.AuthRequired()
	now := time.Now()
	c.cl = &Client{ID: id, Addr: addrString(nc.RemoteAddr()), LAddr: addrString(nc.LocalAddr()),
		Created: now, conn: c, multi: -1, last: now, proto: 2, user: sess.User()}
	c.reg.add(c.cl)
	return c
}

// servedKey marks the context of a served connection's commands with its
// registry (see SubscriberLimit).
type servedKey struct{}

// SubscriberLimit returns, for the context of a command run by a served
// connection, the byte bound its subscriptions' message queue should have:
// the pubsub class's hard limit (0: none). ok is false for other contexts.
// The session uses it when it subscribes, so that messages the connection
// has not yet written are bounded by the same limit as its output.
func SubscriberLimit(ctx context.Context) (maxBytes int64, ok bool) {
	reg, ok := ctx.Value(servedKey{}).(*Registry)
	if !ok {
		return 0, false
	}
	return reg.Limits().PubSub.Hard, true
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
// are done and their replies written; a connection waiting for input or
// blocked in BLPOP and friends closes at once.
func (c *Conn) Shutdown() {
	c.closing.Store(true)
	c.cancelBlocked()
	_ = c.nc.SetReadDeadline(time.Now()) // wakes a blocked read; it fails only on a closed connection
}

// Serve serves the connection until the client leaves, a limit or a
// protocol error closes it, or Kill or Shutdown is called. It closes the
// connection and the session and removes the client from the registry.
func (c *Conn) Serve() error {
	defer c.finish()
	for {
		if c.closing.Load() || c.killed.Load() {
			return nil
		}
		err := c.readBatch()
		if len(c.batch) > 0 {
			c.runBatch(c.batch)
			c.argBytes.Store(0)
			clear(c.arena)
			c.publish()
			if c.dead {
				return c.closed(c.in.failure())
			}
			if c.chans+c.pats > 0 && !c.quit {
				back, aerr := c.serveAsync()
				if !back {
					return aerr
				}
				continue // back in normal mode, the replies written
			}
			if werr := c.flush(); werr != nil {
				return c.closed(werr)
			}
		}
		if err != nil && err != errWouldBlock {
			return c.readFailed(err)
		}
		if c.quit {
			return nil
		}
	}
}

// readBatch reads one command, waiting for it, then the commands that are
// already read (never waiting for more input), up to MaxBatch. Before
// authentication a batch is one command, so that AUTH takes effect before
// the next is parsed with Redis's unauthenticated limits. It returns the
// error that stopped it (errWouldBlock when the input ran out); the
// commands read before it are in c.batch.
func (c *Conn) readBatch() error {
	c.batch, c.arena = c.batch[:0], c.arena[:0]
	c.authed = !c.sess.AuthRequired() // the default user's password may have changed
	c.rd.SetUnauthenticated(!c.authed)
	c.noRead = false
	defer func() { c.noRead = false }()
	for {
		start := len(c.arena)
		var err error
		c.arena, err = c.rd.ReadStrings(c.arena)
		if err != nil {
			return err
		}
		n := int64(0)
		for _, a := range c.arena[start:] {
			n += int64(len(a))
		}
		c.argBytes.Add(n)
		c.rdHeld.Store(c.rd.Held())
		c.batch = append(c.batch, c.arena[start:len(c.arena):len(c.arena)])
		if len(c.batch) == 1 {
			// The read may have waited while the users changed: decide with
			// the rules of now, when the command runs.
			c.authed = !c.sess.AuthRequired()
		}
		if !c.authed || len(c.batch) >= MaxBatch || c.changesAuth(c.batch[len(c.batch)-1]) {
			return nil
		}
		c.noRead = true
	}
}

// changesAuth reports whether args may change whether the connection is
// authenticated (RESET logs it out), so that the next command must be
// parsed after it ran, with the limits that then apply.
func (c *Conn) changesAuth(args []string) bool {
	return strings.EqualFold(args[0], "reset") || strings.EqualFold(args[0], "auth") ||
		strings.EqualFold(args[0], "hello")
}

// readFailed ends the connection after a read error: a protocol error is
// answered with Redis's text first.
func (c *Conn) readFailed(err error) error {
	var pe *resp.ProtocolError
	if errors.As(err, &pe) {
		c.out = append(c.out, "-ERR "...)
		c.out = append(c.out, pe.Msg...)
		c.out = append(c.out, '\r', '\n')
		if c.as != nil {
			_ = c.enqueue() // we close anyway
		} else {
			_ = c.flush()
		}
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
			"limit", c.reg.Limits().QueryBuffer)
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
	c.stopPump()
	_ = c.sess.Close()
	c.reg.remove(c.cl)
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
	cl.user = c.sess.User()
	cl.qbuf = c.rd.Buffered() + int(c.in.size.Load())
	cl.mu.Unlock()
}
