package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/kevydb/kevy/aof"
	"github.com/kevydb/kevy/rdb"
	"github.com/kevydb/kevy/resp"
	"github.com/kevydb/kevy/shard"
)

// kevy check-aof: validates append-only files with the rules kevy's Open
// applies (package aof's Check), and reports the offset of the first
// problem the way redis-check-aof does. It accepts one .aof file, a
// manifest, an appendonlydir, or a kevy data directory. In a kevy data
// directory every shard's commands are replayed too — each in a scratch
// keyspace, one shard at a time — so that a record Open would refuse (an
// unknown command, a wrong number of arguments, an error reply, a key of
// another shard) is reported at the same file and offset as Open reports
// it. --fix truncates a torn tail (a record cut short, or a MULTI without
// its EXEC, at the end of the last file, with no valid record after it);
// other damage is reported and never "fixed" here.

func runCheckAOF(args []string) error {
	fs := flag.NewFlagSet("check-aof", flag.ContinueOnError)
	fix := fs.Bool("fix", false, "truncate a torn tail at the end of the last file")
	yes := fs.Bool("yes", false, "with --fix: do not ask for confirmation")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: kevy check-aof [--fix [--yes]] <file.aof | manifest | appendonlydir | data dir>")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errSilent
	}
	sets, err := aofSets(fs.Arg(0))
	if err != nil {
		return err
	}
	bad := false
	for _, set := range sets {
		ok, err := checkAOFSet(os.Stdout, set, *fix, *yes, os.Stdin)
		if err != nil {
			return err
		}
		bad = bad || !ok
	}
	if bad {
		return errSilent
	}
	return nil
}

// aofSet is one log to check.
type aofSet struct {
	files []string // in load order; the last one is appended to
	base  bool     // files[0] is the log's base
	// kevy marks a shard of a kevy data directory, shard shard of shards
	// with dbs databases: its commands are replayed too, as Open does.
	kevy               bool
	shard, shards, dbs int
}

// aofSets resolves path to the logs to check.
func aofSets(path string) ([]aofSet, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		if strings.HasSuffix(path, ".manifest") {
			files, base, err := manifestFiles(path)
			return []aofSet{{files: files, base: base}}, err
		}
		head := make([]byte, 5)
		if f, err := os.Open(path); err == nil {
			n, _ := io.ReadFull(f, head)
			head = head[:n]
			f.Close()
		}
		return []aofSet{{files: []string{path}, base: string(head) == "REDIS"}}, nil
	}
	if m, _ := filepath.Glob(filepath.Join(path, "*.manifest")); len(m) == 1 {
		files, base, err := manifestFiles(m[0])
		return []aofSet{{files: files, base: base}}, err
	}
	var meta struct{ Shards, Databases int }
	kevyDir := false
	if b, err := os.ReadFile(filepath.Join(path, "kevy.meta")); err == nil {
		if err := json.Unmarshal(b, &meta); err != nil {
			return nil, fmt.Errorf("%s: %w", filepath.Join(path, "kevy.meta"), err)
		}
		kevyDir = meta.Shards > 0 && meta.Databases > 0
	}
	dirs, _ := filepath.Glob(filepath.Join(path, "shard-*", "appendonlydir"))
	if d := filepath.Join(path, "appendonlydir"); len(dirs) == 0 {
		if _, err := os.Stat(d); err == nil {
			dirs = []string{d}
		}
	}
	sort.Strings(dirs)
	var sets []aofSet
	for _, d := range dirs {
		m, _ := filepath.Glob(filepath.Join(d, "*.manifest"))
		if len(m) != 1 {
			return nil, fmt.Errorf("%s: want one manifest, found %d", d, len(m))
		}
		files, base, err := manifestFiles(m[0])
		if err != nil {
			return nil, err
		}
		set := aofSet{files: files, base: base}
		if idx, ok := strings.CutPrefix(filepath.Base(filepath.Dir(d)), "shard-"); ok && kevyDir {
			if i, err := strconv.Atoi(idx); err == nil && i >= 0 {
				set.kevy, set.shard, set.shards, set.dbs = true, i, meta.Shards, meta.Databases
			}
		}
		sets = append(sets, set)
	}
	if len(sets) == 0 {
		return nil, fmt.Errorf("%s: no AOF manifest, appendonlydir or shard directories", path)
	}
	return sets, nil
}

