package shard

import (
	"slices"

	"github.com/kevydb/kevy/internal/geohash"
	"github.com/kevydb/kevy/resp"
)

// The geo searches (Redis's georadiusGeneric): GEORADIUS
// GEORADIUSBYMEMBER and their _RO forms, GEOSEARCH, GEOSEARCHSTORE.

func init() {
	reg := func(name string, srcIdx, flags int) *Command {
		return Register(name, func(c *Ctx) resp.Reply { return georadiusGeneric(c, srcIdx, flags) })
	}
	for _, r := range []struct {
		name  string
		from  int
		flags int
	}{
		{"georadius", 6, geoRadiusCoords},
		{"georadiusbymember", 5, geoRadiusMember},
	} {
		cmd := reg(r.name, 1, r.flags)
		cmd.KeysFn = georadiusKeys(r.from, true)
		cmd.GetKeysFn = georadiusKeys(r.from, false)
	}
	reg("georadius_ro", 1, geoRadiusCoords|geoNoStore)
	reg("georadiusbymember_ro", 1, geoRadiusMember|geoNoStore)
	reg("geosearch", 1, geoSearch)
	reg("geosearchstore", 2, geoSearch|geoSearchStore)
}

// Search variants.
const (
	geoRadiusCoords = 1 << iota // around coordinates
	geoRadiusMember             // around a member
	geoNoStore                  // no STORE/STOREDIST
	geoSearch                   // GEOSEARCH's arguments
	geoSearchStore              // GEOSEARCHSTORE: STOREDIST is a flag
)

// georadiusKeys returns the key positions of GEORADIUS and
// GEORADIUSBYMEMBER: the source, then the keys Redis's key specs find —
// the argument after the first STORE and after the first STOREDIST from
// position from on. For routing (withHandler), it adds the key the
// command writes when it differs: its option parsing lets the last STORE
// or STOREDIST win.
func georadiusKeys(from int, withHandler bool) func(args []string, dst []int) []int {
	return func(args []string, dst []int) []int {
		dst = append(dst, 1)
		for _, kw := range [...]string{"store", "storedist"} {
			for i := from; i < len(args); i++ {
				if EqualFold(args[i], kw) {
					if i+1 < len(args) {
						dst = append(dst, i+1)
					}
					break
				}
			}
		}
		if !withHandler {
			return dst
		}
		store := -1
		for i := from; i < len(args); i++ {
			if (EqualFold(args[i], "store") || EqualFold(args[i], "storedist")) && i+1 < len(args) {
				store = i + 1
				i++
			}
		}
		for _, p := range dst {
			if store < 0 || args[p] == args[store] {
				return dst
			}
		}
		return append(dst, store)
	}
}

// errMemberDecode is the reply for a search around a missing member.
var errMemberDecode = resp.Err("ERR could not decode requested zset member")

// distanceArgs parses a radius and its unit into shape.
func distanceArgs(shape *geohash.Shape, num, unit string) resp.Reply {
	d, ok := ParseFloat(num)
	if !ok {
		return resp.Err("ERR need numeric radius")
	}
	if d < 0 {
		return resp.Err("ERR radius cannot be negative")
	}
	shape.Radius = d
	if shape.Conversion, ok = unitArg(unit); !ok {
		return errGeoUnit
	}
	return resp.Reply{}
}

// boxArgs parses a width, a height and their unit into shape.
func boxArgs(shape *geohash.Shape, w, h, unit string) resp.Reply {
	width, ok := ParseFloat(w)
	if !ok {
		return resp.Err("ERR need numeric width")
	}
	height, ok := ParseFloat(h)
	if !ok {
		return resp.Err("ERR need numeric height")
	}
	if height < 0 || width < 0 {
		return resp.Err("ERR height or width cannot be negative")
	}
	shape.Width, shape.Height = width, height
	if shape.Conversion, ok = unitArg(unit); !ok {
		return errGeoUnit
	}
	return resp.Reply{}
}

