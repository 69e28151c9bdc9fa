package kevy_test

import (
	"strconv"
)

// Command families of the differential fuzzer: bitmaps and bitfields,
// HyperLogLogs, geo sets and LCS.
//
// Safety. Bit offsets stay below 2^20 (a string of at most 128 KiB) unless
// they are past Redis's 512 MB limit. HLL keys are not in fzAllKeys: the
// string commands of other families would tamper with them in ways only
// the HLL family controls (header bytes, the cached cardinality, junk
// appended past the last register). PFSELFTEST is not generated (it runs
// for seconds); its own test covers it.

var (
	fzBitKeys = []string{"b", "{t}b", "b2"}
	fzHLLKeys = []string{"p", "{t}p", "p2"}
	fzGeoKeys = []string{"g", "{t}g", "g2"}
)

// bitOffset is a bit offset: small mostly, near byte and word edges, or
// invalid.
func (g *fzGen) bitOffset() string {
	switch n := g.r.IntN(100); {
	case n < 60:
		return strconv.Itoa(g.r.IntN(80))
	case n < 85:
		return g.pick("0", "7", "8", "63", "64", "127", "1000", "8191", "100000", "1048575")
	}
	return g.pick("-1", "x", "1.5", "4294967296", "9223372036854775807", "", "01", "+1")
}

// bitIndex is a BITCOUNT/BITPOS bound.
func (g *fzGen) bitIndex() string {
	if g.pct(85) {
		return strconv.Itoa(g.r.IntN(40) - 15)
	}
	return g.pick(fzEdgeInts...)
}

func (g *fzGen) bitKeys(n int) []string {
	out := make([]string, n)
	for i := range out {
		if g.pct(25) {
			out[i] = g.key(fzStrKeys)
		} else {
			out[i] = g.key(fzBitKeys)
		}
	}
	return out
}

// bitfieldType is a BITFIELD type: common widths mostly, edges and
// invalid ones sometimes.
func (g *fzGen) bitfieldType() string {
	if g.pct(80) {
		return g.pick("u1", "u4", "u8", "i8", "i5", "u16", "i16", "i32", "u63", "i64", "u7", "i3")
	}
	return g.pick("u64", "i65", "i0", "u0", "x8", "I8", "u", "", "i-1", "u08")
}

// bitfieldOffset is a BITFIELD offset, plain or "#n".
func (g *fzGen) bitfieldOffset() string {
	if g.pct(30) {
		return "#" + strconv.Itoa(g.r.IntN(12))
	}
	if g.pct(5) {
		return g.pick("#", "#x", "#-1", "-1", "x", "4294967296")
	}
	return strconv.Itoa(g.r.IntN(100))
}

// bitfieldValue is a SET value or an INCRBY increment.
func (g *fzGen) bitfieldValue() string {
	if g.pct(30) {
		return g.pick("9223372036854775807", "-9223372036854775808", "255", "256", "-129", "128", "127", "-1", "x", "1.5")
	}
	return strconv.Itoa(g.r.IntN(600) - 300)
}

func (g *fzGen) genBitmap() []string {
	k := g.key(fzBitKeys)
	switch g.r.IntN(22) {
	case 0, 1, 2, 3, 4:
		v := "1"
		switch n := g.r.IntN(100); {
		case n < 40:
			v = "0"
		case n > 95:
			v = g.pick("2", "-1", "x", "", "01")
		}
		return []string{g.name("SETBIT"), k, g.bitOffset(), v}
	case 5, 6:
		return []string{g.name("GETBIT"), k, g.bitOffset()}
	case 7, 8:
		args := []string{g.name("BITCOUNT"), k}
		switch g.r.IntN(5) {
		case 0:
		case 1:
			args = append(args, g.bitIndex())
		default:
			args = append(args, g.bitIndex(), g.bitIndex())
			if g.pct(60) {
				args = append(args, g.opt(g.pick("BIT", "BYTE", "BIT", "bits")))
			}
		}
		return args
	case 9, 10:
		args := []string{g.name("BITPOS"), k, g.pick("0", "1", "1", "0", "2", "x")}
		switch n := g.r.IntN(4); n {
		case 1:
			args = append(args, g.bitIndex())
		case 2, 3:
			args = append(args, g.bitIndex(), g.bitIndex())
			if n == 3 {
				args = append(args, g.opt(g.pick("BIT", "BYTE", "bit", "nope")))
			}
		}
		return args
	case 11, 12:
		op := g.pick("AND", "OR", "XOR", "NOT", "AND", "OR", "nand")
		n := 1 + g.r.IntN(3)
		if op == "NOT" && g.pct(80) {
			n = 1
		}
		return append([]string{g.name("BITOP"), g.opt(op), g.key(fzBitKeys)}, g.bitKeys(n)...)
	case 13, 14, 15, 16:
		return g.bitfield([]string{g.name("BITFIELD"), k}, false)
	case 17:
		return g.bitfield([]string{g.name("BITFIELD_RO"), k}, g.pct(90))
	case 18:
		// Whole bytes: strings whose bits the bit commands then read.
		return []string{g.name("SET"), k, g.pick("\xff", "\x00\xff", "\xf0\x0f\xaa", "foobar", "\x00\x00\x00\x01", "", "1")}
	case 19:
		return []string{g.name("SETRANGE"), k, g.pick("0", "3", "10", "100"), g.pick("\xff\xff", "a", "\x00")}
	case 20:
		return []string{g.name(g.pick("GET", "STRLEN")), k}
	}
	return []string{g.name("APPEND"), k, g.pick("\x80", "xyz", "\x00\x00")}
}

