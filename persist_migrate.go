package kevy

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/kevydb/kevy/aof"
	"github.com/kevydb/kevy/rdb"
	"github.com/kevydb/kevy/shard"
)

// Directory migrations: creating a data directory, importing a Redis data
// directory (dump.rdb or appendonlydir, and no kevy.meta) and re-sharding
// (Config.Shards differs from the shard count in kevy.meta). All build the
// new shard directories in a staging directory next to the old ones, then
// switch, crash-safely:
//
//  1. stage: Dir/kevy-migrate.tmp/shard-NNN/ is built — one complete Redis
//     7 AOF per new shard (an RDB base and an empty incr file) and its
//     kevy-shard.meta naming a new layout id — by loading the old data one
//     source at a time (each old shard, checked against kevy.meta first;
//     or the Redis file) and routing every key to its new shard, counting
//     the keys per (source, new shard). Then everything staged is fsynced.
//     A crash here leaves kevy.meta as it was (or absent): the next Open
//     removes the staging directory and starts over from the old data,
//     which nothing has touched.
//  2. verify: each staged shard's log is read back from disk (aof.Check):
//     it must be intact, hold only keys of its new shard, and hold, from
//     each source, exactly the keys counted while staging — every key of
//     every old shard is accounted for before anything old is touched.
//  3. commit: kevy.meta is replaced atomically by one that names the new
//     shard count, the new layout and the migration in progress {staging,
//     from, from_layout, keys per source}. From this point the staged data
//     is the store.
//  4. install: each old shard directory is removed and each staged one
//     renamed into place; then kevy.meta is rewritten without the
//     migration and the staging directory removed. Every step can be
//     redone: after a crash the next Open sees the migration in kevy.meta
//     and finishes it (roll forward) before anything else; a shard
//     directory whose kevy-shard.meta names the new layout is installed
//     already, any other one is the old layout's.
//
// Creating a new directory is a migration from nothing, so that a crash
// during the first Open never leaves a kevy.meta without its shard
// directories.

const migrateDirName = "kevy-migrate.tmp"

// migration is a migration committed in kevy.meta and not yet installed.
type migration struct {
	Staging    string  `json:"staging"`               // directory in Dir holding the new shard directories
	From       int     `json:"from"`                  // shard directories of the old layout (0 for an import or a new directory)
	FromLayout string  `json:"from_layout,omitempty"` // the old layout's id
	Keys       []int64 `json:"keys,omitempty"`        // keys staged from each source (old shard, or the Redis data), verified
}

// prepareDir brings cfg.Dir to a kevy layout with cfg.Shards shards:
// finishes an interrupted migration, imports a Redis directory, creates a
// new one, or re-shards. The directory is locked.
func prepareDir(cfg Config, emit func(Event)) error {
	dir := cfg.Dir
	m, err := readMeta(dir)
	if errors.Is(err, os.ErrNotExist) {
		if err := removeStaging(dir); err != nil {
			return err
		}
		idx, err := shardDirs(dir)
		if err != nil {
			return err
		}
		if len(idx) > 0 {
			return fmt.Errorf("kevy: %s: %s is missing but the directory holds shard directories (%s); restore it or empty the directory",
				dir, metaName, namesOf(idx))
		}
		if src := findRedisData(dir); src != "" {
			return importRedisDir(cfg, src, emit)
		}
		return createLayout(cfg)
	}
	if err != nil {
		return err
	}
	if err := m.check(dir); err != nil {
		return err
	}
	if m.Migration != nil {
		if err := finishMigration(cfg, m); err != nil {
			return err
		}
	} else if err := removeStaging(dir); err != nil {
		return err
	}
	if m.Databases > cfg.Databases {
		return fmt.Errorf("kevy: %s holds %d databases; Config.Databases is %d", dir, m.Databases, cfg.Databases)
	}
	if m.Shards != cfg.Shards {
		// The old layout is what is on disk, checked against kevy.meta.
		if err := checkLayout(cfg, m); err != nil {
			return err
		}
		return reshard(cfg, m, emit)
	}
	return nil
}

