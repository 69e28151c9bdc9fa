package kevy_test

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/kevydb/kevy"
	"github.com/kevydb/kevy/resp"
	"github.com/kevydb/kevy/shard"
)

// How the differential fuzzer compares a reply of kevy with redis-server's.
// Any error reply is compared exactly, whatever the command: error texts
// are part of the contract. Otherwise:
//
//	command                               rule
//	------------------------------------  -------------------------------------------------------------
//	KEYS SMEMBERS SINTER SUNION SDIFF     unordered: elements compared sorted (a hash table's order
//	HKEYS HVALS PUBSUB CHANNELS           is unspecified)
//	CLIENT/COMMAND/OBJECT/MEMORY/PUBSUB   kevy's lines a subsequence of Redis's, with the same first
//	HELP                                  and last lines (kevy lists only what it implements)
//	HGETALL                               unordered pairs: field/value pairs compared sorted
//	SCAN SSCAN HSCAN ZSCAN from cursor 0  iterated to cursor 0 on each side; the union of the pages
//	                                      compared as a set (pairs for HSCAN and ZSCAN)
//	the same, other cursors or in EXEC    shape: [bulk cursor, array of bulks]
//	SPOP SRANDMEMBER HRANDFIELD           shape: same kind and length; every element a member of the
//	ZRANDMEMBER RANDOMKEY                 key's contents before the command (read from redis-server,
//	                                      not inside MULTI), with the same value or score for
//	                                      WITHVALUES/WITHSCORES; distinct unless the count is negative.
//	                                      After an SPOP the harness makes kevy's set equal Redis's
//	                                      (SADD what kevy alone popped, SREM what Redis alone popped;
//	                                      rebuilt when Redis's remaining members made a new intset)
//	EXPIRE PEXPIRE with GT or LT          kind only when the new expiry is within 2500 ms of the
//	                                      current one (which is later depends on the millisecond each
//	                                      side ran in), and inside EXEC
//	TTL EXPIRETIME                        negative replies exactly, others within 2 (seconds)
//	PTTL PEXPIRETIME                      negative replies exactly, others within 2500 (milliseconds)
//	OBJECT IDLETIME, MEMORY USAGE,        shape: same kind (integer, nil, array of two bulks) only;
//	CLIENT ID, LASTSAVE, TIME             these are clocks, allocator sizes and ids
//	HELLO                                 exactly, except the value after "id"
//	COMMAND INFO                          exactly, except the key specs (kevy reports a simplified one),
//	                                      the order of subcommands (Redis's is a hash table's), and
//	                                      commands kevy does not implement (nil, as unknown ones)
//	SORT SORT_RO (see compareSort)        exactly, except where Redis's order is unspecified: BY
//	                                      without * on a set, or ALPHA with a BY pattern (ties keep
//	                                      qsort's order): compared as a multiset of GET groups, or by
//	                                      length only under LIMIT; ALPHA without BY: runs of elements
//	                                      that strcoll ties (equal up to a NUL byte) compared sorted,
//	                                      or under LIMIT each element up to its first NUL byte
//	ZRANGEBYLEX ZREVRANGEBYLEX ZLEXCOUNT  kind only when the key is a skiplist-encoded sorted set with
//	ZREMRANGEBYLEX ZRANGE/ZRANGESTORE     different scores (Redis's walk then depends on random node
//	BYLEX                                 levels), or inside EXEC; after a write the harness makes
//	                                      kevy's sorted set equal Redis's
//	EXEC                                  element by element, each with its queued command's rule
//	                                      (without the prior contents: shape only for random commands)
//	OBJECT ENCODING and everything else   exactly
//
// The periodic keyspace digest compares, in every database, DBSIZE, the
// sorted KEYS *, and for every key its TYPE, OBJECT ENCODING, contents
// (GET, LRANGE 0 -1, HGETALL and SMEMBERS sorted, ZRANGE 0 -1 WITHSCORES)
// and PTTL within the tolerance above, and the selected database.
//
// Redis behaviour that no rule can make comparable is kept out instead:
//   - SORT tests errno after strtod without clearing it, so an ERANGE
//     left by an earlier command (a subnormal score or bound, an
//     overflowing SCAN cursor, re-reading a subnormal score stored in a
//     listpack) fails it with "One or more scores can't be converted into
//     double". The harness clears errno (a SCAN on its own connection)
//     before every SORT and every EXEC that queued one; the generator
//     never makes subnormal sorted-set scores, nor ERANGE arguments
//     inside MULTI.
//   - SET ... EXAT/PXAT in the past leaves an expired key that Redis
//     removes on its active-expiry timing (visible to DBSIZE, RANDOMKEY):
//     the generator never sends one; nor any relative TTL under 1000 s.
//   - Blocking commands get 0.01 s or an invalid timeout, never 0.

