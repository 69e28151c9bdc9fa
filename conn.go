package kevy

import (
	"context"
	"encoding"
	"fmt"
	"strconv"
	"time"

	"github.com/kevydb/kevy/resp"
	"github.com/kevydb/kevy/shard"
)

// Conn is a client session on a Store, the embedded equivalent of one Redis
// connection: it has a selected database and, as later commands need, its
// own transaction and subscription state. A Conn is not safe for
// concurrent use (like a network connection, give each goroutine its own);
// the Store behind it is. Conns are cheap: create one per unit of work.
type Conn struct {
	cmdable
	s      *Store
	db     int
	client shard.Client
	closed bool
	tx     txState
	sub    *connSub // subscriber mode; nil when not subscribed
	pipe   pipeScratch
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
	return nil
}

// DB returns the selected database index.
func (c *Conn) DB() int { return c.db }

// run executes a resolved command for the connection.
func (c *Conn) run(ctx context.Context, cmd *shard.Command, args []string) (resp.Reply, error) {
	if c.closed {
		return resp.Reply{}, errConnClosed
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

// cmdable carries the command methods shared by Store (as a fresh
// connection on database 0) and Conn.
type cmdable struct {
	s *Store
	c *Conn // nil for the Store's one-shot calls
}

func (x cmdable) run(ctx context.Context, cmd *shard.Command, args []string) (resp.Reply, error) {
	if x.c != nil {
		return x.c.run(ctx, cmd, args)
	}
	if cmd.Route == shard.RouteConn {
		if cmd.Flags&shard.FlagPubSub != 0 && cmd.FullName != "publish" && cmd.Parent == nil {
			return resp.Err("ERR " + cmd.FullName + " needs a connection: use Store.Conn or Store.Subscribe"), nil
		}
		c := Conn{s: x.s}
		return c.connCommand(ctx, cmd, args)
	}
	return x.s.exec(ctx, 0, nil, cmd, args)
}

// Exec runs one command, given as its words, and returns Redis's exact
// reply. Unknown commands and wrong arities get Redis's error replies.
// Engine failures (ErrClosed after Close, a context's error) come back as
// error replies whose text is "ERR " and the error's text.
//
// On a Store, Exec runs on database 0 as a fresh connection would.
func (x cmdable) Exec(ctx context.Context, args ...string) Reply {
	cmd, errRep := shard.Resolve(args)
	if cmd == nil {
		if x.c != nil && x.c.tx.active {
			x.c.tx.dirty = true // EXEC will answer EXECABORT
		}
		x.s.obs.rejected(args, errRep) // cmdstats.go
		return errRep
	}
	rep, err := x.run(ctx, cmd, args)
	if err != nil {
		return resp.Err("ERR " + err.Error())
	}
	return rep
}

// Do runs one command with arguments of any of the types go-redis accepts
// (string, []byte, integers, floats, bool, time.Duration, time.Time,
// encoding.BinaryMarshaler) and returns the reply as go-redis does over
// RESP2: status and bulk strings as string, integers as int64, arrays as
// []any, a null as a nil value with the error Nil, an error reply as an
// error of type Error. On a Store, Do runs on database 0.
func (x cmdable) Do(ctx context.Context, args ...any) (any, error) {
	words := make([]string, len(args))
	for i, a := range args {
		s, err := argString(a)
		if err != nil {
			return nil, err
		}
		words[i] = s
	}
	cmd, errRep := shard.Resolve(words)
	if cmd == nil {
		x.s.obs.rejected(words, errRep) // cmdstats.go
		return nil, replyError(errRep)
	}
	rep, err := x.run(ctx, cmd, words)
	if err != nil {
		return nil, err
	}
	return toAny(rep)
}

// argString converts a command argument as go-redis's writer does.
func argString(a any) (string, error) {
	switch v := a.(type) {
	case string:
		return v, nil
	case []byte:
		return string(v), nil
	case int:
		return strconv.FormatInt(int64(v), 10), nil
	case int8:
		return strconv.FormatInt(int64(v), 10), nil
	case int16:
		return strconv.FormatInt(int64(v), 10), nil
	case int32:
		return strconv.FormatInt(int64(v), 10), nil
	case int64:
		return strconv.FormatInt(v, 10), nil
	case uint:
		return strconv.FormatUint(uint64(v), 10), nil
	case uint8:
		return strconv.FormatUint(uint64(v), 10), nil
	case uint16:
		return strconv.FormatUint(uint64(v), 10), nil
	case uint32:
		return strconv.FormatUint(uint64(v), 10), nil
	case uint64:
		return strconv.FormatUint(v, 10), nil
	case float32:
		return strconv.FormatFloat(float64(v), 'f', -1, 32), nil
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64), nil
	case bool:
		if v {
			return "1", nil
		}
		return "0", nil
	case nil:
		return "", nil
	case time.Duration:
		return strconv.FormatInt(v.Nanoseconds(), 10), nil
	case time.Time:
		return v.Format(time.RFC3339Nano), nil
	case encoding.BinaryMarshaler:
		b, err := v.MarshalBinary()
		if err != nil {
			return "", err
		}
		return string(b), nil
	}
	return "", fmt.Errorf("kevy: can't marshal %T (implement encoding.BinaryMarshaler)", a)
}