// check validates a meta file's format and routing.
func (m *dirMeta) check(dir string) error {
	switch {
	case m.Format != metaFormat:
		return fmt.Errorf("kevy: %s: unsupported format %d", filepath.Join(dir, metaName), m.Format)
	case m.Routing != metaRouting:
		return fmt.Errorf("kevy: %s: unknown routing %q", filepath.Join(dir, metaName), m.Routing)
	case m.Shards < 1 || m.Shards > maxShards:
		return fmt.Errorf("kevy: %s: invalid shard count %d", filepath.Join(dir, metaName), m.Shards)
	}
	return nil
}

// removeStaging removes the staging directory of a migration that never
// committed.
func removeStaging(dir string) error {
	p := filepath.Join(dir, migrateDirName)
	if _, err := os.Stat(p); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err := os.RemoveAll(p); err != nil {
		return fmt.Errorf("kevy: remove %s: %w", p, err)
	}
	return syncDir(dir)
}

// countShardDirs returns how many shard-NNN directories dir holds.
func countShardDirs(dir string) int {
	idx, _ := shardDirs(dir)
	return len(idx)
}

// findRedisData returns "aof" when dir holds a Redis 7 multi-part AOF,
// "rdb" when it holds a dump.rdb (the AOF wins when both are there, as in
// a Redis running with appendonly yes), or "".
func findRedisData(dir string) string {
	if _, err := os.Stat(filepath.Join(dir, "appendonlydir", "appendonly.aof.manifest")); err == nil {
		return "aof"
	}
	if fi, err := os.Stat(filepath.Join(dir, dumpName)); err == nil && fi.Mode().IsRegular() {
		return "rdb"
	}
	return ""
}

// stager builds the new shard directories of a migration: one log per new
// shard, whose base it writes with an rdb.Writer, and the count of keys
// it routed from each source to each new shard.
type stager struct {
	cfg    Config
	dir    string // the staging directory
	layout string // the new layout's id
	router shard.Router
	from   shard.Router // the old layout's, to tell a staged key's source
	nsrc   int          // sources: the old shards, or 1 (a Redis import)
	logs   []*aof.Log
	rws    []*aof.Rewrite
	ws     []*rdb.Writer
	bufs   []*bufio.Writer
	counts [][]int64 // counts[source][new shard]
}

