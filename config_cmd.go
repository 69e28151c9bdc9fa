package kevy

import (
	"context"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/kevydb/kevy/internal/glob"
	"github.com/kevydb/kevy/internal/serveconn"
	"github.com/kevydb/kevy/resp"
	"github.com/kevydb/kevy/shard"
)

// CONFIG GET, SET, RESETSTAT, REWRITE and HELP, with Redis 7.0's
// semantics: GET takes several glob patterns (matched without case) and
// replies with a flat list of names and values; SET takes several pairs and
// applies them all or none; errors have Redis's texts.

func init() {
	registerConn("config", nil)
	registerConn("config|get", (*Conn).cmdConfigGet)
	registerConn("config|set", (*Conn).cmdConfigSet)
	registerConn("config|resetstat", (*Conn).cmdConfigResetStat)
	registerConn("config|rewrite", func(*Conn, context.Context, []string) resp.Reply {
		return resp.Err("ERR The server is running without a config file")
	})
	registerConn("config|help", func(*Conn, context.Context, []string) resp.Reply {
		return shard.Help("CONFIG", []string{
			"GET <pattern>",
			"    Return parameters matching the glob-like <pattern> and their values.",
			"SET <directive> <value>",
			"    Set the configuration <directive> to <value>.",
			"RESETSTAT",
			"    Reset statistics reported by the INFO command.",
			"REWRITE",
			"    Rewrite the configuration file.",
		})
	})
}

// configParam is one parameter CONFIG knows.
type configParam struct {
	name string
	get  func(s *Store) string
	// parse validates a new value and returns what applies it, or Redis's
	// error text. Nil for a parameter that cannot be changed, with ro
	// saying why.
	parse func(s *Store, v string) (apply func(ctx context.Context) error, errText string)
	ro    string // "immutable" or "protected"
	// group, when set instead of parse, applies the parameter together
	// with the others of its group that the same CONFIG SET sets, as
	// Redis's shared apply functions do (the TLS parameters: a new
	// certificate and its key must be loaded at once): it gets their names
	// and values, and returns the parameter to blame and Redis's text on
	// failure, having applied nothing.
	group     func(s *Store, values map[string]string) (failName, errText string)
	groupName string
}

var configParams []*configParam

func init() {
	configParams = []*configParam{
		{name: "maxmemory", get: func(s *Store) string { return itoa(s.obs.rt.MaxMemory()) }, parse: parseMaxMemory},
		{name: "maxmemory-policy", get: func(s *Store) string { return s.obs.rt.Policy().String() }, parse: parsePolicy},
		{name: "maxmemory-samples", get: func(s *Store) string { return strconv.Itoa(s.obs.rt.Samples()) },
			parse: intParam(1, math.MaxInt32, func(s *Store, n int64) { s.obs.rt.SetSamples(int(n)) })},
		{name: "maxmemory-eviction-tenacity", get: func(*Store) string { return "10" },
			parse: intParam(0, 100, func(*Store, int64) {})},
		{name: "lfu-log-factor", get: func(s *Store) string { return itoa(s.obs.lfuLog.Load()) },
			parse: intParam(0, math.MaxInt32, func(s *Store, n int64) { s.obs.setLFU(int(n), int(s.obs.lfuDec.Load())) })},
		{name: "lfu-decay-time", get: func(s *Store) string { return itoa(s.obs.lfuDec.Load()) },
			parse: intParam(0, math.MaxInt32, func(s *Store, n int64) { s.obs.setLFU(int(s.obs.lfuLog.Load()), int(n)) })},
		{name: "hz", get: func(s *Store) string { return itoa(s.obs.cfgHz.Load()) },
			parse: intParam(0, math.MaxInt32, func(s *Store, n int64) { s.obs.setHz(int(n)) })},
		{name: "slowlog-log-slower-than", get: getSlowlogThreshold,
			parse: intParam(-1, math.MaxInt64, func(s *Store, n int64) {
				d := time.Duration(-1)
				if n >= 0 {
					d = time.Duration(min(n, math.MaxInt64/1000)) * time.Microsecond
				}
				s.obs.rt.Slowlog.SetThreshold(d)
			})},
		{name: "slowlog-max-len", get: func(s *Store) string { return itoa(s.obs.rt.Slowlog.MaxLen()) },
			parse: uintParam(math.MaxInt64, func(s *Store, n int64) { s.obs.rt.Slowlog.SetMaxLen(n) })},
		{name: "hll-sparse-max-bytes", get: func(s *Store) string { return strconv.Itoa(s.obs.rt.HLLSparseMaxBytes()) },
			parse: func(s *Store, v string) (func(context.Context) error, string) {
				n, ok := parseMemory(v)
				if !ok {
					return nil, "argument must be a memory value"
				}
				return func(context.Context) error { s.obs.rt.SetHLLSparseMaxBytes(n); return nil }, ""
			}},
		{name: "appendfsync", get: func(s *Store) string { return FsyncPolicy(s.obs.fsync.Load()).String() }, parse: parseAppendFsync},
		{name: "notify-keyspace-events", get: func(s *Store) string { return s.notifyConfigured().String() }, parse: parseNotify},
		{name: "appendonly", get: func(s *Store) string { return yesNo(s.cfg.Dir != "") }, ro: "immutable"},
		{name: "databases", get: func(s *Store) string { return strconv.Itoa(s.cfg.Databases) }, ro: "immutable"},
		{name: "dir", get: getDir, ro: "protected"},
		{name: "appenddirname", get: func(*Store) string { return "appendonlydir" }, ro: "immutable"},
	}
	configParams = append(configParams, encodingParams()...)
}

