package kevy

import (
	"context"
	"strings"

	"github.com/kevydb/kevy/internal/acl"
	"github.com/kevydb/kevy/internal/serveconn"
	"github.com/kevydb/kevy/resp"
	"github.com/kevydb/kevy/shard"
)

// Client connection commands: HELLO, AUTH, QUIT, RESET, CLIENT and COMMAND
// DOCS. A network connection (package server, or Dialer) handles them in
// its serving code, where the protocol, the password and the list of
// connections live; the handlers here are what an embedded Conn gets, and
// what a transaction runs when one of them was queued in MULTI. AUTH and
// HELLO ... AUTH are always the session's, which owns the login.

func init() {
	registerConn("hello", (*Conn).cmdHello)
	registerConn("auth", (*Conn).cmdAuth)
	registerConn("quit", func(*Conn, context.Context, []string) resp.Reply { return resp.OK })
	registerConn("reset", (*Conn).cmdReset)
	registerConn("client", nil)
	registerConn("client|id", func(c *Conn, _ context.Context, _ []string) resp.Reply {
		return resp.IntReply(c.client.ID)
	})
	registerConn("client|getname", func(c *Conn, _ context.Context, _ []string) resp.Reply {
		if c.client.Name == "" {
			return resp.NilReply
		}
		return resp.BulkReply(c.client.Name)
	})
	registerConn("client|setname", (*Conn).cmdClientSetName)
	registerConn("client|list", func(c *Conn, _ context.Context, args []string) resp.Reply {
		return serveconn.ClientList(serveconn.Lookup(c.s), args)
	})
	registerConn("client|info", (*Conn).cmdClientInfo)
	registerConn("client|kill", func(c *Conn, _ context.Context, args []string) resp.Reply {
		// A Conn served over the network has the ID of its connection in
		// the registry (serveconn.New asks for it): SKIPME and killing
		// oneself apply to it, as in Redis. Outside MULTI the serving code
		// answers CLIENT KILL itself; this runs for a CLIENT KILL queued
		// in MULTI, and for embedded connections.
		reg := serveconn.Lookup(c.s)
		r, self := serveconn.ClientKill(reg, c.client.ID, args)
		if self && reg != nil {
			if cl := reg.Get(c.client.ID); cl != nil {
				cl.CloseAfterReply()
			}
		}
		return r
	})
	registerConn("client|help", func(*Conn, context.Context, []string) resp.Reply {
		return shard.Help("CLIENT", []string{
			"GETNAME",
			"    Return the name of the current connection.",
			"ID",
			"    Return the ID of the current connection.",
			"INFO",
			"    Return information about the current client connection.",
			"KILL <ip:port>",
			"    Kill connection made from <ip:port>.",
			"KILL <option> <value> [<option> <value> [...]]",
			"    Kill connections. Options are:",
			"    * ADDR (<ip:port>|<unixsocket>:0)",
			"      Kill connections made from the specified address",
			"    * LADDR (<ip:port>|<unixsocket>:0)",
			"      Kill connections made to specified local address",
			"    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
			"      Kill connections by type.",
			"    * USER <username>",
			"      Kill connections authenticated by <username>.",
			"    * SKIPME (YES|NO)",
			"      Skip killing current connection (default: yes).",
			"LIST [options ...]",
			"    Return information about client connections. Options:",
			"    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
			"      Return clients of specified type.",
			"SETNAME <name>",
			"    Assign the name <name> to the current connection.",
		})
	})
	registerConn("command|docs", func(_ *Conn, _ context.Context, args []string) resp.Reply {
		return serveconn.CommandDocs(args[2:])
	})
}

// clientStats returns the figures of INFO's clients section for the
// store's network and Dialer connections (zero when there are none):
// connected_clients, blocked_clients, maxclients, and for the stats
// section total_connections_received and rejected_connections. info.go
// reports them.
func (s *Store) clientStats() serveconn.Stats {
	if r := serveconn.Lookup(s); r != nil {
		return r.Stats()
	}
	return serveconn.Stats{}
}

