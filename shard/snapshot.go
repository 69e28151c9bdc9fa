package shard

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/kevydb/kevy/rdb"
)

// Point-in-time snapshots without stopping the shard.
//
// A snapshot serializes the keyspace as it was at one instant, the call to
// BeginSnapshot, into an RDB stream, while the shard keeps serving. There
// is no copy and no fork: the snapshot walks the databases a bounded Step
// at a time with the DB's SCAN cursor (which visits every key present for
// the whole walk at least once, whatever the table does in between), and
// every path that changes a key first serializes the key's old value if
// the walk has not reached it yet.
//
// Epochs tell the two apart. Starting a snapshot bumps the keyspace's epoch
// E; Entry.Epoch == E means "already serialized in this snapshot, or
// created after it started" and such an entry is skipped by the walk and by
// the hooks. So every key that existed at the start is written exactly once
// (a key the SCAN reports twice is skipped the second time), with the value
// it had at the start, and no key created later is written.
//
// The hooks (preserve) sit on every mutation path of the package:
//   - Ctx lookups by commands that are not read-only (Write/WriteIn, Read
//     by a write command, Exists, SetString), which all precede a change;
//   - Ctx.DeleteIn and Ctx.SetExpireIn, which may change an entry found
//     by a read-only lookup;
//   - Keyspace.expireEntry (lazy and active expiry);
//   - FlushDB/FlushAll, which hand the old databases to the snapshot
//     (detach: it keeps walking them; nothing else can reach them), and
//     SwapDB, which swaps the snapshot's idea of which database number each
//     table had at the start.
//
// New entries get Entry.Epoch = the keyspace's epoch when created (Ctx.Add,
// Ctx.SetString, LoadRDB, ImportRDB). Code that changes an Entry's value
// some other way must call Keyspace.beforeChange first (eviction will).
// Access times (LRU/LFU) are not part of a snapshot.
//
// The stream has no EOF opcode and no checksum: the consumer frames it
// (see kevy's snapshot code), which lets one consumer join the streams of
// several shards into one file, and keeps the CRC off the shard's
// goroutine. Output goes to an io.Writer that must not block (kevy's spool).
//
// A keyspace runs at most one snapshot at a time. The epoch is a uint32:
// after 2^32 snapshots of one keyspace an entry last serialized 2^32
// snapshots ago would be skipped once; that is more than a century of one
// snapshot a second.

// ToRDB writes a collection value to an RDB stream, by type: it announces
// the value with the matching rdb.Writer Begin method (BeginList, BeginSet,
// BeginHash, BeginZSet), giving expireAt, then writes each element. Each
// data type registers its own in an init function, as it does FromRDB; a
// snapshot of a key whose type has none fails.
var ToRDB = map[Type]func(w *rdb.Writer, key string, obj Object, expireAt int64) error{}

// ErrSnapshotInProgress is returned by BeginSnapshot while the keyspace
// runs another snapshot.
var ErrSnapshotInProgress = errors.New("shard: a snapshot is already in progress")

// errSnapshotAborted is the sticky error of an aborted snapshot.
var errSnapshotAborted = errors.New("shard: snapshot aborted")

// Snapshot is a point-in-time snapshot of one keyspace in progress. Its
// methods, like the keyspace's, belong to whoever owns the keyspace at the
// time (the shard goroutine, a coordinator holding it, or the lock-based
// engine under the write lock).
type Snapshot struct {
	ks     *Keyspace
	epoch  uint32
	w      *rdb.Writer
	header int64 // bytes of the RDB header at the start of the stream
	curDB  int   // database of the last SELECTDB written; -1 none
	srcs   []snapSource
	next   int   // index of the source being walked
	origin []int // origin[i]: database number, at the start, of the table now at ks.dbs[i]; -1: created empty since
	err    error // sticky
	done   bool

	keys int64 // keys written
}

// snapSource is one database being walked: a live table of the keyspace
// or one that FLUSHDB/FLUSHALL detached.
type snapSource struct {
	origin int    // database number in the snapshot
	live   int    // index in ks.dbs, or -1 when detached
	db     DB     // the detached table (live < 0)
	cursor uint64 // SCAN position; 0 before the first step and at the end
	ended  bool
}

