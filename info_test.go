package kevy_test

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/kevydb/kevy"
	"github.com/kevydb/kevy/internal/redistest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// INFO against redis-server: the same sections in the same order for every
// section selection, the same line format, and Redis's field names except
// those that describe a server kevy is not (network, replication
// internals, allocator and Lua details).

// infoParse splits INFO's text into its section titles, in order, and each
// section's field names.
func infoParse(t *testing.T, text string) (titles []string, fieldsOf map[string][]string) {
	t.Helper()
	fieldsOf = map[string][]string{}
	if text == "" {
		return nil, fieldsOf
	}
	require.True(t, strings.HasSuffix(text, "\r\n"), "INFO must end with CRLF")
	cur := ""
	for _, line := range strings.Split(strings.TrimSuffix(text, "\r\n"), "\r\n") {
		switch {
		case line == "":
		case strings.HasPrefix(line, "# "):
			cur = line[2:]
			titles = append(titles, cur)
		default:
			name, _, ok := strings.Cut(line, ":")
			require.True(t, ok, "line without a colon: %q", line)
			fieldsOf[cur] = append(fieldsOf[cur], name)
		}
	}
	return titles, fieldsOf
}

// infoNotApplicable are Redis's INFO fields kevy does not report.
var infoNotApplicable = map[string]bool{
	"gcc_version": true, "used_memory_lua": true, "used_memory_vm_eval": true, "used_memory_lua_human": true,
	"used_memory_scripts_eval": true, "number_of_cached_scripts": true, "number_of_functions": true,
	"number_of_libraries": true, "used_memory_vm_functions": true, "used_memory_vm_total": true,
	"used_memory_vm_total_human": true, "used_memory_functions": true, "used_memory_scripts": true,
	"used_memory_scripts_human": true, "total_system_memory": true, "total_system_memory_human": true,
	"allocator_frag_ratio": true, "allocator_frag_bytes": true, "allocator_rss_ratio": true,
	"allocator_rss_bytes": true, "rss_overhead_ratio": true, "rss_overhead_bytes": true,
	"mem_replication_backlog": true, "mem_total_replication_buffers": true, "mem_clients_slaves": true,
	"mem_clients_normal": true, "mem_cluster_links": true, "active_defrag_running": true,
	"total_net_input_bytes": true, "total_net_output_bytes": true, "total_net_repl_input_bytes": true,
	"total_net_repl_output_bytes": true, "instantaneous_input_kbps": true, "instantaneous_output_kbps": true,
	"instantaneous_input_repl_kbps": true, "instantaneous_output_repl_kbps": true, "sync_full": true,
	"sync_partial_ok": true, "sync_partial_err": true, "pubsubshard_channels": true, "latest_fork_usec": true,
	"total_forks": true, "migrate_cached_sockets": true, "slave_expires_tracked_keys": true,
	"active_defrag_hits": true, "active_defrag_misses": true, "active_defrag_key_hits": true,
	"active_defrag_key_misses": true, "total_active_defrag_time": true, "current_active_defrag_time": true,
	"tracking_total_keys": true, "tracking_total_items": true, "tracking_total_prefixes": true,
	"dump_payload_sanitizations": true, "expire_cycle_cpu_milliseconds": true, "total_reads_processed": true, "total_writes_processed": true,
	"io_threaded_reads_processed": true, "io_threaded_writes_processed": true, "reply_buffer_shrinks": true,
	"reply_buffer_expands": true, "used_cpu_sys_main_thread": true, "used_cpu_user_main_thread": true,
	// Persistence: fork and copy-on-write details (kevy snapshots without fork).
	"current_cow_peak": true, "current_cow_size": true, "current_cow_size_age": true, "current_fork_perc": true,
	"current_save_keys_processed": true, "current_save_keys_total": true, "rdb_last_cow_size": true,
	"rdb_last_load_keys_expired": true, "rdb_last_load_keys_loaded": true, "aof_last_cow_size": true,
	"module_fork_in_progress": true, "module_fork_last_cow_size": true,
	// Only while AOF is on.
	"aof_current_size": true, "aof_base_size": true, "aof_pending_rewrite": true, "aof_buffer_length": true,
	"aof_pending_bio_fsync": true, "aof_delayed_fsync": true,
}

func TestInfoMatchesRedis(t *testing.T) {
	srv := redistest.Start(t)
	cl := srv.Client(t)
	cl.MustDo(t, "SET", "a", "1")
	cl.MustDo(t, "SET", "b", "2", "EX", "100")
	cl.MustDo(t, "INCR", "x", "y")
	db := mustOpen(t, kevy.Config{SlowlogThreshold: 1})
	c := db.Conn()
	defer c.Close()
	ctx := context.Background()
	c.Exec(ctx, "SET", "a", "1")
	c.Exec(ctx, "SET", "b", "2", "EX", "100")
	c.Exec(ctx, "INCR", "x", "y")
	for _, sel := range [][]string{{}, {"default"}, {"all"}, {"everything"}, {"memory"}, {"MEMORY", "Stats"},
		{"keyspace", "server"}, {"commandstats"}, {"errorstats"}, {"nosuch"}, {"cpu", "replication", "cluster"}} {
		args := append([]string{"INFO"}, sel...)
		want := fromRedis(cl.MustDo(t, args...)).Str
		got := c.Exec(ctx, args...)
		require.Equal(t, kevy.ReplyBulk, got.Kind, args)
		wt, wf := infoParse(t, want)
		gt, gf := infoParse(t, got.Str)
		assert.Equal(t, wt, gt, "sections of %v", args)
		for sec, names := range wf {
			if sec == "Commandstats" || sec == "Latencystats" || sec == "Errorstats" || sec == "Keyspace" {
				continue // per command, error code and database
			}
			for _, n := range names {
				if !infoNotApplicable[n] {
					assert.Contains(t, gf[sec], n, "INFO %v: section %s lacks %s", sel, sec, n)
				}
			}
		}
	}
}

