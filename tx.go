package kevy

import (
	"context"
	"slices"

	"github.com/kevydb/kevy/resp"
	"github.com/kevydb/kevy/shard"
)

// Transactions: MULTI queues a connection's commands; EXEC runs them
// atomically across every shard they touch. The coordinator (the calling
// goroutine) holds those shards, and the shards of the WATCHed keys, in
// ascending order; checks the watched keys' versions; runs the commands on
// the held keyspaces; and releases. No other command on those shards
// interleaves. Each shard logs its part wrapped in MULTI/EXEC.

// TxFailedErr is returned by Watch when a watched key changed and the
// transaction was not applied, as go-redis's.
const TxFailedErr = Error("kevy: transaction failed")

const msgExecAbort = "EXECABORT Transaction discarded because of previous errors."

type queued struct {
	cmd  *shard.Command
	args []string
}

type watchRec struct {
	db   int
	key  string
	mark shard.WatchMark
}

// txState is a connection's MULTI and WATCH state.
type txState struct {
	active  bool
	dirty   bool // a queuing error: EXEC will abort
	queue   []queued
	watched []watchRec
}

func init() {
	registerConn("multi", (*Conn).cmdMulti)
	registerConn("exec", (*Conn).cmdExec)
	registerConn("discard", (*Conn).cmdDiscard)
	registerConn("watch", (*Conn).cmdWatch)
	registerConn("unwatch", (*Conn).cmdUnwatch)
}

// immediateInMulti are the commands a connection in MULTI runs at once
// instead of queuing, as Redis does.
func immediateInMulti(cmd *shard.Command) bool {
	switch cmd.FullName {
	case "exec", "discard", "multi", "watch", "quit", "reset":
		return true
	}
	return false
}

// queue records a command in MULTI.
func (c *Conn) queue(cmd *shard.Command, args []string) resp.Reply {
	if cmd.Flags&shard.FlagNoMulti != 0 {
		c.tx.dirty = true
		return resp.Err("ERR Command not allowed inside a transaction")
	}
	if c.s.obs.rt.OverMemoryLimit() { // Redis refuses to queue when out of memory
		c.tx.dirty = true
		return shard.ErrOOM
	}
	c.tx.queue = append(c.tx.queue, queued{cmd, slices.Clone(args)})
	return resp.Queued
}

func (c *Conn) cmdMulti(_ context.Context, _ []string) resp.Reply {
	if c.tx.active {
		return resp.Err("ERR MULTI calls can not be nested")
	}
	c.tx.active = true
	return resp.OK
}

func (c *Conn) cmdDiscard(ctx context.Context, _ []string) resp.Reply {
	if !c.tx.active {
		return resp.Err("ERR DISCARD without MULTI")
	}
	c.discard(ctx)
	return resp.OK
}

// discard ends MULTI and forgets the watches.
func (c *Conn) discard(ctx context.Context) {
	c.tx.active, c.tx.dirty, c.tx.queue = false, false, nil
	c.unwatchAll(ctx)
}

func (c *Conn) cmdWatch(ctx context.Context, args []string) resp.Reply {
	if c.tx.active {
		return resp.Err("ERR WATCH inside MULTI is not allowed")
	}
	if err := c.watch(ctx, args[1:]); err != nil {
		return resp.Err("ERR " + err.Error())
	}
	return resp.OK
}

func (c *Conn) cmdUnwatch(ctx context.Context, _ []string) resp.Reply {
	c.unwatchAll(ctx)
	return resp.OK
}

