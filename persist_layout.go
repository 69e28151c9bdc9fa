package kevy

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// The layout of a data directory: kevy.meta says how many shards there are
// and names the layout (a random id, new at each re-shard); each shard
// directory says, in its own kevy-shard.meta, which shard of which layout
// it is. Open checks that the two agree before it loads anything: a shard
// directory missing, one too many, or one from another layout or another
// store is refused with an error naming both sides — never guessed at,
// since a wrong guess loses data (a shard left out is half the keys).

const (
	shardMetaName = "kevy-shard.meta"
)

// shardMeta is the content of a shard directory's kevy-shard.meta.
type shardMeta struct {
	Format int    `json:"format"`
	Shard  int    `json:"shard"`  // this directory's index
	Shards int    `json:"shards"` // the shard count of its layout
	Layout string `json:"layout"` // the layout's id, as in kevy.meta
}

func (sm *shardMeta) String() string {
	return fmt.Sprintf("shard %d of %d, layout %s", sm.Shard, sm.Shards, sm.Layout)
}

// newLayoutID returns a fresh random layout id.
func newLayoutID() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return hex.EncodeToString(b[:])
}

// readShardMeta reads the metadata of the shard directory d; nil, nil when
// it has none (a directory written before kevy recorded it).
func readShardMeta(d string) (*shardMeta, error) {
	p := filepath.Join(d, shardMetaName)
	b, err := os.ReadFile(p)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("kevy: %w", err)
	}
	var sm shardMeta
	if err := json.Unmarshal(b, &sm); err != nil {
		return nil, fmt.Errorf("kevy: %s: %w", p, err)
	}
	if sm.Format != metaFormat {
		return nil, fmt.Errorf("kevy: %s: unsupported format %d", p, sm.Format)
	}
	return &sm, nil
}

// writeShardMeta records in the shard directory d that it is shard i of a
// layout of n shards named layout.
func writeShardMeta(d string, i, n int, layout string) error {
	sm := shardMeta{Format: metaFormat, Shard: i, Shards: n, Layout: layout}
	b, _ := json.MarshalIndent(sm, "", "  ")
	return writeFileAtomic(filepath.Join(d, shardMetaName), append(b, '\n'))
}

// createShardMeta writes the metadata of a new shard directory d, which
// is not in use: written and fsynced, not renamed into place; the caller
// fsyncs d.
func createShardMeta(d string, i, n int, layout string) error {
	sm := shardMeta{Format: metaFormat, Shard: i, Shards: n, Layout: layout}
	b, _ := json.MarshalIndent(sm, "", "  ")
	f, err := os.Create(filepath.Join(d, shardMetaName))
	if err != nil {
		return fmt.Errorf("kevy: %w", err)
	}
	_, err = f.Write(append(b, '\n'))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("kevy: %w", err)
	}
	return nil
}

// shardDirs returns the indexes of the shard directories in dir (entries
// named exactly as shardDir names them), ascending.
func shardDirs(dir string) ([]int, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("kevy: %w", err)
	}
	var idx []int
	for _, e := range ents {
		name, ok := strings.CutPrefix(e.Name(), "shard-")
		if !ok || !e.IsDir() {
			continue
		}
		i, err := strconv.Atoi(name)
		if err != nil || i < 0 || filepath.Base(shardDir(dir, i)) != e.Name() {
			continue
		}
		idx = append(idx, i)
	}
	slices.Sort(idx)
	return idx, nil
}

// namesOf renders shard directory indexes as their names.
func namesOf(idx []int) string {
	if len(idx) == 0 {
		return "none"
	}
	names := make([]string, len(idx))
	for i, x := range idx {
		names[i] = filepath.Base(shardDir("", x))
	}
	return strings.Join(names, ", ")
}

// checkLayout checks that the shard directories of cfg.Dir are exactly the
// ones kevy.meta (m) names: shard-000 ... shard-(N-1), each holding a log
// and metadata that says it is that shard of that layout, and no other.
// A directory written before shard metadata existed gets it (and
// kevy.meta its layout id) once the directories check out by name.
func checkLayout(cfg Config, m *dirMeta) error {
	dir := cfg.Dir
	metaPath := filepath.Join(dir, metaName)
	idx, err := shardDirs(dir)
	if err != nil {
		return err
	}
	says := fmt.Sprintf("%s says %s", metaPath, plural(m.Shards, "shard"))
	if m.Layout != "" {
		says += " (layout " + m.Layout + ")"
	}
	for i := range m.Shards {
		if !slices.Contains(idx, i) {
			return fmt.Errorf("kevy: %s, but %s is missing (shard directories present: %s); refusing to open without it",
				says, shardDir(dir, i), namesOf(idx))
		}
	}
	metas := make([]*shardMeta, m.Shards)
	layout := m.Layout
	for _, i := range idx {
		d := shardDir(dir, i)
		sm, err := readShardMeta(d)
		if err != nil {
			return err
		}
		if i >= m.Shards {
			what := "no metadata"
			if sm != nil {
				what = sm.String()
			}
			return fmt.Errorf("kevy: %s, but %s is also present (%s: %s); refusing to open without its data",
				says, d, shardMetaName, what)
		}
		if sm == nil && m.Layout != "" {
			// kevy.meta gets its layout only after every shard has its
			// metadata: one missing now was removed, or the directory
			// comes from elsewhere.
			return fmt.Errorf("kevy: %s, but %s has no %s; refusing to open a directory that may not be this store's",
				says, d, shardMetaName)
		}
		if sm != nil {
			if layout == "" {
				layout = sm.Layout
			}
			if sm.Shard != i || sm.Shards != m.Shards || sm.Layout != layout {
				return fmt.Errorf("kevy: %s, but %s says it is %s; refusing to open a mix of layouts",
					says, filepath.Join(d, shardMetaName), sm)
			}
		}
		if _, err := os.Stat(filepath.Join(d, "appendonlydir", "appendonly.aof.manifest")); err != nil {
			return fmt.Errorf("kevy: %s, but %s has no AOF manifest (%v): its data is missing; refusing to open without it", says, d, err)
		}
		metas[i] = sm
	}
	if layout != "" && m.Layout != "" && !slices.Contains(metas, nil) {
		return nil
	}
	// Record the layout where it is missing: the shard directories first,
	// kevy.meta last, so that an interrupted upgrade is finished by the
	// next Open.
	if layout == "" {
		layout = newLayoutID()
	}
	cfg.Logger.Info("kevy: recording the layout in each shard directory", "dir", dir, "shards", m.Shards, "layout", layout)
	for i, sm := range metas {
		if sm == nil {
			if err := writeShardMeta(shardDir(dir, i), i, m.Shards, layout); err != nil {
				return err
			}
		}
	}
	if m.Layout != layout {
		m.Layout = layout
		if err := writeFileAtomic(metaPath, m.encode()); err != nil {
			return err
		}
	}
	return nil
}

// plural renders n things.
func plural(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return strconv.Itoa(n) + " " + thing + "s"
}
