package kevy

import (
	"fmt"
	"io"

	"github.com/kevydb/kevy/rdb"
	"github.com/kevydb/kevy/shard"
)

// loadRDBBase loads an RDB stream (an AOF base, a dump) into a keyspace.
// Every key is taken as it comes: the caller routes keys beforehand when
// the stream holds keys of several shards.
func loadRDBBase(ks *shard.Keyspace, r io.Reader) error {
	rd := rdb.NewReader(r)
	for {
		e, err := rd.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if e.DB >= ks.NumDBs() {
			return fmt.Errorf("kevy: RDB key %q in database %d, beyond Config.Databases", e.Key, e.DB)
		}
		if err := ks.LoadRDB(e); err != nil {
			return err
		}
	}
}
