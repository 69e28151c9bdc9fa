package kevy_test

import (
	"context"
	"fmt"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kevydb/kevy"
	"github.com/kevydb/kevy/internal/redistest"
	"github.com/kevydb/kevy/resp"
)

// The differential fuzzer's executor: one run applies (a subsequence of)
// a program to a freshly flushed redis-server, over one connection, and to
// a fresh kevy Store through one Conn, and compares every pair of replies.
// A second redis connection and a second Conn read state for the harness
// (prior contents of random commands, SORT's key type, digests), so the
// connections under test only ever see the program's commands.

// fzFailure is a divergence.
type fzFailure struct {
	Op     int      // program index of the command that diverged, or after which the digest did
	Conn   int      // the connection that sent it
	State  bool     // found by a keyspace digest rather than by a reply
	Args   []string // the command (nil for a digest)
	Detail string
}

func (f *fzFailure) String() string {
	if f.State {
		return fmt.Sprintf("keyspace digest after op %d differs: %s", f.Op, f.Detail)
	}
	return fmt.Sprintf("op %d: %s\n         %s", f.Op, fzOp{f.Conn, f.Args}, f.Detail)
}

// errFzIO carries an I/O failure talking to redis-server out of a run.
type errFzIO struct{ err error }

// fzRun is one execution.
type fzRun struct {
	ctx     context.Context
	conns   [2]*fzConn        // the connections under test
	c       *fzConn           // the one of the command being run
	probe   *redistest.Client // the harness's own reads
	probeDB int
	store   *kevy.Store
	kx      *kevy.Conn // the harness's own reads and reconciliations
	kxDB    int
	ops     int // commands compared
	digests int
}

// fzConn is a connection under test: one to redis-server, one to kevy,
// and the state redis-server's replies imply for it.
type fzConn struct {
	rc      *redistest.Client
	kc      *kevy.Conn
	db      int // selected database
	inMulti bool
	queue   [][]string // commands queued by MULTI
}

// newFzRun dials addr three times, flushes it and opens a store with cfg.
func newFzRun(addr string, cfg kevy.Config) (*fzRun, error) {
	var clients [3]*redistest.Client
	closeAll := func() {
		for _, c := range clients {
			if c != nil {
				c.Close()
			}
		}
	}
	for i := range clients {
		c, err := redistest.Dial(addr)
		if err != nil {
			closeAll()
			return nil, err
		}
		clients[i] = c
	}
	if v, err := clients[0].Do("FLUSHALL"); err != nil || v.Type != '+' {
		closeAll()
		return nil, fmt.Errorf("FLUSHALL: %v %v", v, err)
	}
	store, err := kevy.Open(cfg)
	if err != nil {
		closeAll()
		return nil, err
	}
	r := &fzRun{ctx: context.Background(), probe: clients[2], store: store, kx: store.Conn()}
	for i := range r.conns {
		r.conns[i] = &fzConn{rc: clients[i], kc: store.Conn()}
	}
	r.c = r.conns[0]
	return r, nil
}

// closeRedis closes the connections to redis-server.
func (r *fzRun) closeRedis() {
	for _, c := range r.conns {
		c.rc.Close()
	}
	r.probe.Close()
}

func (r *fzRun) close() error {
	r.closeRedis()
	for _, c := range r.conns {
		c.kc.Close()
	}
	r.kx.Close()
	return r.store.Close()
}

// runFz applies prog's commands at idx (all of them when idx is nil),
// with a digest every digestEvery commands (0: none) and, when
// finalDigest, one at the end. It returns the first divergence.
func runFz(addr string, cfg kevy.Config, prog []fzOp, idx []int, digestEvery int, finalDigest bool) (st fzStats, f *fzFailure, err error) {
	r, err := newFzRun(addr, cfg)
	if err != nil {
		return st, nil, err
	}
	cur := -1
	defer func() {
		st = fzStats{Ops: r.ops, Digests: r.digests}
		if p := recover(); p != nil {
			if e, ok := p.(errFzIO); ok {
				err = e.err
			} else if cur >= 0 {
				// kevy panicked on the caller's goroutine (the locked
				// engine): a divergence like any other, minus the store,
				// which may hold locks and is left unclosed.
				f = &fzFailure{Op: cur, Args: prog[cur].args, Detail: fmt.Sprintf("kevy panicked: %v\n%s", p, debug.Stack())}
				r.closeRedis()
				return
			} else {
				panic(p)
			}
		}
		if cerr := r.close(); err == nil && cerr != nil {
			err = cerr
		}
	}()
	if idx == nil {
		idx = make([]int, len(prog))
		for i := range idx {
			idx[i] = i
		}
	}
	last := -1
	for j, i := range idx {
		last, cur = i, i
		r.c = r.conns[prog[i].conn]
		if f := r.step(i, prog[i].args); f != nil {
			f.Conn = prog[i].conn
			return st, f, nil
		}
		if digestEvery > 0 && (j+1)%digestEvery == 0 {
			if f := r.digest(i); f != nil {
				return st, f, nil
			}
		}
	}
	if finalDigest {
		return st, r.digest(last), nil
	}
	return st, nil, nil
}

