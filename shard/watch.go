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
	refs    int    // connections watching the key
	version uint64 // bumped by every modification
}

// Watch registers one more watcher of key in database db and returns the
// key's current version.
func (ks *Keyspace) Watch(db int, key string) uint64 {
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
	return w.version
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

// WatchVersion returns the current version of a watched key (0 when no one
// watches it).
func (ks *Keyspace) WatchVersion(db int, key string) uint64 {
	if w := ks.watched[watchKey{db, key}]; w != nil {
		return w.version
	}
	return 0
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

// modifiedDB records that every key of database db may have changed
// (db < 0: every database).
func (ks *Keyspace) modifiedDB(db int) {
	for k, w := range ks.watched {
		if db < 0 || k.db == db {
			w.version++
		}
	}
}

// Modified records that key changed in the selected database.
func (c *Ctx) Modified(key string) { c.KS(key).Modified(c.DB, key) }

// ModifiedIn records that key changed in database db.
func (c *Ctx) ModifiedIn(db int, key string) { c.KS(key).Modified(db, key) }
