package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/kevydb/kevy/rdb"
)

// kevy check-rdb: validates an RDB file (every record and the checksum) and
// reports the file and offset of the first problem, in the spirit of
// redis-check-rdb (an AOF's RDB base is checked by check-aof, with the
// rules Open applies).

func runCheckRDB(args []string) error {
	fs := flag.NewFlagSet("check-rdb", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: kevy check-rdb <dump.rdb>")
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errSilent
	}
	ok, err := checkRDB(os.Stdout, fs.Arg(0))
	if err != nil {
		return err
	}
	if !ok {
		return errSilent
	}
	return nil
}

// checkRDB checks the RDB file path, prints the report to w and says
// whether the file is valid.
func checkRDB(w io.Writer, path string) (bool, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return false, err
	}
	fmt.Fprintf(w, "[offset 0] Checking RDB file %s\n", path)
	st, err := checkRDBData(data)
	if err != nil {
		err = rdb.WithPath(err, path)
		fmt.Fprintln(w, "--- RDB ERROR DETECTED ---")
		fmt.Fprintf(w, "[offset %d] %v\n", rdbErrOffset(err), err)
		fmt.Fprintf(w, "[info] %d keys read\n", st.keys)
		return false, nil
	}
	fmt.Fprintf(w, "[info] %d keys read\n", st.keys)
	fmt.Fprintf(w, "[info] %d expires\n", st.expires)
	fmt.Fprintf(w, "[info] %d already expired\n", st.expired)
	fmt.Fprintf(w, "[offset %d] \\o/ RDB looks OK! \\o/\n", st.end)
	return true, nil
}

type rdbStats struct {
	keys, expires, expired int
	end                    int64
}

// checkRDBData reads every entry of an RDB image and verifies its
// checksum.
func checkRDBData(data []byte) (rdbStats, error) {
	var st rdbStats
	r := rdb.NewReader(bytes.NewReader(data))
	if _, err := r.Header(); err != nil {
		return st, err
	}
	now := nowMillis()
	for {
		e, err := r.Next()
		if errors.Is(err, io.EOF) {
			st.end = r.Offset()
			return st, nil
		}
		if err != nil {
			return st, err
		}
		st.keys++
		if e.ExpireAt != 0 {
			st.expires++
			if e.ExpireAt < now {
				st.expired++
			}
		}
	}
}

// rdbErrOffset returns the offset a reader error names, or 0.
func rdbErrOffset(err error) int64 {
	var ce *rdb.CorruptError
	if errors.As(err, &ce) {
		return ce.Offset
	}
	return 0
}
