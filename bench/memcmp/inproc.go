package memcmp

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"

	"github.com/kevydb/kevy"
)

// Profile loads ds into an in-memory store opened with cfg, in this
// process, with every argument a string of its own as a network
// connection produces them, and writes a heap profile (in-use space after
// a collection) to path. It returns the store, still open, so that the
// caller can look further; the caller closes it.
func Profile(cfg kevy.Config, ds Dataset, path string) (*kevy.Store, error) {
	db, err := kevy.Open(cfg)
	if err != nil {
		return nil, err
	}
	ctx := context.Background()
	c := db.Conn()
	defer c.Close()
	var failed error
	ds.Gen(func(argv []string) {
		if failed != nil {
			return
		}
		own := make([]string, len(argv))
		for i, a := range argv {
			own[i] = strings.Clone(a)
		}
		if r := c.Exec(ctx, own...); r.Kind == kevy.ReplyError {
			failed = fmt.Errorf("%v: %s", argv[:2], r.Str)
		}
	})
	if failed != nil {
		db.Close()
		return nil, failed
	}
	runtime.GC()
	f, err := os.Create(path)
	if err != nil {
		db.Close()
		return nil, err
	}
	defer f.Close()
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}
