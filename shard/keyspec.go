package shard

import (
	"strconv"
	"strings"

	"github.com/kevydb/kevy/resp"
)

// Key specifications (Redis 7.0's key specs, server.h and db.c): where a
// command's keys are among its arguments and what it does with each. The
// table of every Redis 7.0 command's specs is redis_commands.go, generated
// from redis-server; a command registered here gets its specs from it.
// Access control reads them: a key used with ACCESS needs a read (%R)
// pattern, one with INSERT, UPDATE or DELETE a write (%W) pattern.

// KeyFlags are the flags of a key spec, as COMMAND INFO names them.
type KeyFlags uint16

// The key spec flags of Redis 7.0, in COMMAND INFO's order.
const (
	KeyRO            KeyFlags = 1 << iota // RO: reads the value
	KeyRW                                 // RW: reads and changes the value
	KeyOW                                 // OW: overwrites the value without reading it
	KeyRM                                 // RM: deletes the key
	KeyAccess                             // access: returns, copies or uses the user data
	KeyUpdate                             // update: updates data in the value
	KeyInsert                             // insert: adds data to the value
	KeyDelete                             // delete: removes data from the value
	KeyNotKey                             // not_key: a fake key (routing only)
	KeyIncomplete                         // incomplete: the spec may miss keys
	KeyVariableFlags                      // variable_flags: the flags depend on the arguments
)

var keyFlagNames = []string{"RO", "RW", "OW", "RM", "access", "update", "insert", "delete",
	"not_key", "incomplete", "variable_flags"}

// Names returns the flags' COMMAND INFO names in Redis's order.
func (f KeyFlags) Names() []string {
	var out []string
	for i, n := range keyFlagNames {
		if f&(1<<i) != 0 {
			out = append(out, n)
		}
	}
	return out
}

// SearchKind is how a key spec finds where its keys begin.
type SearchKind uint8

// The begin_search types.
const (
	SearchUnknown SearchKind = iota // the keys cannot be found from the spec
	SearchIndex                     // at a fixed argument index
	SearchKeyword                   // after a keyword
)

// FindKind is how a key spec finds its keys once it knows where they begin.
type FindKind uint8

// The find_keys types.
const (
	FindUnknown FindKind = iota // the keys cannot be found from the spec
	FindRange                   // a range of arguments
	FindKeyNum                  // a count argument, then the keys
)

// KeySpec is one key specification of a command.
type KeySpec struct {
	Notes string
	Flags KeyFlags

	Search    SearchKind
	Index     int    // SearchIndex: the argument index of the first key
	Keyword   string // SearchKeyword: the keyword the keys follow
	StartFrom int    // SearchKeyword: where the search starts (negative: from the end, backwards)

	Find      FindKind
	LastKey   int // FindRange: the last key, relative to the first; negative counts from the end
	KeyStep   int // FindRange, FindKeyNum: the distance between keys
	Limit     int // FindRange with LastKey -1: only 1/Limit of the remaining arguments
	KeyNumIdx int // FindKeyNum: the count's index, relative to the begin
	FirstKey  int // FindKeyNum: the first key's index, relative to the begin
}

// Constructors of the generated table (redis_commands.go).

func ksIndex(flags KeyFlags, index int) KeySpec {
	return KeySpec{Flags: flags, Search: SearchIndex, Index: index}
}

func ksKeyword(flags KeyFlags, keyword string, from int) KeySpec {
	return KeySpec{Flags: flags, Search: SearchKeyword, Keyword: keyword, StartFrom: from}
}

func ksUnknown(flags KeyFlags) KeySpec { return KeySpec{Flags: flags} }

func (s KeySpec) rng(last, step, limit int) KeySpec {
	s.Find, s.LastKey, s.KeyStep, s.Limit = FindRange, last, step, limit
	return s
}

func (s KeySpec) keynum(idx, first, step int) KeySpec {
	s.Find, s.KeyNumIdx, s.FirstKey, s.KeyStep = FindKeyNum, idx, first, step
	return s
}

