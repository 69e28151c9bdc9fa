package serveconn

import (
	"github.com/kevydb/kevy/resp"
	"github.com/kevydb/kevy/shard"
)

// EXEC's reply. Redis runs the connection commands queued in a transaction
// (AUTH, HELLO, CLIENT SETNAME/INFO/LIST/KILL, COMMAND DOCS) in their place
// among the others; the session runs them too (and authenticates AUTH and
// HELLO ... AUTH, and refuses what the ACL denies), but it knows neither
// the protocol nor the registry of this connection. So the
// connection writes EXEC's reply itself, element by element: the
// session's reply for ordinary commands, its own answer, with its effects,
// for the connection commands. Since none of these touches the keyspace,
// running them once the others are done is not observable, except through
// the protocol: a HELLO switches it for the elements that follow, exactly
// as Redis does. A CLIENT KILL that closes the connection itself ends the
// reply there, as in Redis (its other commands still ran).

// execReply writes the reply r of EXEC, whose queued commands are c.tx.cmds.
func (c *Conn) execReply(r *resp.Reply) {
	cmds := c.tx.cmds
	c.out = appendLen(c.out, '*', len(r.Elems)) // an array even in RESP3, as Redis
	for i := range r.Elems {
		args, e := cmds[i], &r.Elems[i]
		cmd, _ := shard.Resolve(args)
		name := ""
		if cmd != nil {
			name = cmd.FullName
		}
		if e.Kind == resp.Error && name != "hello" {
			c.appendElem(args, e) // refused by the session (NOPERM ...)
			continue
		}
		switch name {
		case "hello":
			c.helloDone(args, *e) // the session ran it (AUTH included)
		case "auth":
			c.authed = !c.sess.AuthRequired()
			c.appendElem(args, e)
		case "client|setname":
			if e.Kind == resp.Status {
				c.setName(args[2])
			}
			c.appendElem(args, e)
		case "client|info":
			c.publish()
			c.out = c.appendText(c.out, c.reg.List(func(x *Client) bool { return x == c.cl }))
		case "client|list":
			c.publish()
			c.clientList(args)
		case "command|docs":
			c.out = AppendCommandDocs(c.out, args[2:], c.proto)
		case "client|kill":
			c.appendElem(args, e)
			if c.cl.closeAfter.Load() {
				c.quit = true
				return
			}
		default:
			c.appendElem(args, e)
		}
	}
}

// appendElem writes one element of EXEC's reply in the current protocol.
func (c *Conn) appendElem(args []string, e *resp.Reply) {
	if c.proto == 3 {
		c.out = appendReply3(c.out, args, e)
		return
	}
	c.out = resp.AppendReply(c.out, *e)
}