// watch registers keys with the shards that own them, one message per
// shard, and remembers their state.
func (c *Conn) watch(ctx context.Context, keys []string) error {
	s := c.s
	var fresh []string
	for _, k := range keys {
		if !c.watching(k) && !slices.Contains(fresh, k) {
			fresh = append(fresh, k)
		}
	}
	if len(fresh) == 0 {
		return nil
	}
	byShard := map[int][]string{}
	var ids []int
	for _, k := range fresh {
		sh := s.router.Shard(k)
		if byShard[sh] == nil {
			ids = append(ids, sh)
		}
		byShard[sh] = append(byShard[sh], k)
	}
	slices.Sort(ids)
	marks := make([][]shard.WatchMark, s.cfg.Shards)
	db := c.db
	err := s.onSome(ctx, ids, func(i int, ks *shard.Keyspace) {
		now := shard.Now()
		for _, k := range byShard[i] {
			marks[i] = append(marks[i], ks.Watch(db, k, now))
		}
	})
	if err != nil {
		return err
	}
	for _, i := range ids {
		for j, k := range byShard[i] {
			c.tx.watched = append(c.tx.watched, watchRec{db: db, key: k, mark: marks[i][j]})
		}
	}
	return nil
}

func (c *Conn) watching(key string) bool {
	for _, w := range c.tx.watched {
		if w.db == c.db && w.key == key {
			return true
		}
	}
	return false
}

// unwatchAll drops the connection's watches in their shards.
func (c *Conn) unwatchAll(ctx context.Context) {
	if len(c.tx.watched) == 0 {
		return
	}
	w := c.tx.watched
	c.tx.watched = nil
	ids := c.watchShards(w)
	// Unwatching must happen even if ctx is done, or the shards keep the
	// reference counts forever.
	_ = c.s.onSome(context.WithoutCancel(ctx), ids, func(i int, ks *shard.Keyspace) {
		for _, r := range w {
			if c.s.router.Shard(r.key) == i {
				ks.Unwatch(r.db, r.key)
			}
		}
	})
}

func (c *Conn) watchShards(w []watchRec) []int {
	var ids []int
	for _, r := range w {
		sh := c.s.router.Shard(r.key)
		if !slices.Contains(ids, sh) {
			ids = append(ids, sh)
		}
	}
	slices.Sort(ids)
	return ids
}

// txShards returns the shards a transaction must hold: nil for all of
// them.
func (c *Conn) txShards() []int {
	s := c.s
	n := s.cfg.Shards
	seen := make([]bool, n)
	var buf [8]int
	for _, q := range c.tx.queue {
		switch q.cmd.Route {
		case shard.RouteKeys:
			for _, sh := range s.router.Shards(q.cmd, q.args, buf[:0]) {
				seen[sh] = true
			}
		case shard.RouteShardFn:
			sh, ok := q.cmd.ShardFn(q.args, n)
			if !ok {
				sh = 0
			}
			seen[sh] = true
		case shard.RouteLocal:
		default: // RouteAll, RouteFanout, RouteConn (INFO ...): everything
			return nil
		}
	}
	for _, w := range c.tx.watched {
		seen[s.router.Shard(w.key)] = true
	}
	var ids []int
	for i, ok := range seen {
		if ok {
			ids = append(ids, i)
		}
	}
	if len(ids) == 0 {
		ids = []int{0}
	}
	return ids
}

func (c *Conn) cmdExec(ctx context.Context, _ []string) resp.Reply {
	if !c.tx.active {
		return resp.Err("ERR EXEC without MULTI")
	}
	if c.tx.dirty {
		c.discard(ctx)
		return resp.Err(msgExecAbort)
	}
	s := c.s
	watched := c.tx.watched
	queue := c.tx.queue
	c.tx = txState{}
	c.auth.inExec = true // for the ACL log: conn_acl.go
	defer func() { c.auth.inExec = false }()
	var replies []resp.Reply
	aborted := false
	var oom *resp.Reply // EXEC refused for lack of memory
	db := c.db
	err := s.runHeld(ctx, c.txShardsFor(queue, watched), func(g *shard.Ctx, group []*shard.Keyspace, logErr error) {
		now := g.Now()
		for _, w := range watched {
			ks := group[s.router.Shard(w.key)]
			if ks.WatchChanged(w.db, w.key, w.mark, now) {
				aborted = true
			}
		}
		for _, w := range watched {
			group[s.router.Shard(w.key)].Unwatch(w.db, w.key)
		}
		if rep, ok := reserveForExec(g, queue); !ok { // see evict_tx.go
			oom = &rep
			return
		}
		if aborted {
			return
		}
		replies = make([]resp.Reply, 0, len(queue))
		for _, q := range queue {
			replies = append(replies, c.runQueued(g, group, &db, q, logErr))
		}
	})
	c.db = db
	if oom != nil {
		return *oom
	}
	if err != nil && replies == nil && !aborted {
		return resp.Err("ERR " + err.Error())
	}
	if aborted {
		return resp.NilArr
	}
	if err != nil {
		// The commands ran but their effects could not be logged.
		misconf := resp.Err(misconfText(err))
		for i, q := range queue {
			if q.cmd.Flags&shard.FlagWrite != 0 {
				replies[i] = misconf
			}
		}
	}
	return resp.ArrayReply(replies)
}