// BeginSnapshot starts a snapshot of the keyspace as it is now, writing
// the RDB stream to out (which must not block or retain p): the header
// (magic and aux fields of opts; NoChecksum is forced) is written at once,
// the keys by Step and by the hooks. The keyspace's owner calls it.
func (ks *Keyspace) BeginSnapshot(out io.Writer, opts rdb.WriterOptions) (*Snapshot, error) {
	if ks.snap != nil {
		return nil, ErrSnapshotInProgress
	}
	ks.epoch++
	if ks.epoch == 0 {
		ks.epoch = 1 // 0 is what an entry no one stamped carries
	}
	opts.NoChecksum = true
	s := &Snapshot{ks: ks, epoch: ks.epoch, curDB: -1}
	s.w = rdb.NewWriter(out, opts)
	if err := s.w.Flush(); err != nil {
		return nil, err
	}
	s.header = s.w.Written()
	s.origin = make([]int, len(ks.dbs))
	s.srcs = make([]snapSource, len(ks.dbs))
	for i := range ks.dbs {
		s.origin[i] = i
		s.srcs[i] = snapSource{origin: i, live: i}
	}
	ks.snap = s
	return s, nil
}

// Snapshot returns the snapshot in progress, or nil.
func (ks *Keyspace) Snapshot() *Snapshot { return ks.snap }

// Dirty returns the number of changes (logged effects) the keyspace has
// recorded since it was created: Redis's server.dirty, per shard.
func (ks *Keyspace) Dirty() int64 { return ks.dirty }

// HeaderLen returns the length of the RDB header at the start of the
// stream (magic and aux fields), for a consumer that joins streams.
func (s *Snapshot) HeaderLen() int64 { return s.header }

// Written returns the bytes of the stream produced so far (header
// included), buffered ones too.
func (s *Snapshot) Written() int64 { return s.w.Written() }

// Keys returns the number of keys written so far.
func (s *Snapshot) Keys() int64 { return s.keys }

// Done reports whether the snapshot is complete: every key is in the
// stream, which has been flushed to out.
func (s *Snapshot) Done() bool { return s.done }

// StepLimits bound one Step. A step stops at the first limit reached
// (zero means no limit), after the key in progress: a key is never split,
// so a large collection is written whole, element by element.
type StepLimits struct {
	Keys  int           // keys written
	Bytes int64         // bytes written
	Time  time.Duration // time spent, checked every few table buckets
}

// Step walks the snapshot forward within lim, then flushes what it wrote
// to out. It returns true when the snapshot is complete, after which the
// keyspace runs no snapshot. An error (from out, or a value that cannot
// be serialized) ends the snapshot; the caller then discards the stream.
// The number of table buckets visited is bounded too (by 8×lim.Keys+64
// when lim.Keys is set), so a step over keys the hooks already wrote
// stays short.
func (s *Snapshot) Step(lim StepLimits) (done bool, err error) {
	if s.done {
		return true, nil
	}
	if s.err != nil {
		s.end()
		return false, s.err
	}
	start := time.Now()
	startKeys, startBytes := s.keys, s.w.Written()
	maxVisits := -1
	if lim.Keys > 0 {
		maxVisits = 8*lim.Keys + 64
	}
	for visits := 1; s.next < len(s.srcs); visits++ {
		src := &s.srcs[s.next]
		if src.ended {
			s.next++
			continue
		}
		db := &src.db
		if src.live >= 0 {
			db = &s.ks.dbs[src.live]
		}
		origin := src.origin
		src.cursor = db.scan(src.cursor, func(e *Entry) { s.write(origin, e) })
		if src.cursor == 0 {
			src.ended = true
			src.db = DB{} // a detached table is garbage now
			s.next++
		}
		if s.err != nil {
			s.end()
			return false, s.err
		}
		if (lim.Keys > 0 && s.keys-startKeys >= int64(lim.Keys)) ||
			(lim.Bytes > 0 && s.w.Written()-startBytes >= lim.Bytes) ||
			visits == maxVisits ||
			(lim.Time > 0 && visits%16 == 0 && time.Since(start) >= lim.Time) {
			break
		}
	}
	if err := s.w.Flush(); err != nil {
		s.fail(err)
		s.end()
		return false, s.err
	}
	if s.next == len(s.srcs) {
		s.done = true
		s.end()
	}
	return s.done, nil
}