// cmdHello answers HELLO: the version, then AUTH and SETNAME in order.
// An embedded connection speaks RESP2 only; for a network client's, the
// serving code switches the protocol and writes the reply from this
// one's success.
func (c *Conn) cmdHello(_ context.Context, args []string) resp.Reply {
	if len(args) >= 2 {
		v, ok := shard.ParseInt(args[1]) // strict, as Redis's string2ll: no "+1", "-0", "01"
		if !ok {
			return resp.Err("ERR Protocol version is not an integer or out of range")
		}
		switch {
		case v == 3 && !c.auth.served:
			return resp.Err("NOPROTO RESP3 needs a network connection (package server or kevy.Dialer)")
		case v != 2 && v != 3:
			return resp.Err("NOPROTO unsupported protocol version")
		}
	}
	for i := 2; i < len(args); i++ {
		more := len(args) - 1 - i
		switch opt := strings.ToLower(args[i]); {
		case opt == "auth" && more >= 2:
			if r := c.authenticate(args[0], args[i+1], args[i+2]); r.IsError() {
				return r
			}
			i += 2
		case opt == "setname" && more >= 1:
			if r := c.cmdClientSetName(nil, []string{"CLIENT", "SETNAME", args[i+1]}); r.IsError() {
				return r
			}
			i++
		default:
			return resp.Err("ERR Syntax error in HELLO option '" + args[i] + "'")
		}
	}
	if c.AuthRequired() {
		return resp.Err("NOAUTH HELLO must be called with the client already authenticated, " +
			"otherwise the HELLO AUTH <user> <pass> option can be used to authenticate " +
			"the client and select the RESP protocol version at the same time")
	}
	return resp.ArrayReply([]resp.Reply{
		resp.BulkReply("server"), resp.BulkReply("redis"),
		resp.BulkReply("version"), resp.BulkReply(serveconn.Version),
		resp.BulkReply("proto"), resp.IntReply(2),
		resp.BulkReply("id"), resp.IntReply(c.client.ID),
		resp.BulkReply("mode"), resp.BulkReply("standalone"),
		resp.BulkReply("role"), resp.BulkReply("master"),
		resp.BulkReply("modules"), resp.EmptyArr,
	})
}

// cmdAuth answers AUTH pass (the default user) and AUTH user pass.
func (c *Conn) cmdAuth(_ context.Context, args []string) resp.Reply {
	switch {
	case len(args) > 3:
		return shard.ErrSyntax
	case len(args) == 2:
		if c.s.access.acl.DefaultNoPass() {
			return resp.Err(shard.MsgNoAuthNeeded)
		}
		return c.authenticate(args[0], acl.DefaultUserName, args[1])
	}
	return c.authenticate(args[0], args[1], args[2])
}

// authenticate logs c in as user with pass (AUTH, HELLO ... AUTH), or
// logs the failure in the ACL log with the command's name as sent.
func (c *Conn) authenticate(cmdName, user, pass string) resp.Reply {
	u := c.s.access.acl.Authenticate(user, pass)
	if u == nil {
		c.s.access.acl.Log(acl.DeniedAuth, c.logContext(), cmdName, user, c.aclClientInfo(shard.Lookup(cmdName)))
		return resp.Err("WRONGPASS invalid username-password pair or user is disabled.")
	}
	c.login(u)
	return resp.OK
}

// cmdReset is RESET: the transaction and watches are dropped, the
// subscriptions ended, the name cleared, database 0 selected, and the
// connection logged in as the default user (a network client's only if
// that user needs no password).
func (c *Conn) cmdReset(ctx context.Context, _ []string) resp.Reply {
	c.discard(ctx)
	c.leaveSubscribed()
	c.db = 0
	c.client.Name = ""
	if c.auth.served {
		c.logout()
	} else {
		c.login(nil)
	}
	return resp.StatusReply("RESET")
}

func (c *Conn) cmdClientSetName(_ context.Context, args []string) resp.Reply {
	name := args[2]
	for i := 0; i < len(name); i++ {
		if name[i] < '!' || name[i] > '~' {
			return resp.Err("ERR Client names cannot contain spaces, newlines or special characters.")
		}
	}
	c.client.Name = name
	return resp.OK
}

// cmdClientInfo describes the embedded connection in CLIENT LIST's format.
func (c *Conn) cmdClientInfo(_ context.Context, _ []string) resp.Reply {
	sub, psub := 0, 0
	if c.sub != nil {
		sub, psub = len(c.sub.channels), len(c.sub.patterns)
	}
	multi := -1
	if c.tx.active {
		multi = len(c.tx.queue)
	}
	return resp.BulkReply(serveconn.InfoLine(serveconn.ClientState{
		ID: c.client.ID, Name: c.client.Name, DB: c.db, Sub: sub, PSub: psub, Multi: multi,
		Cmd: "client|info", Proto: 2, User: c.User(),
	}) + "\n")
}