// fzStats counts what a run did.
type fzStats struct{ Ops, Digests int }

// redis sends args on c and converts the reply.
func (r *fzRun) redisOn(c *redistest.Client, args ...string) kevy.Reply {
	v, err := c.Do(args...)
	if err != nil {
		panic(errFzIO{fmt.Errorf("redis-server: %s: %w", cliLine(args), err)})
	}
	return fromRedis(v)
}

// kevyOn runs args on c, bounded in time so that a kevy bug that blocks
// shows up as a divergence rather than a hung test.
func (r *fzRun) kevyOn(c *kevy.Conn, args ...string) kevy.Reply {
	ctx, cancel := context.WithTimeout(r.ctx, 5*time.Second)
	defer cancel()
	return c.Exec(ctx, args...)
}

// probeAt runs a harness read on redis-server in database db.
func (r *fzRun) probeAt(db int, args ...string) kevy.Reply {
	if r.probeDB != db {
		r.redisOn(r.probe, "SELECT", strconv.Itoa(db))
		r.probeDB = db
	}
	return r.redisOn(r.probe, args...)
}

// kevyAt runs a harness command on kevy in database db.
func (r *fzRun) kevyAt(db int, args ...string) kevy.Reply {
	if r.kxDB != db {
		r.kevyOn(r.kx, "SELECT", strconv.Itoa(db))
		r.kxDB = db
	}
	return r.kevyOn(r.kx, args...)
}

// immediate reports whether a command runs at once inside MULTI.
func immediate(name string) bool {
	switch name {
	case "EXEC", "DISCARD", "MULTI", "WATCH", "QUIT", "RESET":
		return true
	}
	return false
}

// step runs one command on both sides and compares.
func (r *fzRun) step(i int, args []string) *fzFailure {
	name := strings.ToUpper(args[0])
	cc := cmpCtx{queued: r.c.inMulti && !immediate(name)}
	if !cc.queued {
		cc.prior = r.prior(args)
		if (name == "SORT" || name == "SORT_RO") && len(args) > 1 {
			cc.sortType = r.probeAt(r.c.db, "TYPE", args[1]).Str
		}
		if name == "EXEC" {
			cc.queue = r.c.queue
		}
		if k := lexKey(args); k != "" {
			cc.lexUndefined = r.lexUndefined(k)
		}
		cc.expireRace = r.expireRace(args)
	}
	if !cc.queued && (name == "SORT" || name == "SORT_RO" || name == "EXEC" && slices.ContainsFunc(r.c.queue, isSort)) {
		r.clearErrno()
	}
	want := r.redisOn(r.c.rc, args...)
	got := r.kevyOn(r.c.kc, args...)
	r.ops++
	var diff string
	if !cc.queued && isScan(name) && scanCursor(args) == "0" && scanShape(want, got) == "" && want.Kind == kevy.ReplyArray {
		want = r.scanAll(args, want, func(a []string) kevy.Reply { return r.redisOn(r.c.rc, a...) })
		got = r.scanAll(args, got, func(a []string) kevy.Reply { return r.kevyOn(r.c.kc, a...) })
		diff = exact(want, got)
	} else {
		diff = compareReplies(args, want, got, cc)
	}
	if diff != "" {
		return &fzFailure{Op: i, Args: args, Detail: diff}
	}
	if cc.lexUndefined && want.Kind != kevy.ReplyError {
		switch name {
		case "ZREMRANGEBYLEX", "ZRANGESTORE":
			r.syncZset(args[1])
		}
	}
	r.track(args, want, got)
	return nil
}