// Abort ends the snapshot without completing it. The stream written so
// far is to be discarded.
func (s *Snapshot) Abort() {
	s.fail(errSnapshotAborted)
	s.end()
}

// end detaches the snapshot from the keyspace: the hooks stop.
func (s *Snapshot) end() {
	if s.ks.snap == s {
		s.ks.snap = nil
	}
	for i := range s.srcs {
		s.srcs[i].db = DB{}
	}
}

func (s *Snapshot) fail(err error) {
	if s.err == nil {
		s.err = err
	}
}

// write serializes e under database origin unless it is already in the
// stream or newer than the snapshot.
func (s *Snapshot) write(origin int, e *Entry) {
	if e.Epoch == s.epoch || s.err != nil {
		return
	}
	e.Epoch = s.epoch
	if s.curDB != origin {
		if err := s.w.SelectDB(origin); err != nil {
			s.fail(err)
			return
		}
		s.curDB = origin
	}
	if err := WriteEntryRDB(s.w, e); err != nil {
		s.fail(err)
		return
	}
	s.keys++
}

// preserve is the hook of every mutation: it writes e, found in the live
// table ks.dbs[db], before it changes, unless the walk wrote it already.
func (s *Snapshot) preserve(db int, e *Entry) {
	if e.Epoch == s.epoch {
		return
	}
	origin := s.origin[db]
	if origin < 0 {
		// A table created empty after the start holds only new entries,
		// all stamped; an unstamped one is a bug elsewhere.
		s.fail(fmt.Errorf("shard: snapshot: key %q in database %d has no epoch", e.Key, db))
		return
	}
	s.write(origin, e)
}

// detach hands the live table ks.dbs[db] to the snapshot before FLUSHDB
// empties it, replacing it with a new one: the walk goes on over the old
// table, which nothing else can reach any more.
func (s *Snapshot) detach(db int) {
	for i := range s.srcs {
		src := &s.srcs[i]
		if src.live == db {
			src.live = -1
			if !src.ended {
				src.db = s.ks.dbs[db]
			}
			break
		}
	}
	s.ks.dbs[db] = newDB()
	s.origin[db] = -1
}

// detachAll is detach for every database (FLUSHALL).
func (s *Snapshot) detachAll() {
	for i := range s.ks.dbs {
		s.detach(i)
	}
}

// swap follows SWAPDB a b: the tables keep their database numbers of the
// start, whatever index they move to.
func (s *Snapshot) swap(a, b int) {
	s.origin[a], s.origin[b] = s.origin[b], s.origin[a]
	for i := range s.srcs {
		switch s.srcs[i].live {
		case a:
			s.srcs[i].live = b
		case b:
			s.srcs[i].live = a
		}
	}
}

// beforeChange must be called before e, in database db, changes by a path
// that bypasses the Ctx lookups (eviction, for instance).
func (ks *Keyspace) beforeChange(db int, e *Entry) {
	if ks.snap != nil {
		ks.snap.preserve(db, e)
	}
}

// WriteEntryRDB writes one entry (value and expiry, in the database
// selected on w) to an RDB stream: strings directly, collections through
// the ToRDB registry.
func WriteEntryRDB(w *rdb.Writer, e *Entry) error {
	if e.Type == TypeString {
		return w.WriteStringKey(e.Key, e.StrValue(), e.ExpireAt)
	}
	if e.Obj == nil || e.Obj.Len() == 0 {
		return nil // an empty collection is no key (Redis skips them too)
	}
	enc := ToRDB[e.Type]
	if enc == nil {
		return fmt.Errorf("shard: no RDB encoder for %s key %q", e.Type, e.Key)
	}
	return enc(w, e.Key, e.Obj, e.ExpireAt)
}
