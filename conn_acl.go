package kevy

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/kevydb/kevy/internal/acl"
	"github.com/kevydb/kevy/internal/serveconn"
	"github.com/kevydb/kevy/resp"
	"github.com/kevydb/kevy/shard"
)

// A connection's login and its access checks. A Conn runs as an ACL user:
// the default user unless AUTH (or HELLO ... AUTH) logged it in as
// another. Before a command runs, permit checks it, as Redis's
// processCommand does after the command was looked up: authentication
// (network clients only), then the ACL; a denial gets Redis's NOPERM
// error and an ACL LOG entry. A command queued in MULTI is checked when
// queued and again at EXEC, since the rules may have changed. The Store's
// own methods (Store.Get ...) are the embedding program's and are not
// checked.
//
// An embedded Conn (Store.Conn) is code of the process: it starts logged
// in, as the default user, whatever that user's password. A network
// client's Conn (RequireAuth, which package server and Dialer call) is
// logged in at the start, and after RESET, only when the default user is
// on and needs no password.

// connAuth is a Conn's login. user and authed are written by the Conn's
// goroutine and by ACL changes that close it (from another goroutine).
type connAuth struct {
	user   atomic.Pointer[acl.User] // nil: the default user
	authed atomic.Bool              // network clients: logged in
	served bool                     // a network client's (RequireAuth)
	inExec bool                     // running a transaction's commands (EXEC)

	// subMu guards the Conn's subscription lists (c.sub) against the ACL
	// reading them from another goroutine.
	subMu sync.Mutex
	// seen is the revision of the rules the Conn's subscriptions were
	// last checked against (embedded subscribers check when they receive).
	seen any
}

// currentUser returns the user c runs as.
func (c *Conn) currentUser() *acl.User {
	if u := c.auth.user.Load(); u != nil {
		return u
	}
	return c.s.access.acl.Default()
}

// User returns the name of the ACL user the connection runs as.
func (c *Conn) User() string { return c.currentUser().Name() }

// RequireAuth makes c a network client's connection, as package server
// and Dialer do for each client: it is logged in as the default user now,
// and after RESET, only when that user is on and needs no password;
// until it authenticates (AUTH, HELLO ... AUTH) it may run only AUTH,
// HELLO, QUIT and RESET. An ACL change that deletes its user, or takes
// away a channel it is subscribed to, closes it through its network
// connection. Call it before any command; a Conn that called it must be
// closed.
func (c *Conn) RequireAuth() {
	if !c.auth.served {
		c.auth.served = true
		c.s.access.addServed(c)
	}
	c.logout()
}

// AuthRequired reports whether c must authenticate before running other
// commands than AUTH, HELLO, QUIT and RESET: a network client's Conn not
// logged in while the default user has a password or is off (Redis's
// authRequired, which follows later changes of the default user).
func (c *Conn) AuthRequired() bool {
	return c.auth.served && !c.auth.authed.Load() && c.s.access.acl.AuthRequired()
}

// Allow reports whether c may run the command args now, without running
// it: the command's existence and arity, authentication and the ACL, with
// the error reply c would get otherwise (an ACL denial is logged in ACL
// LOG as when the command runs).
func (c *Conn) Allow(args []string) (Reply, bool) {
	cmd, errRep := shard.Resolve(args)
	if cmd == nil {
		return errRep, false
	}
	return c.permit(context.Background(), cmd, args)
}

// logout logs c in as the default user, authenticated unless the default
// user needs a password (a new client, RESET, a deleted user).
func (c *Conn) logout() {
	c.auth.user.Store(nil)
	c.auth.authed.Store(!c.s.access.acl.AuthRequired())
}

// login logs c in as u.
func (c *Conn) login(u *acl.User) {
	if u == c.s.access.acl.Default() {
		u = nil
	}
	c.auth.user.Store(u)
	c.auth.authed.Store(true)
}

