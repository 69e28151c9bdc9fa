package kevy

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/kevydb/kevy/aof"
	"github.com/kevydb/kevy/rdb"
	"github.com/kevydb/kevy/shard"
)

// Directory migrations: importing a Redis data directory (dump.rdb or
// appendonlydir, and no kevy.meta) and re-sharding (Config.Shards differs
// from the shard count in kevy.meta). Both build the new shard directories
// in a staging directory next to the old ones, then switch, crash-safely:
//
//  1. stage: Dir/kevy-migrate.tmp/shard-NNN/ is built — one complete,
//     fsynced Redis 7 AOF per new shard (an RDB base and an empty incr
//     file) — by loading the old data one source at a time and routing
//     every key to its new shard. A crash here leaves kevy.meta as it was
//     (or absent): the next Open removes the staging directory and starts
//     over from the old data, which nothing has touched.
//  2. commit: kevy.meta is replaced atomically by one that names the new
//     shard count and the migration in progress {staging, from}. From this
//     point the staged data is the store.
//  3. install: each old shard directory is removed and each staged one
//     renamed into place; then kevy.meta is rewritten without the
//     migration and the staging directory removed. Every step can be
//     redone: after a crash the next Open sees the migration in kevy.meta
//     and finishes it (roll forward) before anything else.

const migrateDirName = "kevy-migrate.tmp"

// migration is a migration committed in kevy.meta and not yet installed.
type migration struct {
	Staging string `json:"staging"` // directory in Dir holding the new shard directories
	From    int    `json:"from"`    // shard directories of the old layout (0 for an import)
}

// prepareDir brings cfg.Dir to a kevy layout with cfg.Shards shards:
// finishes an interrupted migration, imports a Redis directory, creates a
// new one, or re-shards. The directory is locked.
func prepareDir(cfg Config) error {
	dir := cfg.Dir
	m, err := readMeta(dir)
	if errors.Is(err, os.ErrNotExist) {
		if err := removeStaging(dir); err != nil {
			return err
		}
		if n := countShardDirs(dir); n > 0 {
			return fmt.Errorf("kevy: %s: %s is missing but the directory holds shard directories; restore it or empty the directory", dir, metaName)
		}
		if src := findRedisData(dir); src != "" {
			return importRedisDir(cfg, src)
		}
		m = &dirMeta{Format: metaFormat, Shards: cfg.Shards, Routing: metaRouting, Databases: cfg.Databases}
		return writeFileAtomic(filepath.Join(dir, metaName), m.encode())
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
		return reshard(cfg, m)
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
	ents, err := os.ReadDir(dir)
	if err != nil {
		return 0
	}
	n := 0
	for _, e := range ents {
		if e.IsDir() && strings.HasPrefix(e.Name(), "shard-") {
			n++
		}
	}
	return n
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
// shard, whose base it writes with an rdb.Writer.
type stager struct {
	cfg    Config
	dir    string // the staging directory
	router shard.Router
	logs   []*aof.Log
	rws    []*aof.Rewrite
	ws     []*rdb.Writer
	bufs   []*bufio.Writer
	keys   int64
}

// newStager creates the staging directory with one empty log per shard.
func newStager(cfg Config) (_ *stager, err error) {
	st := &stager{cfg: cfg, dir: filepath.Join(cfg.Dir, migrateDirName), router: shard.NewRouter(cfg.Shards)}
	defer func() {
		if err != nil {
			st.abort()
		}
	}()
	if err := os.RemoveAll(st.dir); err != nil {
		return nil, fmt.Errorf("kevy: %w", err)
	}
	if err := os.MkdirAll(st.dir, 0o755); err != nil {
		return nil, fmt.Errorf("kevy: %w", err)
	}
	if err := syncDir(cfg.Dir); err != nil {
		return nil, fmt.Errorf("kevy: %w", err)
	}
	for i := range cfg.Shards {
		d := shardDir(st.dir, i)
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, fmt.Errorf("kevy: %w", err)
		}
		log, err := aof.Open(d, aof.Options{Fsync: aof.FsyncNo, Logger: cfg.Logger})
		if err != nil {
			return nil, err
		}
		st.logs = append(st.logs, log)
		if _, err := log.Replay(func([]string) error { return nil }); err != nil {
			return nil, err
		}
		rw, err := log.StartRewrite(aof.BaseRDB)
		if err != nil {
			return nil, err
		}
		st.rws = append(st.rws, rw)
		bw := bufio.NewWriterSize(rw, 256<<10)
		st.bufs = append(st.bufs, bw)
		st.ws = append(st.ws, rdb.NewWriter(bw, rdb.WriterOptions{AOFBase: true, BufferSize: 32 << 10}))
	}
	if err := syncDir(st.dir); err != nil {
		return nil, fmt.Errorf("kevy: %w", err)
	}
	return st, nil
}

// selectDB selects database db on w unless *cur says it is selected.
func (st *stager) selectDB(w *rdb.Writer, cur *int, db int) error {
	if *cur == db {
		return nil
	}
	*cur = db
	return w.SelectDB(db)
}

// addKeyspace routes every key of ks (a whole old shard, or a replayed
// Redis AOF) to its new shard.
func (st *stager) addKeyspace(ks *shard.Keyspace) error {
	cur := make([]int, len(st.ws))
	for i := range cur {
		cur[i] = -1
	}
	for d := range ks.NumDBs() {
		var err error
		ks.DB(d).Range(func(e *shard.Entry) bool {
			i := st.router.Shard(e.Key)
			if err = st.selectDB(st.ws[i], &cur[i], d); err == nil {
				err = shard.WriteEntryRDB(st.ws[i], e)
			}
			st.keys++
			return err == nil
		})
		if err != nil {
			return err
		}
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
			return err
		}
		if err := st.ws[st.router.Shard(e.Key)].WriteEntry(e); err != nil {
			return err
		}
		st.keys++
	}
}