// ttlTolerance is the largest difference accepted between two positive
// TTL replies, by command.
var ttlTolerance = map[string]int64{"TTL": 2, "EXPIRETIME": 2, "PTTL": 2500, "PEXPIRETIME": 2500}

// fzPrior is a key's contents before a random command, as redis-server
// had them.
type fzPrior struct {
	has    map[string]bool   // set members, hash fields, zset members, or keys
	values map[string]string // hash values and zset scores, by field/member
}

// cmpCtx is what a comparison may know besides the two replies.
type cmpCtx struct {
	prior    *fzPrior   // nil: unknown (inside EXEC)
	sortType string     // TYPE of SORT's key; "" when unknown
	queue    [][]string // an EXEC's queued commands
	queued   bool       // the command was queued by MULTI: +QUEUED expected
	// lexUndefined: a lex-range command on a skiplist-encoded sorted set
	// whose scores differ, or one inside EXEC (see lexKey).
	lexUndefined bool
	// expireRace: an EXPIRE/PEXPIRE GT|LT racing the key's current expiry
	// (see fzRun.expireRace); inside EXEC every relative GT|LT one.
	expireRace bool
}

// lexKey returns the sorted set a lex-range command reads, or "". Redis
// documents these commands for members of equal scores only; on a skip
// list with different scores its walk depends on the nodes' random
// levels, so its result is not reproducible.
func lexKey(args []string) string {
	if len(args) < 2 {
		return ""
	}
	switch strings.ToUpper(args[0]) {
	case "ZRANGEBYLEX", "ZREVRANGEBYLEX", "ZLEXCOUNT", "ZREMRANGEBYLEX":
		return args[1]
	case "ZRANGE", "ZRANGESTORE":
		if !slices.ContainsFunc(args, func(a string) bool { return strings.EqualFold(a, "BYLEX") }) {
			return ""
		}
		if strings.EqualFold(args[0], "ZRANGESTORE") {
			if len(args) < 3 {
				return ""
			}
			return args[2]
		}
		return args[1]
	}
	return ""
}

// compareReplies returns "" when got (kevy's reply to args) matches want
// (redis-server's) under the rules above, or what differs.
func compareReplies(args []string, want, got kevy.Reply, cc cmpCtx) string {
	if want.Kind == kevy.ReplyError || got.Kind == kevy.ReplyError || cc.queued {
		return exact(want, got)
	}
	if (cc.lexUndefined || cc.expireRace) && want.Kind == got.Kind {
		return ""
	}
	name := strings.ToUpper(args[0])
	switch name {
	case "KEYS", "SMEMBERS", "SINTER", "SUNION", "SDIFF", "HKEYS", "HVALS":
		return exact(sortedElems(want), sortedElems(got))
	case "HGETALL":
		return exact(sortedPairs(want), sortedPairs(got))
	case "SCAN", "SSCAN", "HSCAN", "ZSCAN":
		return scanShape(want, got)
	case "SPOP", "SRANDMEMBER", "HRANDFIELD", "ZRANDMEMBER", "RANDOMKEY":
		return compareRandom(args, want, got, cc.prior)
	case "TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME":
		if want.Kind == kevy.ReplyInt && got.Kind == kevy.ReplyInt && want.Int >= 0 && got.Int >= 0 {
			if d := want.Int - got.Int; d > ttlTolerance[name] || -d > ttlTolerance[name] {
				return fmt.Sprintf("TTL off by %d (tolerance %d)", d, ttlTolerance[name])
			}
			return ""
		}
		return exact(want, got)
	case "LASTSAVE", "TIME":
		return sameShape(want, got)
	case "OBJECT", "MEMORY", "CLIENT", "COMMAND", "PUBSUB":
		if len(args) > 1 {
			switch strings.ToUpper(args[1]) {
			case "IDLETIME", "USAGE", "ID":
				return sameShape(want, got)
			case "HELP":
				return helpSubset(want, got)
			case "CHANNELS":
				return exact(sortedElems(want), sortedElems(got))
			case "INFO":
				if name == "COMMAND" {
					return exact(maskKeySpecs(unimplemented(args[2:], want)), maskKeySpecs(got))
				}
			}
		}
	case "HELLO":
		return exact(maskHello(want), maskHello(got))
	case "SORT", "SORT_RO":
		return compareSort(args, want, got, cc.sortType)
	case "EXEC":
		if want.Kind == kevy.ReplyArray && got.Kind == kevy.ReplyArray &&
			len(want.Elems) == len(cc.queue) && len(got.Elems) == len(cc.queue) {
			for i, q := range cc.queue {
				if d := compareReplies(q, want.Elems[i], got.Elems[i], cmpCtx{lexUndefined: lexKey(q) != "", expireRace: relativeGTLT(q)}); d != "" {
					return fmt.Sprintf("EXEC element %d (%s): %s", i, cliLine(q), d)
				}
			}
			return ""
		}
	}
	return exact(want, got)
}

