package kevy

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/kevydb/kevy/rdb"
	"github.com/kevydb/kevy/shard"
)

// ExportRDB writes the whole store to w as ONE Redis RDB file (version 10,
// what redis-server 7.0 and redis-check-rdb read) holding every shard's
// keys as they were at one instant: the snapshots of all shards begin
// under a hold of every shard, then stream while the shards keep serving
// (writes made meanwhile are not in the file). A database's keys may come
// in several runs, each after its own SELECTDB, which Redis accepts.
//
// It waits for a snapshot job in progress (BGSAVE, a rewrite) to finish
// first. Writes to w happen on the calling goroutine; an error from w, or
// the end of ctx, stops the export and leaves w with a partial file.
func (s *Store) ExportRDB(ctx context.Context, w io.Writer) error {
	if s.closed.Load() {
		return ErrClosed
	}
	m := s.jobs
	ctx, stop := m.jobCtx(ctx)
	defer stop()
	if err := m.acquire(ctx); err != nil {
		return err
	}
	defer m.release()
	snaps, spools, err := s.beginAll(ctx, rdb.WriterOptions{}, nil)
	if err != nil {
		return err
	}
	return s.streamAll(ctx, snaps, spools, w)
}

// Import batches: entries are sent to their shards this many at a time.
const (
	importBatchKeys  = 512
	importBatchElems = 64 << 10
)

// ImportRDB loads an RDB stream — a Redis dump.rdb, or what ExportRDB
// wrote — into the store, key by key, each to its shard and database
// (which must be below Config.Databases). A key that exists already is
// replaced, value and expiry, as RESTORE ... REPLACE does; keys the stream
// does not name are left alone; keys whose expiry has passed are skipped,
// as Redis skips them when it loads a dump. Each imported key is logged to
// its shard's AOF (DEL, the value, PEXPIREAT, in one MULTI/EXEC), so the
// import survives a restart, and WATCH, blocked clients and keyspace
// notifications ("restore") see it.
//
// The import is not atomic: other clients see keys arrive in batches, and
// if the stream turns out to be damaged (an RDB checksum is only verified
// at its end) or a write fails, the keys imported before the error stay
// imported; the error says how many there were. Validate a dump first (for
// example by reading it with the rdb package) when that matters.
func (s *Store) ImportRDB(ctx context.Context, r io.Reader) error {
	if s.closed.Load() {
		return ErrClosed
	}
	rd := rdb.NewReader(r)
	n := s.cfg.Shards
	batch := make([][]*rdb.Entry, n)
	var pending, elems int
	var imported int64
	now := time.Now().UnixMilli()
	flush := func() error {
		var ids []int
		for i, b := range batch {
			if len(b) > 0 {
				ids = append(ids, i)
			}
		}
		errs := make([]error, n)
		err := s.onSome(ctx, ids, func(i int, ks *shard.Keyspace) {
			if s.persist != nil {
				if lerr := s.persist.logs[i].Err(); lerr != nil {
					errs[i] = Error(misconfText(lerr))
					return
				}
			}
			for _, e := range batch[i] {
				if _, err := ks.ImportRDB(e); err != nil {
					errs[i] = err
					return
				}
			}
		})
		if err = firstError(append(errs, err)...); err != nil {
			return err
		}
		for i := range batch {
			imported += int64(len(batch[i]))
			clear(batch[i])
			batch[i] = batch[i][:0]
		}
		pending, elems = 0, 0
		return nil
	}
	fail := func(err error) error {
		return fmt.Errorf("kevy: import: %w (%d keys imported before the error)", err, imported)
	}
	for {
		e, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fail(err)
		}
		if e.DB >= s.cfg.Databases {
			return fail(fmt.Errorf("key %q in database %d, beyond Config.Databases (%d)", e.Key, e.DB, s.cfg.Databases))
		}
		if e.ExpireAt != 0 && e.ExpireAt < now {
			continue
		}
		if err := shard.CheckRDB(e); err != nil {
			return fail(err)
		}
		i := s.router.Shard(e.Key)
		batch[i] = append(batch[i], e)
		pending++
		elems += e.Len()
		if pending >= importBatchKeys || elems >= importBatchElems {
			if err := flush(); err != nil {
				return fail(err)
			}
		}
	}
	if pending > 0 {
		if err := flush(); err != nil {
			return fail(err)
		}
	}
	return nil
}