// txShardsFor is txShards for a queue and watches taken out of the state.
func (c *Conn) txShardsFor(queue []queued, watched []watchRec) []int {
	saved := c.tx
	c.tx = txState{queue: queue, watched: watched}
	ids := c.txShards()
	c.tx = saved
	return ids
}

// runQueued runs one queued command inside EXEC, with the shards held.
func (c *Conn) runQueued(g *shard.Ctx, group []*shard.Keyspace, db *int, q queued, logErr error) resp.Reply {
	cmd := q.cmd
	if r, ok := c.execPermit(cmd, q.args); !ok { // the ACL may have changed since: conn_acl.go
		return r
	}
	if logErr != nil && cmd.Flags&shard.FlagWrite != 0 {
		return resp.Err(misconfText(logErr))
	}
	n := len(group)
	switch cmd.Route {
	case shard.RouteConn:
		return c.connInTx(g, group, db, q)
	case shard.RouteShardFn:
		sh, ok := cmd.ShardFn(q.args, n)
		if !ok {
			sh = 0
		}
		return runBound(g, group[sh], n, *db, cmd, q.args, func() { g.BindGroup(c.s.router, group) })
	case shard.RouteFanout:
		parts := make([]resp.Reply, n)
		for i, ks := range group {
			parts[i] = runBound(g, ks, n, *db, cmd, q.args, nil)
		}
		g.BindGroup(c.s.router, group)
		g.DB, g.Cmd, g.Args = *db, cmd, q.args
		return cmd.Merge(g, parts)
	}
	g.DB, g.Cmd, g.Args = *db, cmd, q.args
	rep := g.Run()
	g.Blocked()
	return rep
}

// runBound runs cmd with g bound to one keyspace, then calls rebind.
func runBound(g *shard.Ctx, ks *shard.Keyspace, n, db int, cmd *shard.Command, args []string, rebind func()) resp.Reply {
	g.Bind(ks, n)
	g.DB, g.Cmd, g.Args = db, cmd, args
	rep := g.Run()
	g.Blocked()
	if rebind != nil {
		rebind()
	}
	return rep
}

// connInTx runs a queued connection command inside EXEC.
func (c *Conn) connInTx(_ *shard.Ctx, group []*shard.Keyspace, db *int, q queued) resp.Reply {
	switch q.cmd.FullName {
	case "select":
		n, errRep, ok := shard.IntArg(q.args[1], "")
		if !ok {
			return errRep
		}
		if n < 0 || n >= c.s.cfg.Databases {
			return shard.ErrDBRange
		}
		*db = n
		return resp.OK
	case "info":
		text, err := c.s.infoFrom(q.args, func(fn func(i int, ks *shard.Keyspace)) error {
			for i, ks := range group {
				fn(i, ks)
			}
			return nil
		})
		if err != nil {
			return resp.Err("ERR " + err.Error())
		}
		return resp.BulkReply(text)
	}
	h := connHandlers[q.cmd.FullName]
	if h == nil {
		return shard.UnknownCommand(q.args)
	}
	return h(c, context.Background(), q.args)
}
