package shard

import (
	"fmt"

	"github.com/kevydb/kevy/rdb"
)

// Conversions between keyspace entries and the rdb package's neutral
// entries. Each collection type registers its converter in its own file.

// FromRDB builds a collection object from a decoded RDB entry, by type.
var FromRDB = map[Type]func(e *rdb.Entry) (Object, error){}

// LoadRDB adds a decoded RDB entry to the keyspace (replacing nothing: a
// key already present is an error, as Redis refuses duplicate keys).
func (ks *Keyspace) LoadRDB(e *rdb.Entry) error {
	db := &ks.dbs[e.DB]
	if db.Find(e.Key) != nil {
		return fmt.Errorf("shard: duplicate key %q in database %d", e.Key, e.DB)
	}
	var t Type
	switch e.Type {
	case rdb.TypeString:
		t = TypeString
	case rdb.TypeList:
		t = TypeList
	case rdb.TypeSet:
		t = TypeSet
	case rdb.TypeHash:
		t = TypeHash
	case rdb.TypeZSet:
		t = TypeZSet
	default:
		return fmt.Errorf("shard: RDB key %q has unsupported type %v", e.Key, e.Type)
	}
	var obj Object
	if t != TypeString {
		conv := FromRDB[t]
		if conv == nil {
			return fmt.Errorf("shard: RDB key %q: type %v is not supported", e.Key, t)
		}
		var err error
		if obj, err = conv(e); err != nil {
			return fmt.Errorf("shard: RDB key %q: %w", e.Key, err)
		}
	}
	ent := db.add(e.Key, t)
	ent.Str, ent.Obj = e.Str, obj
	ks.initAccess(ent)
	if e.ExpireAt != 0 {
		db.setExpire(ent, e.ExpireAt)
	}
	return nil
}
