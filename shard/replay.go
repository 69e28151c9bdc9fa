package shard

import (
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/kevydb/kevy/rdb"
	"github.com/kevydb/kevy/resp"
)

// Replaying a shard's append-only file: the RDB base goes in entry by
// entry, then every logged command runs as Redis's AOF-loading client runs
// it (no blocking, past expiry times kept until the load ends). Unlike
// Redis, which logs a command's error reply as critical and loads on, a
// record that cannot be applied is refused: the caller (package aof's
// Replay) then treats it as damage — refuse to open, or cut the log there
// — so that no record is ever skipped silently.

// Replayer applies the records of one shard's log to its keyspace. It
// checks what it applies: each command must be a known write command with
// valid arguments that runs without an error reply, each SELECT must name
// an existing database, and each key — of a command, and of the RDB base
// — must belong to the shard replaying it (a key damaged into another
// shard's would otherwise sit where no command can reach it). A Replayer is
// used by one goroutine.
type Replayer struct {
	ks      *Keyspace
	nshards int
	router  Router
	db      int
	c       Ctx
	kbuf    []int
}

// NewReplayer returns a Replayer for ks, shard ks.ID() of nshards. The
// caller turns the keyspace's effect logging off while it replays.
func NewReplayer(ks *Keyspace, nshards int) *Replayer {
	return &Replayer{ks: ks, nshards: nshards, router: NewRouter(nshards)}
}

// Apply applies one command read from the log. It returns an error saying
// what is wrong with a record it cannot apply (nothing has then been
// changed, except by a command whose error reply came after a partial
// change, which Redis's commands do not make).
func (r *Replayer) Apply(argv []string) error {
	if len(argv) == 0 {
		return errors.New("empty command")
	}
	switch {
	case EqualFold(argv[0], "select"):
		if len(argv) != 2 {
			return fmt.Errorf("SELECT with %d arguments", len(argv)-1)
		}
		n, err := strconv.Atoi(argv[1])
		if err != nil || n < 0 || n >= r.ks.NumDBs() {
			return fmt.Errorf("SELECT %q: no such database (%d databases)", argv[1], r.ks.NumDBs())
		}
		r.db = n
		return nil
	case EqualFold(argv[0], "multi"), EqualFold(argv[0], "exec"):
		if len(argv) != 1 {
			return fmt.Errorf("%s with arguments", argv[0])
		}
		return nil
	}
	cmd, errRep := Resolve(argv)
	if cmd == nil {
		return errors.New(errRep.Str)
	}
	if cmd.Run == nil || cmd.Flags&FlagWrite == 0 {
		return fmt.Errorf("'%s' is not a write command, which is all a log holds", cmd.FullName)
	}
	if r.nshards > 1 {
		r.kbuf = cmd.Keys(argv, r.kbuf[:0])
		for _, k := range r.kbuf {
			if s := r.router.Shard(argv[k]); s != r.ks.ID() {
				return fmt.Errorf("key %q belongs to shard %d of %d, not to shard %d", argv[k], s, r.nshards, r.ks.ID())
			}
		}
	}
	c := &r.c
	c.Bind(r.ks, r.nshards)
	c.DB, c.Cmd, c.Args = r.db, cmd, argv
	c.Loading, c.NoBlock = true, true
	rep := cmd.Run(c)
	c.Blocked()
	if rep.Kind == resp.Error {
		return fmt.Errorf("'%s' replies %q", cmd.FullName, rep.Str)
	}
	return nil
}

// LoadBase loads an RDB stream — the shard log's base — into the keyspace,
// each entry as it comes. An entry that cannot be loaded (a key in a
// database the store does not have, a key of another shard, a duplicate
// key, a value that does not convert) is damage: the error is a
// *rdb.CorruptError at the entry's offset, like the reader's own.
func (r *Replayer) LoadBase(src io.Reader) error {
	rd := rdb.NewReader(src)
	for {
		off := rd.Offset()
		e, err := rd.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if err := r.checkEntry(e); err != nil {
			return &rdb.CorruptError{Offset: off, Err: err}
		}
		if err := r.ks.LoadRDB(e); err != nil {
			return &rdb.CorruptError{Offset: off, Err: err}
		}
	}
}

// checkEntry checks that an RDB entry belongs in this keyspace.
func (r *Replayer) checkEntry(e *rdb.Entry) error {
	if e.DB >= r.ks.NumDBs() {
		return fmt.Errorf("key %q in database %d, beyond the %d databases", e.Key, e.DB, r.ks.NumDBs())
	}
	if r.nshards > 1 {
		if s := r.router.Shard(e.Key); s != r.ks.ID() {
			return fmt.Errorf("key %q belongs to shard %d of %d, not to shard %d", e.Key, s, r.nshards, r.ks.ID())
		}
	}
	return nil
}
