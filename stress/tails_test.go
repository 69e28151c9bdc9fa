package stress

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/kevydb/kevy"
	"github.com/kevydb/kevy/aof"
	"github.com/kevydb/kevy/resp"
	"github.com/stretchr/testify/require"
)

// Damage to the append-only files between a crash and the reopen: a torn
// record at the end of a shard's last file (what a crash in the middle of
// a write(2) would leave, which kill -9 cannot produce) must be cut off
// with a warning, or refused under StrictAOF; a malformed record in the
// middle must be cut out of the log with a report by default, and make
// Open fail under StrictAOF, naming the file and offset, touching nothing.

// lastIncr returns the path of shard sh's last incr file, or "".
func lastIncr(t *testing.T, dir string, sh int) string {
	t.Helper()
	adir := filepath.Join(dir, fmt.Sprintf("shard-%03d", sh), "appendonlydir")
	man, err := os.ReadFile(filepath.Join(adir, "appendonly.aof.manifest"))
	if errors.Is(err, os.ErrNotExist) {
		return ""
	}
	require.NoError(t, err)
	var name string
	sc := bufio.NewScanner(bytes.NewReader(man))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) >= 6 && f[0] == "file" && f[5] == "i" {
			name = f[1]
		}
	}
	if name == "" {
		return ""
	}
	return filepath.Join(adir, name)
}

// recordStarts returns the offsets where the records of data begin.
func recordStarts(data []byte) ([]int, error) {
	rd := resp.NewReader(bytes.NewReader(data), resp.ReaderOptions{Strict: true})
	starts := []int{0}
	for {
		_, err := rd.ReadCommand()
		if err == io.EOF {
			return starts[:len(starts)-1], nil
		}
		if err != nil {
			return nil, err
		}
		starts = append(starts, int(rd.Offset()))
	}
}

// tearTail appends a torn record to a random shard's last file, checks
// that StrictAOF refuses to open it, and leaves it for the normal reopen
// to cut off.
func tearTail(t *testing.T, dir string, shards int, rng *rand.Rand) {
	t.Helper()
	sh := rng.IntN(shards)
	path := lastIncr(t, dir, sh)
	if path == "" {
		return
	}
	rec := "*3\r\n$3\r\nSET\r\n$9\r\ntorn:tail\r\n$5\r\nvalue\r\n"
	cut := 1 + rng.IntN(len(rec)-1)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	require.NoError(t, err)
	_, err = f.WriteString(rec[:cut])
	require.NoError(t, err)
	require.NoError(t, f.Close())
	before, err := os.ReadFile(path)
	require.NoError(t, err)
	_, err = kevy.Open(kevy.Config{Dir: dir, Shards: shards, StrictAOF: true})
	require.Error(t, err, "StrictAOF opens a log with a torn tail")
	require.Contains(t, err.Error(), filepath.Base(path), "the error names the file")
	after, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, before, after, "a refused open changes nothing")
	fig.tails.Add(1)
	t.Logf("tore the tail of shard %d (%d of %d bytes of a record)", sh, cut, len(rec))
}

// corruptMiddle breaks a record that is not the last of some shard's
// last file, checks that StrictAOF refuses to open, naming the file and
// offset and changing nothing; that the default policy opens a copy of
// the directory with the log cut before the damage, reporting it (an
// EventAOFDamaged with the file and offset) and keeping the bytes it cut;
// then repairs the file.
func corruptMiddle(t *testing.T, dir string, shards int, rng *rand.Rand, cfg kevy.Config) {
	t.Helper()
	for _, sh := range rng.Perm(shards) {
		path := lastIncr(t, dir, sh)
		if path == "" {
			continue
		}
		data, err := os.ReadFile(path)
		require.NoError(t, err)
		starts, err := recordStarts(data)
		require.NoError(t, err, "%s is well formed before the damage", path)
		if len(starts) < 2 {
			continue
		}
		off := starts[rng.IntN(len(starts)-1)]
		bad := bytes.Clone(data)
		bad[off] = '?'
		require.NoError(t, os.WriteFile(path, bad, 0o644))

		// A copy, opened with the default policy, is repaired and reported.
		cp := t.TempDir()
		require.NoError(t, copyTree(dir, cp))
		rel, err := filepath.Rel(dir, path)
		require.NoError(t, err)
		var mu sync.Mutex
		var damaged []kevy.Event
		dcfg := cfg
		dcfg.Dir = cp
		dcfg.OnEvent = func(ev kevy.Event) {
			mu.Lock()
			defer mu.Unlock()
			if ev.Kind == kevy.EventAOFDamaged {
				damaged = append(damaged, ev)
			}
		}
		db, err := kevy.Open(dcfg)
		require.NoError(t, err, "the default policy opens a log damaged at %s:%d", path, off)
		require.NoError(t, db.Close())
		require.Len(t, damaged, 1, "the damage at %s:%d is reported", path, off)
		var ce *aof.CorruptError
		require.ErrorAs(t, damaged[0].Err, &ce)
		require.Equal(t, filepath.Join(cp, rel), ce.Path)
		require.Equal(t, int64(off), ce.Offset)
		kept, err := os.ReadFile(ce.Quarantine)
		require.NoError(t, err)
		// The cut is at the damaged record, or at the MULTI of its block.
		require.True(t, bytes.HasSuffix(bad, kept) && len(kept) >= len(bad)-off, "the bytes cut are kept")

		// StrictAOF refuses and changes nothing.
		scfg := cfg
		scfg.Dir, scfg.StrictAOF = dir, true
		_, err = kevy.Open(scfg)
		require.Error(t, err, "StrictAOF accepts a malformed record at %s:%d", path, off)
		require.True(t, errors.Is(err, aof.ErrCorrupt), "a corrupt log is reported as such: %v", err)
		require.Contains(t, err.Error(), filepath.Base(path), "the error names the file")
		require.Contains(t, err.Error(), fmt.Sprint(off), "the error names the offset")
		after, err := os.ReadFile(path)
		require.NoError(t, err)
		require.Equal(t, bad, after, "a failed open changes nothing")
		quarantine, err := filepath.Glob(path + ".corrupt-*")
		require.NoError(t, err)
		for _, q := range quarantine {
			require.NoError(t, os.Remove(q))
		}
		require.NoError(t, os.WriteFile(path, data, 0o644))
		fig.tails.Add(1)
		t.Logf("a malformed record at %s:%d was refused (strict) and cut out of a copy (default)", filepath.Base(path), off)
		return
	}
}
