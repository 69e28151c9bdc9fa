package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/kevydb/kevy/rdb"
	"github.com/kevydb/kevy/resp"
)

// kevy export / kevy import: RDB files out of and into a store, either a
// data directory opened in-process (--dir) or a running server (-h/-p/-a).
// Both go through Redis commands (SCAN, TYPE, PEXPIRETIME and the type's
// read command out; DEL, the type's write commands and PEXPIREAT in), so
// they work against any Redis-compatible server; the files are written and
// read with package rdb. Export is not a point-in-time snapshot of a store
// that is being written to (SAVE is); on a data directory nobody else has
// open it is exact.

const ioBatch = 256 // commands per pipeline

func connFlags(fs *flag.FlagSet) *cliOptions {
	o := &cliOptions{}
	fs.StringVar(&o.host, "h", "127.0.0.1", "server host")
	fs.IntVar(&o.port, "p", 6379, "server port")
	fs.StringVar(&o.pass, "a", "", "password (AUTH)")
	fs.StringVar(&o.dir, "dir", "", "open this data directory in-process instead of connecting to a server")
	return o
}

func runExport(args []string) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	o := connFlags(fs)
	out := fs.String("o", "dump.rdb", "RDB file to write")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cl, closeFn, err := dialCLI(o)
	if err != nil {
		return err
	}
	defer closeFn()
	n, err := exportRDB(cl, *out)
	if err != nil {
		return err
	}
	fmt.Printf("exported %d keys to %s\n", n, *out)
	return nil
}

func runImport(args []string) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	o := connFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("usage: kevy import [--dir D | -h host -p port] <dump.rdb>")
	}
	cl, closeFn, err := dialCLI(o)
	if err != nil {
		return err
	}
	defer closeFn()
	n, skipped, err := importRDB(cl, fs.Arg(0))
	if err != nil {
		return err
	}
	fmt.Printf("imported %d keys from %s (%d already expired, skipped)\n", n, fs.Arg(0), skipped)
	return nil
}

// pipeline sends cmds and reads their replies, writing and reading at the
// same time so that large replies cannot stall the exchange.
func (c *cliClient) pipeline(cmds [][]string) ([]resp.Reply, error) {
	var buf []byte
	for _, a := range cmds {
		buf = resp.AppendCommand(buf, a...)
	}
	werr := make(chan error, 1)
	go func() {
		_, err := c.nc.Write(buf)
		werr <- err
	}()
	out := make([]resp.Reply, len(cmds))
	for i := range out {
		r, err := c.rd.ReadReply()
		if err != nil {
			return nil, errors.Join(err, <-werr)
		}
		out[i] = r
	}
	return out, <-werr
}

func replyErr(args []string, r resp.Reply) error {
	if r.Kind == resp.Error {
		return fmt.Errorf("%s: %s", strings.ToUpper(args[0]), r.Str)
	}
	return nil
}

// exportRDB writes every key of every database to path.
func exportRDB(cl *cliClient, path string) (int, error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".kevy-export-*.rdb")
	if err != nil {
		return 0, err
	}
	defer os.Remove(tmp.Name()) // after the rename this fails harmlessly
	w := rdb.NewWriter(tmp, rdb.WriterOptions{})
	total := 0
	for db := 0; ; db++ {
		r, err := cl.do([]string{"SELECT", strconv.Itoa(db)})
		if err != nil {
			return 0, errors.Join(err, tmp.Close())
		}
		if r.Kind == resp.Error {
			break // past the last database
		}
		n, err := exportDB(cl, w, db)
		if err != nil {
			return 0, errors.Join(err, tmp.Close())
		}
		total += n
	}
	if _, err := cl.do([]string{"SELECT", "0"}); err != nil {
		return 0, errors.Join(err, tmp.Close())
	}
	if err := w.Close(); err != nil {
		return 0, errors.Join(err, tmp.Close())
	}
	if err := tmp.Sync(); err != nil {
		return 0, errors.Join(err, tmp.Close())
	}
	if err := tmp.Close(); err != nil {
		return 0, err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return 0, err
	}
	return total, syncDir(filepath.Dir(path))
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	return errors.Join(d.Sync(), d.Close())
}

// exportDB writes the keys of the selected database db.
func exportDB(cl *cliClient, w *rdb.Writer, db int) (int, error) {
	n, cursor, selected := 0, "0", false
	for {
		r, err := cl.do([]string{"SCAN", cursor, "COUNT", "1000"})
		if err != nil {
			return n, err
		}
		if r.Kind != resp.Array || len(r.Elems) != 2 {
			return n, fmt.Errorf("SCAN: unexpected reply %v", r)
		}
		cursor = r.Elems[0].Str
		keys := make([]string, 0, len(r.Elems[1].Elems))
		for _, k := range r.Elems[1].Elems {
			keys = append(keys, k.Str)
		}
		for len(keys) > 0 {
			chunk := keys[:min(len(keys), ioBatch/2)]
			keys = keys[len(chunk):]
			entries, err := readEntries(cl, chunk)
			if err != nil {
				return n, err
			}
			for _, e := range entries {
				if !selected {
					if err := w.SelectDB(db); err != nil {
						return n, err
					}
					selected = true
				}
				e.DB = db
				if err := w.WriteEntry(e); err != nil {
					return n, err
				}
				n++
			}
		}
		if cursor == "0" {
			return n, nil
		}
	}
}