// georadiusGeneric is Redis's georadiusGeneric: the source sorted set at
// c.Args[srcIdx], the center and the shape from the arguments of the
// variant, the options, then the search, sort, and reply or store.
func georadiusGeneric(c *Ctx, srcIdx, flags int) resp.Reply {
	var storeKey string
	hasStore, storeDist := false, false

	e := c.Read(c.Args[srcIdx])
	if e != nil && e.Type != TypeZSet {
		return ErrWrongType
	}
	var z *ZSet
	if e != nil {
		z = e.Obj.(*ZSet)
	}

	var shape geohash.Shape
	var base int
	switch {
	case flags&geoRadiusCoords != 0:
		base = 6
		lon, lat, rep := longLatArgs(c.Args[2], c.Args[3])
		if rep.Kind == resp.Error {
			return rep
		}
		shape.X, shape.Y = lon, lat
		if rep := distanceArgs(&shape, c.Args[4], c.Args[5]); rep.Kind == resp.Error {
			return rep
		}
	case flags&geoRadiusMember != 0 && z == nil:
		base = 5 // no source: parse the options for the reply's form
	case flags&geoRadiusMember != 0:
		base = 5
		s, ok := z.Score(c.Args[2])
		if !ok {
			return errMemberDecode
		}
		shape.X, shape.Y = geohash.DecodeScore(s)
		if rep := distanceArgs(&shape, c.Args[3], c.Args[4]); rep.Kind == resp.Error {
			return rep
		}
	default: // GEOSEARCH, GEOSEARCHSTORE
		base = 2
		if flags&geoSearchStore != 0 {
			base = 3
			storeKey, hasStore = c.Args[1], true
		}
	}

	withDist, withHash, withCoord := false, false, false
	fromMember, fromLoc, byRadius, byBox := false, false, false, false
	sortDir := 0 // 0 none, 1 ascending, 2 descending
	anyOpt := false
	var count int64
	args := c.Args[base:]
	for i := 0; i < len(args); i++ {
		a := args[i]
		rem := len(args)
		switch {
		case EqualFold(a, "withdist"):
			withDist = true
		case EqualFold(a, "withhash"):
			withHash = true
		case EqualFold(a, "withcoord"):
			withCoord = true
		case EqualFold(a, "any"):
			anyOpt = true
		case EqualFold(a, "asc"):
			sortDir = 1
		case EqualFold(a, "desc"):
			sortDir = 2
		case EqualFold(a, "count") && i+1 < rem:
			n, ok := ParseInt(args[i+1])
			if !ok {
				return ErrNotInt
			}
			if n <= 0 {
				return resp.Err("ERR COUNT must be > 0")
			}
			count = n
			i++
		case (EqualFold(a, "store") || EqualFold(a, "storedist")) && i+1 < rem && flags&(geoNoStore|geoSearch) == 0:
			storeKey, hasStore = args[i+1], true
			storeDist = EqualFold(a, "storedist")
			i++
		case EqualFold(a, "storedist") && flags&geoSearch != 0 && flags&geoSearchStore != 0:
			storeDist = true
		case EqualFold(a, "frommember") && i+1 < rem && flags&geoSearch != 0 && !fromLoc:
			if z != nil {
				s, ok := z.Score(args[i+1])
				if !ok {
					return errMemberDecode
				}
				shape.X, shape.Y = geohash.DecodeScore(s)
			}
			fromMember = true
			i++
		case EqualFold(a, "fromlonlat") && i+2 < rem && flags&geoSearch != 0 && !fromMember:
			lon, lat, rep := longLatArgs(args[i+1], args[i+2])
			if rep.Kind == resp.Error {
				return rep
			}
			shape.X, shape.Y = lon, lat
			fromLoc = true
			i += 2
		case EqualFold(a, "byradius") && i+2 < rem && flags&geoSearch != 0 && !byBox:
			if rep := distanceArgs(&shape, args[i+1], args[i+2]); rep.Kind == resp.Error {
				return rep
			}
			shape.Box = false
			byRadius = true
			i += 2
		case EqualFold(a, "bybox") && i+3 < rem && flags&geoSearch != 0 && !byRadius:
			if rep := boxArgs(&shape, args[i+1], args[i+2], args[i+3]); rep.Kind == resp.Error {
				return rep
			}
			shape.Box = true
			byBox = true
			i += 3
		default:
			return ErrSyntax
		}
	}

	if hasStore && (withDist || withHash || withCoord) {
		what := "STORE option in GEORADIUS"
		if flags&geoSearchStore != 0 {
			what = "GEOSEARCHSTORE"
		}
		return resp.Err("ERR " + what + " is not compatible with WITHDIST, WITHHASH and WITHCOORD options")
	}
	if flags&geoSearch != 0 && !fromMember && !fromLoc {
		return resp.Err(noNewlines("ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for " + cstring(c.Args[0])))
	}
	if flags&geoSearch != 0 && !byRadius && !byBox {
		return resp.Err(noNewlines("ERR exactly one of BYRADIUS and BYBOX can be specified for " + cstring(c.Args[0])))
	}
	if anyOpt && count == 0 {
		return resp.Err("ERR the ANY argument requires COUNT argument")
	}

	if z == nil {
		if hasStore {
			if c.Delete(storeKey) {
				c.Modified(storeKey)
				c.Notify(NotifyGeneric, "del", storeKey)
				c.Propagate(storeKey, "DEL", storeKey)
			}
			return resp.Zero
		}
		return resp.EmptyArr
	}
	if count != 0 && sortDir == 0 && !anyOpt {
		sortDir = 1 // the nearest COUNT: sort them
	}

	cells := shape.CoveringCells()
	limit := 0
	if anyOpt {
		limit = int(min(count, int64(1<<31)))
	}
	// Distances are needed to sort, reply or store them; otherwise only
	// whether each point is inside.
	needDist := sortDir != 0 || withDist || storeDist
	ga := geoMembersOfCells(z, &cells, &shape, needDist, limit)
	if len(ga) == 0 && !hasStore {
		return resp.EmptyArr
	}
	n := len(ga)
	if count != 0 && int64(n) > count {
		n = int(count)
	}
	if sortDir != 0 {
		sortGeoPoints(ga, n, sortDir == 2)
	}

	if !hasStore {
		out := make([]resp.Reply, n)
		for i := range n {
			gp := &ga[i]
			dist := gp.dist / shape.Conversion
			if !withDist && !withHash && !withCoord {
				out[i] = resp.BulkReply(gp.member)
				continue
			}
			item := []resp.Reply{resp.BulkReply(gp.member)}
			if withDist {
				item = append(item, resp.BulkReply(geohash.FormatDistance(dist)))
			}
			if withHash {
				item = append(item, resp.IntReply(int64(gp.score)))
			}
			if withCoord {
				item = append(item, coordReply(gp.lon, gp.lat))
			}
			out[i] = resp.ArrayReply(item)
		}
		return resp.ArrayReply(out)
	}

	entries := make([]zsetEntry, n)
	for i := range n {
		gp := &ga[i]
		score := gp.score
		if storeDist {
			score = gp.dist / shape.Conversion
		}
		entries[i] = zsetEntry{member: gp.member, score: score}
	}
	slices.SortFunc(entries, zsetCompare)
	// A member found in two cells would appear twice (Redis asserts it
	// never does): keep one.
	entries = slices.CompactFunc(entries, func(a, b zsetEntry) bool { return a.member == b.member })
	n = len(entries)
	event := "georadiusstore"
	if flags&geoSearch != 0 {
		event = "geosearchstore"
	}
	var res *ZSet
	if n > 0 {
		res = zsetFromSorted(entries)
	}
	return zstoreResult(c, storeKey, res, event)
}
