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
// reports the offset of the first problem, in the spirit of
// redis-check-rdb.

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
	data, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		return err
	}
	fmt.Printf("[offset 0] Checking RDB file %s\n", fs.Arg(0))
	st, err := checkRDBData(data)
	if err != nil {
		fmt.Println("--- RDB ERROR DETECTED ---")
		fmt.Printf("[offset %d] %v\n", rdbErrOffset(err), err)
		fmt.Printf("[info] %d keys read\n", st.keys)
		return errSilent
	}
	fmt.Printf("[info] %d keys read\n", st.keys)
	fmt.Printf("[info] %d expires\n", st.expires)
	fmt.Printf("[info] %d already expired\n", st.expired)
	fmt.Printf("[offset %d] \\o/ RDB looks OK! \\o/\n", st.end)
	return nil
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
