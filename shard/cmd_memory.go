package shard

import (
	"runtime/debug"

	"github.com/kevydb/kevy/resp"
)

// MEMORY USAGE, HELP and PURGE. MEMORY STATS and DOCTOR need the whole
// store; the kevy package registers them.

func init() {
	Register("memory", nil)
	Register("memory|usage", cmdMemoryUsage)
	Register("memory|help", cmdMemoryHelp).Route = RouteLocal
	Register("memory|purge", func(*Ctx) resp.Reply {
		debug.FreeOSMemory()
		return resp.OK
	}).Route = RouteLocal
}

// cmdMemoryUsage is MEMORY USAGE key [SAMPLES count]: the bytes the key is
// accounted for (its node, key, value and TTL, estimated as the memory
// accounting does). The estimate is O(1) whatever the value's size, so
// SAMPLES is validated as Redis does and otherwise ignored. Like Redis, it
// reports a key whose TTL has passed until it is reaped.
func cmdMemoryUsage(c *Ctx) resp.Reply {
	for j := 3; j < len(c.Args); j++ {
		if !EqualFold(c.Args[j], "samples") || j+1 >= len(c.Args) {
			return ErrSyntax
		}
		n, ok := ParseInt(c.Args[j+1])
		if !ok {
			return ErrNotInt
		}
		if n < 0 {
			return ErrSyntax
		}
		j++
	}
	key := c.Args[2]
	n, ok := c.KS(key).EntryMemory(c.DB, key, c.ReadOnly)
	if !ok {
		return resp.NilReply
	}
	return resp.IntReply(n)
}

func cmdMemoryHelp(*Ctx) resp.Reply {
	return Help("MEMORY", []string{
		"DOCTOR",
		"    Return memory problems reports.",
		"MALLOC-STATS",
		"    Return internal statistics report from the memory allocator.",
		"PURGE",
		"    Attempt to purge dirty pages for reclamation by the allocator.",
		"STATS",
		"    Return information about the memory usage of the server.",
		"USAGE <key> [SAMPLES <count>]",
		"    Return memory in bytes used by <key> and its value. Nested values are",
		"    sampled up to <count> times (default: 5, 0 means sample all).",
	})
}
