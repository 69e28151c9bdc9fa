package kevy

import (
	"context"

	"github.com/kevydb/kevy/resp"
	"github.com/kevydb/kevy/shard"
)

// Conn is a client session on a Store, the embedded equivalent of one Redis
// connection: it has a selected database and, as later commands need, its
// own transaction and subscription state. A Conn is not safe for
// concurrent use (like a network connection, give each goroutine its own);
// the Store behind it is. Conns are cheap: create one per unit of work.
//
// A Conn runs as an ACL user, the default user until AUTH logs it in as
// another, and runs only what that user may (see docs/security.md); the
// Store's own methods are not checked.
type Conn struct {
	cmdable
	s      *Store
	db     int
	client shard.Client
	closed bool
	tx     txState
	sub    *connSub // subscriber mode; nil when not subscribed
	pipe   pipeScratch
	auth   connAuth // the ACL user it runs as; see conn_acl.go
}

// Conn returns a new connection on database 0.
func (s *Store) Conn() *Conn {
	c := &Conn{s: s}
	c.client.ID = s.nextID.Add(1)
	c.cmdable = cmdable{s: s, c: c}
	return c
}

// Close ends the session: it discards a transaction in progress and drops
// the connection's watches and subscriptions. Later calls on c fail. It
// does not close the Store.
func (c *Conn) Close() error {
	if c.closed {
		return nil
	}
	c.closed = true
	if !c.s.closed.Load() {
		c.discard(context.Background())
	}
	c.leaveSubscribed()
	if c.auth.served {
		c.s.access.dropServed(c)
	}
	return nil
}

// DB returns the selected database index.
func (c *Conn) DB() int { return c.db }

// run executes a resolved command for the connection.
func (c *Conn) run(ctx context.Context, cmd *shard.Command, args []string) (resp.Reply, error) {
	if c.closed {
		return resp.Reply{}, errConnClosed
	}
	if r, ok := c.permit(ctx, cmd, args); !ok { // conn_acl.go
		if c.closed {
			return resp.Reply{}, errConnClosed
		}
		return r, nil
	}
	if c.tx.active && !immediateInMulti(cmd) {
		return c.queue(cmd, args), nil
	}
	if c.subscribed() {
		if !subscribedAllows(cmd) {
			return resp.Err("ERR Can't execute '" + cmd.FullName +
				"': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context"), nil
		}
		if cmd.FullName == "ping" {
			if len(args) > 2 {
				return shard.ArityError("ping"), nil
			}
			return pingSubscribed(args), nil
		}
	}
	if cmd.Route == shard.RouteConn {
		return c.connCommand(ctx, cmd, args)
	}
	return c.s.exec(ctx, c.db, &c.client, cmd, args)
}
