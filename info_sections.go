package kevy

import (
	"fmt"
	"math"
	"os"
	"runtime"
	"runtime/metrics"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kevydb/kevy/shard"
)

// The bodies of INFO's sections (see info.go for the framing).

// infoInput is what INFO read from the shards.
type infoInput struct {
	samples []shardSample
	cmds    map[*shard.Command]*cmdTotals
	stats   Stats
}

// cmdTotals are one command's counters summed over shards.
type cmdTotals struct{ calls, nanos, rejected, failed int64 }

// gatherInfo reads every shard once.
func (s *Store) gatherInfo(gather func(fn func(i int, ks *shard.Keyspace)) error) (infoInput, error) {
	n := s.cfg.Shards
	in := infoInput{samples: make([]shardSample, n), cmds: map[*shard.Command]*cmdTotals{}}
	per := make([]map[*shard.Command]cmdTotals, n)
	now := shard.Now()
	err := gather(func(i int, ks *shard.Keyspace) {
		in.samples[i] = sampleShard(ks, now)
		m := map[*shard.Command]cmdTotals{}
		ks.CommandStats(func(cmd *shard.Command, st *shard.CmdStat) {
			m[cmd] = cmdTotals{st.Calls.Load(), st.Nanos.Load(), st.Rejected.Load(), st.Failed.Load()}
		})
		per[i] = m
	})
	if err != nil {
		return infoInput{}, err
	}
	for _, m := range per {
		for cmd, t := range m {
			acc := in.cmds[cmd]
			if acc == nil {
				acc = &cmdTotals{}
				in.cmds[cmd] = acc
			}
			acc.calls += t.calls
			acc.nanos += t.nanos
			acc.rejected += t.rejected
			acc.failed += t.failed
		}
	}
	s.obs.cmds.addTo(in.cmds)
	in.stats = s.statsFrom(in.samples)
	return in, nil
}

// writeInfoSection writes the fields of section key.
func (s *Store) writeInfoSection(b *strings.Builder, key string, in *infoInput) {
	f := func(name string, v any) { fmt.Fprintf(b, "%s:%v\r\n", name, v) }
	switch key {
	case "server":
		s.infoServer(f)
	case "clients":
		waiters := 0
		for _, sm := range in.samples {
			waiters += sm.waiters
		}
		cs := s.clientStats() // network clients of a server.Server, if any (clients.go)
		f("connected_clients", cs.Connected)
		f("cluster_connections", 0)
		f("maxclients", cs.MaxClients)
		f("client_recent_max_input_buffer", cs.MaxInput)
		f("client_recent_max_output_buffer", cs.MaxOutput)
		f("blocked_clients", max(waiters, cs.Blocked))
		f("tracking_clients", 0)
		f("clients_in_timeout_table", 0)
	case "memory":
		s.infoMemory(f, &in.stats)
	case "stats":
		s.infoStats(f, &in.stats)
	case "replication":
		f("role", "master")
		f("connected_slaves", 0)
		f("master_failover_state", "no-failover")
		f("master_replid", s.obs.runID)
		f("master_replid2", strings.Repeat("0", 40))
		f("master_repl_offset", 0)
		f("second_repl_offset", -1)
		f("repl_backlog_active", 0)
		f("repl_backlog_size", 1048576)
		f("repl_backlog_first_byte_offset", 0)
		f("repl_backlog_histlen", 0)
	case "cpu":
		sys, user := cpuTimes()
		f("used_cpu_sys", fmt.Sprintf("%.6f", sys.Seconds()))
		f("used_cpu_user", fmt.Sprintf("%.6f", user.Seconds()))
		f("used_cpu_sys_children", "0.000000")
		f("used_cpu_user_children", "0.000000")
		f("kevy_goroutines", runtime.NumGoroutine())
	case "commandstats":
		infoCommandStats(b, in.cmds)
	case "errorstats":
		codes, _ := s.obs.rt.Errors.Snapshot()
		names := make([]string, 0, len(codes))
		for c := range codes {
			names = append(names, c)
		}
		slices.Sort(names)
		for _, c := range names {
			fmt.Fprintf(b, "errorstat_%s:count=%d\r\n", c, codes[c])
		}
	case "cluster":
		f("cluster_enabled", 0)
	case "keyspace":
		infoKeyspace(b, in)
	}
}

