package kevy

import (
	"context"
	"slices"

	"github.com/kevydb/kevy/resp"
	"github.com/kevydb/kevy/shard"
)

// Connection-level commands: they change or read a Conn's own state, or
// need the whole Store, so the Conn runs them itself rather than an engine.

type connHandler func(c *Conn, ctx context.Context, args []string) resp.Reply

var connHandlers = map[string]connHandler{}

// registerConn makes a command of the shared table a connection command.
func registerConn(name string, h connHandler) {
	shard.Register(name, nil).Route = shard.RouteConn
	connHandlers[name] = h
}

func init() {
	registerConn("select", (*Conn).cmdSelect)
	registerConn("info", (*Conn).cmdInfo)
}

func (c *Conn) connCommand(ctx context.Context, cmd *shard.Command, args []string) (resp.Reply, error) {
	h := connHandlers[cmd.FullName]
	if h == nil {
		return shard.UnknownCommand(args), nil
	}
	if c.s.closed.Load() {
		return resp.Reply{}, ErrClosed
	}
	// Clone: handlers are called indirectly, and the escape analysis
	// would otherwise move every caller's argument array to the heap.
	// (A new variable: reassigning the parameter would make it escape.)
	own := slices.Clone(args)
	return c.s.obs.runConnCommand(cmd, own, &c.client, func() resp.Reply { return h(c, ctx, own) }), nil // cmdstats.go
}

func (c *Conn) cmdSelect(_ context.Context, args []string) resp.Reply {
	n, errRep, ok := shard.IntArg(args[1], "")
	if !ok {
		return errRep
	}
	if n < 0 || n >= c.s.cfg.Databases {
		return shard.ErrDBRange
	}
	c.db = n
	return resp.OK
}
