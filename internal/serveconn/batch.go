package serveconn

import (
	"slices"
	"strings"

	"github.com/kevydb/kevy/resp"
	"github.com/kevydb/kevy/shard"
)

// Executing a batch. Consecutive ordinary commands form a segment that goes
// to the session as one ExecPipeline call; commands about the connection
// itself are handled in their place between segments.

// runBatch executes batch and appends the replies to c.out.
func (c *Conn) runBatch(batch [][]string) {
	start := 0
	for i, args := range batch {
		if c.authed && !isSpecial(args[0]) {
			continue
		}
		c.runSegment(batch[start:i])
		start = i + 1
		if c.closeAfterReply() {
			return
		}
		c.special(args)
		if c.quit || c.dead || c.killed.Load() || c.closeAfterReply() {
			return // Redis runs nothing after QUIT
		}
	}
	c.runSegment(batch[start:])
	c.closeAfterReply()
}

// closeAfterReply reports whether a command closed the connection after
// its reply (CLIENT KILL of itself, ACL DELUSER of its user), and if so
// makes it quit.
func (c *Conn) closeAfterReply() bool {
	if c.cl.closeAfter.Load() {
		c.quit = true
	}
	return c.quit
}

func (c *Conn) runSegment(seg [][]string) {
	switch len(seg) {
	case 0:
		return
	case 1:
		r := c.sess.Exec(c.ctx, seg[0]...)
		c.appendReply(seg[0], &r)
		return
	}
	reps := c.sess.ExecPipeline(c.ctx, seg...)
	for i := range seg {
		c.appendReply(seg[i], &reps[i])
	}
}

// appendReply writes the reply to args in the connection's protocol and
// follows the transaction state it reveals.
func (c *Conn) appendReply(args []string, r *resp.Reply) {
	switch {
	case c.tx.active && r.Kind == resp.Array && len(r.Elems) == len(c.tx.cmds) && isExec(args):
		c.execReply(r)
	case c.proto == 3:
		c.out = appendReply3(c.out, args, r)
	default:
		c.out = resp.AppendReply(c.out, *r)
	}
	c.observe(args, r)
}

func isExec(args []string) bool { return len(args) == 1 && strings.EqualFold(args[0], "exec") }

func (c *Conn) appendErr(msg string) {
	c.out = resp.AppendReply(c.out, resp.Err(msg))
}

// observe updates the transaction tracking and the last command from a
// command and its reply.
func (c *Conn) observe(args []string, r *resp.Reply) {
	cmd := shard.Lookup(args[0])
	if cmd == nil {
		return
	}
	if cmd.Subs == nil {
		c.last = cmd
	} else if len(args) > 1 {
		if sub := cmd.Subs[lowerASCII(args[1])]; sub != nil {
			c.last = sub
		}
	}
	switch cmd.Name {
	case "multi":
		if r.Kind == resp.Status {
			c.tx = txTrack{active: true}
		}
		return
	case "exec", "discard", "reset":
		c.tx = txTrack{}
		return
	}
	if c.tx.active && r.Kind == resp.Status && r.Str == "QUEUED" {
		c.tx.n++
		// EXEC's reply needs them: to shape RESP3 replies, and to answer
		// the connection commands queued (see execReply).
		c.tx.cmds = append(c.tx.cmds, slices.Clone(args))
	}
}

// isSpecial reports whether the command named name is one the connection
// handles itself, in its place in the batch (EXEC and ACL too: a CLIENT
// KILL or ACL DELUSER it ran may end the connection, and nothing after it
// may run then).
func isSpecial(name string) bool {
	if len(name) < 3 || len(name) > 12 {
		return false
	}
	var buf [12]byte
	for i := 0; i < len(name); i++ {
		ch := name[i]
		if 'A' <= ch && ch <= 'Z' {
			ch += 'a' - 'A'
		}
		buf[i] = ch
	}
	switch string(buf[:len(name)]) {
	case "hello", "auth", "quit", "reset", "client", "command", "exec", "acl",
		"subscribe", "psubscribe", "unsubscribe", "punsubscribe",
		"blpop", "brpop", "blmove", "brpoplpush", "blmpop", "bzpopmin", "bzpopmax", "bzmpop":
		return true
	}
	return false
}

func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if 'A' <= b[j] && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// special handles one command that is not part of a segment: any command
// while the client is not authenticated, and the connection commands.
func (c *Conn) special(args []string) {
	cmd, _ := shard.Resolve(args)
	if cmd == nil {
		c.runSegment([][]string{args}) // the session answers, and marks a MULTI dirty
		return
	}
	if !c.authed && cmd.Flags&shard.FlagNoAuth == 0 {
		c.appendErr("NOAUTH Authentication required.")
		return
	}
	if c.tx.active {
		switch cmd.FullName {
		case "quit", "reset":
		default:
			c.runSegment([][]string{args}) // queued by the session, as Redis queues them
			return
		}
	}
	switch cmd.FullName {
	case "client|list", "client|info", "client|kill", "command|docs":
		// Answered here, not by the session: ask it about the ACL.
		if r, ok := c.sess.Allow(args); !ok {
			c.appendReply(args, &r)
			c.last = cmd
			return
		}
	}
	if cmd.Flags&shard.FlagBlocking != 0 {
		c.runBlocking(cmd, args)
		c.last = cmd
		return
	}
	switch cmd.FullName {
	case "hello":
		c.hello(args)
	case "auth":
		c.auth(args)
	case "quit":
		c.out = resp.AppendReply(c.out, resp.OK)
		c.quit = true
	case "reset":
		c.reset(args)
	case "client|list":
		c.last = cmd
		c.publish()
		c.clientList(args)
	case "client|info":
		c.last = cmd
		c.publish()
		c.out = c.appendText(c.out, c.reg.List(func(x *Client) bool { return x == c.cl }))
	case "client|kill":
		c.clientKill(args)
	case "client|setname":
		r := c.sess.Exec(c.ctx, args...)
		if r.Kind == resp.Status {
			c.setName(args[2])
		}
		c.appendReply(args, &r)
	case "command|docs":
		c.out = AppendCommandDocs(c.out, args[2:], c.proto)
	case "subscribe", "psubscribe", "unsubscribe", "punsubscribe":
		c.subscribe(args, cmd.FullName)
	default:
		c.runSegment([][]string{args})
	}
	c.last = cmd
}

// appendText writes s as a bulk string, verbatim in RESP3.
func (c *Conn) appendText(dst []byte, s string) []byte {
	if c.proto == 3 {
		return appendVerbatim(dst, s)
	}
	return resp.AppendReply(dst, resp.BulkReply(s))
}

func (c *Conn) setName(name string) {
	c.cl.mu.Lock()
	c.cl.name = name
	c.cl.mu.Unlock()
}
