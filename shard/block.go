package shard

import (
	"math"
	"math/big"
	"sync/atomic"

	"github.com/kevydb/kevy/resp"
)

// Blocking commands (BLPOP, BLMOVE, BZPOPMIN ...). A handler that finds
// nothing to pop calls Ctx.Block instead of replying. The engine then parks
// the caller as a Waiter registered, in the shards that own them, on the
// keys it waits for — atomically with the check, since the shard (or the
// coordinator's hold) still owns those keys. When a key with waiters is
// created (by a push, a rename, a transaction ...), its shard notes it as
// ready; after the command, ServeReady serves the waiters in arrival order.
//
// A waiter whose keys all live on one shard is served in place: the shard
// claims it, runs its command, and hands it the reply once the effects are
// durable. A waiter spanning shards is only woken: its caller retries the
// command under a coordinator's hold. Claiming is a compare-and-swap, so a
// waiter is served once, and its caller, on timeout or cancellation, claims
// it first or else receives the reply that was already being served —
// nothing popped is ever lost.

// BlockSpec is what a blocking handler asks for when it found nothing.
type BlockSpec struct {
	Keys     []string   // the keys to wait on, in the command's order
	Want     Type       // the type that makes a key ready (list, zset)
	Deadline int64      // unix ms; 0 = wait forever
	Timeout  resp.Reply // the reply when the wait times out
}

// Block records that the command must wait and returns a zero reply the
// engine replaces. Inside MULTI (NoBlock set), it returns the timeout reply
// at once, as Redis does.
func (c *Ctx) Block(spec BlockSpec) resp.Reply {
	if c.NoBlock {
		return spec.Timeout
	}
	c.block = &spec
	return resp.Reply{}
}

// Blocked returns the pending block of the last command run, if any, and
// clears it.
func (c *Ctx) Blocked() *BlockSpec {
	b := c.block
	c.block = nil
	return b
}

// ParseTimeout parses a blocking command's timeout in seconds (a float, as
// Redis's getTimeoutFromObjectOrReply) into an absolute deadline in unix
// ms; 0 means forever.
func ParseTimeout(c *Ctx, arg string) (int64, resp.Reply, bool) {
	f, ok := ParseLongDouble(arg)
	if !ok {
		return 0, resp.Err(MsgTimeoutNotF), false
	}
	// (long long) ceill(x * 1000.0), in long double as Redis computes it.
	// On x86-64 a long double out of long long's range (infinities
	// included) converts to LLONG_MIN, so Redis calls those timeouts
	// negative too.
	prod := new(big.Float).SetPrec(64).SetMode(big.ToNearestEven).Mul(f, big.NewFloat(1000))
	if prod.IsInf() {
		return 0, resp.Err(MsgTimeoutNeg), false
	}
	x, _ := prod.Int(nil) // truncated toward zero
	if !prod.IsInt() && prod.Sign() > 0 {
		x.Add(x, big.NewInt(1))
	}
	if x.Sign() < 0 || !x.IsInt64() {
		return 0, resp.Err(MsgTimeoutNeg), false
	}
	ms := x.Int64()
	if ms == 0 {
		return 0, resp.Reply{}, true
	}
	now := c.Now()
	if ms > math.MaxInt64-now {
		// Redis's timeout+mstime() wraps to a negative deadline, which
		// its timeout table reads as unsigned: the wait never times out.
		return 0, resp.Reply{}, true
	}
	return ms + now, resp.Reply{}, true
}

// Waiter is a caller parked on keys by a blocking command. It is shared by
// the caller's goroutine and the shards it is registered in; its mutable
// state is the atomic claim and the two channels.
type Waiter struct {
	DB     int
	Cmd    *Command
	Args   []string
	Client *Client
	Spec   BlockSpec
	Single bool // every key on one shard: the shard serves it in place

	claimed atomic.Bool
	// Reply receives the served reply (cap 1).
	Reply chan resp.Reply
	// Wake is signalled (cap 1, coalescing) when a key of a multi-shard
	// waiter became ready: its caller should retry.
	Wake chan struct{}
}

// NewWaiter returns a waiter for a command that blocked with spec.
func NewWaiter(db int, cmd *Command, args []string, cl *Client, spec BlockSpec, single bool) *Waiter {
	return &Waiter{
		DB: db, Cmd: cmd, Args: append([]string(nil), args...), Client: cl, Spec: spec, Single: single,
		Reply: make(chan resp.Reply, 1), Wake: make(chan struct{}, 1),
	}
}

// Claim takes the right to complete the waiter; it succeeds once.
func (w *Waiter) Claim() bool { return w.claimed.CompareAndSwap(false, true) }

// Claimed reports whether the waiter was completed or abandoned.
func (w *Waiter) Claimed() bool { return w.claimed.Load() }

// served is a reply to hand to a waiter once the batch that produced it
// is durable.
type served struct {
	w     *Waiter
	reply resp.Reply
}

// blocking is a keyspace's table of waiters.
type blocking struct {
	waiters map[watchKey][]*Waiter // FIFO per key
	ready   []watchKey             // keys that may serve waiters
	served  []served
}

