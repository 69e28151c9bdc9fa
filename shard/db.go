package shard

import (
	"math/rand/v2"

	"github.com/kevydb/kevy/internal/dict"
)

// DB is one of a keyspace's logical databases (SELECT n). It holds the
// entries of the keys that route to its shard in a dict.Dict — Redis's
// hash table design: incremental rehashing, a SCAN cursor that survives
// resizes, O(1) random sampling — with each Entry stored inline in its
// table node (one 64-byte allocation per key, the key's header in the
// Entry), plus a dense index of the entries that have an expiry, for O(1)
// random sampling by the active expirer.
//
// A DB is not safe for concurrent use: it belongs to its shard's owner.
// The *Shared methods are the exception: any number of goroutines may call
// them at once while nobody modifies the DB (the lock-based engine's
// readers, under a read lock).
type DB struct {
	keys     *dict.Dict[Entry]
	volatile []*Entry  // entries with an expiry, for O(1) random sampling
	mem      int64     // accounted bytes of the entries (see memory.go)
	touched  []touched // entries to re-account (see memory.go)
}

func newDB() DB { return DB{keys: dict.New[Entry](0)} }

// Len returns the number of keys, expired ones not yet reaped included.
func (db *DB) Len() int { return db.keys.Len() }

// Volatile returns the number of keys with an expiry.
func (db *DB) Volatile() int { return len(db.volatile) }

// Find returns the entry of key, expired or not, or nil. The pointer stays
// valid until the key is deleted.
func (db *DB) Find(key string) *Entry { return db.keys.Get(key) }

// FindShared is Find for shared readers.
func (db *DB) FindShared(key string) *Entry { return db.keys.GetShared(key) }

// add inserts a new entry for key, which must not exist.
func (db *DB) add(key string, t Type) *Entry {
	e, inserted := db.keys.GetOrInsert(key)
	if !inserted {
		panic("shard: add of an existing key")
	}
	*e = Entry{Key: key, Type: t}
	db.queue(e, 0)
	return e
}

// remove deletes key and returns a copy of its entry, or nil.
func (db *DB) remove(key string) *Entry {
	e := db.keys.Get(key)
	if e == nil {
		return nil
	}
	if e.ExpireAt != 0 {
		db.unindex(e)
	}
	db.forget(e)
	old, _ := db.keys.Delete(key)
	return &old
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
func (db *DB) randomEntry(r *rand.Rand, shared bool) *Entry {
	var e *Entry
	var ok bool
	if shared {
		_, e, ok = db.keys.RandomShared(nil)
	} else {
		_, e, ok = db.keys.Random()
	}
	if !ok {
		return nil
	}
	return e
}

// Range calls fn for every entry, expired or not, until fn returns false.
// fn must not add or remove keys.
func (db *DB) Range(fn func(e *Entry) bool) {
	db.keys.Range(func(_ string, e *Entry) bool { return fn(e) })
}

// RangeShared is Range for shared readers.
func (db *DB) RangeShared(fn func(e *Entry) bool) {
	db.keys.RangeShared(func(_ string, e *Entry) bool { return fn(e) })
}

// scan visits the entries of one step of a SCAN from cursor and returns the
// next cursor (0 when the iteration is complete). Every key present for the
// whole iteration is visited at least once.
func (db *DB) scan(cursor uint64, fn func(e *Entry)) uint64 {
	return db.keys.Scan(cursor, func(_ string, e *Entry) { fn(e) })
}

// scanShared is scan for shared readers.
func (db *DB) scanShared(cursor uint64, fn func(e *Entry)) uint64 {
	return db.keys.ScanShared(cursor, func(_ string, e *Entry) { fn(e) })
}

// rehashStep does some pending rehash work; the shard calls it when idle.
func (db *DB) rehashStep(budget int) { db.keys.RehashStep(budget) }

// flush removes every key.
func (db *DB) flush() {
	*db = newDB()
}