// permit checks whether c may run cmd with args now, before it runs or is
// queued: the error reply to send when not.
func (c *Conn) permit(ctx context.Context, cmd *shard.Command, args []string) (resp.Reply, bool) {
	u := c.currentUser()
	if c.auth.served && cmd.Flags&shard.FlagNoAuth == 0 && c.AuthRequired() {
		return c.reject(ctx, cmd, resp.Err("NOAUTH Authentication required."))
	}
	if u.Unrestricted() {
		return resp.Reply{}, true // every command, key and channel: no check
	}
	queuing := c.tx.active && !immediateInMulti(cmd)
	if queuing && cmd.Flags&shard.FlagNoMulti != 0 {
		return resp.Reply{}, true // refused when queued, before the ACL, as in Redis
	}
	r, pos := u.Check(cmd, args)
	if r != acl.Allowed {
		if u.Deleted() {
			c.userDeleted()
			return resp.Reply{}, false
		}
		c.aclLog(r, c.logContext(), cmd, args, pos)
		return c.reject(ctx, cmd, resp.Err("NOPERM "+acl.Message(r, cmd)))
	}
	if !queuing {
		return c.sortPermit(u, cmd, args)
	}
	return resp.Reply{}, true
}

// reject answers a refused command: in MULTI the transaction will abort,
// and a refused EXEC aborts it now (Redis's rejectCommand).
func (c *Conn) reject(ctx context.Context, cmd *shard.Command, r resp.Reply) (resp.Reply, bool) {
	if cmd.FullName == "exec" {
		c.discard(ctx)
		return resp.Err("EXECABORT Transaction discarded because of: " + r.Str), false
	}
	if c.tx.active {
		c.tx.dirty = true
	}
	return r, false
}

// sortPermit refuses SORT's BY and GET patterns to a user without read
// access to every key: they name keys no check sees (Redis's
// sortCommandGeneric asks the same when it parses them).
func (c *Conn) sortPermit(u *acl.User, cmd *shard.Command, args []string) (resp.Reply, bool) {
	if cmd.FullName != "sort" && cmd.FullName != "sort_ro" {
		return resp.Reply{}, true
	}
	if u.FullKeyAccess(cmd, args) {
		return resp.Reply{}, true
	}
	if r, denied := shard.SortPatternsDenied(args, cmd.FullName == "sort_ro"); denied {
		return r, false
	}
	return resp.Reply{}, true
}

// execPermit checks a queued command again at EXEC, when it runs.
func (c *Conn) execPermit(cmd *shard.Command, args []string) (resp.Reply, bool) {
	u := c.currentUser()
	r, pos := u.Check(cmd, args)
	if r != acl.Allowed {
		c.aclLog(r, acl.Multi, cmd, args, pos)
		return resp.Err("NOPERM " + acl.ExecMessage(r)), false
	}
	return c.sortPermit(u, cmd, args)
}

// The checks of a script's commands, for the scripting engine's
// script.Caller (package internal/script), as the connection that runs the
// script: scriptACL implements script.ACLChecker (called before each
// redis.call and pcall, and by redis.acl_check_cmd), scriptSort is what
// Caller.Call must ask before running SORT or SORT_RO (Redis refuses BY and
// GET patterns when the command runs).

// scriptACL reports whether c's user may run args from a script, and the
// error text when not ("The user executing the script can't ..."),
// logged with context "lua" when logDenial. The command is looked up
// without checking its arity, as redis.acl_check_cmd does.
func (c *Conn) scriptACL(args []string, logDenial bool) (string, bool) {
	if len(args) == 0 {
		return "", true
	}
	cmd := shard.Lookup(args[0])
	if cmd != nil && cmd.Subs != nil && len(args) >= 2 {
		cmd = cmd.Subs[lowerASCII(args[1])]
	}
	if cmd == nil {
		return "", true // unknown: the runtime answers
	}
	u := c.currentUser()
	if u.Unrestricted() {
		return "", true
	}
	r, pos := u.Check(cmd, args)
	if r == acl.Allowed {
		return "", true
	}
	if logDenial {
		c.aclLog(r, acl.Lua, cmd, args, pos)
	}
	return acl.ScriptMessage(r), false
}

