package kevy

import (
	"context"
	"math"
	"time"

	"github.com/kevydb/kevy/resp"
	"github.com/kevydb/kevy/shard"
)

// SLOWLOG GET, LEN, RESET and HELP, over the store's slow log (see
// Config.SlowlogThreshold). A command's time is its execution on its shard,
// queueing excluded, as Redis measures it.

func init() {
	registerConn("slowlog", nil)
	registerConn("slowlog|get", (*Conn).cmdSlowlogGet)
	registerConn("slowlog|len", func(c *Conn, _ context.Context, args []string) resp.Reply {
		if len(args) != 2 {
			return slowlogSyntax(args)
		}
		return resp.IntReply(int64(c.s.obs.rt.Slowlog.Len()))
	})
	registerConn("slowlog|reset", func(c *Conn, _ context.Context, args []string) resp.Reply {
		if len(args) != 2 {
			return slowlogSyntax(args)
		}
		c.s.obs.rt.Slowlog.Reset()
		return resp.OK
	})
	registerConn("slowlog|help", func(*Conn, context.Context, []string) resp.Reply {
		return shard.Help("SLOWLOG", []string{
			"GET [<count>]",
			"    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
			"    Entries are made of:",
			"    id, timestamp, time in microseconds, arguments array, client IP and port,",
			"    client name",
			"LEN",
			"    Return the length of the slowlog.",
			"RESET",
			"    Reset the slowlog.",
		})
	})
}

// slowlogSyntax is Redis's addReplySubcommandSyntaxError for SLOWLOG.
func slowlogSyntax(args []string) resp.Reply {
	sub := args[1]
	if len(sub) > 128 {
		sub = sub[:128]
	}
	return resp.Err("ERR unknown subcommand or wrong number of arguments for '" + sub + "'. Try SLOWLOG HELP.")
}

func (c *Conn) cmdSlowlogGet(_ context.Context, args []string) resp.Reply {
	if len(args) > 3 {
		return slowlogSyntax(args)
	}
	count := int64(10)
	if len(args) == 3 {
		n, ok := shard.ParseInt(args[2])
		if !ok || n < -1 || n > math.MaxInt64 {
			return resp.Err("ERR count should be greater than or equal to -1")
		}
		count = n
	}
	n := int(min(count, math.MaxInt32))
	entries := c.s.obs.rt.Slowlog.Get(n)
	out := make([]resp.Reply, len(entries))
	for i, e := range entries {
		out[i] = resp.ArrayReply([]resp.Reply{
			resp.IntReply(e.ID),
			resp.IntReply(e.Time),
			resp.IntReply(e.Duration.Microseconds()),
			resp.BulkArray(e.Args),
			resp.BulkReply(e.ClientAddr),
			resp.BulkReply(e.ClientName),
		})
	}
	return resp.ArrayReply(out)
}

// SlowlogEntry is one entry of the slow log.
type SlowlogEntry struct {
	ID         int64         // increasing from 0 since Open
	Time       time.Time     // when it was logged (second resolution)
	Duration   time.Duration // the command's execution time
	Args       []string      // the command line (at most 32 arguments of at most 128 bytes shown)
	ClientName string        // the connection's name, if any
}

// SlowlogGet returns the n most recent entries of the slow log, newest
// first (n < 0: all of them), as SLOWLOG GET.
func (s *Store) SlowlogGet(n int) []SlowlogEntry {
	entries := s.obs.rt.Slowlog.Get(n)
	out := make([]SlowlogEntry, len(entries))
	for i, e := range entries {
		out[i] = SlowlogEntry{ID: e.ID, Time: time.Unix(e.Time, 0), Duration: e.Duration,
			Args: e.Args, ClientName: e.ClientName}
	}
	return out
}

// SlowlogReset empties the slow log, as SLOWLOG RESET.
func (s *Store) SlowlogReset() { s.obs.rt.Slowlog.Reset() }
