package kevy

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
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
	Layout    string     `json:"layout,omitempty"`    // the layout's id; see persist_layout.go
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
// Redis directory or re-sharding: see persist_migrate.go), checks that the
// shard directories are the ones kevy.meta names (persist_layout.go),
// opens one log per shard and replays it into that shard's keyspace.
// emit reports events (damage recovered from) to Config.OnEvent.
func openPersistence(cfg Config, kss []*shard.Keyspace, emit func(Event)) (_ *persistence, err error) {
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
	if err := prepareDir(cfg, emit); err != nil {
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
	if err := checkLayout(cfg, m); err != nil {
		return nil, err
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
			sl := shardLoad{cfg: cfg, dir: shardDir(cfg.Dir, i), ks: ks, nshards: len(kss), emit: emit, faults: cfg.faults()}
			p.logs[i], errs[i] = sl.open()
			p.dirty[i] = ks.Dirty()
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return p, nil
}

// shardLoad is the loading of one shard directory's log into a keyspace.
type shardLoad struct {
	cfg     Config
	dir     string          // the shard directory (or a Redis data directory)
	ks      *shard.Keyspace // shard ks.ID() of nshards
	nshards int
	emit    func(Event) // reports damage recovered from; may be nil
	faults  *aof.Faults // injected into the log, for tests
	// foreign marks a Redis data directory being imported: damage other
	// than a torn tail is refused, never cut out of Redis's own files.
	foreign bool
}

// open opens the log and replays it into the keyspace, with the damage
// policy of the configuration (options). It returns the open log,
// replayed and ready for appends. When the damage cut the log inside a
// MULTI block whose first commands the keyspace had already applied, the
// keyspace is emptied and the cut log replayed again, so that it holds
// exactly what the log holds.
func (sl shardLoad) open() (*aof.Log, error) {
	ks := sl.ks
	for again := false; ; again = true {
		r := shard.NewReplayer(ks, sl.nshards)
		log, err := aof.Open(sl.dir, sl.options(r))
		if err != nil {
			return nil, err
		}
		ks.SetLogging(false)
		info, err := log.Replay(func(argv []string) error {
			if err := r.Apply(argv); err != nil {
				return fmt.Errorf("%w: %w", aof.ErrInvalidRecord, err)
			}
			return nil
		})
		ks.SetLogging(true)
		if err != nil {
			return nil, errors.Join(fmt.Errorf("kevy: replay shard %d: %w", ks.ID(), err), log.Close())
		}
		sl.report(info)
		if rec := info.Recovered; rec != nil && rec.Partial && !again {
			if err := log.Close(); err != nil {
				return nil, err
			}
			ks.SetLogging(false)
			ks.FlushAll()
			ks.SetLogging(true)
			continue
		}
		return log, nil
	}
}

// options are the log's options: the fsync policy and the damage policy —
// Config.StrictAOF refuses every damage; by default a torn tail is
// truncated and other damage cut out of the log (aof.Options.Recover),
// everything removed copied aside first — with the RDB base loaded by r.
func (sl shardLoad) options(r *shard.Replayer) aof.Options {
	opts := aof.Options{
		Fsync:    sl.cfg.Fsync,
		Strict:   sl.cfg.StrictAOF,
		Recover:  !sl.cfg.StrictAOF && !sl.foreign,
		Logger:   sl.cfg.Logger,
		LoadBase: r.LoadBase,
	}
	if sl.faults != nil {
		opts = opts.WithFaults(sl.faults)
	}
	return opts
}

// report logs what the replay repaired, and reports damage it recovered
// from as an EventAOFDamaged.
func (sl shardLoad) report(info aof.ReplayInfo) {
	id, log := sl.ks.ID(), sl.cfg.Logger
	if info.Truncated {
		log.Warn("kevy: truncated a torn AOF tail", "shard", id,
			"file", info.TruncatedFile, "offset", info.TruncatedOffset, "bytes", info.TruncatedBytes,
			"copy", info.TruncatedCopy, "discarded_multi", info.DiscardedMulti)
	}
	if rec := info.Recovered; rec != nil {
		log.Error("kevy: damaged AOF: opened with every record before the damage; the rest is kept aside",
			"shard", id, "file", rec.Err.Path, "offset", rec.Err.Offset, "cut_at", rec.CutOffset,
			"dropped_bytes", rec.DroppedBytes, "copies", rec.Copies, "err", rec.Err.Err)
		if sl.emit != nil {
			sl.emit(Event{Kind: EventAOFDamaged, Shard: id, Path: rec.Err.Path, Bytes: rec.DroppedBytes, Err: rec.Err})
		}
	}
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