// expireRace reports whether args is an EXPIRE or PEXPIRE with GT or LT
// whose new expiry is within the TTL tolerance of the key's current one on
// redis-server: which one is later then depends on the millisecond each
// side ran it in (the same relative TTL twice in a row, typically).
func (r *fzRun) expireRace(args []string) bool {
	if len(args) < 4 {
		return false
	}
	unit := int64(1)
	switch strings.ToUpper(args[0]) {
	case "EXPIRE":
		unit = 1000
	case "PEXPIRE":
	default:
		return false
	}
	if !slices.ContainsFunc(args[3:], func(a string) bool { return strings.EqualFold(a, "GT") || strings.EqualFold(a, "LT") }) {
		return false
	}
	n, err := strconv.ParseInt(args[2], 10, 64)
	if err != nil || n > 1<<40 {
		return false
	}
	cur := r.probeAt(r.c.db, "PTTL", args[1]).Int
	d := cur - n*unit
	return cur >= 0 && d <= ttlTolerance["PTTL"] && -d <= ttlTolerance["PTTL"]
}

// lexUndefined reports whether key is, on redis-server, a skiplist-encoded
// sorted set whose members do not all have the same score.
func (r *fzRun) lexUndefined(key string) bool {
	if r.probeAt(r.c.db, "OBJECT", "ENCODING", key).Str != "skiplist" {
		return false
	}
	rep := r.probeAt(r.c.db, "ZRANGE", key, "0", "-1", "WITHSCORES")
	for i := 3; i < len(rep.Elems); i += 2 {
		if rep.Elems[i].Str != rep.Elems[1].Str {
			return true
		}
	}
	return false
}

// syncZset makes kevy's sorted set at key equal Redis's, by small edits
// (ZREM, ZADD) that keep its encoding, after a command whose effect Redis
// leaves unspecified.
func (r *fzRun) syncZset(key string) {
	if r.probeAt(r.c.db, "TYPE", key).Str != "zset" {
		r.kevyAt(r.c.db, "DEL", key)
		return
	}
	want := r.probeAt(r.c.db, "ZRANGE", key, "0", "-1", "WITHSCORES")
	got := r.kevyAt(r.c.db, "ZRANGE", key, "0", "-1", "WITHSCORES")
	if show(want) == show(got) {
		return
	}
	existed := r.kevyAt(r.c.db, "EXISTS", key).Int == 1
	scores := map[string]string{}
	for i := 0; i+1 < len(want.Elems); i += 2 {
		scores[want.Elems[i].Str] = want.Elems[i+1].Str
	}
	rem := []string{"ZREM", key}
	for i := 0; i+1 < len(got.Elems); i += 2 {
		if _, ok := scores[got.Elems[i].Str]; !ok {
			rem = append(rem, got.Elems[i].Str)
		}
	}
	if len(rem) > 2 {
		r.kevyAt(r.c.db, rem...)
	}
	add := []string{"ZADD", key}
	for i := 0; i+1 < len(want.Elems); i += 2 {
		add = append(add, want.Elems[i+1].Str, want.Elems[i].Str)
	}
	r.kevyAt(r.c.db, add...)
	if r.probeAt(r.c.db, "OBJECT", "ENCODING", key).Str == "skiplist" {
		r.kevyAt(r.c.db, "SORT_RO", key, "BY", "nosort") // kevy converts too
	}
	if !existed {
		if at := r.probeAt(r.c.db, "PEXPIRETIME", key); at.Int > 0 {
			r.kevyAt(r.c.db, "PEXPIREAT", key, strconv.FormatInt(at.Int, 10))
		}
	}
}

func isSort(args []string) bool {
	return strings.EqualFold(args[0], "SORT") || strings.EqualFold(args[0], "SORT_RO")
}

// clearErrno resets redis-server's errno. SORT reads errno after strtod
// without clearing it first, so an ERANGE left by any earlier command (a
// subnormal score, an overflowing SCAN cursor) makes it fail with "One or
// more scores can't be converted into double": SCAN's cursor parsing sets
// errno to 0.
func (r *fzRun) clearErrno() {
	r.probeAt(r.probeDB, "SCAN", "0", "COUNT", "1", "MATCH", "\x00fz")
}

func isScan(name string) bool {
	switch name {
	case "SCAN", "SSCAN", "HSCAN", "ZSCAN":
		return true
	}
	return false
}

// scanCursor returns the cursor argument of a SCAN-family command.
func scanCursor(args []string) string {
	i := 2
	if strings.EqualFold(args[0], "SCAN") {
		i = 1
	}
	if i < len(args) {
		return args[i]
	}
	return ""
}