func exact(want, got kevy.Reply) string {
	if w, g := show(want), show(got); w != g {
		return "redis " + clip(w) + "\n         kevy  " + clip(g)
	}
	return ""
}

// clip shortens a rendered reply for messages.
func clip(s string) string {
	if len(s) > 2000 {
		return s[:2000] + fmt.Sprintf("... (%d bytes)", len(s))
	}
	return s
}

// sameShape compares kinds (and, for arrays, lengths and element kinds).
func sameShape(want, got kevy.Reply) string {
	if shape(want) != shape(got) {
		return "shape: redis " + shape(want) + ", kevy " + shape(got) + "\n         redis " + clip(show(want)) + "\n         kevy  " + clip(show(got))
	}
	return ""
}

func shape(r kevy.Reply) string {
	if r.Kind != kevy.ReplyArray {
		return r.Kind.String()
	}
	parts := make([]string, len(r.Elems))
	for i, e := range r.Elems {
		parts[i] = shape(e)
	}
	return "[" + strings.Join(parts, " ") + "]"
}

func sortedElems(r kevy.Reply) kevy.Reply {
	if r.Kind != kevy.ReplyArray {
		return r
	}
	r.Elems = slices.Clone(r.Elems)
	slices.SortFunc(r.Elems, func(a, b kevy.Reply) int { return strings.Compare(show(a), show(b)) })
	return r
}

// sortedPairs sorts an array of field/value pairs by pair.
func sortedPairs(r kevy.Reply) kevy.Reply {
	return sortedGroups(r, 2)
}

// sortedGroups sorts an array's consecutive groups of n elements.
func sortedGroups(r kevy.Reply, n int) kevy.Reply {
	if r.Kind != kevy.ReplyArray || n < 1 || len(r.Elems)%n != 0 {
		return r
	}
	groups := make([][]kevy.Reply, 0, len(r.Elems)/n)
	for i := 0; i < len(r.Elems); i += n {
		groups = append(groups, r.Elems[i:i+n])
	}
	key := func(g []kevy.Reply) string { return show(resp.ArrayReply(g)) }
	slices.SortFunc(groups, func(a, b []kevy.Reply) int { return strings.Compare(key(a), key(b)) })
	out := make([]kevy.Reply, 0, len(r.Elems))
	for _, g := range groups {
		out = append(out, g...)
	}
	r.Elems = out
	return r
}

// scanShape checks a SCAN page's shape: [bulk cursor, array of bulks].
func scanShape(want, got kevy.Reply) string {
	ok := func(r kevy.Reply) bool {
		if r.Kind != kevy.ReplyArray || len(r.Elems) != 2 || r.Elems[0].Kind != kevy.ReplyBulk || r.Elems[1].Kind != kevy.ReplyArray {
			return false
		}
		if _, err := strconv.ParseUint(r.Elems[0].Str, 10, 64); err != nil {
			return false
		}
		for _, e := range r.Elems[1].Elems {
			if e.Kind != kevy.ReplyBulk {
				return false
			}
		}
		return true
	}
	if ok(want) != ok(got) {
		return "SCAN page shape: redis " + clip(show(want)) + "\n         kevy  " + clip(show(got))
	}
	return ""
}

// helpSubset checks a HELP reply: kevy lists the subcommands it
// implements, so its lines must be Redis's first line and then a
// subsequence of Redis's other lines, ending with the same HELP entry.
func helpSubset(want, got kevy.Reply) string {
	if want.Kind != kevy.ReplyArray || got.Kind != kevy.ReplyArray || len(got.Elems) < 3 {
		return exact(want, got)
	}
	j := 0
	for _, g := range got.Elems {
		for j < len(want.Elems) && show(want.Elems[j]) != show(g) {
			j++
		}
		if j == len(want.Elems) {
			return "HELP line " + show(g) + " is not in Redis's help, in order\n         redis " + clip(show(want)) + "\n         kevy  " + clip(show(got))
		}
		j++
	}
	if show(want.Elems[0]) != show(got.Elems[0]) || show(want.Elems[len(want.Elems)-1]) != show(got.Elems[len(got.Elems)-1]) {
		return exact(want, got)
	}
	return ""
}