func (s KeySpec) notes(n string) KeySpec { s.Notes = n; return s }

// KeyRef is one key of a command's arguments: its position and the flags
// of the spec (or getkeys function) that found it.
type KeyRef struct {
	Pos   int
	Flags KeyFlags
}

// keysProc names a command's own key finder (Redis's getkeys_proc), used
// when its specs are incomplete or their flags vary, or when they fail on
// the arguments. (A switch rather than function values: an indirect call
// would make every caller's arguments escape to the heap.)
type keysProc uint8

const (
	procNone          keysProc = iota
	procNumKeys                // numkeys key ... (sintercard, zunion, lmpop ...)
	procStoreNumKeys           // dest numkeys key ... (zunionstore ...)
	procScriptNumKeys          // script numkeys key ... (eval, fcall, blmpop, bzmpop)
	procSort
	procSortRO
	procMigrate
	procGeoradius
	procXread
	procSet
	procBitfield
)

// keysProcs are the key finders of Redis's commands that have one (db.c),
// by full name.
var keysProcs = map[string]keysProc{
	"sintercard": procNumKeys, "zintercard": procNumKeys, "zunion": procNumKeys, "zinter": procNumKeys,
	"zdiff": procNumKeys, "lmpop": procNumKeys, "zmpop": procNumKeys,
	"zunionstore": procStoreNumKeys, "zinterstore": procStoreNumKeys, "zdiffstore": procStoreNumKeys,
	"eval": procScriptNumKeys, "evalsha": procScriptNumKeys, "eval_ro": procScriptNumKeys,
	"evalsha_ro": procScriptNumKeys, "fcall": procScriptNumKeys, "fcall_ro": procScriptNumKeys,
	"blmpop": procScriptNumKeys, "bzmpop": procScriptNumKeys,
	"sort": procSort, "sort_ro": procSortRO, "migrate": procMigrate,
	"georadius": procGeoradius, "georadiusbymember": procGeoradius,
	"xread": procXread, "xreadgroup": procXread, "set": procSet, "bitfield": procBitfield,
}

// keyInfo is what Register derives from a command's key specs.
type keyInfo struct {
	proc     keysProc
	hasKeys  bool // Redis's doesCommandHaveKeys
	useSpecs bool // a spec that is not a fake key, and none with variable flags
}

func deriveKeyInfo(name string, specs []KeySpec) keyInfo {
	k := keyInfo{proc: keysProcs[name]}
	varFlags := false
	for i := range specs {
		if specs[i].Flags&KeyNotKey == 0 {
			k.useSpecs = true
		}
		if specs[i].Flags&KeyVariableFlags != 0 {
			varFlags = true
		}
	}
	k.hasKeys = k.proc != procNone || k.useSpecs
	k.useSpecs = k.useSpecs && !varFlags
	return k
}

// procKeys runs the command's own key finder.
func (c *Command) procKeys(args []string, dst []KeyRef) []KeyRef {
	switch c.keys.proc {
	case procNumKeys:
		return numKeysGetKeys(args, dst, 0, 1, 2)
	case procStoreNumKeys:
		return numKeysGetKeys(args, dst, 1, 2, 3)
	case procScriptNumKeys:
		return numKeysGetKeys(args, dst, 0, 2, 3)
	case procSort:
		return sortGetKeys(args, dst)
	case procSortRO:
		return append(dst, KeyRef{Pos: 1, Flags: KeyRO | KeyAccess})
	case procMigrate:
		return migrateGetKeys(args, dst)
	case procGeoradius:
		return georadiusGetKeys(args, dst)
	case procXread:
		return xreadGetKeys(args, dst)
	case procSet:
		return setGetKeys(args, dst)
	case procBitfield:
		return bitfieldGetKeys(args, dst)
	}
	return dst
}

// HasKeys reports whether the command may have keys: a key finder of its
// own, or a spec that is not a fake key (Redis's doesCommandHaveKeys).
func (c *Command) HasKeys() bool { return c.keys.hasKeys }

