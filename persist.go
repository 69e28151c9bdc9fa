package kevy

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"sync"

	"github.com/kevydb/kevy/aof"
	"github.com/kevydb/kevy/internal/dirlock"
	"github.com/kevydb/kevy/shard"
)

// Persistence: a data directory holds one Redis 7 data directory per shard
// (shard-NNN/appendonlydir/...), the file kevy.meta that records how keys
// are spread over them, and a LOCK file held with flock while a Store has
// the directory open.

const (
	metaName    = "kevy.meta"
	metaFormat  = 1
	metaRouting = "xxhash64-lemire-hashtag"
)

// dirMeta is the content of kevy.meta.
type dirMeta struct {
	Format    int        `json:"format"`
	Shards    int        `json:"shards"`
	Routing   string     `json:"routing"`
	Databases int        `json:"databases"`
	Migration *migration `json:"migration,omitempty"` // see persist_migrate.go
}

// persistence is an open data directory.
type persistence struct {
	dir   string
	lock  *dirlock.Lock
	logs  []*aof.Log
	dirty []int64 // each keyspace's Dirty() once loaded
}

func shardDir(dir string, i int) string {
	return filepath.Join(dir, fmt.Sprintf("shard-%03d", i))
}

// openPersistence locks cfg.Dir, brings it to a layout of cfg.Shards
// shards (creating it, finishing an interrupted migration, importing a
// Redis directory or re-sharding: see persist_migrate.go), opens one log
// per shard and replays it into that shard's keyspace.
func openPersistence(cfg Config, kss []*shard.Keyspace) (_ *persistence, err error) {
	if err := os.MkdirAll(cfg.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("kevy: data directory: %w", err)
	}
	lock, err := dirlock.Acquire(cfg.Dir)
	if err != nil {
		return nil, fmt.Errorf("kevy: open %s: %w", cfg.Dir, err)
	}
	p := &persistence{dir: cfg.Dir, lock: lock}
	defer func() {
		if err != nil {
			err = errors.Join(err, p.close())
		}
	}()
	if err := prepareDir(cfg); err != nil {
		return nil, err
	}
	m, err := readMeta(cfg.Dir)
	if err != nil {
		return nil, err
	}
	switch {
	case m.Migration != nil || m.Shards != cfg.Shards:
		return nil, fmt.Errorf("kevy: %s: layout not ready (%d shards)", cfg.Dir, m.Shards)
	case m.Databases > cfg.Databases:
		return nil, fmt.Errorf("kevy: %s holds %d databases; Config.Databases is %d", cfg.Dir, m.Databases, cfg.Databases)
	}
	if err := removeDumpTemps(cfg.Dir, cfg.Shards); err != nil {
		return nil, err
	}
	// The shards' logs are independent: load them in parallel.
	p.logs = make([]*aof.Log, len(kss))
	p.dirty = make([]int64, len(kss))
	errs := make([]error, len(kss))
	var wg sync.WaitGroup
	for i, ks := range kss {
		wg.Go(func() {
			opts := aof.Options{
				Fsync:  cfg.Fsync,
				Strict: cfg.StrictAOF,
				Logger: cfg.Logger,
				LoadBase: func(r io.Reader) error {
					return loadRDBBase(ks, r)
				},
			}
			if f := cfg.faults(); f != nil {
				opts = opts.WithFaults(f)
			}
			log, err := aof.Open(shardDir(cfg.Dir, i), opts)
			if err != nil {
				errs[i] = err
				return
			}
			p.logs[i] = log
			errs[i] = replayInto(log, ks, len(kss), cfg)
			p.dirty[i] = ks.Dirty()
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return p, nil
}

// replayInto replays a shard's log into its keyspace, with effect logging
// off (the log already holds them).
func replayInto(log *aof.Log, ks *shard.Keyspace, nshards int, cfg Config) error {
	ks.SetLogging(false)
	defer ks.SetLogging(true)
	r := replayer{ks: ks, nshards: nshards, ndb: cfg.Databases}
	info, err := log.Replay(r.apply)
	if err != nil {
		return fmt.Errorf("kevy: replay shard %d: %w", ks.ID(), err)
	}
	if info.Truncated {
		cfg.Logger.Warn("kevy: truncated a torn AOF tail",
			"file", info.TruncatedFile, "offset", info.TruncatedOffset, "bytes", info.TruncatedBytes,
			"discarded_multi", info.DiscardedMulti)
	}
	return nil
}

// replayer applies logged commands to one keyspace.
type replayer struct {
	ks      *shard.Keyspace
	nshards int
	ndb     int
	db      int
	c       shard.Ctx
}

func (r *replayer) apply(argv []string) error {
	if len(argv) == 0 {
		return nil
	}
	switch {
	case shard.EqualFold(argv[0], "select"):
		if len(argv) != 2 {
			return fmt.Errorf("bad SELECT in AOF: %q", argv)
		}
		n, err := strconv.Atoi(argv[1])
		if err != nil || n < 0 || n >= r.ndb {
			return fmt.Errorf("SELECT %q out of range in AOF", argv[1])
		}
		r.db = n
		return nil
	case shard.EqualFold(argv[0], "multi"), shard.EqualFold(argv[0], "exec"):
		return nil
	}
	cmd, errRep := shard.Resolve(argv)
	if cmd == nil {
		return fmt.Errorf("command in AOF: %s", errRep.Str)
	}
	if cmd.Run == nil {
		return nil // connection commands carry no data
	}
	c := &r.c
	c.Bind(r.ks, r.nshards)
	c.DB, c.Cmd, c.Args = r.db, cmd, argv
	c.Loading, c.NoBlock = true, true
	cmd.Run(c)
	c.Blocked()
	return nil
}

// close closes the logs (fsyncing them) and unlocks the directory.
func (p *persistence) close() error {
	var first error
	for _, l := range p.logs {
		if l == nil {
			continue
		}
		if err := l.Close(); err != nil && first == nil {
			first = err
		}
	}
	if err := p.lock.Unlock(); err != nil && first == nil {
		first = err
	}
	return first
}

func readMeta(dir string) (*dirMeta, error) {
	b, err := os.ReadFile(filepath.Join(dir, metaName))
	if err != nil {
		return nil, err
	}
	var m dirMeta
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("kevy: %s: %w", filepath.Join(dir, metaName), err)
	}
	return &m, nil
}

func (m *dirMeta) encode() []byte {
	b, _ := json.MarshalIndent(m, "", "  ")
	return append(b, '\n')
}

// writeFileAtomic writes a file crash-safely: a temporary file, fsync,
// rename over the target, fsync of the directory.
func writeFileAtomic(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if _, err = f.Write(data); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = os.Rename(f.Name(), path); err != nil {
		return err
	}
	return syncDir(dir)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}
