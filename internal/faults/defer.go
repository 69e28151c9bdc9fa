package faults

import (
	"sync"

	"github.com/kevydb/kevy/resp"
	"github.com/kevydb/kevy/shard"
)

// EarlyReply: a write on one key is answered with the reply it would get,
// but its effect is withheld until the shard's next tick. To compute the
// reply without leaving the effect, the key is copied aside, the command
// runs, and the copy is put back; the command runs again at Flush. All of
// it happens on the shard's goroutine, so the defect is a wrong order of
// events, never a data race.

// shadowKey holds a key's value while a deferred write is answered.
const shadowKey = "\x00kevy-faults-shadow"

type deferred struct {
	db     int
	cmd    *shard.Command
	args   []string
	client *shard.Client
}

var (
	deferMu   sync.Mutex
	deferrals = map[*shard.Keyspace][]deferred{}
)

// Run runs the command c is set up for (c.Cmd, c.Args, c.DB, bound to the
// shard's keyspace ks), as an actor shard does with c.Run. With EarlyReply
// on, a non-blocking write on a single key is answered now and applied at
// the next Flush of ks.
func Run(c *shard.Ctx, ks *shard.Keyspace) resp.Reply {
	cmd := c.Cmd
	if !Has(EarlyReply) || cmd.Flags&shard.FlagWrite == 0 || cmd.Flags&shard.FlagBlocking != 0 ||
		cmd.KeysFn != nil || cmd.First != 1 || cmd.Last != 1 || len(c.Args) < 2 || c.Args[1] == shadowKey {
		return c.Run()
	}
	args := append([]string(nil), c.Args...)
	key := args[1]
	runAs(c, "del", shadowKey)
	copied := runAs(c, "copy", key, shadowKey).Int == 1
	c.Cmd, c.Args = cmd, args
	rep := c.Run()
	runAs(c, "del", key)
	if copied {
		runAs(c, "rename", shadowKey, key)
	}
	c.Cmd, c.Args = cmd, args
	deferMu.Lock()
	deferrals[ks] = append(deferrals[ks], deferred{db: c.DB, cmd: cmd, args: args, client: c.Client})
	deferMu.Unlock()
	pending.Add(1)
	return rep
}

// runAs runs an internal command on c's keyspace and database.
func runAs(c *shard.Ctx, name string, args ...string) resp.Reply {
	c.Cmd = shard.Lookup(name)
	c.Args = append([]string{name}, args...)
	return c.Cmd.Run(c)
}

// Flush applies the writes ks answered early, in order; the shard calls
// it on its goroutine (at its tick) with a scratch context. Their effects
// are logged like any command's, by the shard's next commit.
func Flush(c *shard.Ctx, ks *shard.Keyspace, nshards int) {
	deferMu.Lock()
	list := deferrals[ks]
	delete(deferrals, ks)
	deferMu.Unlock()
	for _, d := range list {
		c.Bind(ks, nshards)
		c.DB, c.Cmd, c.Args, c.Client = d.db, d.cmd, d.args, d.client
		c.Run()
		c.Blocked()
	}
	c.Args, c.Client, c.Cmd = nil, nil, nil
	pending.Add(-int64(len(list)))
}

// Reset drops the writes still deferred (those of stores already closed)
// and turns every switch off. Tests call it when done with a broken
// store.
func Reset() {
	on.Store(0)
	deferMu.Lock()
	n := 0
	for _, l := range deferrals {
		n += len(l)
	}
	clear(deferrals)
	deferMu.Unlock()
	pending.Add(-int64(n))
}