// bitfield appends 1 to 4 BITFIELD operations to args; getOnly keeps to
// GET (BITFIELD_RO).
func (g *fzGen) bitfield(args []string, getOnly bool) []string {
	for range 1 + g.r.IntN(4) {
		switch n := g.r.IntN(10); {
		case getOnly || n < 3:
			args = append(args, g.opt("GET"), g.bitfieldType(), g.bitfieldOffset())
		case n < 6:
			args = append(args, g.opt("SET"), g.bitfieldType(), g.bitfieldOffset(), g.bitfieldValue())
		case n < 8:
			args = append(args, g.opt("INCRBY"), g.bitfieldType(), g.bitfieldOffset(), g.bitfieldValue())
		case n < 9:
			args = append(args, g.opt("OVERFLOW"), g.pick("WRAP", "SAT", "FAIL", "fail", "bad"))
		default:
			args = append(args, g.opt(g.pick("GET", "SET", "INCRBY", "OVERFLOW", "NOPE")))
		}
	}
	return args
}

// hllElem is an element for PFADD: from the member pool or a number, so
// that registers collide and values repeat.
func (g *fzGen) hllElem() string {
	if g.pct(50) {
		return g.member()
	}
	return strconv.Itoa(g.r.IntN(5000))
}

func (g *fzGen) genHLL() []string {
	k := g.key(fzHLLKeys)
	switch g.r.IntN(24) {
	case 0, 1, 2, 3, 4, 5:
		args := []string{g.name("PFADD"), k}
		for range g.r.IntN(5) {
			args = append(args, g.hllElem())
		}
		return args
	case 6:
		// Enough elements to approach and pass the sparse limit.
		base := g.r.IntN(100000)
		args := []string{g.name("PFADD"), k}
		for i := range 100 + g.r.IntN(300) {
			args = append(args, strconv.Itoa(base+i))
		}
		return args
	case 7, 8, 9, 10:
		return []string{g.name("PFCOUNT"), k}
	case 11, 12:
		return append([]string{g.name("PFCOUNT")}, g.keys(fzHLLKeys, 2+g.r.IntN(2))...)
	case 13, 14:
		return append([]string{g.name("PFMERGE"), g.key(fzHLLKeys)}, g.keys(fzHLLKeys, g.r.IntN(3))...)
	case 15, 16:
		return []string{g.name("PFDEBUG"), g.opt(g.pick("ENCODING", "DECODE", "TODENSE", "DECODE", "ENCODING", "NOPE")), k}
	case 17:
		if g.pct(20) {
			return []string{g.name("PFDEBUG"), g.opt("GETREG"), k}
		}
		return []string{g.name("PFDEBUG"), g.opt("ENCODING"), k}
	case 18:
		return []string{g.name("GET"), k}
	case 19:
		// Tampering Redis detects or trusts: the encoding byte, the cached
		// cardinality and its validity bit.
		off, val := g.pick("4", "8", "15", "15", "9"), g.pick("\x02", "\x01", "\x00", "\x80", "\x07")
		return []string{g.name("SETRANGE"), k, off, val}
	case 20:
		// Junk past the last register: the HLL reads as corrupt.
		return []string{g.name("APPEND"), k, g.pick("\x7f", "\x80", "\x01", "z")}
	case 21:
		return []string{g.name("SET"), k, g.pick("HYLL", "notanhll", "HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x7f\xff")}
	}
	return []string{g.name(g.pick("STRLEN", "TYPE", "OBJECT")), k}
}

// Geo coordinates: points around a few places, so that searches find
// several; the poles' limits and the antimeridian; invalid values.
var fzGeoCenters = [][2]float64{{13.36, 38.11}, {2.35, 48.85}, {-73.93, 40.73}, {179.9, -10}, {0, 0}, {-179.95, 84.9}}

func (g *fzGen) lonLat() (string, string) {
	if g.pct(4) {
		return g.pick("181", "-180.0000001", "inf", "nan", "x", "0", "180", "-180"), g.pick("85.06", "-90", "0", "x", "85.05112878", "-85.05112878")
	}
	c := fzGeoCenters[g.r.IntN(len(fzGeoCenters))]
	lon := max(min(c[0]+(g.r.Float64()-0.5)*4, 180), -180)
	lat := max(min(c[1]+(g.r.Float64()-0.5)*4, 85.05), -85.05)
	return strconv.FormatFloat(lon, 'f', 1+g.r.IntN(7), 64), strconv.FormatFloat(lat, 'f', 1+g.r.IntN(7), 64)
}

