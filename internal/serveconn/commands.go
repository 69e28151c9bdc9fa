package serveconn

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/kevydb/kevy/resp"
	"github.com/kevydb/kevy/shard"
)

// The connection commands: HELLO, AUTH, RESET, CLIENT LIST/INFO/KILL and
// the SUBSCRIBE family, with Redis 7.0's replies.

// Version is the Redis version kevy reports (HELLO, INFO).
const Version = "7.0.15"

// auth runs AUTH on the session, which checks the credentials against
// the store's users.
func (c *Conn) auth(args []string) {
	r := c.sess.Exec(c.ctx, args...)
	c.authed = !c.sess.AuthRequired()
	c.out = resp.AppendReply(c.out, r)
}

// validName reports whether name is a valid client name (CLIENT SETNAME).
func validName(name string) bool {
	for i := 0; i < len(name); i++ {
		if name[i] < '!' || name[i] > '~' {
			return false
		}
	}
	return true
}

// parseInt parses a decimal integer as Redis's string2ll does.
func parseInt(s string) (int64, bool) {
	if s == "" || len(s) > 20 || s[0] == '+' || (len(s) > 1 && s[0] == '0') || s == "-0" ||
		(len(s) > 1 && s[0] == '-' && s[1] == '0') {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

// hello runs HELLO: the session checks the version and the options and
// authenticates (AUTH) and names (SETNAME) the connection; the
// connection switches protocol and writes the reply.
func (c *Conn) hello(args []string) {
	c.helloDone(args, c.sess.Exec(c.ctx, args...))
}

// helloDone finishes HELLO args once the session answered r: an error is
// the reply; otherwise the connection takes the protocol and the name and
// writes HELLO's map.
func (c *Conn) helloDone(args []string, r resp.Reply) {
	c.authed = !c.sess.AuthRequired()
	if r.Kind == resp.Error {
		c.out = resp.AppendReply(c.out, r)
		return
	}
	proto := c.proto
	if len(args) >= 2 {
		if v, ok := parseInt(args[1]); ok {
			proto = int(v)
		}
	}
	for i := 2; i < len(args); i++ {
		switch {
		case strings.EqualFold(args[i], "auth") && i+2 < len(args):
			i += 2
		case strings.EqualFold(args[i], "setname") && i+1 < len(args):
			c.setName(args[i+1])
			i++
		}
	}
	c.proto = proto
	kind := byte('*')
	n := 14
	if proto == 3 {
		kind, n = '%', 7
	}
	c.out = appendLen(c.out, kind, n)
	for _, kv := range [...]resp.Reply{
		resp.BulkReply("server"), resp.BulkReply("redis"),
		resp.BulkReply("version"), resp.BulkReply(Version),
		resp.BulkReply("proto"), resp.IntReply(int64(proto)),
		resp.BulkReply("id"), resp.IntReply(c.cl.ID),
		resp.BulkReply("mode"), resp.BulkReply("standalone"),
		resp.BulkReply("role"), resp.BulkReply("master"),
		resp.BulkReply("modules"), resp.EmptyArr,
	} {
		c.out = resp.AppendReply(c.out, kv)
	}
}

// reset is RESET: the session drops its transaction, watches,
// subscriptions and name, selects database 0 and logs in as the default
// user (authenticated only if it needs no password); the connection goes
// back to RESP2.
func (c *Conn) reset(args []string) {
	r := c.sess.Exec(c.ctx, args...)
	if r.Kind == resp.Error {
		c.out = resp.AppendReply(c.out, r)
		return
	}
	c.proto = 2
	c.authed = !c.sess.AuthRequired()
	c.tx = txTrack{}
	c.chans, c.pats = 0, 0
	c.setName("")
	c.out = resp.AppendReply(c.out, resp.StatusReply("RESET"))
}

// clientType parses a CLIENT LIST/KILL TYPE: "normal" or "pubsub" select
// by subscriber mode, "master", "replica" and "slave" select nothing.
func clientType(name string) (func(*Client) bool, bool) {
	switch strings.ToLower(name) {
	case "normal":
		return func(x *Client) bool { return !x.PubSub() }, true
	case "pubsub":
		return (*Client).PubSub, true
	case "master", "replica", "slave":
		return func(*Client) bool { return false }, true
	}
	return nil, false
}

func (c *Conn) clientList(args []string) {
	r := ClientList(c.reg, args)
	if r.Kind == resp.Bulk {
		c.out = c.appendText(c.out, r.Str)
		return
	}
	c.out = resp.AppendReply(c.out, r)
}

// ClientList answers CLIENT LIST [TYPE type | ID id ...] (args are the
// whole command) from the registry: a bulk string, or an error reply.
func ClientList(reg *Registry, args []string) resp.Reply {
	var keep func(*Client) bool
	switch {
	case len(args) == 2:
	case len(args) == 4 && strings.EqualFold(args[2], "type"):
		k, ok := clientType(args[3])
		if !ok {
			return resp.Err("ERR Unknown client type '" + args[3] + "'")
		}
		keep = k
	case len(args) > 3 && strings.EqualFold(args[2], "id"):
		ids := map[int64]bool{}
		for _, a := range args[3:] {
			id, ok := parseInt(a)
			if !ok {
				return resp.Err("ERR Invalid client ID")
			}
			ids[id] = true
		}
		keep = func(x *Client) bool { return ids[x.ID] }
	default:
		return shard.ErrSyntax
	}
	if reg == nil {
		return resp.BulkReply("")
	}
	return resp.BulkReply(reg.List(keep))
}

func (c *Conn) clientKill(args []string) {
	r, self := ClientKill(c.reg, c.cl.ID, args)
	c.out = resp.AppendReply(c.out, r)
	if self {
		c.quit = true
	}
}

// ClientKill answers CLIENT KILL addr (old form: OK or an error) and CLIENT
// KILL with filters (the number killed), closing the matching connections
// of reg. self is the ID of the calling client; it is not closed (SKIPME
// yes, the default, leaves it out) but reported in killSelf, for the
// caller to close after replying.
func ClientKill(reg *Registry, self int64, args []string) (reply resp.Reply, killSelf bool) {
	var (
		addr, laddr string
		keepType    func(*Client) bool
		id          int64
		user        string
		skipme      = true
	)
	if len(args) == 3 {
		addr, skipme = args[2], false
	} else {
		for i := 2; i < len(args); i += 2 {
			if i+1 >= len(args) {
				return shard.ErrSyntax, false
			}
			v := args[i+1]
			switch strings.ToLower(args[i]) {
			case "id":
				n, ok := parseInt(v)
				if !ok || n < 1 {
					return resp.Err("ERR client-id should be greater than 0"), false
				}
				id = n
			case "type":
				k, ok := clientType(v)
				if !ok {
					return resp.Err("ERR Unknown client type '" + v + "'"), false
				}
				keepType = k
			case "addr":
				addr = v
			case "laddr":
				laddr = v
			case "user":
				if !userExists(reg, v) {
					return resp.Err("ERR No such user '" + v + "'"), false
				}
				user = v
			case "skipme":
				switch strings.ToLower(v) {
				case "yes":
					skipme = true
				case "no":
					skipme = false
				default:
					return shard.ErrSyntax, false
				}
			default:
				return shard.ErrSyntax, false
			}
		}
	}
	killed := 0
	if reg != nil {
		for _, x := range reg.sorted() {
			switch {
			case addr != "" && x.Addr != addr,
				laddr != "" && x.LAddr != laddr,
				keepType != nil && !keepType(x),
				id != 0 && x.ID != id,
				user != "" && x.User() != user,
				x.ID == self && skipme:
				continue
			}
			if x.ID == self {
				killSelf = true
			} else {
				x.Kill()
			}
			killed++
		}
	}
	if len(args) == 3 {
		if killed == 0 {
			return resp.Err("ERR No such client"), killSelf
		}
		return resp.OK, killSelf
	}
	return resp.IntReply(int64(killed)), killSelf
}

// subscribe runs a SUBSCRIBE-family command on the session and writes all
// its confirmations: the session returns the first and queues the others
// for Receive.
func (c *Conn) subscribe(args []string, kind string) {
	want := len(args) - 1
	if want == 0 {
		switch kind {
		case "unsubscribe":
			want = max(c.chans, 1)
		case "punsubscribe":
			want = max(c.pats, 1)
		}
	}
	r := c.sess.Exec(c.ctx, args...)
	if r.Kind != resp.Array {
		c.appendReply(args, &r)
		return
	}
	c.confirm(&r)
	for i := 1; i < want; i++ {
		// The confirmations are queued already; the timeout only guards
		// against a miscount.
		ctx, cancel := context.WithTimeout(c.ctx, time.Second)
		r, err := c.sess.Receive(ctx)
		cancel()
		if err != nil {
			return
		}
		c.confirm(&r)
	}
}

// confirm writes a subscription confirmation and follows the counts it
// carries: each one changes either the channels or the patterns, and gives
// their total after the change.
func (c *Conn) confirm(r *resp.Reply) {
	c.out = appendPush(c.out, r, c.proto)
	if len(r.Elems) != 3 || r.Elems[2].Kind != resp.Int {
		return
	}
	total := int(r.Elems[2].Int)
	switch r.Elems[0].Str {
	case "subscribe", "unsubscribe":
		c.chans = total - c.pats
	case "psubscribe", "punsubscribe":
		c.pats = total - c.chans
	}
}