// scanAll follows a SCAN from its first page to cursor 0 and returns the
// set of what it returned, sorted (pairs for HSCAN and ZSCAN), or the
// first reply that is not a page.
func (r *fzRun) scanAll(args []string, first kevy.Reply, do func([]string) kevy.Reply) kevy.Reply {
	name := strings.ToUpper(args[0])
	ci := 2
	if name == "SCAN" {
		ci = 1
	}
	pairs := name == "HSCAN" || name == "ZSCAN"
	seen := map[string]bool{}
	page := first
	a := slices.Clone(args)
	for n := 0; ; n++ {
		if scanShape(page, page) != "" || page.Kind != kevy.ReplyArray || len(page.Elems) != 2 {
			return page
		}
		els := page.Elems[1].Elems
		if pairs {
			if len(els)%2 != 0 {
				return resp.Err("(odd number of elements in a " + name + " page)")
			}
			for j := 0; j < len(els); j += 2 {
				seen[els[j].Str+"\x00="+els[j+1].Str] = true
			}
		} else {
			for _, e := range els {
				seen[e.Str] = true
			}
		}
		if page.Elems[0].Str == "0" {
			break
		}
		if n > 100000 {
			return resp.Err("(SCAN did not reach cursor 0 in 100000 calls)")
		}
		a[ci] = page.Elems[0].Str
		page = do(a)
	}
	keys := make([]string, 0, len(seen))
	for k := range seen {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return resp.BulkArray(keys)
}

// prior reads the contents a random command chooses from, on redis-server.
func (r *fzRun) prior(args []string) *fzPrior {
	name := strings.ToUpper(args[0])
	p := &fzPrior{has: map[string]bool{}, values: map[string]string{}}
	var rep kevy.Reply
	switch name {
	case "RANDOMKEY":
		rep = r.probeAt(r.c.db, "KEYS", "*")
	case "SPOP", "SRANDMEMBER":
		if len(args) < 2 || r.probeAt(r.c.db, "TYPE", args[1]).Str != "set" {
			return nil
		}
		rep = r.probeAt(r.c.db, "SMEMBERS", args[1])
	case "HRANDFIELD":
		if len(args) < 2 || r.probeAt(r.c.db, "TYPE", args[1]).Str != "hash" {
			return nil
		}
		rep = r.probeAt(r.c.db, "HGETALL", args[1])
	case "ZRANDMEMBER":
		if len(args) < 2 || r.probeAt(r.c.db, "TYPE", args[1]).Str != "zset" {
			return nil
		}
		rep = r.probeAt(r.c.db, "ZRANGE", args[1], "0", "-1", "WITHSCORES")
	default:
		return nil
	}
	step := 1
	if name == "HRANDFIELD" || name == "ZRANDMEMBER" {
		step = 2
	}
	for j := 0; j+step-1 < len(rep.Elems); j += step {
		p.has[rep.Elems[j].Str] = true
		if step == 2 {
			p.values[rep.Elems[j].Str] = rep.Elems[j+1].Str
		}
	}
	return p
}

// track follows the connection state the replies imply (MULTI, the
// queue, the selected database) and reconciles random pops.
func (r *fzRun) track(args []string, want, got kevy.Reply) {
	name := strings.ToUpper(args[0])
	if r.c.inMulti && !immediate(name) {
		if want.Kind == kevy.ReplyStatus && want.Str == "QUEUED" {
			r.c.queue = append(r.c.queue, args)
		}
		return
	}
	switch name {
	case "MULTI":
		if want.Kind == kevy.ReplyStatus {
			r.c.inMulti, r.c.queue = true, nil
		}
	case "EXEC":
		// A wrong arity is refused before EXEC runs: MULTI goes on.
		if !r.c.inMulti || want.Kind == kevy.ReplyError && !strings.HasPrefix(want.Str, "EXECABORT") {
			return
		}
		queue := r.c.queue
		r.c.inMulti, r.c.queue = false, nil
		if want.Kind != kevy.ReplyArray || got.Kind != kevy.ReplyArray || len(want.Elems) != len(queue) {
			return
		}
		for i, q := range queue {
			r.after(q, want.Elems[i], got.Elems[i])
		}
	case "DISCARD":
		if want.Kind == kevy.ReplyStatus {
			r.c.inMulti, r.c.queue = false, nil
		}
	case "RESET":
		if want.Kind == kevy.ReplyStatus {
			r.c.inMulti, r.c.queue, r.c.db = false, nil, 0
		}
	default:
		r.after(args, want, got)
	}
}

// after applies the effects of one executed command on the harness's
// view: SELECT changes the database, SPOP is reconciled.
func (r *fzRun) after(args []string, want, got kevy.Reply) {
	if want.Kind == kevy.ReplyError || len(args) < 2 {
		return
	}
	switch strings.ToUpper(args[0]) {
	case "SELECT":
		if want.Kind == kevy.ReplyStatus {
			r.c.db, _ = strconv.Atoi(args[1])
		}
	case "SPOP":
		r.reconcilePop(args[1], want, got)
	}
}

// reconcilePop makes kevy's set equal Redis's after an SPOP that popped
// different members on each side: kevy gets back what it alone popped
// and loses what Redis alone popped.
func (r *fzRun) reconcilePop(key string, want, got kevy.Reply) {
	popped := func(rep kevy.Reply) map[string]bool {
		m := map[string]bool{}
		switch rep.Kind {
		case kevy.ReplyBulk:
			m[rep.Str] = true
		case kevy.ReplyArray:
			for _, e := range rep.Elems {
				m[e.Str] = true
			}
		}
		return m
	}
	w, g := popped(want), popped(got)
	add := []string{"SADD", key}
	rem := []string{"SREM", key}
	for m := range g {
		if !w[m] {
			add = append(add, m)
		}
	}
	for m := range w {
		if !g[m] {
			rem = append(rem, m)
		}
	}
	if len(add) > 2 {
		r.kevyAt(r.c.db, add...)
	}
	if len(rem) > 2 {
		r.kevyAt(r.c.db, rem...)
	}
	// An SPOP that leaves few members builds a new set from them, whose
	// encoding depends on which remain: intset when they all are
	// integers. kevy's set, edited back from other remaining members,
	// may then be a hashtable: rebuild it.
	if r.probeAt(r.c.db, "OBJECT", "ENCODING", key).Str == "intset" && r.kevyAt(r.c.db, "OBJECT", "ENCODING", key).Str != "intset" {
		members := r.probeAt(r.c.db, "SMEMBERS", key)
		at := r.probeAt(r.c.db, "PEXPIRETIME", key)
		r.kevyAt(r.c.db, "DEL", key)
		r.kevyAt(r.c.db, append([]string{"SADD", key}, replyStrings(members)...)...)
		if at.Int > 0 {
			r.kevyAt(r.c.db, "PEXPIREAT", key, strconv.FormatInt(at.Int, 10))
		}
	}
}

func replyStrings(r kevy.Reply) []string {
	out := make([]string, len(r.Elems))
	for i, e := range r.Elems {
		out[i] = e.Str
	}
	return out
}

// digest compares the whole keyspace of both sides.
func (r *fzRun) digest(op int) *fzFailure {
	r.digests++
	fail := func(format string, a ...any) *fzFailure {
		return &fzFailure{Op: op, State: true, Detail: fmt.Sprintf(format, a...)}
	}
	for i, c := range r.conns {
		if c.kc.DB() != c.db {
			return fail("connection %d: selected database: redis %d, kevy %d", i+1, c.db, c.kc.DB())
		}
	}
	for db := 0; db < 16; db++ {
		wn := r.probeAt(db, "DBSIZE")
		gn := r.kevyAt(db, "DBSIZE")
		if wn.Int == 0 && gn.Int == 0 {
			continue
		}
		if d := exact(wn, gn); d != "" {
			keys := exact(sortedElems(r.probeAt(db, "KEYS", "*")), sortedElems(r.kevyAt(db, "KEYS", "*")))
			return fail("db %d: DBSIZE %s\n         KEYS * %s", db, d, keys)
		}
		wk := sortedElems(r.probeAt(db, "KEYS", "*"))
		if d := exact(wk, sortedElems(r.kevyAt(db, "KEYS", "*"))); d != "" {
			return fail("db %d: KEYS * %s", db, d)
		}
		for _, k := range wk.Elems {
			if d := r.compareKey(db, k.Str); d != "" {
				return fail("db %d, key %s: %s", db, cliQuote(k.Str), d)
			}
		}
	}
	return nil
}

// compareKey compares one key's type, encoding, contents and TTL.
func (r *fzRun) compareKey(db int, key string) string {
	typ := r.probeAt(db, "TYPE", key)
	if d := exact(typ, r.kevyAt(db, "TYPE", key)); d != "" {
		return "TYPE " + d
	}
	reads := [][]string{{"OBJECT", "ENCODING", key}}
	switch typ.Str {
	case "string":
		reads = append(reads, []string{"GET", key})
	case "list":
		reads = append(reads, []string{"LRANGE", key, "0", "-1"})
	case "hash":
		reads = append(reads, []string{"HGETALL", key})
	case "set":
		reads = append(reads, []string{"SMEMBERS", key})
	case "zset":
		reads = append(reads, []string{"ZRANGE", key, "0", "-1", "WITHSCORES"})
	}
	reads = append(reads, []string{"PTTL", key})
	for _, a := range reads {
		if d := compareReplies(a, r.probeAt(db, a...), r.kevyAt(db, a...), cmpCtx{}); d != "" {
			return cliLine(a) + ": " + d
		}
	}
	return ""
}