// unimplemented replaces with nil the entries of a COMMAND INFO reply for
// the commands kevy does not implement (it answers nil for those, as
// Redis does for unknown names: kevy implements a subset, by design).
func unimplemented(names []string, r kevy.Reply) kevy.Reply {
	if r.Kind != kevy.ReplyArray || len(r.Elems) != len(names) {
		return r
	}
	r.Elems = slices.Clone(r.Elems)
	for i, n := range names {
		parent, sub, isSub := strings.Cut(n, "|")
		c := shard.Lookup(parent)
		if c != nil && isSub {
			c = c.Subs[strings.ToLower(sub)]
		}
		if c == nil {
			r.Elems[i] = resp.NilReply
		}
	}
	return r
}

// maskKeySpecs blanks the key specifications (field 8) of COMMAND INFO
// entries, subcommands included: kevy reports a simplified single range
// spec without flags (see shard.CommandInfo), by design. It also sorts
// the subcommands, which Redis lists in its hash table's order.
func maskKeySpecs(r kevy.Reply) kevy.Reply {
	if r.Kind != kevy.ReplyArray {
		return r
	}
	r.Elems = slices.Clone(r.Elems)
	for i, info := range r.Elems {
		if info.Kind != kevy.ReplyArray || len(info.Elems) < 10 {
			continue
		}
		info.Elems = slices.Clone(info.Elems)
		info.Elems[8] = resp.StatusReply("(key specs)")
		info.Elems[9] = sortedElems(maskKeySpecs(info.Elems[9])) // Redis: dict order
		r.Elems[i] = info
	}
	return r
}

// maskHello blanks the connection id in HELLO's reply.
func maskHello(r kevy.Reply) kevy.Reply {
	if r.Kind != kevy.ReplyArray {
		return r
	}
	r.Elems = slices.Clone(r.Elems)
	for i := 0; i+1 < len(r.Elems); i += 2 {
		if r.Elems[i].Str == "id" {
			r.Elems[i+1] = resp.IntReply(0)
		}
	}
	return r
}

// compareRandom compares the replies of a random command by shape and
// membership.
func compareRandom(args []string, want, got kevy.Reply, prior *fzPrior) string {
	if want.Kind != got.Kind {
		return exact(want, got)
	}
	member := func(s string) bool { return prior == nil || prior.has[s] }
	switch want.Kind {
	case kevy.ReplyBulk:
		if !member(got.Str) {
			return fmt.Sprintf("random reply %q is not in the key's contents", got.Str)
		}
		return ""
	case kevy.ReplyArray:
	default:
		return exact(want, got)
	}
	if len(want.Elems) != len(got.Elems) {
		return fmt.Sprintf("random reply has %d elements, redis %d\n         redis %s\n         kevy  %s",
			len(got.Elems), len(want.Elems), clip(show(want)), clip(show(got)))
	}
	step := 1
	if len(args) >= 4 {
		step = 2 // WITHVALUES, WITHSCORES
	}
	distinct := true
	if len(args) >= 3 {
		if n, err := strconv.ParseInt(args[2], 10, 64); err == nil && n < 0 {
			distinct = false
		}
	}
	seen := map[string]bool{}
	for i := 0; i < len(got.Elems); i += step {
		e := got.Elems[i]
		if e.Kind != kevy.ReplyBulk {
			return "random reply element is not a bulk string: " + show(got)
		}
		if !member(e.Str) {
			return fmt.Sprintf("random reply element %q is not in the key's contents: %s", e.Str, clip(show(got)))
		}
		if step == 2 && prior != nil && i+1 < len(got.Elems) && prior.values[e.Str] != got.Elems[i+1].Str {
			return fmt.Sprintf("random reply pairs %q with %q, the key has %q", e.Str, got.Elems[i+1].Str, prior.values[e.Str])
		}
		if distinct && seen[e.Str] {
			return fmt.Sprintf("random reply repeats %q with a non-negative count: %s", e.Str, clip(show(got)))
		}
		seen[e.Str] = true
	}
	return ""
}