// readEntries reads keys' types, expiries and values.
func readEntries(cl *cliClient, keys []string) ([]*rdb.Entry, error) {
	cmds := make([][]string, 0, 2*len(keys))
	for _, k := range keys {
		cmds = append(cmds, []string{"TYPE", k}, []string{"PEXPIRETIME", k})
	}
	reps, err := cl.pipeline(cmds)
	if err != nil {
		return nil, err
	}
	var entries []*rdb.Entry
	var reads [][]string
	for i, k := range keys {
		typ, exp := reps[2*i], reps[2*i+1]
		if err := errors.Join(replyErr(cmds[2*i], typ), replyErr(cmds[2*i+1], exp)); err != nil {
			return nil, err
		}
		e := &rdb.Entry{Key: k}
		if exp.Int > 0 {
			e.ExpireAt = exp.Int
		}
		var read []string
		switch typ.Str {
		case "none":
			continue // deleted or expired since SCAN
		case "string":
			e.Type, read = rdb.TypeString, []string{"GET", k}
		case "list":
			e.Type, read = rdb.TypeList, []string{"LRANGE", k, "0", "-1"}
		case "set":
			e.Type, read = rdb.TypeSet, []string{"SMEMBERS", k}
		case "hash":
			e.Type, read = rdb.TypeHash, []string{"HGETALL", k}
		case "zset":
			e.Type, read = rdb.TypeZSet, []string{"ZRANGE", k, "0", "-1", "WITHSCORES"}
		default:
			return nil, fmt.Errorf("key %q: type %s cannot be exported", k, typ.Str)
		}
		entries = append(entries, e)
		reads = append(reads, read)
	}
	vals, err := cl.pipeline(reads)
	if err != nil {
		return nil, err
	}
	out := entries[:0]
	for i, e := range entries {
		v := vals[i]
		if err := replyErr(reads[i], v); err != nil {
			return nil, err
		}
		if v.Kind == resp.Nil || (v.Kind == resp.Array && len(v.Elems) == 0) {
			continue // gone since TYPE
		}
		switch e.Type {
		case rdb.TypeString:
			e.Str = v.Str
		case rdb.TypeList:
			e.List = strs(v)
		case rdb.TypeSet:
			e.Set = strs(v)
		case rdb.TypeHash:
			s := strs(v)
			for j := 0; j+1 < len(s); j += 2 {
				e.Hash = append(e.Hash, rdb.Field{Name: s[j], Value: s[j+1]})
			}
		case rdb.TypeZSet:
			s := strs(v)
			for j := 0; j+1 < len(s); j += 2 {
				score, err := strconv.ParseFloat(s[j+1], 64)
				if err != nil {
					return nil, fmt.Errorf("key %q: bad score %q", e.Key, s[j+1])
				}
				e.ZSet = append(e.ZSet, rdb.Member{Member: s[j], Score: score})
			}
		}
		out = append(out, e)
	}
	return out, nil
}

func strs(r resp.Reply) []string {
	out := make([]string, len(r.Elems))
	for i, e := range r.Elems {
		out[i] = e.Str
	}
	return out
}

func nowMillis() int64 { return time.Now().UnixMilli() }

// importRDB loads path: the whole file is verified first (its checksum is
// at the end), then each key is replaced by the file's value.
func importRDB(cl *cliClient, path string) (n, expired int, err error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, 0, err
	}
	if _, err := checkRDBData(data); err != nil {
		return 0, 0, fmt.Errorf("%s: %w", path, err)
	}
	r := rdb.NewReader(strings.NewReader(string(data)))
	var batch [][]string
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		reps, err := cl.pipeline(batch)
		if err != nil {
			return err
		}
		for i, rep := range reps {
			if err := replyErr(batch[i], rep); err != nil {
				return err
			}
		}
		batch = batch[:0]
		return nil
	}
	db, now := -1, nowMillis()
	for {
		e, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return n, expired, err
		}
		if e.ExpireAt != 0 && e.ExpireAt < now {
			expired++
			continue
		}
		if e.DB != db {
			batch = append(batch, []string{"SELECT", strconv.Itoa(e.DB)})
			db = e.DB
		}
		batch = append(batch, []string{"DEL", e.Key})
		batch = append(batch, entryCommands(e)...)
		if e.ExpireAt > 0 {
			batch = append(batch, []string{"PEXPIREAT", e.Key, strconv.FormatInt(e.ExpireAt, 10)})
		}
		n++
		if len(batch) >= ioBatch {
			if err := flush(); err != nil {
				return n, expired, err
			}
		}
	}
	if db > 0 {
		batch = append(batch, []string{"SELECT", "0"})
	}
	return n, expired, flush()
}

// entryCommands returns the commands that create e's value, collections in
// chunks of at most 512 elements.
func entryCommands(e *rdb.Entry) [][]string {
	const chunk = 512
	var out [][]string
	add := func(cmd string, items []string, per int) {
		for len(items) > 0 {
			n := min(len(items), chunk*per)
			out = append(out, append([]string{cmd, e.Key}, items[:n]...))
			items = items[n:]
		}
	}
	switch e.Type {
	case rdb.TypeString:
		out = append(out, []string{"SET", e.Key, e.Str})
	case rdb.TypeList:
		add("RPUSH", e.List, 1)
	case rdb.TypeSet:
		add("SADD", e.Set, 1)
	case rdb.TypeHash:
		items := make([]string, 0, 2*len(e.Hash))
		for _, f := range e.Hash {
			items = append(items, f.Name, f.Value)
		}
		add("HSET", items, 2)
	case rdb.TypeZSet:
		items := make([]string, 0, 2*len(e.ZSet))
		for _, m := range e.ZSet {
			items = append(items, strconv.FormatFloat(m.Score, 'g', 17, 64), m.Member)
		}
		add("ZADD", items, 2)
	}
	return out
}