// AddWaiter registers w on each of keys (which route to this keyspace) in
// w's database.
func (ks *Keyspace) AddWaiter(w *Waiter, keys []string) {
	if ks.blk.waiters == nil {
		ks.blk.waiters = make(map[watchKey][]*Waiter)
	}
	for _, k := range keys {
		wk := watchKey{w.DB, k}
		ks.blk.waiters[wk] = append(ks.blk.waiters[wk], w)
	}
}

// RemoveWaiter unregisters w from every key of this keyspace.
func (ks *Keyspace) RemoveWaiter(w *Waiter) {
	for _, k := range w.Spec.Keys {
		ks.removeWaiterKey(w, watchKey{w.DB, k})
	}
}

func (ks *Keyspace) removeWaiterKey(w *Waiter, wk watchKey) {
	list := ks.blk.waiters[wk]
	for i, x := range list {
		if x == w {
			list = append(list[:i], list[i+1:]...)
			break
		}
	}
	if len(list) == 0 {
		delete(ks.blk.waiters, wk)
	} else {
		ks.blk.waiters[wk] = list
	}
}

// Waiters returns the number of registered waiter entries (for stats and
// tests).
func (ks *Keyspace) Waiters() int {
	n := 0
	for _, l := range ks.blk.waiters {
		n += len(l)
	}
	return n
}

// signalReady notes that key was created in database db.
func (ks *Keyspace) signalReady(db int, key string) {
	if len(ks.blk.waiters) == 0 {
		return
	}
	wk := watchKey{db, key}
	if _, ok := ks.blk.waiters[wk]; ok {
		ks.blk.ready = append(ks.blk.ready, wk)
	}
}

// signalAllReady notes every waited-on key of database db that exists
// (SWAPDB).
func (ks *Keyspace) signalAllReady(db int) {
	for wk := range ks.blk.waiters {
		if (db < 0 || wk.db == db) && ks.dbs[wk.db].Find(wk.key) != nil {
			ks.blk.ready = append(ks.blk.ready, wk)
		}
	}
}

// HasReady reports whether ServeReady has work.
func (ks *Keyspace) HasReady() bool { return len(ks.blk.ready) > 0 }

// ServeReady serves the waiters of the keys that became ready, in arrival
// order, using c (bound to this keyspace alone) to run their commands.
// Replies are held back until DeliverServed, so that callers are answered
// only once the effects of the serving are durable. Multi-shard waiters are
// woken instead.
func (ks *Keyspace) ServeReady(c *Ctx, nshards int) {
	for len(ks.blk.ready) > 0 {
		wk := ks.blk.ready[0]
		ks.blk.ready = ks.blk.ready[1:]
		for i := 0; ; {
			list := ks.blk.waiters[wk]
			if i >= len(list) {
				break
			}
			e := ks.dbs[wk.db].Find(wk.key)
			if e == nil || e.Expired(c.Now()) {
				break
			}
			w := list[i]
			switch {
			case w.Claimed():
				ks.RemoveWaiter(w) // abandoned by its caller
			case !w.Single:
				// Wake the caller to retry under a hold; it stays
				// registered, and later waiters may be served meanwhile.
				select {
				case w.Wake <- struct{}{}:
				default:
				}
				i++
			case e.Type != w.Spec.Want || !w.Claim():
				i++
			default:
				ks.RemoveWaiter(w)
				c.Bind(ks, nshards)
				c.DB, c.Cmd, c.Args, c.Client = w.DB, w.Cmd, w.Args, w.Client
				c.NoBlock = true
				rep := w.Cmd.Run(c)
				c.NoBlock = false
				c.Args, c.Client = nil, nil
				ks.blk.served = append(ks.blk.served, served{w, rep})
			}
		}
	}
	ks.blk.ready = ks.blk.ready[:0]
}

// Served is a set of waiter replies held back until durable.
type Served []served

// Deliver hands the replies to their waiters.
func (s Served) Deliver() {
	for _, x := range s {
		x.w.Reply <- x.reply
	}
}

// TakeServed returns the replies of the waiters served since the last call,
// to be delivered later with Served.Deliver.
func (ks *Keyspace) TakeServed() Served {
	if len(ks.blk.served) == 0 {
		return nil
	}
	out := Served(ks.blk.served)
	ks.blk.served = nil
	return out
}

// DeliverServed hands the replies of the waiters served since the last
// call to their callers.
func (ks *Keyspace) DeliverServed() {
	for i, s := range ks.blk.served {
		s.w.Reply <- s.reply
		ks.blk.served[i] = served{}
	}
	ks.blk.served = ks.blk.served[:0]
}

// Engine bookkeeping of a blocking command's outcome, kept on the Ctx so
// engines that run commands on the caller's goroutine need no extra state.

// SetWaiter records the waiter the engine registered for the command.
func (c *Ctx) SetWaiter(w *Waiter) { c.waiterOut = w }

// SetRetryOf marks the command as the retry of waiter w.
func (c *Ctx) SetRetryOf(w *Waiter) { c.retryOf = w }

// RetryOf returns the waiter being retried, if any.
func (c *Ctx) RetryOf() *Waiter { return c.retryOf }

// SetStillBlocked records that a retried command blocked again.
func (c *Ctx) SetStillBlocked() { c.still = true }

// StillBlocked reports whether a retried command blocked again.
func (c *Ctx) StillBlocked() bool { return c.still }