// relativeGTLT reports whether args is EXPIRE or PEXPIRE with GT or LT.
func relativeGTLT(args []string) bool {
	if len(args) < 4 || !strings.EqualFold(args[0], "EXPIRE") && !strings.EqualFold(args[0], "PEXPIRE") {
		return false
	}
	return slices.ContainsFunc(args[3:], func(a string) bool { return strings.EqualFold(a, "GT") || strings.EqualFold(a, "LT") })
}

// sortOptions is what compareSort needs from SORT's arguments.
type sortOpts struct {
	store, alpha, limit, dontsort, byStar bool
	gets                                  int
}

func parseSortOpts(args []string) sortOpts {
	var o sortOpts
	for i := 2; i < len(args); i++ {
		switch strings.ToUpper(args[i]) {
		case "STORE":
			o.store = true
			i++
		case "ALPHA":
			o.alpha = true
		case "LIMIT":
			o.limit = true
			i += 2
		case "GET":
			o.gets++
			i++
		case "BY":
			if i+1 < len(args) {
				if strings.Contains(args[i+1], "*") {
					o.byStar = true
				} else {
					o.dontsort = true
				}
			}
			i++
		}
	}
	return o
}

// compareSort applies the SORT rules of the table above.
func compareSort(args []string, want, got kevy.Reply, keyType string) string {
	o := parseSortOpts(args)
	if o.store || want.Kind != kevy.ReplyArray || got.Kind != kevy.ReplyArray {
		return exact(want, got)
	}
	unordered := (o.dontsort && (keyType == "set" || keyType == "")) || (o.alpha && o.byStar)
	if o.alpha && !o.byStar && !o.dontsort && o.gets > 0 {
		unordered = true // elements tied by strcoll, hidden behind GET
	}
	if unordered {
		if o.limit {
			if len(want.Elems) != len(got.Elems) {
				return fmt.Sprintf("SORT returned %d elements, redis %d", len(got.Elems), len(want.Elems))
			}
			return ""
		}
		return exact(sortedGroups(want, max(o.gets, 1)), sortedGroups(got, max(o.gets, 1)))
	}
	if o.alpha && !o.byStar && !o.dontsort {
		if o.limit { // a LIMIT may cut a run of ties anywhere
			return exact(collateKeys(want), collateKeys(got))
		}
		return exact(sortCollateRuns(want), sortCollateRuns(got))
	}
	return exact(want, got)
}

// collateKeys maps every element to what strcoll compares: its bytes up
// to the first NUL.
func collateKeys(r kevy.Reply) kevy.Reply {
	r.Elems = slices.Clone(r.Elems)
	for i, e := range r.Elems {
		if j := strings.IndexByte(e.Str, 0); j >= 0 {
			r.Elems[i] = resp.BulkReply(e.Str[:j])
		}
	}
	return r
}

// sortCollateRuns sorts, byte-wise, every run of consecutive elements
// that C's strcoll cannot tell apart (equal up to their first NUL byte).
func sortCollateRuns(r kevy.Reply) kevy.Reply {
	r.Elems = slices.Clone(r.Elems)
	cstr := func(s string) string {
		if i := strings.IndexByte(s, 0); i >= 0 {
			return s[:i]
		}
		return s
	}
	for i := 0; i < len(r.Elems); {
		j := i + 1
		for j < len(r.Elems) && cstr(r.Elems[j].Str) == cstr(r.Elems[i].Str) {
			j++
		}
		slices.SortFunc(r.Elems[i:j], func(a, b kevy.Reply) int { return strings.Compare(a.Str, b.Str) })
		i = j
	}
	return r
}

// cliLine renders a command as a redis-cli input line.
func cliLine(args []string) string {
	parts := make([]string, len(args))
	for i, a := range args {
		parts[i] = cliQuote(a)
	}
	return strings.Join(parts, " ")
}

// cliQuote quotes an argument the way redis-cli's parser reads it back:
// bare when plain, else in double quotes with \xHH escapes.
func cliQuote(s string) string {
	plain := s != ""
	for i := 0; i < len(s) && plain; i++ {
		c := s[i]
		plain = c > ' ' && c < 0x7f && c != '"' && c != '\'' && c != '\\'
	}
	if plain {
		return s
	}
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\r':
			b.WriteString(`\r`)
		case c == '\t':
			b.WriteString(`\t`)
		case c < ' ' || c >= 0x7f:
			fmt.Fprintf(&b, `\x%02x`, c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}
