package shard

import "github.com/kevydb/kevy/rdb"

func init() { ToRDB[TypeHash] = hashToRDB }

// hashToRDB writes a hash as RDB type 4 (field, value pairs), one field at
// a time; redis-server re-encodes it as a listpack or a hash table by its
// own limits when it loads the file.
func hashToRDB(w *rdb.Writer, key string, obj Object, expireAt int64) error {
	h := obj.(*Hash)
	if err := w.BeginHash(key, h.Len(), expireAt); err != nil {
		return err
	}
	var err error
	h.each(func(f, v string) bool { // the writer copies f and v
		err = w.WriteField(f, v)
		return err == nil
	})
	return err
}