func TestInfoFields(t *testing.T) {
	ctx := context.Background()
	forEach(t, func(t *testing.T, db *kevy.Store) {
		c := db.Conn()
		defer c.Close()
		c.Exec(ctx, "CONFIG", "SET", "slowlog-log-slower-than", "0")
		c.Exec(ctx, "SET", "a", "1")
		c.Exec(ctx, "SET", "b", "2", "EX", "100")
		c.Exec(ctx, "GET", "a")
		c.Exec(ctx, "GET", "nosuch")
		c.Exec(ctx, "INCR", "a", "b") // rejected: wrong arity
		c.Exec(ctx, "SET", "s", "x")
		c.Exec(ctx, "INCR", "s") // failed: not an integer
		c.Exec(ctx, "SELECT", "2")
		c.Exec(ctx, "SET", "c", "3")
		text := c.Exec(ctx, "INFO", "everything").Str
		for _, re := range []string{
			`(?m)^redis_version:7\.0\.15\r$`,
			`(?m)^redis_mode:standalone\r$`,
			`(?m)^run_id:[0-9a-f]{40}\r$`,
			`(?m)^uptime_in_seconds:\d+\r$`,
			`(?m)^hz:10\r$`,
			`(?m)^used_memory:[1-9]\d*\r$`,
			`(?m)^used_memory_human:\d+(\.\d\d[KMGTP]|B)\r$`,
			`(?m)^used_memory_peak_perc:\d+\.\d\d%\r$`,
			`(?m)^maxmemory:0\r$`,
			`(?m)^maxmemory_policy:noeviction\r$`,
			`(?m)^mem_fragmentation_ratio:\d+\.\d\d\r$`,
			`(?m)^total_commands_processed:[1-9]\d*\r$`,
			`(?m)^keyspace_hits:1\r$`,
			`(?m)^keyspace_misses:1\r$`,
			`(?m)^evicted_keys:0\r$`,
			`(?m)^total_error_replies:2\r$`,
			`(?m)^role:master\r$`,
			`(?m)^used_cpu_user:\d+\.\d{6}\r$`,
			`(?m)^cmdstat_set:calls=4,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=0,failed_calls=0\r$`,
			`(?m)^cmdstat_incr:calls=1,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=1,failed_calls=1\r$`,
			`(?m)^errorstat_ERR:count=2\r$`,
			`(?m)^cluster_enabled:0\r$`,
			`(?m)^db0:keys=3,expires=1,avg_ttl=\d{5,6}\r$`,
			`(?m)^db2:keys=1,expires=0,avg_ttl=0\r$`,
			`(?m)^kevy_engine:(actor|locked)\r$`,
		} {
			assert.Regexp(t, regexp.MustCompile(re), text)
		}
		// Stats agree with INFO.
		st := stats(t, db)
		assert.Equal(t, int64(3), st.DBs[0].Keys)
		assert.Equal(t, int64(1), st.DBs[0].Expires)
		assert.Equal(t, int64(1), st.DBs[2].Keys)
		assert.Equal(t, int64(1), st.Hits)
		assert.Equal(t, int64(1), st.Misses)
		assert.Equal(t, int64(2), st.ErrorReplies)
		assert.Len(t, st.Shards, db.Config().Shards)
		var keys int64
		for _, sh := range st.Shards {
			keys += sh.Keys
		}
		assert.Equal(t, int64(4), keys)
		// CONFIG RESETSTAT zeroes the counters.
		require.Equal(t, "+OK", show(c.Exec(ctx, "CONFIG", "RESETSTAT")))
		st = stats(t, db)
		assert.Zero(t, st.Hits+st.Misses+st.ErrorReplies+st.Commands)
		text = c.Exec(ctx, "INFO", "commandstats", "errorstats").Str
		// As in Redis, only CONFIG RESETSTAT itself was counted since.
		assert.Regexp(t, `^# Commandstats\r\ncmdstat_config\|resetstat:calls=1,[^\r]*\r\n\r\n# Errorstats\r\n$`, text)
	})
}

func TestStatsShards(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t, kevy.Config{Shards: 2})
	for i := range 1000 {
		require.NoError(t, db.Set(ctx, "k"+string(rune('a'+i%26))+strings.Repeat("x", i%7), "v", 0))
	}
	st := stats(t, db)
	require.Len(t, st.Shards, 2)
	for _, sh := range st.Shards {
		assert.Positive(t, sh.Batches)
		assert.GreaterOrEqual(t, sh.Messages, sh.Batches)
		assert.GreaterOrEqual(t, sh.AvgBatch, 1.0)
		assert.GreaterOrEqual(t, sh.Saturation, 0.0)
		assert.LessOrEqual(t, sh.Saturation, 1.0)
		assert.Positive(t, sh.Busy)
	}
	assert.Equal(t, kevy.EngineActor, st.Engine)
	assert.False(t, st.Persistence.Enabled)
	assert.True(t, slices.ContainsFunc(st.DBs, func(d kevy.DBStats) bool { return d.Keys > 0 }))
}
