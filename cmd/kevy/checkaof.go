package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/kevydb/kevy/resp"
)

// kevy check-aof: validates append-only files the way redis-check-aof does
// and reports the offset of the first problem. It accepts one .aof file, a
// manifest, an appendonlydir, or a kevy data directory (every shard's
// appendonlydir). --fix truncates a torn tail (a record cut short, or a
// MULTI without its EXEC, at the end of the last file); damage in the middle
// is reported and never "fixed", since truncating there would drop the
// valid records after it.

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
	for _, files := range sets {
		ok, err := checkAOFSet(os.Stdout, files, *fix, *yes, os.Stdin)
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

// aofSets resolves path to the sets of files to check, each in load order
// (its last file is the one appended to).
func aofSets(path string) ([][]string, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		if strings.HasSuffix(path, ".manifest") {
			files, err := manifestFiles(path)
			return [][]string{files}, err
		}
		return [][]string{{path}}, nil
	}
	if m, _ := filepath.Glob(filepath.Join(path, "*.manifest")); len(m) == 1 {
		files, err := manifestFiles(m[0])
		return [][]string{files}, err
	}
	dirs, _ := filepath.Glob(filepath.Join(path, "shard-*", "appendonlydir"))
	if d := filepath.Join(path, "appendonlydir"); len(dirs) == 0 {
		if _, err := os.Stat(d); err == nil {
			dirs = []string{d}
		}
	}
	sort.Strings(dirs)
	var sets [][]string
	for _, d := range dirs {
		m, _ := filepath.Glob(filepath.Join(d, "*.manifest"))
		if len(m) != 1 {
			return nil, fmt.Errorf("%s: want one manifest, found %d", d, len(m))
		}
		files, err := manifestFiles(m[0])
		if err != nil {
			return nil, err
		}
		sets = append(sets, files)
	}
	if len(sets) == 0 {
		return nil, fmt.Errorf("%s: no AOF manifest, appendonlydir or shard directories", path)
	}
	return sets, nil
}

// manifestFiles lists the base and incr files of a manifest in load order.
func manifestFiles(path string) ([]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
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
			return nil, fmt.Errorf("%s: line %d: invalid manifest line", path, i+1)
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
			return nil, fmt.Errorf("%s: line %d: unknown file type %q", path, i+1, kv["type"])
		}
	}
	if base != "" {
		return append([]string{base}, incrs...), nil
	}
	return incrs, nil
}

// aofCheck is the result of checking one file.
type aofCheck struct {
	size   int64
	okUpTo int64 // everything before is valid
	torn   bool  // the problem is a torn tail (fixable by truncation)
	msg    string
}

// checkAOFFile reads the commands of an AOF file (or, for an RDB base, its
// entries) and finds the first problem.
func checkAOFFile(path string) (aofCheck, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return aofCheck{}, err
	}
	res := aofCheck{size: int64(len(data)), okUpTo: int64(len(data))}
	if bytes.HasPrefix(data, []byte("REDIS")) {
		if _, err := checkRDBData(data); err != nil {
			res.okUpTo, res.msg = rdbErrOffset(err), "RDB preamble: "+err.Error()
		}
		return res, nil
	}
	rd := resp.NewReader(bytes.NewReader(data), resp.ReaderOptions{Strict: true})
	multiAt := int64(-1)
	for {
		args, err := rd.ReadArgs()
		if errors.Is(err, io.EOF) {
			break
		}
		if errors.Is(err, io.ErrUnexpectedEOF) {
			res.okUpTo, res.torn, res.msg = rd.Offset(), true, "the last command is truncated"
			if multiAt >= 0 {
				res.okUpTo = multiAt
			}
			return res, nil
		}
		if err != nil {
			res.okUpTo, res.msg = rd.Offset(), err.Error()
			return res, nil
		}
		switch strings.ToLower(string(args[0])) {
		case "multi":
			if multiAt >= 0 {
				res.okUpTo, res.msg = rd.Offset(), "Unexpected MULTI"
				return res, nil
			}
			multiAt = rd.Offset()
		case "exec":
			if multiAt < 0 {
				res.okUpTo, res.msg = rd.Offset(), "Unexpected EXEC"
				return res, nil
			}
			multiAt = -1
		}
	}
	if multiAt >= 0 {
		res.okUpTo, res.torn, res.msg = multiAt, true, "Reached EOF before reading EXEC for MULTI"
	}
	return res, nil
}

// checkAOFSet checks the files of one AOF in order, prints the report and
// fixes a torn tail of the last file when asked. It reports whether the
// set is valid (after a fix).
func checkAOFSet(w io.Writer, files []string, fix, yes bool, in io.Reader) (bool, error) {
	for i, f := range files {
		res, err := checkAOFFile(f)
		if err != nil {
			return false, err
		}
		name := filepath.Base(f)
		lines := 0
		if res.okUpTo < res.size {
			if data, err := os.ReadFile(f); err == nil {
				lines = bytes.Count(data[:res.okUpTo], []byte("\n")) + 1
			}
		}
		if res.okUpTo == res.size {
			fmt.Fprintf(w, "AOF %s is valid\n", f)
			continue
		}
		fmt.Fprintf(w, "0x%8x: %s\n", res.okUpTo, res.msg)
		fmt.Fprintf(w, "AOF analyzed: filename=%s, size=%d, ok_up_to=%d, ok_up_to_line=%d, diff=%d\n",
			name, res.size, res.okUpTo, lines, res.size-res.okUpTo)
		last := i == len(files)-1
		if !res.torn || !last {
			fmt.Fprintf(w, "AOF %s is corrupt at offset %d: not a torn tail, so --fix will not truncate it (that would drop the records after it)\n",
				f, res.okUpTo)
			return false, nil
		}
		if !fix {
			fmt.Fprintf(w, "AOF %s is not valid. Use the --fix option to try fixing it.\n", f)
			return false, nil
		}
		if !yes {
			fmt.Fprintf(w, "This will shrink the AOF %s from %d bytes, with %d bytes, to %d bytes\nContinue? [y/N]: ",
				f, res.size, res.size-res.okUpTo, res.okUpTo)
			answer, _ := bufio.NewReader(in).ReadString('\n')
			if !strings.HasPrefix(strings.ToLower(strings.TrimSpace(answer)), "y") {
				fmt.Fprintln(w, "Aborting...")
				return false, nil
			}
		}
		if err := truncateFile(f, res.okUpTo); err != nil {
			return false, fmt.Errorf("failed to truncate AOF %s: %w", f, err)
		}
		fmt.Fprintf(w, "Successfully truncated AOF %s\n", f)
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
