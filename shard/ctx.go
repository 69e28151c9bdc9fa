package shard

// Ctx is the context of one command execution: its arguments, the
// connection's selected database, and access to the keyspaces the engine
// handed over for it. Handlers reach keys only through a Ctx, which routes
// each key to the keyspace of its shard; so the same handler runs unchanged
// on one shard or, under a coordinator's hold, across several.
//
// A Ctx is used by one goroutine at a time. Engines pool them.
type Ctx struct {
	Args     []string // the command line, name first
	DB       int      // the selected database
	Cmd      *Command // the command being run
	ReadOnly bool     // lookups must not delete (the lock-based engine's read lock)
	Client   *Client  // the calling connection's state; nil for internal calls
	Loading  bool     // replaying a log: past expiry times do not delete
	NoBlock  bool     // blocking commands must not block (MULTI, serving a waiter)
	Retry    bool     // re-running a woken multi-shard waiter's command

	noTouch    bool // lookups leave access times alone (OBJECT); see memory.go
	oomChecked bool // the memory limit was checked for the whole unit (EXEC); see evict.go

	block     *BlockSpec
	waiterOut *Waiter
	retryOf   *Waiter
	still     bool

	now    int64
	ks     *Keyspace   // the one keyspace, when bound to a single shard
	group  []*Keyspace // every shard's keyspace by index (nil = not held), when spanning
	router Router
	nshard int
	argbuf [8]string
}

// Client is what commands may know about the connection that runs them.
type Client struct {
	ID   int64
	Name string
}

// NameOrEmpty returns the client's name; "" for a nil Client (embedded
// callers).
func (cl *Client) NameOrEmpty() string {
	if cl == nil {
		return ""
	}
	return cl.Name
}

// SetArgs sets Args to a copy of args, in the Ctx's own storage when it fits.
func (c *Ctx) SetArgs(args []string) {
	if len(args) <= len(c.argbuf) {
		c.Args = c.argbuf[:len(args)]
	} else {
		c.Args = make([]string, len(args))
	}
	copy(c.Args, args)
}

// Bind makes the Ctx run against keyspace ks alone, one of nshards.
func (c *Ctx) Bind(ks *Keyspace, nshards int) {
	c.ks, c.group, c.nshard = ks, nil, nshards
	c.now = 0
}

// BindGroup makes the Ctx run against several shards: shards[i] is shard
// i's keyspace, or nil when the engine did not hand it over.
func (c *Ctx) BindGroup(r Router, shards []*Keyspace) {
	c.ks, c.group, c.router, c.nshard = nil, shards, r, r.N()
	c.now = 0
}

// waiter returns the waiter recorded by SetWaiter.
func (c *Ctx) waiter() *Waiter { return c.waiterOut }

// Waiter returns the waiter the engine registered for the last command.
func (c *Ctx) Waiter() *Waiter { return c.waiterOut }

// Reset drops every reference the Ctx holds, for pooling.
func (c *Ctx) Reset() {
	*c = Ctx{}
}

// NumShards returns the number of shards of the store.
func (c *Ctx) NumShards() int { return c.nshard }

// Now returns the time of this command in unix milliseconds. It is read
// once per command, on first use, like Redis's command time snapshot.
func (c *Ctx) Now() int64 {
	if c.now == 0 {
		c.now = Now()
	}
	return c.now
}

// SetNow fixes the command's time (for engines that read the clock once
// per batch, and for tests).
func (c *Ctx) SetNow(ms int64) { c.now = ms }

// KS returns the keyspace that owns key.
func (c *Ctx) KS(key string) *Keyspace {
	if c.ks != nil {
		return c.ks
	}
	ks := c.group[c.router.Shard(key)]
	if ks == nil {
		panic("shard: key " + key + " routed to a shard the engine did not hold")
	}
	return ks
}

// Local returns the single keyspace the Ctx is bound to (fan-out parts),
// or nil when it spans shards.
func (c *Ctx) Local() *Keyspace { return c.ks }

// Shards calls fn for every keyspace the Ctx can reach, in shard order.
func (c *Ctx) Shards(fn func(ks *Keyspace)) {
	if c.ks != nil {
		fn(c.ks)
		return
	}
	for _, ks := range c.group {
		if ks != nil {
			fn(ks)
		}
	}
}

// Read looks key up for reading in the selected database, as Redis's
// lookupKeyRead: an expired key is deleted (unless ReadOnly) and reported
// missing, and the hit/miss counters move.
func (c *Ctx) Read(key string) *Entry { return c.ReadIn(c.DB, key) }

// ReadIn is Read in database db.
func (c *Ctx) ReadIn(db int, key string) *Entry {
	ks := c.KS(key)
	e := c.lookup(ks, db, key)
	if e == nil {
		ks.Stats.Misses.Add(1)
		ks.Notify(db, NotifyKeyMiss, "keymiss", key)
		return nil
	}
	ks.Stats.Hits.Add(1)
	return e
}

// Inspect looks key up like Read (a hit or a miss is counted, a miss is
// notified) but leaves its access time alone, as Redis's EXISTS, TYPE and
// TTL do with LOOKUP_NOTOUCH.
func (c *Ctx) Inspect(key string) *Entry {
	c.noTouch = true
	e := c.Read(key)
	c.noTouch = false
	return e
}