// lookupConfig finds a parameter by name, without case.
func lookupConfig(name string) *configParam {
	for _, p := range configParams {
		if strings.EqualFold(p.name, name) {
			return p
		}
	}
	return nil
}

func (c *Conn) cmdConfigGet(_ context.Context, args []string) resp.Reply {
	var out []string
	seen := map[*configParam]bool{}
	for _, pat := range args[2:] {
		if !strings.ContainsAny(pat, "[*?") {
			if p := lookupConfig(pat); p != nil && !seen[p] {
				seen[p] = true
				out = append(out, pat, p.get(c.s))
			}
			continue
		}
		g := glob.CompileNoCase(pat)
		for _, p := range configParams {
			if !seen[p] && g.Match(p.name) {
				seen[p] = true
				out = append(out, p.name, p.get(c.s))
			}
		}
	}
	if out == nil {
		return resp.EmptyArr
	}
	return resp.BulkArray(out)
}

func (c *Conn) cmdConfigSet(ctx context.Context, args []string) resp.Reply {
	if len(args)%2 != 0 {
		return shard.ErrSyntax
	}
	s := c.s
	n := (len(args) - 2) / 2
	params := make([]*configParam, n)
	unknown, failName, failText := "", "", ""
	for i := range n {
		name := args[2+2*i]
		p := lookupConfig(name)
		switch {
		case p == nil:
			if unknown == "" && failName == "" {
				unknown = name
			}
		case unknown != "" || failName != "":
			// The first problem wins; Redis goes on only to redact.
		case p.ro != "":
			failName, failText = name, "can't set "+p.ro+" config"
		case indexParam(params[:i], p) >= 0:
			failName, failText = name, "duplicate parameter"
		}
		params[i] = p
	}
	if unknown != "" {
		return resp.Err("ERR Unknown option or number of arguments for CONFIG SET - '" + unknown + "'")
	}
	if failName != "" {
		return configSetError(failName, failText)
	}
	s.obs.cfgMu.Lock()
	defer s.obs.cfgMu.Unlock()
	applies := make([]func(context.Context) error, n)
	var groups []*configParam // one parameter of each group set
	groupVals := map[*configParam]map[string]string{}
	for i, p := range params {
		if p.group != nil {
			first := p
			for _, g := range groups {
				if sameGroup(g, p) {
					first = g
				}
			}
			if first == p {
				groups = append(groups, p)
				groupVals[p] = map[string]string{}
			}
			groupVals[first][p.name] = args[3+2*i]
			continue
		}
		apply, errText := p.parse(s, args[3+2*i])
		if apply == nil {
			return configSetError(p.name, errText)
		}
		applies[i] = apply
	}
	for _, g := range groups {
		if name, errText := g.group(s, groupVals[g]); errText != "" {
			return configSetError(name, errText)
		}
	}
	for i, apply := range applies {
		if apply == nil {
			continue // a group's
		}
		if err := apply(ctx); err != nil {
			return configSetError(params[i].name, err.Error())
		}
	}
	return resp.OK
}

// sameGroup reports whether two parameters are applied together.
func sameGroup(a, b *configParam) bool {
	return a.group != nil && b.group != nil && a.groupName == b.groupName
}

func indexParam(ps []*configParam, p *configParam) int {
	for i, q := range ps {
		if q == p {
			return i
		}
	}
	return -1
}

func configSetError(name, text string) resp.Reply {
	return resp.Err("ERR CONFIG SET failed (possibly related to argument '" + name + "') - " + text)
}

func (c *Conn) cmdConfigResetStat(ctx context.Context, _ []string) resp.Reply {
	if err := c.s.ResetStats(ctx); err != nil {
		return resp.Err("ERR " + err.Error())
	}
	return resp.OK
}

// ResetStats zeroes the statistics INFO and Stats report, as CONFIG
// RESETSTAT does: hits and misses, expired and evicted keys, per-command
// and error counters, the memory peak.
func (s *Store) ResetStats(ctx context.Context) error {
	if err := s.onShards(ctx, func(_ int, ks *shard.Keyspace) { ks.ResetStats() }); err != nil {
		return err
	}
	s.obs.resetStats()
	return nil
}