func (s *Store) infoServer(f func(string, any)) {
	up := time.Since(s.started)
	exe, _ := os.Executable() // "" when unknown
	now := time.Now()
	rt := s.obs.rt
	f("redis_version", "7.0.15")
	f("redis_git_sha1", "00000000")
	f("redis_git_dirty", 0)
	f("redis_build_id", "0")
	f("redis_mode", "standalone")
	f("os", runtime.GOOS+" "+runtime.GOARCH)
	f("arch_bits", strconv.IntSize)
	f("monotonic_clock", "Go runtime")
	f("multiplexing_api", "none")
	f("atomicvar_api", "sync/atomic")
	f("go_version", runtime.Version())
	f("process_id", os.Getpid())
	f("process_supervised", "no")
	f("run_id", s.obs.runID)
	f("tcp_port", 0)
	f("server_time_usec", now.UnixMicro())
	f("uptime_in_seconds", int64(up.Seconds()))
	f("uptime_in_days", int64(up.Hours()/24))
	f("hz", rt.Hz())
	f("configured_hz", s.obs.cfgHz.Load())
	f("lru_clock", now.Unix()&(1<<24-1))
	f("executable", exe)
	f("config_file", "")
	f("io_threads_active", 0)
	f("kevy_engine", s.cfg.Engine)
	f("kevy_shards", s.cfg.Shards)
}

// goMetrics are the runtime/metrics INFO memory reports.
var goMetrics = []string{
	"/memory/classes/total:bytes",
	"/memory/classes/heap/released:bytes",
	"/memory/classes/heap/objects:bytes",
	"/gc/heap/live:bytes",
	"/gc/cycles/total:gc-cycles",
	"/gc/heap/objects:objects",
}

func (s *Store) infoMemory(f func(string, any), st *Stats) {
	samples := make([]metrics.Sample, len(goMetrics))
	for i, n := range goMetrics {
		samples[i].Name = n
	}
	metrics.Read(samples)
	val := func(i int) uint64 {
		if samples[i].Value.Kind() == metrics.KindUint64 {
			return samples[i].Value.Uint64()
		}
		return 0
	}
	rss := val(0) - val(1)
	used := uint64(st.UsedMemory)
	pct := func(a, b uint64) string {
		if b == 0 {
			return "0.00%"
		}
		return fmt.Sprintf("%.2f%%", float64(a)*100/float64(b))
	}
	ratio := func(a, b uint64) string {
		if b == 0 {
			return "0.00"
		}
		return fmt.Sprintf("%.2f", float64(a)/float64(b))
	}
	f("used_memory", used)
	f("used_memory_human", bytesToHuman(used))
	f("used_memory_rss", rss)
	f("used_memory_rss_human", bytesToHuman(rss))
	f("used_memory_peak", st.PeakMemory)
	f("used_memory_peak_human", bytesToHuman(uint64(st.PeakMemory)))
	f("used_memory_peak_perc", pct(used, uint64(st.PeakMemory)))
	f("used_memory_overhead", 0)
	f("used_memory_startup", 0)
	f("used_memory_dataset", used)
	f("used_memory_dataset_perc", pct(used, used))
	f("allocator_allocated", val(2))
	f("allocator_active", val(2))
	f("allocator_resident", rss)
	f("maxmemory", st.MaxMemory)
	f("maxmemory_human", bytesToHuman(uint64(st.MaxMemory)))
	f("maxmemory_policy", st.MaxMemoryPolicy)
	f("mem_fragmentation_ratio", ratio(rss, used))
	f("mem_fragmentation_bytes", int64(rss)-int64(used))
	f("mem_not_counted_for_evict", 0)
	f("mem_aof_buffer", 0)
	f("mem_allocator", "go-"+runtime.Version())
	f("lazyfree_pending_objects", 0)
	f("lazyfreed_objects", 0)
	f("kevy_go_heap_live", val(3))
	f("kevy_go_heap_objects", val(5))
	f("kevy_go_gc_cycles", val(4))
}