// KeyRefs appends to dst the keys of the command's arguments args with
// their flags, found as Redis's getKeysFromCommandWithSpecs does: from the
// key specs when their flags are reliable and they find the keys, else
// with the command's own key finder; no keys when neither applies. Every
// position is within args, whatever their number (a script's
// redis.acl_check_cmd checks commands without their arity).
func (c *Command) KeyRefs(args []string, dst []KeyRef) []KeyRef {
	if c.keys.useSpecs {
		if out, ok := c.keysFromSpecs(args, dst); ok {
			return out
		}
	}
	start := len(dst)
	dst = c.procKeys(args, dst)
	kept := dst[:start]
	for _, k := range dst[start:] {
		if k.Pos < len(args) {
			kept = append(kept, k)
		}
	}
	return kept
}

// keysFromSpecs is Redis's getKeysUsingKeySpecs with the default search
// flags: ok is false when a spec is unknown, incomplete or does not fit
// the arguments.
func (c *Command) keysFromSpecs(args []string, dst []KeyRef) ([]KeyRef, bool) {
	start := len(dst)
	argc := len(args)
	for i := range c.KeySpecs {
		spec := &c.KeySpecs[i]
		if spec.Flags&KeyNotKey != 0 {
			continue
		}
		first := 0
		switch spec.Search {
		case SearchIndex:
			first = spec.Index
		case SearchKeyword:
			from, end := spec.StartFrom, 1
			if from > 0 {
				end = argc - 1
			} else {
				from += argc
			}
			for j := from; j != end; {
				if j >= argc || j < 1 {
					break
				}
				if EqualFold(args[j], spec.Keyword) {
					first = j + 1
					break
				}
				if from <= end {
					j++
				} else {
					j--
				}
			}
			if first == 0 {
				continue // the keyword is not there
			}
		default:
			return dst[:start], false
		}
		var last, step int
		switch spec.Find {
		case FindRange:
			step = spec.KeyStep
			switch {
			case spec.LastKey >= 0:
				last = first + spec.LastKey
			case spec.Limit == 0:
				last = argc + spec.LastKey
			default:
				last = first + ((argc-first)/spec.Limit + spec.LastKey)
			}
		case FindKeyNum:
			step = spec.KeyStep
			if spec.KeyNumIdx >= argc || first+spec.KeyNumIdx >= argc {
				return dst[:start], false
			}
			n, ok := ParseInt(args[first+spec.KeyNumIdx])
			if !ok || n < 0 || n > int64(argc) {
				return dst[:start], false
			}
			first += spec.FirstKey
			last = first + int(n) - 1
		default:
			return dst[:start], false
		}
		if last >= argc || last < first || first >= argc {
			return dst[:start], false
		}
		for j := first; j <= last; j += step {
			dst = append(dst, KeyRef{Pos: j, Flags: spec.Flags})
		}
		if spec.Flags&KeyIncomplete != 0 {
			return dst[:start], false
		}
	}
	return dst, true
}

// numKeysGetKeys is Redis's genericGetKeys with a key step of 1:
// [destkey] numkeys key ... options.
func numKeysGetKeys(args []string, dst []KeyRef, storeOfs, countOfs, firstOfs int) []KeyRef {
	if countOfs >= len(args) {
		return dst
	}
	num := atoi(args[countOfs])
	if num < 1 || num > int64(len(args)-firstOfs) {
		return dst
	}
	for i := 0; i < int(num); i++ {
		dst = append(dst, KeyRef{Pos: firstOfs + i})
	}
	if storeOfs > 0 {
		dst = append(dst, KeyRef{Pos: storeOfs})
	}
	return dst
}

