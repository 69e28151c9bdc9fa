package shard

import (
	"sort"
	"strings"

	"github.com/kevydb/kevy/resp"
)

// Handler executes one command against the keyspaces its Ctx gives access
// to and returns Redis's reply.
type Handler func(c *Ctx) resp.Reply

// Flags are a command's Redis flags, as COMMAND INFO lists them.
type Flags uint64

// The command flags of Redis 7.0 (COMMAND INFO's names in comments).
const (
	FlagWrite           Flags = 1 << iota // write
	FlagReadOnly                          // readonly
	FlagDenyOOM                           // denyoom
	FlagModule                            // module
	FlagAdmin                             // admin
	FlagPubSub                            // pubsub
	FlagNoScript                          // noscript
	FlagBlocking                          // blocking
	FlagLoading                           // loading
	FlagStale                             // stale
	FlagSkipMonitor                       // skip_monitor
	FlagSkipSlowlog                       // skip_slowlog
	FlagAsking                            // asking
	FlagFast                              // fast
	FlagNoAuth                            // no_auth
	FlagMayReplicate                      // may_replicate
	FlagSentinel                          // sentinel
	FlagOnlySentinel                      // only_sentinel
	FlagNoMandatoryKeys                   // no_mandatory_keys
	FlagNoAsyncLoading                    // no_async_loading
	FlagNoMulti                           // no_multi
	FlagMovableKeys                       // movablekeys
	FlagAllowBusy                         // allow_busy
)

var flagNames = []string{"write", "readonly", "denyoom", "module", "admin", "pubsub",
	"noscript", "blocking", "loading", "stale", "skip_monitor", "skip_slowlog", "asking",
	"fast", "no_auth", "may_replicate", "sentinel", "only_sentinel", "no_mandatory_keys",
	"no_async_loading", "no_multi", "movablekeys", "allow_busy"}

// Names returns the flags' COMMAND INFO names in Redis's order.
func (f Flags) Names() []string {
	var out []string
	for i, n := range flagNames {
		if f&(1<<i) != 0 {
			out = append(out, n)
		}
	}
	return out
}

