package serveconn

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/kevydb/kevy/resp"
	"github.com/kevydb/kevy/shard"
)

// Blocking commands (BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP, BZPOPMIN,
// BZPOPMAX, BZMPOP). While one waits, the pump reads the socket (see
// input.go), as Redis keeps reading a blocked client: a client that leaves,
// or breaks the query buffer limit, cancels the command's context, which
// unregisters its waiter before any element is handed to it; what the
// client pipelines meanwhile waits in the inbox, in order, and runs once
// the command is done. Kill and Shutdown cancel the command too.
//
// A push can still race the cancellation: the store then returns the
// element it popped for the caller rather than lose it (Store.waitBlocked).
// If by then the client is gone, the connection gives the element back
// (handBack), so that it stays in the store; only a client that leaves
// after its element was popped and written loses it, as with Redis.

// runBlocking runs one blocking command and appends its reply, unless the
// client is gone.
func (c *Conn) runBlocking(cmd *shard.Command, args []string) {
	ctx, cancel := context.WithCancel(c.ctx)
	defer cancel()
	c.blockMu.Lock()
	c.blockCancel = cancel
	c.blockMu.Unlock()
	if c.closing.Load() {
		cancel() // Shutdown came first
	}
	own := c.pump == nil // in subscriber mode the pump runs already
	if own {
		c.startPump()
	}
	c.cl.setBlocked(true)
	r := c.sess.Exec(ctx, args...)
	c.cl.setBlocked(false)
	c.blockMu.Lock()
	c.blockCancel = nil
	c.blockMu.Unlock()
	if own {
		c.stopPump()
	}
	ended := ctx.Err() != nil
	gone := c.killed.Load() || errors.Is(c.in.failure(), errQueryBuffer) || peerGone(c.in.failure())
	if !gone && popped(cmd, &r) && !c.alive() {
		gone = true
	}
	switch {
	case gone:
		if popped(cmd, &r) {
			c.handBack(cmd, args, &r)
		}
		c.dead = true
	case ended && r.Kind == resp.Error:
		c.quit = true // Shutdown: the command was abandoned, nothing to reply
	default:
		c.appendReply(args, &r)
		if ended {
			c.quit = true
		}
	}
}

// cancelBlocked cancels the blocking command in progress, if any.
func (c *Conn) cancelBlocked() {
	c.blockMu.Lock()
	if c.blockCancel != nil {
		c.blockCancel()
	}
	c.blockMu.Unlock()
}

// alive reports whether the client is still connected, checking the
// socket itself when it can (see peek): it catches a client that left just
// as its element was popped, before the pump saw it go.
func (c *Conn) alive() bool {
	if p, ok := c.nc.(interface{ PeerClosed() bool }); ok {
		return !p.PeerClosed()
	}
	return !peekClosed(c.nc)
}

// popped reports whether r is the reply of a blocking command that took
// elements out of a key (not a timeout, not an error).
func popped(cmd *shard.Command, r *resp.Reply) bool {
	return cmd.Flags&shard.FlagBlocking != 0 && (r.Kind == resp.Array || r.Kind == resp.Bulk)
}

// handBack puts back what a blocking command popped for a client that
// left before it could be told: list elements at the end they came from,
// sorted-set members with their scores unless re-added since (NX). A
// BLMOVE or BRPOPLPUSH already stored its element in the destination, so
// nothing is lost there.
func (c *Conn) handBack(cmd *shard.Command, args []string, r *resp.Reply) {
	var back []string
	switch cmd.FullName {
	case "blpop", "brpop":
		if len(r.Elems) != 2 {
			return
		}
		back = []string{"RPUSH", r.Elems[0].Str, r.Elems[1].Str}
		if cmd.FullName == "blpop" {
			back[0] = "LPUSH"
		}
	case "bzpopmin", "bzpopmax":
		if len(r.Elems) != 3 {
			return
		}
		back = []string{"ZADD", r.Elems[0].Str, "NX", r.Elems[2].Str, r.Elems[1].Str}
	case "blmpop":
		// BLMPOP timeout numkeys key... LEFT|RIGHT [COUNT n] →
		// [key, [e1, e2, ...]], e1 taken first: pushing them back in
		// reverse order at the same end restores the list.
		if len(r.Elems) != 2 {
			return
		}
		push := "RPUSH"
		if n, err := strconv.Atoi(args[2]); err == nil && n >= 0 && 3+n < len(args) &&
			strings.EqualFold(args[3+n], "left") {
			push = "LPUSH"
		}
		els := r.Elems[1].Elems
		back = []string{push, r.Elems[0].Str}
		for i := len(els) - 1; i >= 0; i-- {
			back = append(back, els[i].Str)
		}
	case "bzmpop":
		if len(r.Elems) != 2 {
			return
		}
		back = []string{"ZADD", r.Elems[0].Str, "NX"}
		for _, p := range r.Elems[1].Elems {
			if len(p.Elems) == 2 {
				back = append(back, p.Elems[1].Str, p.Elems[0].Str)
			}
		}
	default:
		return
	}
	rep := c.sess.Exec(context.WithoutCancel(c.ctx), back...)
	if rep.Kind == resp.Error {
		c.log.Error("kevy: could not give back what a blocking command popped for a client that left",
			"addr", c.cl.Addr, "command", cmd.FullName, "key", back[1], "err", rep.Str)
		return
	}
	c.log.Debug("kevy: gave back what a blocking command popped for a client that left",
		"addr", c.cl.Addr, "command", cmd.FullName, "key", back[1])
}
