package shard

import (
	"math"
	"math/rand/v2"
	"strconv"

	"github.com/kevydb/kevy/internal/glob"
	"github.com/kevydb/kevy/resp"
)

// Generic key commands: DEL UNLINK EXISTS TYPE RENAME RENAMENX COPY MOVE
// KEYS SCAN RANDOMKEY DBSIZE TOUCH EXPIRE PEXPIRE EXPIREAT PEXPIREAT PERSIST
// TTL PTTL EXPIRETIME PEXPIRETIME OBJECT.

func init() {
	Register("del", cmdDel)
	Register("unlink", cmdDel)
	Register("exists", cmdExists)
	Register("type", cmdType)
	Register("rename", func(c *Ctx) resp.Reply { return renameGeneric(c, false) })
	Register("renamenx", func(c *Ctx) resp.Reply { return renameGeneric(c, true) })
	Register("copy", cmdCopy)
	Register("move", cmdMove)
	Register("touch", cmdTouch)
	Register("expire", func(c *Ctx) resp.Reply { return expireGeneric(c, c.Now(), true) })
	Register("pexpire", func(c *Ctx) resp.Reply { return expireGeneric(c, c.Now(), false) })
	Register("expireat", func(c *Ctx) resp.Reply { return expireGeneric(c, 0, true) })
	Register("pexpireat", func(c *Ctx) resp.Reply { return expireGeneric(c, 0, false) })
	Register("persist", cmdPersist)
	Register("ttl", func(c *Ctx) resp.Reply { return ttlGeneric(c, false, false) })
	Register("pttl", func(c *Ctx) resp.Reply { return ttlGeneric(c, true, false) })
	Register("expiretime", func(c *Ctx) resp.Reply { return ttlGeneric(c, false, true) })
	Register("pexpiretime", func(c *Ctx) resp.Reply { return ttlGeneric(c, true, true) })

	k := Register("keys", cmdKeys)
	k.Route, k.Merge = RouteFanout, mergeArrays
	d := Register("dbsize", cmdDBSize)
	d.Route, d.Merge = RouteFanout, mergeSum
	r := Register("randomkey", cmdRandomKeyPart)
	r.Route, r.Merge = RouteFanout, mergeRandomKey
	s := Register("scan", cmdScan)
	s.Route, s.ShardFn = RouteShardFn, scanShard

	Register("object", nil)
	Register("object|encoding", cmdObjectEncoding)
	Register("object|refcount", cmdObjectRefcount)
	Register("object|freq", cmdObjectFreq)
	Register("object|idletime", cmdObjectIdletime)
	Register("object|help", cmdObjectHelp).Route = RouteLocal
}

func cmdDel(c *Ctx) resp.Reply {
	n := 0
	for _, key := range c.Args[1:] {
		if c.Write(key) == nil { // expires it first, as Redis does
			continue
		}
		c.Delete(key)
		c.Propagate(key, "DEL", key)
		c.Modified(key)
		c.Notify(NotifyGeneric, "del", key)
		n++
	}
	return resp.IntReply(int64(n))
}

func cmdExists(c *Ctx) resp.Reply {
	n := 0
	for _, key := range c.Args[1:] {
		if c.Inspect(key) != nil {
			n++
		}
	}
	return resp.IntReply(int64(n))
}

func cmdTouch(c *Ctx) resp.Reply {
	n := 0
	for _, key := range c.Args[1:] {
		if c.Read(key) != nil { // the lookup records the access
			n++
		}
	}
	return resp.IntReply(int64(n))
}

var typeReplies = [...]resp.Reply{
	TypeNone:   resp.StatusReply("none"),
	TypeString: resp.StatusReply("string"),
	TypeList:   resp.StatusReply("list"),
	TypeSet:    resp.StatusReply("set"),
	TypeZSet:   resp.StatusReply("zset"),
	TypeHash:   resp.StatusReply("hash"),
}

func cmdType(c *Ctx) resp.Reply {
	e := c.Inspect(c.Args[1])
	if e == nil {
		return typeReplies[TypeNone]
	}
	return typeReplies[e.Type]
}