// geoMember is a geo set member: a small pool, so that members move and
// searches can name them.
func (g *fzGen) geoMember() string {
	if g.pct(90) {
		return "m" + strconv.Itoa(g.r.IntN(25))
	}
	return g.member()
}

func (g *fzGen) radiusUnit() []string {
	r := g.pick("0", "1", "50", "200", "500", "2000", "10000")
	if g.pct(5) {
		r = g.pick("-1", "x", "inf", "1e30")
	}
	return []string{r, g.opt(g.pick("km", "m", "mi", "ft", "km", "KM", "yd"))}
}

// geoOptions appends search options to args.
func (g *fzGen) geoOptions(args []string, store bool) []string {
	for range g.r.IntN(4) {
		switch g.r.IntN(9) {
		case 0:
			args = append(args, g.opt("WITHDIST"))
		case 1:
			args = append(args, g.opt("WITHCOORD"))
		case 2:
			args = append(args, g.opt("WITHHASH"))
		case 3, 4:
			args = append(args, g.opt("COUNT"), g.pick("1", "2", "3", "5", "10", "0", "-1", "x"))
			if g.pct(30) {
				args = append(args, g.opt("ANY"))
			}
		case 5, 6:
			args = append(args, g.opt(g.pick("ASC", "DESC")))
		case 7:
			if store {
				args = append(args, g.opt(g.pick("STORE", "STOREDIST")), g.key(fzGeoKeys))
			} else {
				args = append(args, g.opt("ANY"))
			}
		default:
			args = append(args, g.opt(g.pick(fzSoup...)))
		}
	}
	return args
}

func (g *fzGen) genGeo() []string {
	k := g.key(fzGeoKeys)
	switch g.r.IntN(24) {
	case 0, 1, 2, 3, 4, 5:
		args := []string{g.name("GEOADD"), k}
		for range g.r.IntN(2) {
			args = append(args, g.opt(g.pick("NX", "XX", "CH", "CH", "GT")))
		}
		for range 1 + g.r.IntN(4) {
			lon, lat := g.lonLat()
			args = append(args, lon, lat, g.geoMember())
		}
		return args
	case 6, 7:
		return append([]string{g.name("GEOPOS"), k}, g.geoMember(), g.geoMember())
	case 8:
		return append([]string{g.name("GEOHASH"), k}, g.geoMember(), g.geoMember())
	case 9, 10:
		args := []string{g.name("GEODIST"), k, g.geoMember(), g.geoMember()}
		if g.pct(60) {
			args = append(args, g.opt(g.pick("km", "m", "mi", "ft", "lightyear")))
		}
		return args
	case 11, 12:
		lon, lat := g.lonLat()
		name := g.pick("GEORADIUS", "GEORADIUS", "GEORADIUS_RO")
		return g.geoOptions(append([]string{g.name(name), k, lon, lat}, g.radiusUnit()...), name == "GEORADIUS")
	case 13, 14:
		name := g.pick("GEORADIUSBYMEMBER", "GEORADIUSBYMEMBER_RO")
		return g.geoOptions(append([]string{g.name(name), k, g.geoMember()}, g.radiusUnit()...), name == "GEORADIUSBYMEMBER")
	case 15, 16, 17, 18, 19:
		args := []string{g.name("GEOSEARCH"), k}
		store := g.pct(30)
		if store {
			args = []string{g.name("GEOSEARCHSTORE"), g.key(fzGeoKeys), k}
		}
		if g.pct(50) {
			args = append(args, g.opt("FROMMEMBER"), g.geoMember())
		} else {
			lon, lat := g.lonLat()
			args = append(args, g.opt("FROMLONLAT"), lon, lat)
		}
		if g.pct(50) {
			args = append(args, g.opt("BYRADIUS"))
			args = append(args, g.radiusUnit()...)
		} else {
			ru := g.radiusUnit()
			args = append(args, g.opt("BYBOX"), ru[0], g.radiusUnit()[0], ru[1])
		}
		args = g.geoOptions(args, false)
		if store && g.pct(40) {
			args = append(args, g.opt("STOREDIST"))
		}
		return args
	case 20:
		return []string{g.name("ZRANGE"), k, "0", "-1", g.opt("WITHSCORES")}
	case 21:
		return append([]string{g.name("ZREM"), k}, g.geoMember())
	case 22:
		return []string{g.name("ZADD"), k, g.pick("1.5", "-1", "inf", "0", "4503599627370496"), g.geoMember()}
	}
	return []string{g.name("ZCARD"), k}
}

func (g *fzGen) genLCS() []string {
	args := []string{g.name("LCS"), g.key(fzStrKeys), g.key(fzStrKeys)}
	for range g.r.IntN(4) {
		switch g.r.IntN(6) {
		case 0, 1:
			args = append(args, g.opt("IDX"))
		case 2:
			args = append(args, g.opt("LEN"))
		case 3:
			args = append(args, g.opt("WITHMATCHLEN"))
		case 4:
			args = append(args, g.opt("MINMATCHLEN"), g.pick("0", "1", "2", "4", "-1", "x"))
		default:
			args = append(args, g.opt(g.pick(fzSoup...)))
		}
	}
	return args
}