func parseFlags(s string) Flags {
	var f Flags
	for _, w := range strings.Fields(s) {
		i := indexOf(flagNames, w)
		if i < 0 {
			panic("shard: unknown command flag " + w)
		}
		f |= 1 << i
	}
	return f
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

// Route says how an engine runs a command.
type Route uint8

// The routes. Every command's route is fixed in the table; the engines
// implement each one.
const (
	// RouteKeys: the command's keys decide. All keys on one shard: run
	// there. Keys on several shards: hold them all (ascending order) and run
	// on the coordinator. No keys at all: run on any shard (shard 0).
	RouteKeys Route = iota
	// RouteLocal: the command touches no keyspace; run it on the caller.
	RouteLocal
	// RouteAll: hold every shard and run once (FLUSHALL, SWAPDB).
	RouteAll
	// RouteFanout: run the handler on every shard, in parallel, then Merge
	// the per-shard replies (DBSIZE, KEYS, RANDOMKEY).
	RouteFanout
	// RouteShardFn: ShardFn picks the one shard (SCAN's cursor encodes it).
	RouteShardFn
	// RouteConn: connection state (SELECT, MULTI, SUBSCRIBE ...), handled by
	// the caller's session, never by an engine.
	RouteConn
)

// Command is one entry of the command table: Redis's metadata (as COMMAND
// INFO reports it) plus kevy's handler and route. Commands are created at
// init time and never change afterwards, so they may be shared freely.
type Command struct {
	Name     string // lower-case name ("get"; "encoding" for OBJECT ENCODING)
	FullName string // "get", "object|encoding": the name in error messages
	Arity    int    // argc including the name; negative: at least -Arity
	Flags    Flags  // the flags kevy runs the command by: Redis's, but see Reported
	// Reported, when not zero, are the flags COMMAND INFO shows instead of
	// Flags: Redis's own, for a command kevy must run differently. PFCOUNT
	// is "readonly" in Redis but may store the HLL's cached cardinality, so
	// engines must run it as a write (exclusive access, logged effects).
	Reported   Flags
	Categories []string // ACL categories, "@read" ...
	Tips       []string // Redis's command tips
	First      int      // first key position; 0 = no keys
	Last       int      // last key position; negative counts from the end
	Step       int      // distance between keys

	// KeysFn returns the key positions of commands whose keys move
	// (ZUNIONSTORE numkeys, LMPOP, SORT ... STORE). It appends to dst.
	KeysFn func(args []string, dst []int) []int
	// GetKeysFn, when set, gives COMMAND GETKEYS's answer where it differs
	// from the keys the command needs (KeysFn, which routing uses):
	// GEORADIUS ... STORE a STORE b writes b, while Redis's key specs
	// report a.
	GetKeysFn func(args []string, dst []int) []int
	// Run executes the command.
	Run Handler
	// Route says how engines run it.
	Route Route
	// Merge combines per-shard replies for RouteFanout commands.
	Merge func(c *Ctx, parts []resp.Reply) resp.Reply
	// ShardFn picks the shard for RouteShardFn commands, given the number
	// of shards; ok=false means the arguments are invalid and Run, on any
	// shard, produces the error.
	ShardFn func(args []string, nshards int) (shard int, ok bool)

	// Subs are the subcommands of a container command (OBJECT, CONFIG ...).
	Subs   map[string]*Command
	Parent *Command

	// ID is the command's index in Redis's command catalogue ([Catalog]),
	// which access control uses to index its per-command bits.
	ID int
	// KeySpecs are Redis's key specifications of the command ([KeySpec]).
	KeySpecs []KeySpec
	keys     keyInfo
}

// InfoFlags returns the flags COMMAND INFO reports: Redis's.
func (c *Command) InfoFlags() Flags {
	if c.Reported != 0 {
		return c.Reported
	}
	return c.Flags
}

// Is reports whether the command has all of the flags f.
func (c *Command) Is(f Flags) bool { return c.Flags&f == f }

// CheckArity reports whether argc arguments (the name included) suit the
// command.
func (c *Command) CheckArity(argc int) bool {
	if c.Arity > 0 {
		return argc == c.Arity
	}
	return argc >= -c.Arity
}

// Keys appends the positions in args of the command's keys to dst.
func (c *Command) Keys(args []string, dst []int) []int {
	if c.KeysFn != nil {
		return c.KeysFn(args, dst)
	}
	if c.First == 0 {
		return dst
	}
	last := c.Last
	if last < 0 {
		last = len(args) + last
	}
	for i := c.First; i <= last && i < len(args); i += c.Step {
		dst = append(dst, i)
	}
	return dst
}

var (
	table         = map[string]*Command{}  // live commands by lower-case name
	upper         = map[string]*Command{}  // the same by upper-case name (the usual spelling)
	metadata      = indexMeta(commandMeta) // Redis's metadata for the commands of table.go
	redisMetadata = indexRedisMeta()       // and for every Redis command (redis_commands.go)
)

// redisMeta is a row of the generated table of every Redis command; its
// index in the table is the command's ID.
type redisMeta struct {
	meta
	specs []KeySpec
}

func indexRedisMeta() map[string]int {
	m := make(map[string]int, len(redisCommands))
	for i := range redisCommands {
		m[redisCommands[i].name] = i
	}
	return m
}

type meta struct {
	name              string
	arity             int
	flags             string
	first, last, step int
	cats, tips        string
}

func indexMeta(rows []meta) map[string]*meta {
	m := make(map[string]*meta, len(rows))
	for i := range rows {
		m[rows[i].name] = &rows[i]
	}
	return m
}

// Register makes the command name ("get", or "object|encoding" for a
// subcommand) live with handler h, taking its metadata from the table of
// Redis's commands. It is called from init functions; it panics on a name
// with no metadata or registered twice, which are programming errors.
func Register(name string, h Handler) *Command {
	id, ok := redisMetadata[name]
	if !ok {
		panic("shard: no metadata for command " + name)
	}
	rm := &redisCommands[id]
	m := metadata[name]
	if m == nil {
		m = &rm.meta
	}
	c := &Command{
		FullName:   name,
		Arity:      m.arity,
		Flags:      parseFlags(m.flags),
		Categories: strings.Fields(m.cats),
		Tips:       strings.Fields(m.tips),
		First:      m.first,
		Last:       m.last,
		Step:       m.step,
		Run:        h,
		ID:         id,
		KeySpecs:   rm.specs,
		keys:       deriveKeyInfo(name, rm.specs),
	}
	if parent, sub, ok := strings.Cut(name, "|"); ok {
		c.Name = sub
		p := table[parent]
		if p == nil {
			panic("shard: subcommand " + name + " registered before its container")
		}
		if p.Subs == nil {
			p.Subs = map[string]*Command{}
		}
		if p.Subs[sub] != nil {
			panic("shard: command registered twice: " + name)
		}
		c.Parent = p
		c.Route = p.Route
		p.Subs[sub] = c
		return c
	}
	c.Name = name
	if table[name] != nil {
		panic("shard: command registered twice: " + name)
	}
	table[name] = c
	upper[strings.ToUpper(name)] = c
	return c
}

// Lookup finds a command by name, case-insensitively; nil when unknown. It
// does not allocate for names of up to 32 bytes.
func Lookup(name string) *Command {
	if len(name) > 0 && 'A' <= name[0] && name[0] <= 'Z' {
		if c := upper[name]; c != nil {
			return c
		}
	} else if c := table[name]; c != nil {
		return c
	}
	if len(name) > 32 {
		return table[lower(name)]
	}
	var buf [32]byte
	b := buf[:len(name)]
	for i := 0; i < len(name); i++ {
		c := name[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b[i] = c
	}
	return table[string(b)]
}

// Resolve finds the command for args the way Redis's processCommand does:
// the container command's subcommand when there is one, and checks arity.
// It returns the command, or nil and the error reply to send.
func Resolve(args []string) (*Command, resp.Reply) {
	if len(args) == 0 {
		return nil, resp.Err("ERR empty command")
	}
	c := Lookup(args[0])
	if c == nil {
		return nil, UnknownCommand(args)
	}
	if c.Subs != nil && len(args) >= 2 {
		sub := c.Subs[lower(args[1])]
		if sub == nil {
			return nil, UnknownSubcommand(c.Name, args[1])
		}
		c = sub
	}
	if !c.CheckArity(len(args)) {
		return nil, ArityError(c.FullName)
	}
	return c, resp.Reply{}
}

// Commands returns every live top-level command, sorted by name.
func Commands() []*Command {
	out := make([]*Command, 0, len(table))
	for _, c := range table {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// SubCommands returns a container's subcommands sorted by name.
func (c *Command) SubCommands() []*Command {
	out := make([]*Command, 0, len(c.Subs))
	for _, s := range c.Subs {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// CatalogEntry is one command of Redis 7.0's command set, whether kevy
// implements it or not: access control rules may name any of them, as
// in Redis.
type CatalogEntry struct {
	ID         int      // the index in Catalog
	FullName   string   // "get", "config|get"
	Parent     int      // the container's ID; -1 for a top-level command
	Categories []string // "@read" ...
	Flags      Flags
}

// Catalog returns every command and subcommand of Redis 7.0, sorted by
// full name; an entry's ID is its index, and a live command's ID is its
// entry's. The result is shared: callers must not modify it.
func Catalog() []CatalogEntry { return catalog }

var catalog = buildCatalog()

func buildCatalog() []CatalogEntry {
	out := make([]CatalogEntry, len(redisCommands))
	for i := range redisCommands {
		m := &redisCommands[i].meta
		e := CatalogEntry{ID: i, FullName: m.name, Parent: -1, Categories: strings.Fields(m.cats),
			Flags: parseFlags(m.flags)}
		if parent, _, ok := strings.Cut(m.name, "|"); ok {
			e.Parent = redisMetadata[parent]
		}
		out[i] = e
	}
	return out
}