func renameGeneric(c *Ctx, nx bool) resp.Reply {
	src, dst := c.Args[1], c.Args[2]
	e := c.Write(src)
	if e == nil {
		return ErrNoSuchKey
	}
	if src == dst {
		if nx {
			return resp.Zero
		}
		return resp.OK
	}
	srcKS, dstKS := c.KS(src), c.KS(dst)
	existed := c.Write(dst) != nil
	if existed {
		if nx {
			return resp.Zero
		}
		c.Delete(dst)
	}
	expire := e.ExpireAt
	ne := c.Add(dst, e.Type)
	moveValue(ne, e)
	if expire != 0 {
		c.SetExpire(dst, ne, expire)
	}
	c.Delete(src)
	if srcKS == dstKS {
		if nx {
			c.Propagate(src, "RENAMENX", src, dst)
		} else {
			c.Propagate(src, "RENAME", src, dst)
		}
	} else {
		c.Propagate(src, "DEL", src)
		if existed {
			c.Propagate(dst, "DEL", dst)
		}
		dstKS.PropagateEntry(c.DB, dst, ne)
	}
	c.Modified(src)
	c.Modified(dst)
	c.Notify(NotifyGeneric, "rename_from", src)
	c.Notify(NotifyGeneric, "rename_to", dst)
	if nx {
		return resp.One
	}
	return resp.OK
}

// dbIndexArg parses a database index as getIntFromObjectOrReply plus
// selectDb do for MOVE and COPY.
func dbIndexArg(c *Ctx, arg string) (int, resp.Reply, bool) {
	n, errRep, ok := IntArg(arg, "")
	if !ok {
		return 0, errRep, false
	}
	if n < 0 || n >= c.NumDBs() {
		return 0, ErrDBRange, false
	}
	return n, resp.Reply{}, true
}

func cmdMove(c *Ctx) resp.Reply {
	key := c.Args[1]
	dst, errRep, ok := dbIndexArg(c, c.Args[2])
	if !ok {
		return errRep
	}
	if dst == c.DB {
		return resp.Err(MsgSameObject)
	}
	e := c.Write(key)
	if e == nil {
		return resp.Zero
	}
	if c.WriteIn(dst, key) != nil {
		return resp.Zero
	}
	ne := c.AddIn(dst, key, e.Type)
	moveValue(ne, e)
	if e.ExpireAt != 0 {
		c.SetExpireIn(dst, key, ne, e.ExpireAt)
	}
	c.Delete(key)
	c.Propagate(key, "MOVE", key, c.Args[2])
	c.Modified(key)
	c.ModifiedIn(dst, key)
	c.Notify(NotifyGeneric, "move_from", key)
	c.NotifyIn(dst, NotifyGeneric, "move_to", key)
	return resp.One
}

func cmdCopy(c *Ctx) resp.Reply {
	src, dst := c.Args[1], c.Args[2]
	dstDB := c.DB
	replace := false
	for j := 3; j < len(c.Args); j++ {
		more := len(c.Args) - j - 1
		switch {
		case EqualFold(c.Args[j], "replace"):
			replace = true
		case EqualFold(c.Args[j], "db") && more >= 1:
			n, errRep, ok := dbIndexArg(c, c.Args[j+1])
			if !ok {
				return errRep
			}
			dstDB = n
			j++
		default:
			return ErrSyntax
		}
	}
	if dstDB == c.DB && src == dst {
		return resp.Err(MsgSameObject)
	}
	e := c.Read(src)
	if e == nil {
		return resp.Zero
	}
	existed := c.WriteIn(dstDB, dst) != nil
	if existed {
		if !replace {
			return resp.Zero
		}
		c.DeleteIn(dstDB, dst)
	}
	ne := c.AddIn(dstDB, dst, e.Type)
	copyValue(ne, e)
	if e.ExpireAt != 0 {
		c.SetExpireIn(dstDB, dst, ne, e.ExpireAt)
	}
	if c.KS(src) == c.KS(dst) {
		argv := []string{"COPY", src, dst, "DB", strconv.Itoa(dstDB)}
		if existed {
			argv = append(argv, "REPLACE")
		}
		c.Propagate(src, argv...)
	} else {
		if existed {
			c.PropagateIn(dstDB, dst, "DEL", dst)
		}
		c.KS(dst).PropagateEntry(dstDB, dst, ne)
	}
	c.ModifiedIn(dstDB, dst)
	c.NotifyIn(dstDB, NotifyGeneric, "copy_to", dst)
	return resp.One
}

// Expire flags, as Redis's EXPIRE_NX ... EXPIRE_LT.
const (
	expNX = 1 << iota
	expXX
	expGT
	expLT
)