// newStager creates the staging directory with one empty log per shard,
// for the data of nsrc sources (none for a new directory; then no base
// is written).
func newStager(cfg Config, nsrc int) (_ *stager, err error) {
	st := &stager{cfg: cfg, dir: filepath.Join(cfg.Dir, migrateDirName), layout: newLayoutID(),
		router: shard.NewRouter(cfg.Shards), from: shard.NewRouter(nsrc), nsrc: nsrc}
	st.counts = make([][]int64, nsrc)
	for i := range st.counts {
		st.counts[i] = make([]int64, cfg.Shards)
	}
	defer func() {
		if err != nil {
			st.abort()
		}
	}()
	if err := os.RemoveAll(st.dir); err != nil {
		return nil, fmt.Errorf("kevy: %w", err)
	}
	// The staging directory's own entry in Dir needs no fsync of its own:
	// the commit's fsync of Dir makes it durable along with kevy.meta.
	if err := os.MkdirAll(st.dir, 0o755); err != nil {
		return nil, fmt.Errorf("kevy: %w", err)
	}
	// The shards are independent: stage them in parallel (each costs a
	// few fsyncs).
	st.logs = make([]*aof.Log, cfg.Shards)
	if nsrc > 0 {
		st.rws = make([]*aof.Rewrite, cfg.Shards)
		st.bufs = make([]*bufio.Writer, cfg.Shards)
		st.ws = make([]*rdb.Writer, cfg.Shards)
	}
	errs := make([]error, cfg.Shards)
	var wg sync.WaitGroup
	for i := range cfg.Shards {
		wg.Go(func() { errs[i] = st.stageShard(i) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if err := syncDir(st.dir); err != nil {
		return nil, fmt.Errorf("kevy: %w", err)
	}
	return st, nil
}

// stageShard creates the staged directory of new shard i: its metadata
// and an empty log, with a rewrite started for its base when there is data
// to stage.
func (st *stager) stageShard(i int) error {
	d := shardDir(st.dir, i)
	if err := os.MkdirAll(d, 0o755); err != nil {
		return fmt.Errorf("kevy: %w", err)
	}
	// No rename needed in a staging directory: aof.Open below fsyncs d.
	if err := createShardMeta(d, i, st.cfg.Shards, st.layout); err != nil {
		return err
	}
	log, err := aof.Open(d, aof.Options{Fsync: aof.FsyncNo, Logger: st.cfg.Logger})
	if err != nil {
		return err
	}
	st.logs[i] = log
	if _, err := log.Replay(func([]string) error { return nil }); err != nil {
		return err
	}
	if st.nsrc == 0 {
		return nil
	}
	rw, err := log.StartRewrite(aof.BaseRDB)
	if err != nil {
		return err
	}
	st.rws[i] = rw
	st.bufs[i] = bufio.NewWriterSize(rw, 256<<10)
	st.ws[i] = rdb.NewWriter(st.bufs[i], rdb.WriterOptions{AOFBase: true, BufferSize: 32 << 10})
	return nil
}

// selectDB selects database db on w unless *cur says it is selected.
func (st *stager) selectDB(w *rdb.Writer, cur *int, db int) error {
	if *cur == db {
		return nil
	}
	*cur = db
	return w.SelectDB(db)
}

// addKeyspace routes every key of ks — old shard src, or a replayed Redis
// AOF (src 0) — to its new shard, and checks that every key it holds was
// staged.
func (st *stager) addKeyspace(ks *shard.Keyspace, src int) error {
	cur := make([]int, len(st.ws))
	for i := range cur {
		cur[i] = -1
	}
	var staged int64
	for d := range ks.NumDBs() {
		var err error
		ks.DB(d).Range(func(e *shard.Entry) bool {
			i := st.router.Shard(e.Key)
			if err = st.selectDB(st.ws[i], &cur[i], d); err == nil {
				err = shard.WriteEntryRDB(st.ws[i], e)
			}
			st.counts[src][i]++
			staged++
			return err == nil
		})
		if err != nil {
			return err
		}
	}
	if staged != int64(ks.Keys()) {
		return fmt.Errorf("kevy: staged %d keys of source %d, which holds %d", staged, src, ks.Keys())
	}
	return nil
}

// addRDB routes every key of an RDB stream (a Redis dump.rdb) to its new
// shard, skipping keys already expired (as Redis does when it loads a dump
// as a primary) and checking that kevy can load each one.
func (st *stager) addRDB(r io.Reader) error {
	rd := rdb.NewReader(r)
	now := time.Now().UnixMilli()
	for {
		off := rd.Offset()
		e, err := rd.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if e.DB >= st.cfg.Databases {
			return fmt.Errorf("kevy: RDB key %q in database %d, beyond Config.Databases (%d)", e.Key, e.DB, st.cfg.Databases)
		}
		if e.ExpireAt != 0 && e.ExpireAt < now {
			continue
		}
		if err := shard.CheckRDB(e); err != nil {
			return &rdb.CorruptError{Offset: off, Err: err}
		}
		i := st.router.Shard(e.Key)
		if err := st.ws[i].WriteEntry(e); err != nil {
			return err
		}
		st.counts[0][i]++
	}
}

// finish completes every base (in parallel: each costs fsyncs) and
// closes the staged logs.
func (st *stager) finish() error {
	errs := make([]error, len(st.logs))
	var wg sync.WaitGroup
	for i := range st.logs {
		wg.Go(func() { errs[i] = st.finishShard(i) })
	}
	wg.Wait()
	// The staged directories' entries were made durable when they were
	// created; each log made its own files durable.
	return errors.Join(errs...)
}

// finishShard completes staged shard i's base, if any, and closes its log.
func (st *stager) finishShard(i int) error {
	if st.ws != nil {
		if err := st.ws[i].Close(); err != nil {
			return err
		}
		if err := st.bufs[i].Flush(); err != nil {
			return err
		}
		if err := st.rws[i].Sync(); err != nil {
			return err
		}
		rw := st.rws[i]
		st.rws[i] = nil
		if err := st.logs[i].FinishRewrite(rw); err != nil {
			return err
		}
	}
	err := st.logs[i].Close()
	st.logs[i] = nil
	return err
}

// verify reads every staged shard's log back from disk and checks it
// against what was staged: intact, only keys of that shard in existing
// databases, no command after the base, and from each source exactly the
// keys counted while staging.
func (st *stager) verify() error {
	for i := range st.cfg.Shards {
		d := shardDir(st.dir, i)
		sm, err := readShardMeta(d)
		if err != nil {
			return err
		}
		if sm == nil || sm.Shard != i || sm.Shards != st.cfg.Shards || sm.Layout != st.layout {
			return fmt.Errorf("kevy: verify %s: wrong shard metadata %v", d, sm)
		}
		paths, base, err := aof.Files(d)
		if err != nil {
			return err
		}
		got := make([]int64, st.nsrc)
		f, err := aof.Check(paths, aof.CheckOptions{
			Base: base,
			Apply: func(argv []string) error {
				return fmt.Errorf("%w: %q after the base of a staged log", aof.ErrInvalidRecord, argv[0])
			},
			LoadBase: func(r io.Reader) error {
				rd := rdb.NewReader(r)
				for {
					off := rd.Offset()
					e, err := rd.Next()
					if err == io.EOF {
						return nil
					}
					if err != nil {
						return err
					}
					if s := st.router.Shard(e.Key); s != i || e.DB >= st.cfg.Databases {
						return &rdb.CorruptError{Offset: off, Err: fmt.Errorf("key %q (database %d) does not belong in shard %d", e.Key, e.DB, i)}
					}
					if st.nsrc > 0 {
						got[st.from.Shard(e.Key)]++
					}
				}
			},
		})
		if err != nil {
			return fmt.Errorf("kevy: verify %s: %w", d, err)
		}
		if f != nil {
			return fmt.Errorf("kevy: verify %s: %s at offset %d: %w", d, f.Path, f.Offset, f.Err)
		}
		for src := range st.nsrc {
			if got[src] != st.counts[src][i] {
				return fmt.Errorf("kevy: verify %s: it holds %d keys of source %d, %d were staged", d, got[src], src, st.counts[src][i])
			}
		}
	}
	return nil
}

// sourceKeys returns the keys staged from each source.
func (st *stager) sourceKeys() []int64 {
	keys := make([]int64, st.nsrc)
	for src, row := range st.counts {
		for _, n := range row {
			keys[src] += n
		}
	}
	return keys
}

// abort closes what the stager opened; the caller removes the directory.
func (st *stager) abort() {
	for _, l := range st.logs {
		if l != nil {
			l.Close() // abandons the rewrite too
		}
	}
}

// stageAndCommit finishes the staged directories, verifies them and
// commits the migration: kevy.meta now names the new shard count, the new
// layout and the migration to install. from is the old kevy.meta (nil for
// an import or a new directory).
func stageAndCommit(cfg Config, st *stager, from *dirMeta) (*dirMeta, error) {
	if err := cfg.migrateStep("staged"); err != nil {
		return nil, err
	}
	if err := st.finish(); err != nil {
		return nil, err
	}
	if err := cfg.migrateStep("verify"); err != nil {
		return nil, err
	}
	if err := st.verify(); err != nil {
		return nil, err
	}
	mg := &migration{Staging: migrateDirName}
	if st.nsrc > 0 {
		mg.Keys = st.sourceKeys()
	}
	if from != nil {
		mg.From, mg.FromLayout = from.Shards, from.Layout
	}
	m := &dirMeta{Format: metaFormat, Shards: cfg.Shards, Routing: metaRouting, Databases: cfg.Databases,
		Layout: st.layout, Migration: mg}
	if err := cfg.migrateStep("commit"); err != nil {
		return nil, err
	}
	if err := writeFileAtomic(filepath.Join(cfg.Dir, metaName), m.encode()); err != nil {
		return nil, err
	}
	return m, nil
}

// finishMigration installs a committed migration. It can be interrupted at
// any point and run again.
func finishMigration(cfg Config, m *dirMeta) error {
	dir := cfg.Dir
	mg := m.Migration
	staging := filepath.Join(dir, mg.Staging)
	if strings.ContainsAny(mg.Staging, `/\`) || mg.Staging == "" || mg.Staging == "." || mg.Staging == ".." {
		return fmt.Errorf("kevy: %s: invalid staging directory %q", filepath.Join(dir, metaName), mg.Staging)
	}
	exists := func(p string) bool {
		_, err := os.Stat(p)
		return err == nil
	}
	for i := range max(mg.From, m.Shards) {
		old, staged := shardDir(dir, i), shardDir(staging, i)
		var installed bool
		if m.Layout != "" {
			sm, err := readShardMeta(old)
			if err != nil {
				return err
			}
			installed = sm != nil && sm.Layout == m.Layout && sm.Shard == i && sm.Shards == m.Shards
		} else {
			// A migration committed before layouts were recorded.
			installed = i < m.Shards && exists(old) && !exists(staged)
		}
		if installed {
			continue
		}
		if i < m.Shards && !exists(staged) {
			return fmt.Errorf("kevy: migration of %s: %s is missing from the staging directory and %s is not of the new layout", dir, staged, old)
		}
		if exists(old) {
			if err := cfg.migrateStep(fmt.Sprintf("remove-%d", i)); err != nil {
				return err
			}
			if err := keepCopies(cfg, old, mg.FromLayout); err != nil {
				return err
			}
			cfg.Logger.Info("kevy: removing a shard directory of the previous layout", "dir", old)
			if err := os.RemoveAll(old); err != nil {
				return fmt.Errorf("kevy: %w", err)
			}
		}
		if i < m.Shards {
			if err := cfg.migrateStep(fmt.Sprintf("install-%d", i)); err != nil {
				return err
			}
			if err := os.Rename(staged, old); err != nil {
				return fmt.Errorf("kevy: %w", err)
			}
		}
	}
	if err := syncDir(dir); err != nil {
		return fmt.Errorf("kevy: %w", err)
	}
	if err := cfg.migrateStep("finish"); err != nil {
		return err
	}
	m.Migration = nil
	if err := writeFileAtomic(filepath.Join(dir, metaName), m.encode()); err != nil {
		return err
	}
	if err := cfg.migrateStep("cleanup"); err != nil {
		return err
	}
	// Not fsynced: a staging directory that comes back after a crash is
	// removed by the next Open, kevy.meta naming no migration.
	if err := os.RemoveAll(staging); err != nil {
		return fmt.Errorf("kevy: %w", err)
	}
	return nil
}

// damagedDirName is where the copies of damage cut out of a shard's log
// (aof's "*.corrupt-*" and "*.torn-*" files) go when a re-shard removes
// the shard directory that held them: Dir/kevy-damaged/<layout>/shard-NNN/.
const damagedDirName = "kevy-damaged"

// keepCopies moves the damage copies of the old shard directory d, if any,
// out of it before it is removed, so that a re-shard never deletes one.
// A crash in between is harmless: what was moved is not moved again.
func keepCopies(cfg Config, d, layout string) error {
	src := filepath.Join(d, "appendonlydir")
	ents, err := os.ReadDir(src)
	if err != nil {
		return nil // no log, no copies
	}
	if layout == "" {
		layout = "unrecorded"
	}
	dst := filepath.Join(cfg.Dir, damagedDirName, layout, filepath.Base(d))
	moved := false
	for _, e := range ents {
		if n := e.Name(); strings.Contains(n, ".corrupt-") || strings.Contains(n, ".torn-") {
			if err := os.MkdirAll(dst, 0o755); err != nil {
				return fmt.Errorf("kevy: %w", err)
			}
			if err := os.Rename(filepath.Join(src, n), filepath.Join(dst, n)); err != nil {
				return fmt.Errorf("kevy: %w", err)
			}
			moved = true
		}
	}
	if !moved {
		return nil
	}
	cfg.Logger.Warn("kevy: kept the copies of damage cut out of a shard of the previous layout", "from", src, "to", dst)
	for _, p := range []string{dst, filepath.Dir(dst), filepath.Dir(filepath.Dir(dst)), cfg.Dir} {
		if err := syncDir(p); err != nil {
			return fmt.Errorf("kevy: %w", err)
		}
	}
	return nil
}

// createLayout creates the shard directories of a new data directory.
func createLayout(cfg Config) (err error) {
	if err := cfg.migrateStep("create"); err != nil {
		return err
	}
	st, err := newStager(cfg, 0)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			st.abort()
		}
	}()
	m, err := stageAndCommit(cfg, st, nil)
	if err != nil {
		return err
	}
	return finishMigration(cfg, m)
}

// reshard moves the data of the m.Shards shard directories — checked
// against kevy.meta by the caller — to cfg.Shards.
func reshard(cfg Config, m *dirMeta, emit func(Event)) (err error) {
	cfg.Logger.Info("kevy: re-sharding", "dir", cfg.Dir, "from", m.Shards, "to", cfg.Shards, "layout", m.Layout)
	if err := cfg.migrateStep("stage"); err != nil {
		return err
	}
	st, err := newStager(cfg, m.Shards)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			st.abort()
		}
	}()
	for i := range m.Shards {
		if err := cfg.migrateStep(fmt.Sprintf("load-%d", i)); err != nil {
			return err
		}
		ks := shard.New(shard.Options{ID: i, Databases: cfg.Databases})
		sl := shardLoad{cfg: cfg, dir: shardDir(cfg.Dir, i), ks: ks, nshards: m.Shards, emit: emit}
		log, err := sl.open()
		if err != nil {
			return fmt.Errorf("kevy: re-shard: %w", err)
		}
		if err := log.Close(); err != nil {
			return err
		}
		if err := st.addKeyspace(ks, i); err != nil {
			return err
		}
	}
	m2, err := stageAndCommit(cfg, st, m)
	if err != nil {
		return err
	}
	cfg.Logger.Info("kevy: re-shard committed", "layout", m2.Layout, "keys_per_old_shard", m2.Migration.Keys)
	return finishMigration(cfg, m2)
}

// importRedisDir imports the Redis data of cfg.Dir (src "aof" or "rdb")
// into a new kevy layout. The Redis files stay where they are, unused
// (a torn tail of Redis's AOF is truncated as redis-server would, after a
// copy; any other damage refuses the import).
func importRedisDir(cfg Config, src string, emit func(Event)) (err error) {
	cfg.Logger.Info("kevy: importing a Redis data directory", "dir", cfg.Dir, "source", src)
	if err := cfg.migrateStep("stage"); err != nil {
		return err
	}
	st, err := newStager(cfg, 1)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			st.abort()
		}
	}()
	switch src {
	case "aof":
		ks := shard.New(shard.Options{Databases: cfg.Databases})
		sl := shardLoad{cfg: cfg, dir: cfg.Dir, ks: ks, nshards: 1, emit: emit, foreign: true}
		log, err := sl.open()
		if err == nil {
			err = log.Close()
		}
		if err != nil {
			return fmt.Errorf("kevy: import %s: %w", filepath.Join(cfg.Dir, "appendonlydir"), err)
		}
		if err := st.addKeyspace(ks, 0); err != nil {
			return err
		}
	default:
		p := filepath.Join(cfg.Dir, dumpName)
		f, err := os.Open(p)
		if err != nil {
			return fmt.Errorf("kevy: %w", err)
		}
		err = st.addRDB(bufio.NewReaderSize(f, 256<<10))
		f.Close()
		if err != nil {
			return fmt.Errorf("kevy: import %s: %w", p, rdb.WithPath(err, p))
		}
	}
	m, err := stageAndCommit(cfg, st, nil)
	if err != nil {
		return err
	}
	cfg.Logger.Info("kevy: import committed", "layout", m.Layout, "keys", m.Migration.Keys)
	return finishMigration(cfg, m)
}