// sortGetKeys finds SORT's key and its last STORE destination, skipping
// the arguments of LIMIT, GET and BY (Redis's sortGetKeys).
func sortGetKeys(args []string, dst []KeyRef) []KeyRef {
	dst = append(dst, KeyRef{Pos: 1, Flags: KeyRO | KeyAccess})
	store := 0
	for i := 2; i < len(args); i++ {
		switch {
		case EqualFold(args[i], "limit"):
			i += 2
		case EqualFold(args[i], "get"), EqualFold(args[i], "by"):
			i++
		case EqualFold(args[i], "store") && i+1 < len(args):
			store = i + 1
		}
	}
	if store > 0 {
		dst = append(dst, KeyRef{Pos: store, Flags: KeyOW | KeyUpdate})
	}
	return dst
}

func migrateGetKeys(args []string, dst []KeyRef) []KeyRef {
	first, num := 3, 1
	if len(args) > 6 {
	scan:
		for i := 6; i < len(args); i++ {
			switch {
			case EqualFold(args[i], "keys"):
				if args[3] != "" {
					num = 0
				} else {
					first, num = i+1, len(args)-i-1
				}
				break scan
			case EqualFold(args[i], "auth"):
				i++
			case EqualFold(args[i], "auth2"):
				i += 2
			}
		}
	}
	for i := 0; i < num; i++ {
		dst = append(dst, KeyRef{Pos: first + i, Flags: KeyRW | KeyAccess | KeyDelete})
	}
	return dst
}

func georadiusGetKeys(args []string, dst []KeyRef) []KeyRef {
	stored := -1
	for i := 5; i < len(args); i++ {
		if (EqualFold(args[i], "store") || EqualFold(args[i], "storedist")) && i+1 < len(args) {
			stored = i + 1
			i++
		}
	}
	dst = append(dst, KeyRef{Pos: 1})
	if stored > 0 {
		dst = append(dst, KeyRef{Pos: stored})
	}
	return dst
}

func xreadGetKeys(args []string, dst []KeyRef) []KeyRef {
	streams := -1
loop:
	for i := 1; i < len(args); i++ {
		switch {
		case EqualFold(args[i], "block"), EqualFold(args[i], "count"):
			i++
		case EqualFold(args[i], "group"):
			i += 2
		case EqualFold(args[i], "noack"):
		case EqualFold(args[i], "streams"):
			streams = i
			break loop
		default:
			break loop
		}
	}
	if streams < 0 {
		return dst
	}
	num := len(args) - streams - 1
	if num == 0 || num%2 != 0 {
		return dst
	}
	for i := streams + 1; i < len(args)-num/2; i++ {
		dst = append(dst, KeyRef{Pos: i})
	}
	return dst
}

// setGetKeys: SET's key is read too when GET is given (matched as Redis
// does, by a case-insensitive "get" from the fourth argument on).
func setGetKeys(args []string, dst []KeyRef) []KeyRef {
	for i := 3; i < len(args); i++ {
		if EqualFold(args[i], "get") {
			return append(dst, KeyRef{Pos: 1, Flags: KeyRW | KeyAccess | KeyUpdate})
		}
	}
	return append(dst, KeyRef{Pos: 1, Flags: KeyOW | KeyUpdate})
}

// bitfieldGetKeys: BITFIELD is read-only when it has only GET (and
// OVERFLOW) operations.
func bitfieldGetKeys(args []string, dst []KeyRef) []KeyRef {
	readonly := true
	for i := 2; i < len(args); i++ {
		left := len(args) - i - 1
		switch {
		case EqualFold(args[i], "get") && left >= 2:
			i += 2
		case (EqualFold(args[i], "set") || EqualFold(args[i], "incrby")) && left >= 3:
			readonly = false
			i = len(args)
		case EqualFold(args[i], "overflow") && left >= 1:
			i++
		default:
			readonly = false
			i = len(args)
		}
	}
	if readonly {
		return append(dst, KeyRef{Pos: 1, Flags: KeyRO | KeyAccess})
	}
	return append(dst, KeyRef{Pos: 1, Flags: KeyRW | KeyAccess | KeyUpdate})
}

