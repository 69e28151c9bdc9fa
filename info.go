package kevy

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/kevydb/kevy/resp"
	"github.com/kevydb/kevy/shard"
)

// INFO: Redis's sections and field names where they apply to an embedded
// store.

// infoSections are the sections INFO prints by default, in Redis's order.
var infoSections = []string{"server", "clients", "memory", "persistence", "stats", "cpu", "keyspace"}

// Info returns the text of INFO for the given sections (none: the default
// set; "all" or "everything": every section), in Redis's format.
func (s *Store) Info(ctx context.Context, sections ...string) (string, error) {
	return s.info(ctx, append([]string{"INFO"}, sections...))
}

// dbCounts is one database's key counts summed over shards.
type dbCounts struct{ keys, expires int64 }

func (c *Conn) cmdInfo(ctx context.Context, args []string) resp.Reply {
	text, err := c.s.info(ctx, args)
	if err != nil {
		return resp.Err("ERR " + err.Error())
	}
	return resp.BulkReply(text)
}

func (s *Store) info(ctx context.Context, args []string) (string, error) {
	if s.closed.Load() {
		return "", ErrClosed
	}
	return s.infoFrom(args, func(fn func(i int, ks *shard.Keyspace)) error { return s.onShards(ctx, fn) })
}

// infoFrom builds INFO's text, reading the shards through gather (which
// runs its argument on every shard's keyspace with exclusive access).
func (s *Store) infoFrom(args []string, gather func(fn func(i int, ks *shard.Keyspace)) error) (string, error) {
	want := map[string]bool{}
	all := len(args) == 1
	for _, a := range args[1:] {
		a = strings.ToLower(a)
		switch a {
		case "all", "everything", "default":
			all = true
		default:
			want[a] = true
		}
	}
	show := func(sec string) bool { return all || want[sec] }
	var b strings.Builder
	section := func(name string) {
		if b.Len() > 0 {
			b.WriteString("\r\n")
		}
		fmt.Fprintf(&b, "# %s\r\n", name)
	}
	if show("server") {
		section("Server")
		fmt.Fprintf(&b, "redis_version:7.0.15\r\n")
		fmt.Fprintf(&b, "kevy_engine:%s\r\n", s.cfg.Engine)
		fmt.Fprintf(&b, "redis_mode:standalone\r\n")
		fmt.Fprintf(&b, "os:%s %s\r\n", runtime.GOOS, runtime.GOARCH)
		fmt.Fprintf(&b, "arch_bits:64\r\n")
		fmt.Fprintf(&b, "go_version:%s\r\n", runtime.Version())
		fmt.Fprintf(&b, "process_id:%d\r\n", os.Getpid())
		up := time.Since(s.started)
		fmt.Fprintf(&b, "uptime_in_seconds:%d\r\n", int64(up.Seconds()))
		fmt.Fprintf(&b, "uptime_in_days:%d\r\n", int64(up.Hours()/24))
		fmt.Fprintf(&b, "hz:10\r\n")
		fmt.Fprintf(&b, "kevy_shards:%d\r\n", s.cfg.Shards)
	}
	if show("clients") {
		section("Clients")
		fmt.Fprintf(&b, "connected_clients:%d\r\n", 0)
	}
	if show("memory") {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		section("Memory")
		fmt.Fprintf(&b, "used_memory:%d\r\n", ms.HeapAlloc)
		fmt.Fprintf(&b, "used_memory_rss:%d\r\n", ms.Sys)
		fmt.Fprintf(&b, "maxmemory:0\r\n")
		fmt.Fprintf(&b, "maxmemory_policy:noeviction\r\n")
	}
	if show("persistence") {
		section("Persistence")
		fmt.Fprintf(&b, "loading:0\r\n")
		fmt.Fprintf(&b, "aof_enabled:%d\r\n", boolInt(s.cfg.Dir != ""))
	}
	var hits, misses, expired, evicted int64
	counts := make([]dbCounts, s.cfg.Databases)
	needKeys := show("stats") || show("keyspace")
	if needKeys {
		per := make([][]dbCounts, s.cfg.Shards)
		type hm struct{ h, m, x, e int64 }
		stats := make([]hm, s.cfg.Shards)
		err := gather(func(i int, ks *shard.Keyspace) {
			dc := make([]dbCounts, ks.NumDBs())
			for d := range dc {
				db := ks.DB(d)
				dc[d] = dbCounts{int64(db.Len()), int64(db.Volatile())}
			}
			per[i] = dc
			stats[i] = hm{ks.Stats.Hits.Load(), ks.Stats.Misses.Load(), ks.Stats.Expired.Load(), ks.Stats.Evicted.Load()}
		})
		if err != nil {
			return "", err
		}
		for i := range per {
			for d, x := range per[i] {
				counts[d].keys += x.keys
				counts[d].expires += x.expires
			}
			hits += stats[i].h
			misses += stats[i].m
			expired += stats[i].x
			evicted += stats[i].e
		}
	}
	if show("stats") {
		section("Stats")
		fmt.Fprintf(&b, "expired_keys:%d\r\n", expired)
		fmt.Fprintf(&b, "evicted_keys:%d\r\n", evicted)
		fmt.Fprintf(&b, "keyspace_hits:%d\r\n", hits)
		fmt.Fprintf(&b, "keyspace_misses:%d\r\n", misses)
	}
	if show("cpu") {
		section("CPU")
		fmt.Fprintf(&b, "go_goroutines:%d\r\n", runtime.NumGoroutine())
	}
	if show("keyspace") {
		section("Keyspace")
		for d, x := range counts {
			if x.keys > 0 {
				fmt.Fprintf(&b, "db%d:keys=%d,expires=%d,avg_ttl=0\r\n", d, x.keys, x.expires)
			}
		}
	}
	return b.String(), nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