func expireGeneric(c *Ctx, base int64, seconds bool) resp.Reply {
	key := c.Args[1]
	var flags int
	for _, opt := range c.Args[3:] {
		switch {
		case EqualFold(opt, "nx"):
			flags |= expNX
		case EqualFold(opt, "xx"):
			flags |= expXX
		case EqualFold(opt, "gt"):
			flags |= expGT
		case EqualFold(opt, "lt"):
			flags |= expLT
		default:
			return resp.Err(noNewlines("ERR Unsupported option " + ctrunc(opt, len(opt))))
		}
	}
	if flags&expNX != 0 && flags&(expXX|expGT|expLT) != 0 {
		return resp.Err("ERR NX and XX, GT or LT options at the same time are not compatible")
	}
	if flags&expGT != 0 && flags&expLT != 0 {
		return resp.Err("ERR GT and LT options at the same time are not compatible")
	}
	when, ok := ParseInt(c.Args[2])
	if !ok {
		return ErrNotInt
	}
	if seconds {
		if when > math.MaxInt64/1000 || when < math.MinInt64/1000 {
			return ExpireTimeError(c.Cmd.FullName)
		}
		when *= 1000
	}
	if when > math.MaxInt64-base {
		return ExpireTimeError(c.Cmd.FullName)
	}
	when += base
	e := c.Write(key)
	if e == nil {
		return resp.Zero
	}
	if flags != 0 {
		cur := e.ExpireAt
		has := cur != 0
		switch {
		case flags&expNX != 0 && has,
			flags&expXX != 0 && !has,
			flags&expGT != 0 && (!has || when <= cur),
			flags&expLT != 0 && has && when >= cur:
			return resp.Zero
		}
	}
	if when <= c.Now() && !c.Loading {
		c.Delete(key)
		c.Propagate(key, "DEL", key)
		c.Modified(key)
		c.Notify(NotifyGeneric, "del", key)
		return resp.One
	}
	if when <= 0 {
		// A stored expiry of 0 means none; Redis can keep a timestamp of
		// 0 or below only while loading, where it expires at once.
		when = 1
	}
	c.SetExpire(key, e, when)
	c.Propagate(key, "PEXPIREAT", key, strconv.FormatInt(when, 10))
	c.Modified(key)
	c.Notify(NotifyGeneric, "expire", key)
	return resp.One
}

func cmdPersist(c *Ctx) resp.Reply {
	key := c.Args[1]
	e := c.Write(key)
	if e == nil || e.ExpireAt == 0 {
		return resp.Zero
	}
	c.SetExpire(key, e, 0)
	c.Propagate(key, "PERSIST", key)
	c.Modified(key)
	c.Notify(NotifyGeneric, "persist", key)
	return resp.One
}

func ttlGeneric(c *Ctx, ms, abs bool) resp.Reply {
	e := c.Inspect(c.Args[1])
	if e == nil {
		return resp.IntReply(-2)
	}
	if e.ExpireAt == 0 {
		return resp.IntReply(-1)
	}
	ttl := e.ExpireAt
	if !abs {
		ttl -= c.Now()
	}
	if ttl < 0 {
		ttl = 0
	}
	if !ms {
		// Unsigned, as Redis's (ttl+500)/1000 compiles knowing ttl >= 0:
		// an expiry near int64's limit does not wrap negative.
		ttl = int64((uint64(ttl) + 500) / 1000)
	}
	return resp.IntReply(ttl)
}

// cmdKeys is KEYS on one shard; mergeArrays joins the shards' lists.
func cmdKeys(c *Ctx) resp.Reply {
	pat := c.Args[1]
	all := pat == "*"
	m := glob.Compile(pat)
	var out []resp.Reply
	ks := c.Local()
	db := ks.DB(c.DB)
	now := c.Now()
	var expired []*Entry
	rangeFn := db.Range
	if c.ReadOnly {
		rangeFn = db.RangeShared
	}
	rangeFn(func(e *Entry) bool {
		if all || m.Match(e.Key) {
			if e.Expired(now) {
				expired = append(expired, e)
				return true
			}
			out = append(out, resp.BulkReply(e.Key))
		}
		return true
	})
	if !c.ReadOnly {
		for _, e := range expired {
			ks.expireEntry(c.DB, e)
		}
	}
	return resp.ArrayReply(out)
}

func mergeArrays(_ *Ctx, parts []resp.Reply) resp.Reply {
	n := 0
	for _, p := range parts {
		if p.Kind == resp.Error {
			return p
		}
		n += len(p.Elems)
	}
	out := make([]resp.Reply, 0, n)
	for _, p := range parts {
		out = append(out, p.Elems...)
	}
	return resp.ArrayReply(out)
}

func cmdDBSize(c *Ctx) resp.Reply {
	return resp.IntReply(int64(c.Local().DB(c.DB).Len()))
}

