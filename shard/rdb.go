package shard

import (
	"fmt"

	"github.com/kevydb/kevy/rdb"
)

// Conversions between keyspace entries and the rdb package's neutral
// entries. Each collection type registers its converters in its own file:
// FromRDB here, ToRDB in snapshot.go.

// FromRDB builds a collection object from a decoded RDB entry, by type.
var FromRDB = map[Type]func(e *rdb.Entry, enc *Encodings) (Object, error){}

// rdbType maps an RDB entry's type to the keyspace's.
func rdbType(e *rdb.Entry) (Type, error) {
	switch e.Type {
	case rdb.TypeString:
		return TypeString, nil
	case rdb.TypeList:
		return TypeList, nil
	case rdb.TypeSet:
		return TypeSet, nil
	case rdb.TypeHash:
		return TypeHash, nil
	case rdb.TypeZSet:
		return TypeZSet, nil
	}
	return TypeNone, fmt.Errorf("shard: RDB key %q has unsupported type %v", e.Key, e.Type)
}

// objectFromRDB converts e's value: nil for a string, else the collection
// built by the type's FromRDB.
func objectFromRDB(e *rdb.Entry, enc *Encodings) (Type, Object, error) {
	t, err := rdbType(e)
	if err != nil || t == TypeString {
		return t, nil, err
	}
	conv := FromRDB[t]
	if conv == nil {
		return t, nil, fmt.Errorf("shard: RDB key %q: type %v is not supported", e.Key, t)
	}
	obj, err := conv(e, enc)
	if err != nil {
		return t, nil, fmt.Errorf("shard: RDB key %q: %w", e.Key, err)
	}
	return t, obj, nil
}

// LoadRDB adds a decoded RDB entry to the keyspace (replacing nothing: a
// key already present is an error, as Redis refuses duplicate keys). It
// records no effect: it is how a log's RDB base is loaded.
func (ks *Keyspace) LoadRDB(e *rdb.Entry) error {
	if e.DB < 0 || e.DB >= len(ks.dbs) {
		return fmt.Errorf("shard: RDB key %q in database %d, beyond the %d databases", e.Key, e.DB, len(ks.dbs))
	}
	db := &ks.dbs[e.DB]
	if db.Find(e.Key) != nil {
		return fmt.Errorf("shard: duplicate key %q in database %d", e.Key, e.DB)
	}
	t, obj, err := objectFromRDB(e, ks.enc())
	if err != nil {
		return err
	}
	ent := db.add(e.Key, t)
	ent.Epoch = ks.epoch
	setLoaded(ent, e, obj)
	ks.initAccess(ent)
	if e.ExpireAt != 0 {
		db.setExpire(ent, e.ExpireAt)
	}
	return nil
}

// ImportRDB stores a decoded RDB entry in its database, replacing whatever
// the key held (as RESTORE ... REPLACE does), and records the effects that
// rebuild it — DEL of the old value, the value in commands of at most 64
// elements, its expiry as PEXPIREAT — wrapped in MULTI/EXEC, so the import
// survives a restart. It signals WATCH and blocked clients and sends the
// "restore" keyspace notification. It reports whether a key was replaced.
// The caller skips entries whose expiry has passed.
func (ks *Keyspace) ImportRDB(e *rdb.Entry) (replaced bool, err error) {
	if e.DB < 0 || e.DB >= len(ks.dbs) {
		return false, fmt.Errorf("shard: RDB key %q in database %d, beyond the %d databases", e.Key, e.DB, len(ks.dbs))
	}
	t, obj, err := objectFromRDB(e, ks.enc())
	if err != nil {
		return false, err
	}
	db := &ks.dbs[e.DB]
	mark := ks.Mark()
	if old := db.Find(e.Key); old != nil {
		ks.beforeChange(e.DB, old)
		db.remove(e.Key)
		ks.Propagate(e.DB, "DEL", e.Key)
		replaced = true
	}
	ent := db.add(e.Key, t)
	ent.Epoch = ks.epoch
	setLoaded(ent, e, obj)
	ks.initAccess(ent)
	if e.ExpireAt != 0 {
		db.setExpire(ent, e.ExpireAt)
	}
	ks.PropagateEntry(e.DB, e.Key, ent)
	ks.WrapMulti(mark)
	ks.Modified(e.DB, e.Key)
	ks.signalReady(e.DB, e.Key)
	ks.Notify(e.DB, NotifyGeneric, "restore", e.Key)
	return replaced, nil
}

// setLoaded gives ent the value of the decoded RDB entry e: its string,
// or obj, the collection built from it.
func setLoaded(ent *Entry, e *rdb.Entry, obj Object) {
	if ent.Type == TypeString {
		ent.setStr(e.Str)
	} else {
		ent.SetObj(obj)
	}
}

// CheckRDB reports whether LoadRDB could load e: its type is supported and
// its value converts (no duplicate members, for instance).
func CheckRDB(e *rdb.Entry) error {
	_, _, err := objectFromRDB(e, &defaultEncodings)
	return err
}