func (s *Store) infoStats(f func(string, any), st *Stats) {
	nsub, npat := s.pubsubCounts()
	f("total_connections_received", s.nextID.Load())
	f("total_commands_processed", st.Commands)
	f("instantaneous_ops_per_sec", int64(math.Round(s.obs.opsPerSec(st.Commands))))
	f("rejected_connections", s.clientStats().Rejected)
	f("expired_keys", st.ExpiredKeys)
	f("expired_stale_perc", "0.00")
	f("expired_time_cap_reached_count", 0)
	f("evicted_keys", st.EvictedKeys)
	f("evicted_clients", 0)
	f("total_eviction_exceeded_time", 0)
	f("current_eviction_exceeded_time", 0)
	f("keyspace_hits", st.Hits)
	f("keyspace_misses", st.Misses)
	f("pubsub_channels", nsub)
	f("pubsub_patterns", npat)
	f("unexpected_error_replies", 0)
	f("total_error_replies", st.ErrorReplies)
	f("kevy_oom_rejections", st.EvictionFailures)
	f("kevy_events_dropped", st.EventsDropped)
}

// pubsubCounts returns the numbers of channels and patterns subscribed to.
func (s *Store) pubsubCounts() (channels, patterns int) {
	if chs, err := s.bus.Channels(); err == nil {
		channels = len(chs)
	}
	if n, err := s.bus.NumPat(); err == nil {
		patterns = n
	}
	return channels, patterns
}

func infoCommandStats(b *strings.Builder, cmds map[*shard.Command]*cmdTotals) {
	list := make([]*shard.Command, 0, len(cmds))
	for c := range cmds {
		list = append(list, c)
	}
	slices.SortFunc(list, func(a, b *shard.Command) int { return strings.Compare(a.FullName, b.FullName) })
	for _, c := range list {
		t := cmds[c]
		usec := t.nanos / 1000
		per := 0.0
		if t.calls > 0 {
			per = float64(t.nanos) / 1000 / float64(t.calls)
		}
		fmt.Fprintf(b, "cmdstat_%s:calls=%d,usec=%d,usec_per_call=%.2f,rejected_calls=%d,failed_calls=%d\r\n",
			c.FullName, t.calls, usec, per, t.rejected, t.failed)
	}
}

func infoKeyspace(b *strings.Builder, in *infoInput) {
	for d, x := range in.stats.DBs {
		if x.Keys == 0 {
			continue
		}
		var sum float64
		n := 0
		for _, sm := range in.samples {
			if d < len(sm.ttlN) && sm.ttlN[d] > 0 {
				sum += sm.ttlSum[d] * float64(sm.ttlN[d])
				n += sm.ttlN[d]
			}
		}
		avg := int64(0)
		if n > 0 {
			avg = int64(sum / float64(n))
		}
		fmt.Fprintf(b, "db%d:keys=%d,expires=%d,avg_ttl=%d\r\n", d, x.Keys, x.Expires, avg)
	}
}

// bytesToHuman formats n as Redis's bytesToHuman: "943.31K", "6.39M".
func bytesToHuman(n uint64) string {
	const k = 1024
	units := []string{"K", "M", "G", "T", "P"}
	if n < k {
		return strconv.FormatUint(n, 10) + "B"
	}
	d := float64(n) / k
	for _, u := range units {
		if d < k {
			return fmt.Sprintf("%.2f%s", d, u)
		}
		d /= k
	}
	return strconv.FormatUint(n, 10) + "B"
}