// manifestFiles lists the base and incr files of a manifest in load order,
// and whether there is a base.
func manifestFiles(path string) ([]string, bool, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, false, err
	}
	var base string
	var incrs []string
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		words, ok := resp.SplitArgs(line)
		if !ok || len(words)%2 != 0 {
			return nil, false, fmt.Errorf("%s: line %d: invalid manifest line", path, i+1)
		}
		kv := map[string]string{}
		for j := 0; j < len(words); j += 2 {
			kv[words[j]] = words[j+1]
		}
		name := filepath.Join(filepath.Dir(path), kv["file"])
		switch kv["type"] {
		case "b":
			base = name
		case "i":
			incrs = append(incrs, name)
		case "h":
		default:
			return nil, false, fmt.Errorf("%s: line %d: unknown file type %q", path, i+1, kv["type"])
		}
	}
	if base != "" {
		return append([]string{base}, incrs...), true, nil
	}
	return incrs, false, nil
}

// checkOptions are the rules for set: the reader's always, and for a kevy
// shard the replay of every command in a scratch keyspace.
func checkOptions(set aofSet) aof.CheckOptions {
	opts := aof.CheckOptions{Base: set.base, LoadBase: func(r io.Reader) error {
		rd := rdb.NewReader(r)
		for {
			if _, err := rd.Next(); err != nil {
				if errors.Is(err, io.EOF) {
					return nil
				}
				return err
			}
		}
	}}
	if set.kevy {
		ks := shard.New(shard.Options{ID: set.shard, Databases: set.dbs})
		ks.SetLogging(false)
		r := shard.NewReplayer(ks, set.shards)
		opts.LoadBase = r.LoadBase
		opts.Apply = func(argv []string) error {
			if err := r.Apply(argv); err != nil {
				return fmt.Errorf("%w: %w", aof.ErrInvalidRecord, err)
			}
			return nil
		}
	}
	return opts
}

// damageMsg describes a finding in redis-check-aof's words where it has
// some.
func damageMsg(f *aof.Finding) string {
	var pe *resp.ProtocolError
	switch {
	case f.Base:
		return "RDB preamble: " + f.Err.Error()
	case f.Torn && strings.Contains(f.Err.Error(), "MULTI without EXEC"):
		return "Reached EOF before reading EXEC for MULTI"
	case f.Torn:
		return "the last command is truncated"
	case errors.As(f.Err, &pe):
		return pe.Error()
	}
	return f.Err.Error()
}

// checkAOFSet checks the files of one log in order, prints the report and
// fixes a torn tail of the last file when asked. It reports whether the
// log is valid (after a fix).
func checkAOFSet(w io.Writer, set aofSet, fix, yes bool, in io.Reader) (bool, error) {
	f, err := aof.Check(set.files, checkOptions(set))
	if err != nil {
		return false, err
	}
	for _, file := range set.files {
		if f == nil || file != f.Path {
			fmt.Fprintf(w, "AOF %s is valid\n", file)
			continue
		}
		data, err := os.ReadFile(file)
		if err != nil {
			return false, err
		}
		size, cut := int64(len(data)), min(f.Cut, int64(len(data)))
		lines := bytes.Count(data[:cut], []byte("\n")) + 1
		fmt.Fprintf(w, "0x%8x: %s\n", f.Offset, damageMsg(f))
		fmt.Fprintf(w, "AOF analyzed: filename=%s, size=%d, ok_up_to=%d, ok_up_to_line=%d, diff=%d\n",
			filepath.Base(file), size, cut, lines, size-cut)
		if !f.Torn {
			fmt.Fprintf(w, "AOF %s is corrupt at offset %d: not a torn tail, so --fix will not truncate it (that would drop the records after it)\n",
				file, f.Offset)
			if set.kevy && !f.Base {
				fmt.Fprintf(w, "Opening the store cuts the log at offset %d and keeps the rest aside (unless StrictAOF, which refuses)\n", cut)
			}
			return false, nil
		}
		if !fix {
			fmt.Fprintf(w, "AOF %s is not valid. Use the --fix option to try fixing it.\n", file)
			return false, nil
		}
		if !yes {
			fmt.Fprintf(w, "This will shrink the AOF %s from %d bytes, with %d bytes, to %d bytes\nContinue? [y/N]: ",
				file, size, size-cut, cut)
			answer, _ := bufio.NewReader(in).ReadString('\n')
			if !strings.HasPrefix(strings.ToLower(strings.TrimSpace(answer)), "y") {
				fmt.Fprintln(w, "Aborting...")
				return false, nil
			}
		}
		if err := truncateFile(file, cut); err != nil {
			return false, fmt.Errorf("failed to truncate AOF %s: %w", file, err)
		}
		fmt.Fprintf(w, "Successfully truncated AOF %s\n", file)
		return true, nil
	}
	return true, nil
}

// truncateFile cuts path to size and syncs it.
func truncateFile(path string, size int64) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	if err := f.Truncate(size); err != nil {
		return errors.Join(err, f.Close())
	}
	if err := f.Sync(); err != nil {
		return errors.Join(err, f.Close())
	}
	return f.Close()
}