// Parsers and getters.

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// intParam parses a signed integer parameter bounded by lo..hi.
func intParam(lo, hi int64, set func(*Store, int64)) func(*Store, string) (func(context.Context) error, string) {
	return func(s *Store, v string) (func(context.Context) error, string) {
		n, ok := shard.ParseInt(v)
		if !ok {
			return nil, "argument couldn't be parsed into an integer"
		}
		if n < lo || n > hi {
			return nil, "argument must be between " + itoa(lo) + " and " + itoa(hi) + " inclusive"
		}
		return func(context.Context) error { set(s, n); return nil }, ""
	}
}

// uintParam parses an unsigned integer parameter bounded by 0..hi, as
// Redis's unsigned configs (a negative number reads as a huge one).
func uintParam(hi int64, set func(*Store, int64)) func(*Store, string) (func(context.Context) error, string) {
	return func(s *Store, v string) (func(context.Context) error, string) {
		n, ok := shard.ParseInt(v)
		if !ok {
			return nil, "argument couldn't be parsed into an integer"
		}
		if n < 0 || n > hi {
			return nil, "argument must be between 0 and " + itoa(hi) + " inclusive"
		}
		return func(context.Context) error { set(s, n); return nil }, ""
	}
}

// parseMemory parses a memory value as Redis's memtoull: digits, then
// optionally b, k, kb, m, mb, g or gb (any case).
func parseMemory(v string) (int64, bool) { return serveconn.ParseMemory(v) }

func parseMaxMemory(s *Store, v string) (func(context.Context) error, string) {
	n, ok := parseMemory(v)
	if !ok {
		return nil, "argument must be a memory value"
	}
	return func(context.Context) error {
		s.obs.rt.SetMaxMemory(n)
		if used := s.obs.rt.Used(); n > 0 && n < used {
			s.cfg.Logger.Warn("kevy: the new maxmemory is smaller than the current memory usage; keys will be evicted or writes refused, depending on maxmemory-policy",
				"maxmemory", n, "used", used)
		}
		return nil
	}, ""
}

func parsePolicy(s *Store, v string) (func(context.Context) error, string) {
	p, ok := shard.ParseEvictionPolicy(v)
	if !ok {
		return nil, "argument(s) must be one of the following: " + strings.Join(shard.PolicyNames(), ", ")
	}
	return func(ctx context.Context) error {
		s.obs.rt.SetPolicy(p)
		s.settings.SetLFU(p.LFU())
		return s.onShards(ctx, func(_ int, ks *shard.Keyspace) { ks.ClearEvictionPool() })
	}, ""
}

func parseAppendFsync(s *Store, v string) (func(context.Context) error, string) {
	var p FsyncPolicy
	switch strings.ToLower(v) {
	case "everysec":
		p = FsyncEverySec
	case "always":
		p = FsyncAlways
	case "no":
		p = FsyncNo
	default:
		return nil, "argument(s) must be one of the following: everysec, always, no"
	}
	return func(ctx context.Context) error {
		s.obs.fsync.Store(uint32(p))
		if s.persist == nil {
			return nil
		}
		var first error
		err := s.onShards(ctx, func(i int, _ *shard.Keyspace) {
			if err := s.persist.logs[i].SetFsync(p); err != nil && first == nil {
				first = err
			}
		})
		if err != nil {
			return err
		}
		return first
	}, ""
}

func parseNotify(s *Store, v string) (func(context.Context) error, string) {
	classes, ok := shard.ParseNotifyClasses(v)
	if !ok {
		return nil, "Invalid event class character. Use 'Ag$lshzxeKEtmdn'."
	}
	return func(context.Context) error {
		s.obs.notify.Store(uint32(classes))
		s.obs.notifySet.Store(true)
		s.events.SetClasses(notifyEffective(classes))
		return nil
	}, ""
}

// notifyConfigured returns notify-keyspace-events as configured (the
// classes stay recorded even while K and E are both off, as in Redis).
func (s *Store) notifyConfigured() shard.NotifyClass {
	if s.obs.notifySet.Load() {
		return shard.NotifyClass(s.obs.notify.Load())
	}
	c, _ := shard.ParseNotifyClasses(s.cfg.NotifyKeyspaceEvents)
	return c
}

func getSlowlogThreshold(s *Store) string {
	d := s.obs.rt.Slowlog.Threshold()
	if d < 0 {
		return "-1"
	}
	return itoa(d.Microseconds())
}

func getDir(s *Store) string {
	if s.cfg.Dir == "" {
		return ""
	}
	if abs, err := filepath.Abs(s.cfg.Dir); err == nil {
		return abs
	}
	return s.cfg.Dir
}
