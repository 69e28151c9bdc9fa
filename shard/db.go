package shard

import "math/rand/v2"

// DB is one of a keyspace's logical databases (SELECT n). It holds the
// entries of the keys that route to its shard.
//
// A DB is not safe for concurrent use: it belongs to its shard's owner.
type DB struct {
	keys     map[string]*Entry
	volatile []*Entry // entries with an expiry, for O(1) random sampling
}

func newDB() DB { return DB{keys: make(map[string]*Entry)} }

// Len returns the number of keys, expired ones not yet reaped included.
func (db *DB) Len() int { return len(db.keys) }

// Volatile returns the number of keys with an expiry.
func (db *DB) Volatile() int { return len(db.volatile) }

// Find returns the entry of key, expired or not, or nil.
func (db *DB) Find(key string) *Entry { return db.keys[key] }

// add inserts a new entry for key, which must not exist.
func (db *DB) add(key string, t Type) *Entry {
	e := &Entry{Key: key, Type: t}
	db.keys[key] = e
	return e
}

// remove deletes key and returns its entry, or nil.
func (db *DB) remove(key string) *Entry {
	e := db.keys[key]
	if e == nil {
		return nil
	}
	delete(db.keys, key)
	if e.ExpireAt != 0 {
		db.unindex(e)
	}
	return e
}

// setExpire sets or clears (at == 0) the absolute expiry of e.
func (db *DB) setExpire(e *Entry, at int64) {
	switch {
	case at != 0 && e.ExpireAt == 0:
		e.vidx = int32(len(db.volatile))
		db.volatile = append(db.volatile, e)
	case at == 0 && e.ExpireAt != 0:
		db.unindex(e)
	}
	e.ExpireAt = at
}

func (db *DB) unindex(e *Entry) {
	i := e.vidx
	last := len(db.volatile) - 1
	if int(i) != last {
		m := db.volatile[last]
		db.volatile[i] = m
		m.vidx = i
	}
	db.volatile[last] = nil
	db.volatile = db.volatile[:last]
	if cap(db.volatile) > 64 && len(db.volatile) < cap(db.volatile)/4 {
		db.volatile = append([]*Entry(nil), db.volatile...)
	}
}

// randomVolatile returns a random entry with an expiry, or nil.
func (db *DB) randomVolatile(r *rand.Rand) *Entry {
	if len(db.volatile) == 0 {
		return nil
	}
	return db.volatile[r.IntN(len(db.volatile))]
}

// randomEntry returns a random entry, or nil when the DB is empty.
func (db *DB) randomEntry(r *rand.Rand) *Entry {
	if len(db.keys) == 0 {
		return nil
	}
	n := r.IntN(len(db.keys))
	for _, e := range db.keys {
		if n == 0 {
			return e
		}
		n--
	}
	return nil
}

// Range calls fn for every entry, expired or not, until fn returns false.
// fn must not add or remove keys.
func (db *DB) Range(fn func(e *Entry) bool) {
	for _, e := range db.keys {
		if !fn(e) {
			return
		}
	}
}

// scan visits the entries of one step of a SCAN from cursor and returns the
// next cursor (0 when the iteration is complete). Every key present for the
// whole iteration is visited at least once.
func (db *DB) scan(cursor uint64, fn func(e *Entry)) uint64 {
	for _, e := range db.keys {
		fn(e)
	}
	return 0
}

// flush removes every key.
func (db *DB) flush() {
	*db = newDB()
}