// keySpecsReply is COMMAND INFO's key specifications element (RESP2).
func keySpecsReply(specs []KeySpec) resp.Reply {
	out := make([]resp.Reply, 0, len(specs))
	for i := range specs {
		s := &specs[i]
		var m []resp.Reply
		if s.Notes != "" {
			m = append(m, resp.BulkReply("notes"), resp.BulkReply(s.Notes))
		}
		m = append(m, resp.BulkReply("flags"), statusArray(s.Flags.Names()))
		var bs, fk []resp.Reply
		switch s.Search {
		case SearchIndex:
			bs = []resp.Reply{resp.BulkReply("type"), resp.BulkReply("index"), resp.BulkReply("spec"),
				resp.ArrayReply([]resp.Reply{resp.BulkReply("index"), resp.IntReply(int64(s.Index))})}
		case SearchKeyword:
			bs = []resp.Reply{resp.BulkReply("type"), resp.BulkReply("keyword"), resp.BulkReply("spec"),
				resp.ArrayReply([]resp.Reply{resp.BulkReply("keyword"), resp.BulkReply(s.Keyword),
					resp.BulkReply("startfrom"), resp.IntReply(int64(s.StartFrom))})}
		default:
			bs = []resp.Reply{resp.BulkReply("type"), resp.BulkReply("unknown"), resp.BulkReply("spec"), resp.EmptyArr}
		}
		switch s.Find {
		case FindRange:
			fk = []resp.Reply{resp.BulkReply("type"), resp.BulkReply("range"), resp.BulkReply("spec"),
				resp.ArrayReply([]resp.Reply{resp.BulkReply("lastkey"), resp.IntReply(int64(s.LastKey)),
					resp.BulkReply("keystep"), resp.IntReply(int64(s.KeyStep)),
					resp.BulkReply("limit"), resp.IntReply(int64(s.Limit))})}
		case FindKeyNum:
			fk = []resp.Reply{resp.BulkReply("type"), resp.BulkReply("keynum"), resp.BulkReply("spec"),
				resp.ArrayReply([]resp.Reply{resp.BulkReply("keynumidx"), resp.IntReply(int64(s.KeyNumIdx)),
					resp.BulkReply("firstkey"), resp.IntReply(int64(s.FirstKey)),
					resp.BulkReply("keystep"), resp.IntReply(int64(s.KeyStep))})}
		default:
			fk = []resp.Reply{resp.BulkReply("type"), resp.BulkReply("unknown"), resp.BulkReply("spec"), resp.EmptyArr}
		}
		m = append(m, resp.BulkReply("begin_search"), resp.ArrayReply(bs),
			resp.BulkReply("find_keys"), resp.ArrayReply(fk))
		out = append(out, resp.ArrayReply(m))
	}
	return resp.ArrayReply(out)
}

func statusArray(ss []string) resp.Reply {
	out := make([]resp.Reply, len(ss))
	for i, s := range ss {
		out[i] = resp.StatusReply(s)
	}
	return resp.ArrayReply(out)
}

// String renders the spec as the generated table writes it (for tests and
// error messages).
func (s KeySpec) String() string {
	var b strings.Builder
	b.WriteString(strings.Join(s.Flags.Names(), "|"))
	switch s.Search {
	case SearchIndex:
		b.WriteString(" index " + strconv.Itoa(s.Index))
	case SearchKeyword:
		b.WriteString(" keyword " + s.Keyword + " " + strconv.Itoa(s.StartFrom))
	default:
		b.WriteString(" unknown")
	}
	switch s.Find {
	case FindRange:
		b.WriteString(" range " + strconv.Itoa(s.LastKey) + " " + strconv.Itoa(s.KeyStep) + " " + strconv.Itoa(s.Limit))
	case FindKeyNum:
		b.WriteString(" keynum " + strconv.Itoa(s.KeyNumIdx) + " " + strconv.Itoa(s.FirstKey) + " " + strconv.Itoa(s.KeyStep))
	default:
		b.WriteString(" unknown")
	}
	return b.String()
}