func mergeSum(_ *Ctx, parts []resp.Reply) resp.Reply {
	var n int64
	for _, p := range parts {
		if p.Kind == resp.Error {
			return p
		}
		n += p.Int
	}
	return resp.IntReply(n)
}

// cmdRandomKeyPart answers, for one shard, [number of keys, a random live
// key or nil]; mergeRandomKey picks a shard with probability proportional
// to its number of keys, so the key is uniform over the store.
func cmdRandomKeyPart(c *Ctx) resp.Reply {
	ks := c.Local()
	db := ks.DB(c.DB)
	now := c.Now()
	for tries := 0; ; tries++ {
		e := db.randomEntry(ks.rng, c.ReadOnly)
		if e == nil {
			return resp.ArrayReply([]resp.Reply{resp.Zero, resp.NilReply})
		}
		if e.Expired(now) {
			if c.ReadOnly {
				if tries < 100 {
					continue
				}
				// Every sampled key is expired and may not be deleted
				// here: report one anyway, as Redis does on a replica.
			} else {
				ks.expireEntry(c.DB, e)
				continue
			}
		}
		return resp.ArrayReply([]resp.Reply{resp.IntReply(int64(db.Len())), resp.BulkReply(e.Key)})
	}
}

func mergeRandomKey(_ *Ctx, parts []resp.Reply) resp.Reply {
	var total int64
	for _, p := range parts {
		if p.Kind == resp.Error {
			return p
		}
		total += p.Elems[0].Int
	}
	if total == 0 {
		return resp.NilReply
	}
	n := rand.Int64N(total)
	for _, p := range parts {
		if n < p.Elems[0].Int {
			return p.Elems[1]
		}
		n -= p.Elems[0].Int
	}
	return resp.NilReply
}

// ParseCursor parses a SCAN cursor as Redis's parseScanCursorOrReply does
// (strtoul: an optional sign, decimal digits, no leading space, no
// overflow; "-1" wraps to 2^64-1).
func ParseCursor(s string) (uint64, bool) {
	if s == "" {
		return 0, true // strtoul of "" is 0, with nothing left over
	}
	neg := false
	t := s
	if t[0] == '+' || t[0] == '-' {
		neg = t[0] == '-'
		t = t[1:]
	}
	if t == "" || t[0] < '0' || t[0] > '9' {
		return 0, false
	}
	v, err := strconv.ParseUint(t, 10, 64)
	if err != nil {
		return 0, false
	}
	if neg {
		v = -v
	}
	return v, true
}

// scanShard decodes the shard from a SCAN cursor: cursor = pos*N + shard.
func scanShard(args []string, n int) (int, bool) {
	cur, ok := ParseCursor(args[1])
	if !ok {
		return 0, false
	}
	return int(cur % uint64(n)), true
}

// ScanOptions are SCAN's options (and those of HSCAN, SSCAN, ZSCAN).
type ScanOptions struct {
	Count   int
	Pattern string // MATCH's pattern when HasPattern
	// HasPattern: MATCH was given with a pattern other than "*" (an
	// empty pattern matches only the empty string).
	HasPattern bool
	Type       Type // SCAN ... TYPE; TypeNone with HasType matches nothing real
	HasType    bool
	TypeArg    string
}

// ParseScanOptions parses COUNT, MATCH and (when allowType) TYPE from
// args[from:], with Redis's errors.
func ParseScanOptions(args []string, from int, allowType bool) (ScanOptions, resp.Reply, bool) {
	o := ScanOptions{Count: 10}
	for i := from; i < len(args); {
		left := len(args) - i
		switch {
		case EqualFold(args[i], "count") && left >= 2:
			n, ok := ParseInt(args[i+1])
			if !ok {
				return o, ErrNotInt, false
			}
			if n < 1 {
				return o, ErrSyntax, false
			}
			o.Count = int(min(n, math.MaxInt32))
			i += 2
		case EqualFold(args[i], "match") && left >= 2:
			o.Pattern = args[i+1]
			o.HasPattern = o.Pattern != "*"
			i += 2
		case allowType && EqualFold(args[i], "type") && left >= 2:
			o.HasType, o.TypeArg = true, args[i+1]
			o.Type = ParseType(args[i+1])
			i += 2
		default:
			return o, ErrSyntax, false
		}
	}
	return o, resp.Reply{}, true
}

