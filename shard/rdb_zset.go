package shard

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/kevydb/kevy/rdb"
)

func init() {
	FromRDB[TypeZSet] = zsetFromRDB
	ToRDB[TypeZSet] = zsetToRDB
}

// zsetFromRDB builds a sorted set loaded from an RDB file with the encoding
// Redis gives it on load: listpack when it fits (at most 128 members of at
// most 64 bytes), skip list otherwise, whatever the file's encoding was.
func zsetFromRDB(e *rdb.Entry, enc *Encodings) (Object, error) {
	if len(e.ZSet) == 0 {
		return nil, errors.New("empty sorted set")
	}
	entries := make([]zsetEntry, len(e.ZSet))
	for i, m := range e.ZSet {
		if math.IsNaN(m.Score) {
			return nil, fmt.Errorf("NaN score for sorted set member %q", m.Member)
		}
		entries[i] = zsetEntry{m.Member, m.Score}
	}
	slices.SortFunc(entries, zsetCompare)
	for i := 1; i < len(entries); i++ {
		if entries[i].member == entries[i-1].member {
			return nil, fmt.Errorf("duplicate sorted set member %q", entries[i].member)
		}
	}
	z := zsetFromSorted(entries, enc)
	if z.Len() != len(entries) {
		return nil, errors.New("duplicate sorted set member")
	}
	return z, nil
}

// zsetToRDB writes a sorted set as RDB type 5 (members with binary
// scores), one member at a time in ascending order; redis-server re-encodes
// it by its own limits when it loads the file.
func zsetToRDB(w *rdb.Writer, key string, obj Object, expireAt int64) error {
	z := obj.(*ZSet)
	if err := w.BeginZSet(key, z.Len(), expireAt); err != nil {
		return err
	}
	var err error
	z.walk(func(m string, s float64) bool { // the writer copies m
		err = w.WriteMember(m, s)
		return err == nil
	})
	return err
}
