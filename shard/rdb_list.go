package shard

import "github.com/kevydb/kevy/rdb"

func init() { ToRDB[TypeList] = listToRDB }

// listToRDB writes a list as RDB type 1 (elements head to tail), one
// element at a time; redis-server re-encodes it as a quicklist when it
// loads the file.
func listToRDB(w *rdb.Writer, key string, obj Object, expireAt int64) error {
	l := obj.(*List)
	if err := w.BeginList(key, l.Len(), expireAt); err != nil {
		return err
	}
	var err error
	l.each(0, false, func(_ int, v string) bool { // the writer copies v
		err = w.WriteItem(v)
		return err == nil
	})
	return err
}