func cmdScan(c *Ctx) resp.Reply {
	cursor, ok := ParseCursor(c.Args[1])
	if !ok {
		return resp.Err("ERR invalid cursor")
	}
	opts, errRep, ok := ParseScanOptions(c.Args, 2, true)
	if !ok {
		return errRep
	}
	ks := c.Local()
	n := uint64(c.NumShards())
	shard := cursor % n
	pos := cursor / n
	db := ks.DB(c.DB)
	var m glob.Pattern
	if opts.HasPattern {
		m = glob.Compile(opts.Pattern)
	}
	var keys []*Entry
	maxIter := opts.Count * 10
	for {
		if c.ReadOnly {
			pos = db.scanShared(pos, func(e *Entry) { keys = append(keys, e) })
		} else {
			pos = db.scan(pos, func(e *Entry) { keys = append(keys, e) })
		}
		maxIter--
		if pos == 0 || maxIter <= 0 || len(keys) >= opts.Count {
			break
		}
	}
	now := c.Now()
	out := make([]resp.Reply, 0, len(keys))
	for _, e := range keys {
		if opts.HasPattern && !m.Match(e.Key) {
			continue
		}
		expired := e.Expired(now)
		if opts.HasType {
			t := e.Type
			if expired {
				t = TypeNone
			}
			if !EqualFold(opts.TypeArg, t.String()) {
				continue
			}
		}
		if expired {
			if !c.ReadOnly {
				ks.expireEntry(c.DB, e)
			}
			continue
		}
		out = append(out, resp.BulkReply(e.Key))
	}
	var next uint64
	switch {
	case pos != 0:
		next = pos*n + shard
	case shard+1 < n:
		next = shard + 1
	}
	return resp.ArrayReply([]resp.Reply{
		resp.BulkReply(strconv.FormatUint(next, 10)),
		resp.ArrayReply(out),
	})
}

// objectLookup is Redis's objectCommandLookupOrReply: a read lookup that
// leaves the key's access time alone and sends no keymiss notification.
func objectLookup(c *Ctx) *Entry {
	return c.ReadNoTouch(c.Args[2])
}

func cmdObjectEncoding(c *Ctx) resp.Reply {
	e := objectLookup(c)
	if e == nil {
		return resp.NilReply
	}
	if e.Type == TypeString {
		return resp.BulkReply(e.StringEncoding())
	}
	return resp.BulkReply(e.Obj.Encoding())
}

func cmdObjectRefcount(c *Ctx) resp.Reply {
	e := objectLookup(c)
	if e == nil {
		return resp.NilReply
	}
	if e.Type == TypeString {
		if e.flags&entStrEnc == 0 && e.StrLen() <= 20 {
			if n, ok := ParseInt(e.StrValue()); ok && n >= 0 && n < 10000 {
				return resp.IntReply(math.MaxInt32) // a shared integer
			}
		}
	}
	return resp.One
}

const (
	msgNoLFU = "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust."
	msgIsLFU = "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust."
)

func cmdObjectFreq(c *Ctx) resp.Reply {
	e := objectLookup(c)
	if e == nil {
		return resp.NilReply
	}
	ks := c.KS(c.Args[2])
	if !ks.lfu() {
		return resp.Err(msgNoLFU)
	}
	return resp.IntReply(int64(ks.lfuValue(e)))
}

func cmdObjectIdletime(c *Ctx) resp.Reply {
	e := objectLookup(c)
	if e == nil {
		return resp.NilReply
	}
	ks := c.KS(c.Args[2])
	if ks.lfu() {
		return resp.Err(msgIsLFU)
	}
	return resp.IntReply(ks.idleSeconds(e))
}

func cmdObjectHelp(c *Ctx) resp.Reply {
	return Help("OBJECT", []string{
		"ENCODING <key>",
		"    Return the kind of internal representation used in order to store the value",
		"    associated with a <key>.",
		"FREQ <key>",
		"    Return the access frequency index of the <key>. The returned integer is",
		"    proportional to the logarithm of the recent access frequency of the key.",
		"IDLETIME <key>",
		"    Return the idle time of the <key>, that is the approximated number of",
		"    seconds elapsed since the last access to the key.",
		"REFCOUNT <key>",
		"    Return the number of references of the value associated with the specified",
		"    <key>.",
	})
}

// Help builds Redis's reply to a container command's HELP subcommand.
func Help(cmd string, lines []string) resp.Reply {
	out := make([]resp.Reply, 0, len(lines)+3)
	out = append(out, resp.StatusReply(cmd+" <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"))
	for _, l := range lines {
		out = append(out, resp.StatusReply(l))
	}
	out = append(out, resp.StatusReply("HELP"), resp.StatusReply("    Prints this help."))
	return resp.ArrayReply(out)
}
