package shard

// Keys under WATCH. A shard keeps a version only for the keys some
// connection watches; every modification of such a key (a write, an
// expiry, an eviction, FLUSHDB/FLUSHALL, SWAPDB) bumps it, and EXEC compares
// the versions it saw at WATCH time with the current ones.

type watchKey struct {
	db  int
	key string
}

type watchState struct {
	refs       int    // connections watching the key
	version    uint64 // bumped by every modification
	expireDels uint64 // of those, deletions of the key because it expired
}

// WatchMark is what a connection remembers of a key at WATCH time.
type WatchMark struct {
	Version    uint64
	ExpireDels uint64
	Expired    bool // the key existed but had already expired at WATCH time
}

// Watch registers one more watcher of key in database db and returns the
// key's current state; now is the time used to tell an expired key.
func (ks *Keyspace) Watch(db int, key string, now int64) WatchMark {
	if ks.watched == nil {
		ks.watched = make(map[watchKey]*watchState)
	}
	k := watchKey{db, key}
	w := ks.watched[k]
	if w == nil {
		w = &watchState{}
		ks.watched[k] = w
	}
	w.refs++
	e := ks.dbs[db].Find(key)
	return WatchMark{Version: w.version, ExpireDels: w.expireDels,
		Expired: e != nil && e.Expired(now)}
}

// WatchChanged reports whether key changed since m was taken, with Redis's
// rules: a key already expired at WATCH time whose only change was its
// deletion is unchanged; a key that was live at WATCH time and has expired
// since (deleted or not) has changed.
func (ks *Keyspace) WatchChanged(db int, key string, m WatchMark, now int64) bool {
	var cur WatchMark
	if w := ks.watched[watchKey{db, key}]; w != nil {
		cur.Version, cur.ExpireDels = w.version, w.expireDels
	}
	delta := cur.Version - m.Version
	if m.Expired {
		delta -= cur.ExpireDels - m.ExpireDels
	}
	if delta != 0 {
		return true
	}
	if !m.Expired {
		if e := ks.dbs[db].Find(key); e != nil && e.Expired(now) {
			return true
		}
	}
	return false
}

// Unwatch drops one watcher of key in database db.
func (ks *Keyspace) Unwatch(db int, key string) {
	k := watchKey{db, key}
	if w := ks.watched[k]; w != nil {
		if w.refs--; w.refs <= 0 {
			delete(ks.watched, k)
		}
	}
}

// expiredWatched records the deletion of an expired key.
func (ks *Keyspace) expiredWatched(db int, key string) {
	if len(ks.watched) == 0 {
		return
	}
	if w := ks.watched[watchKey{db, key}]; w != nil {
		w.version++
		w.expireDels++
	}
}

// Modified records that key in database db changed (Redis's
// signalModifiedKey): watchers' EXEC will fail.
func (ks *Keyspace) Modified(db int, key string) {
	if len(ks.watched) == 0 {
		return
	}
	if w := ks.watched[watchKey{db, key}]; w != nil {
		w.version++
	}
}

// modifiedDB records, before FLUSHDB/FLUSHALL (db < 0: every database)
// or SWAPDB (other >= 0: the database swapped with db), that the watched
// keys existing in db, or in other, change.
func (ks *Keyspace) modifiedDB(db, other int) {
	for k, w := range ks.watched {
		if db >= 0 && k.db != db {
			continue
		}
		if ks.dbs[k.db].Find(k.key) != nil || (other >= 0 && ks.dbs[other].Find(k.key) != nil) {
			w.version++
		}
	}
}

// Modified records that key changed in the selected database.
func (c *Ctx) Modified(key string) { c.KS(key).Modified(c.DB, key) }

// ModifiedIn records that key changed in database db.
func (c *Ctx) ModifiedIn(db int, key string) { c.KS(key).Modified(db, key) }