// Write looks key up for writing (Redis's lookupKeyWrite): expired keys
// are deleted; no counters move.
func (c *Ctx) Write(key string) *Entry { return c.WriteIn(c.DB, key) }

// WriteIn is Write in database db.
func (c *Ctx) WriteIn(db int, key string) *Entry { return c.lookup(c.KS(key), db, key) }

// Exists reports whether key exists (and is not expired), without touching
// counters or access times.
func (c *Ctx) Exists(key string) bool { return c.lookup(c.KS(key), c.DB, key) != nil }

func (c *Ctx) lookup(ks *Keyspace, db int, key string) *Entry {
	var e *Entry
	if c.ReadOnly {
		e = ks.dbs[db].FindShared(key)
	} else {
		e = ks.dbs[db].Find(key)
	}
	if e == nil {
		return nil
	}
	// ExpireAt is tested first so that keys without a TTL never read the
	// clock (time.Now was a fifth of a locked GET).
	if e.ExpireAt != 0 && !c.Loading && e.Expired(c.Now()) {
		if !c.ReadOnly {
			ks.expireEntry(db, e)
		}
		return nil
	}
	if ks.snap != nil && !c.ReadOnly && (c.Cmd == nil || c.Cmd.Flags&FlagReadOnly == 0) {
		ks.snap.preserve(db, e) // a write may follow: see snapshot.go
	}
	if !c.ReadOnly && (c.Cmd == nil || c.Cmd.Flags&FlagReadOnly == 0) {
		ks.noteTouched(db, e) // a write may follow: re-account it (memory.go)
	}
	if !c.noTouch {
		ks.touch(e)
	}
	return e
}

// Add creates key, which must not exist (check with Write first), with an
// empty value of type t, as Redis's dbAdd.
func (c *Ctx) Add(key string, t Type) *Entry { return c.AddIn(c.DB, key, t) }

// AddIn is Add in database db.
func (c *Ctx) AddIn(db int, key string, t Type) *Entry {
	ks := c.KS(key)
	e := ks.dbs[db].add(key, t)
	ks.mem.mark(db)    // account the new entry (memory.go)
	e.Epoch = ks.epoch // new during a snapshot: not part of it
	ks.initAccess(e)
	ks.signalReady(db, key)
	ks.Notify(db, NotifyNew, "new", key)
	return e
}

// SetString stores a string value at key, creating it or replacing
// whatever it held, and clears its expiry unless keepTTL: Redis's setKey.
func (c *Ctx) SetString(key, val string, keepTTL bool) *Entry {
	ks := c.KS(key)
	db := &ks.dbs[c.DB]
	e := c.lookup(ks, c.DB, key)
	if e == nil {
		e = db.add(key, TypeString)
		e.Epoch = ks.epoch // new during a snapshot: not part of it
		ks.initAccess(e)
		ks.signalReady(c.DB, key)
		ks.Notify(c.DB, NotifyNew, "new", key)
	} else if !keepTTL && e.ExpireAt != 0 {
		db.setExpire(e, 0)
	}
	e.setStr(val)
	return e
}

// Delete removes key (expired or not) from the selected database and
// reports whether it existed. It records nothing: callers propagate and
// notify what their command did.
func (c *Ctx) Delete(key string) bool { return c.DeleteIn(c.DB, key) }

// DeleteIn is Delete in database db.
func (c *Ctx) DeleteIn(db int, key string) bool {
	ks := c.KS(key)
	e := ks.dbs[db].remove(key)
	if e != nil && ks.snap != nil {
		ks.snap.preserve(db, e)
	}
	return e != nil
}

// SetExpire sets the absolute expiry (unix ms) of key's entry e; at == 0
// removes it.
func (c *Ctx) SetExpire(key string, e *Entry, at int64) { c.SetExpireIn(c.DB, key, e, at) }

// SetExpireIn is SetExpire in database db.
func (c *Ctx) SetExpireIn(db int, key string, e *Entry, at int64) {
	ks := c.KS(key)
	if ks.snap != nil {
		ks.snap.preserve(db, e)
	}
	ks.dbs[db].setExpire(e, at)
}

// Propagate records an effect on key (argv names the whole command) in
// the effect log of key's shard, in the selected database.
func (c *Ctx) Propagate(key string, argv ...string) {
	c.KS(key).Propagate(c.DB, argv...)
}

// PropagateIn is Propagate in database db.
func (c *Ctx) PropagateIn(db int, key string, argv ...string) {
	c.KS(key).Propagate(db, argv...)
}

// Notify publishes a keyspace notification about key in the selected
// database.
func (c *Ctx) Notify(class NotifyClass, event, key string) {
	c.KS(key).Notify(c.DB, class, event, key)
}

// NotifyIn is Notify in database db.
func (c *Ctx) NotifyIn(db int, class NotifyClass, event, key string) {
	c.KS(key).Notify(db, class, event, key)
}

func (c *Ctx) anyKS() *Keyspace {
	if c.ks != nil {
		return c.ks
	}
	for _, ks := range c.group {
		if ks != nil {
			return ks
		}
	}
	panic("shard: Ctx bound to no keyspace")
}

// NumDBs returns the number of logical databases.
func (c *Ctx) NumDBs() int { return len(c.anyKS().dbs) }
