package shard

import (
	"strconv"

	"github.com/kevydb/kevy/rdb"
)

func init() { ToRDB[TypeSet] = setToRDB }

// setToRDB writes a set as RDB type 2 (members), one member at a time;
// intset members are formatted into a reused buffer.
func setToRDB(w *rdb.Writer, key string, obj Object, expireAt int64) error {
	s := obj.(*Set)
	if err := w.BeginSet(key, s.Len(), expireAt); err != nil {
		return err
	}
	var err error
	var buf [20]byte
	s.each(func(m string, n int64, isInt bool) bool {
		if isInt {
			err = w.WriteItem(string(strconv.AppendInt(buf[:0], n, 10)))
		} else {
			err = w.WriteItem(m)
		}
		return err == nil
	})
	return err
}