// scriptSort is SORT's refusal of BY and GET patterns to a script whose
// user lacks read access to every key.
func (c *Conn) scriptSort(cmd *shard.Command, args []string) (resp.Reply, bool) {
	return c.sortPermit(c.currentUser(), cmd, args)
}

// logContext is the ACL log's context of a denial: "multi" in a
// transaction (queued or running), else "toplevel".
func (c *Conn) logContext() acl.Context {
	if c.tx.active || c.auth.inExec {
		return acl.Multi
	}
	return acl.Toplevel
}

// aclLog records a denial in the ACL log.
func (c *Conn) aclLog(r acl.Reason, lctx acl.Context, cmd *shard.Command, args []string, pos int) {
	object := cmd.FullName
	if r == acl.DeniedKey || r == acl.DeniedChannel {
		object = args[pos]
	}
	c.s.access.acl.Log(r, lctx, object, c.currentUser().Name(), c.aclClientInfo(cmd))
}

// userDeleted handles a command of a connection whose user was deleted:
// the connection is closed (a network client's through its registry
// entry, at once if the ACL change has not done it yet).
func (c *Conn) userDeleted() {
	c.logout()
	c.auth.authed.Store(false)
	c.aclKill(false)
	_ = c.Close()
}

// aclClient is a Conn as the ACL sees it (acl.Client).
type aclClient struct{ c *Conn }

// ACLUser is the user the connection runs as.
func (a aclClient) ACLUser() *acl.User { return a.c.currentUser() }

// ACLSubscriptions lists the channels and patterns the connection is
// subscribed to.
func (a aclClient) ACLSubscriptions(fn func(name string, pattern bool) bool) {
	a.c.subscriptions(fn)
}

// ACLKill closes the connection.
func (a aclClient) ACLKill(afterReply bool) { a.c.aclKill(afterReply) }

// subscriptions calls fn with each channel and pattern c is subscribed
// to, until fn returns false; it may be called from any goroutine.
func (c *Conn) subscriptions(fn func(name string, pattern bool) bool) {
	c.auth.subMu.Lock()
	defer c.auth.subMu.Unlock()
	if c.sub == nil {
		return
	}
	for ch := range c.sub.channels {
		if !fn(ch, false) {
			return
		}
	}
	for _, p := range c.sub.patterns {
		if !fn(p, true) {
			return
		}
	}
}

// aclKill closes a network client's connection (after the reply being
// written when afterReply) and logs it out; it may be called from any
// goroutine.
func (c *Conn) aclKill(afterReply bool) {
	c.auth.user.Store(nil)
	c.auth.authed.Store(false)
	if !c.auth.served {
		return
	}
	reg := serveconn.Lookup(c.s)
	if reg == nil {
		return
	}
	if cl := reg.Get(c.client.ID); cl != nil {
		if afterReply {
			cl.CloseAfterReply()
		} else {
			cl.Kill()
		}
	}
}

// subscriptionsAllowed checks an embedded subscriber's subscriptions
// against its user's rules when they changed since the last check: a
// subscriber whose user was deleted, or lost a channel it is subscribed
// to, must close, as ACL DELUSER and ACL SETUSER close network ones. It
// reports whether c may go on receiving.
func (c *Conn) subscriptionsAllowed() bool {
	if c.auth.served {
		return true // closed by the ACL change itself
	}
	u := c.currentUser()
	rev := u.Revision()
	if rev == c.auth.seen {
		return true
	}
	c.auth.seen = rev
	return u.SubscriptionsAllowed(c.subscriptions)
}