// finish completes every base and makes the staging directory durable.
func (st *stager) finish() error {
	for i, w := range st.ws {
		if err := w.Close(); err != nil {
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
	var first error
	for i, l := range st.logs {
		if err := l.Close(); err != nil && first == nil {
			first = err
		}
		st.logs[i] = nil
	}
	if first != nil {
		return first
	}
	return syncDir(st.dir)
}

// abort closes what the stager opened; the caller removes the directory.
func (st *stager) abort() {
	for _, l := range st.logs {
		if l != nil {
			l.Close() // abandons the rewrite too
		}
	}
}

// commitMigration makes the staged directories the store: kevy.meta now
// names the new shard count and the migration to install.
func commitMigration(cfg Config, from int) (*dirMeta, error) {
	m := &dirMeta{Format: metaFormat, Shards: cfg.Shards, Routing: metaRouting, Databases: cfg.Databases,
		Migration: &migration{Staging: migrateDirName, From: from}}
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
		if i >= m.Shards || exists(staged) {
			if exists(old) {
				if err := cfg.migrateStep(fmt.Sprintf("remove-%d", i)); err != nil {
					return err
				}
				cfg.Logger.Info("kevy: removing a shard directory of the previous layout", "dir", old)
				if err := os.RemoveAll(old); err != nil {
					return fmt.Errorf("kevy: %w", err)
				}
			}
		}
		if i < m.Shards && exists(staged) {
			if err := cfg.migrateStep(fmt.Sprintf("install-%d", i)); err != nil {
				return err
			}
			if err := os.Rename(staged, old); err != nil {
				return fmt.Errorf("kevy: %w", err)
			}
		}
		if i < m.Shards && !exists(old) {
			return fmt.Errorf("kevy: migration of %s: %s is missing from the new layout", dir, old)
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
	if err := os.RemoveAll(staging); err != nil {
		return fmt.Errorf("kevy: %w", err)
	}
	return syncDir(dir)
}

// loadLog loads the AOF of the Redis data directory dir (a shard's, or
// Redis's own) into ks, and closes it.
func loadLog(cfg Config, dir string, ks *shard.Keyspace) error {
	log, err := aof.Open(dir, aof.Options{Fsync: aof.FsyncNo, Strict: cfg.StrictAOF, Logger: cfg.Logger,
		LoadBase: func(r io.Reader) error { return loadRDBBase(ks, r) }})
	if err != nil {
		return err
	}
	err = replayInto(log, ks, 1, cfg)
	if cerr := log.Close(); err == nil {
		err = cerr
	}
	return err
}

// reshard moves the data of m.Shards shard directories to cfg.Shards.
func reshard(cfg Config, m *dirMeta) (err error) {
	cfg.Logger.Info("kevy: re-sharding", "dir", cfg.Dir, "from", m.Shards, "to", cfg.Shards)
	if err := cfg.migrateStep("stage"); err != nil {
		return err
	}
	st, err := newStager(cfg)
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
		if err := loadLog(cfg, shardDir(cfg.Dir, i), ks); err != nil {
			return err
		}
		if err := st.addKeyspace(ks); err != nil {
			return err
		}
	}
	if err := st.finish(); err != nil {
		return err
	}
	m2, err := commitMigration(cfg, m.Shards)
	if err != nil {
		return err
	}
	cfg.Logger.Info("kevy: re-shard committed", "keys", st.keys)
	return finishMigration(cfg, m2)
}

// importRedisDir imports the Redis data of cfg.Dir (src "aof" or "rdb")
// into a new kevy layout. The Redis files stay where they are, unused.
func importRedisDir(cfg Config, src string) (err error) {
	cfg.Logger.Info("kevy: importing a Redis data directory", "dir", cfg.Dir, "source", src)
	if err := cfg.migrateStep("stage"); err != nil {
		return err
	}
	st, err := newStager(cfg)
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
		if err := loadLog(cfg, cfg.Dir, ks); err != nil {
			return fmt.Errorf("kevy: import %s: %w", filepath.Join(cfg.Dir, "appendonlydir"), err)
		}
		if err := st.addKeyspace(ks); err != nil {
			return err
		}
	default:
		f, err := os.Open(filepath.Join(cfg.Dir, dumpName))
		if err != nil {
			return fmt.Errorf("kevy: %w", err)
		}
		err = st.addRDB(bufio.NewReaderSize(f, 256<<10))
		f.Close()
		if err != nil {
			return fmt.Errorf("kevy: import %s: %w", filepath.Join(cfg.Dir, dumpName), err)
		}
	}
	if err := st.finish(); err != nil {
		return err
	}
	m, err := commitMigration(cfg, 0)
	if err != nil {
		return err
	}
	cfg.Logger.Info("kevy: import committed", "keys", st.keys)
	return finishMigration(cfg, m)
}
