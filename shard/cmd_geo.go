package shard

import (
	"math"
	"strconv"

	"github.com/kevydb/kevy/internal/geohash"
	"github.com/kevydb/kevy/internal/zset"
	"github.com/kevydb/kevy/resp"
)

// Geo commands (Redis's geo.c) on sorted sets whose scores are 52-bit
// geohashes (internal/geohash): GEOADD GEODIST GEOHASH GEOPOS and the
// searches in cmd_geo_search.go.
//
// Effects and events. GEOADD is Redis's ZADD with the encoded scores and
// logs and notifies exactly as that ZADD ("zadd"). The STORE forms of the
// searches store their result like the sorted-set STORE commands: DEL of
// the destination and ZADD commands rebuilding it, on the destination's
// shard.

func init() {
	Register("geoadd", cmdGeoAdd)
	Register("geodist", cmdGeoDist)
	Register("geohash", cmdGeoHash)
	Register("geopos", cmdGeoPos)
}

// cDouble formats f as C's printf("%f").
func cDouble(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	return strconv.FormatFloat(f, 'f', 6, 64)
}

// longLatArgs parses a longitude and a latitude (Redis's
// extractLongLatOrReply).
func longLatArgs(lonArg, latArg string) (lon, lat float64, errRep resp.Reply) {
	var ok bool
	if lon, ok = ParseFloat(lonArg); !ok {
		return 0, 0, ErrNotFloat
	}
	if lat, ok = ParseFloat(latArg); !ok {
		return 0, 0, ErrNotFloat
	}
	if lon < geohash.LongMin || lon > geohash.LongMax || lat < geohash.LatMin || lat > geohash.LatMax {
		return 0, 0, resp.Err("ERR invalid longitude,latitude pair " + cDouble(lon) + "," + cDouble(lat))
	}
	return lon, lat, resp.Reply{}
}

// unitArg returns the size in meters of a distance unit (Redis's
// extractUnitOrReply).
func unitArg(u string) (float64, bool) {
	switch {
	case EqualFold(u, "m"):
		return 1, true
	case EqualFold(u, "km"):
		return 1000, true
	case EqualFold(u, "ft"):
		return 0.3048, true
	case EqualFold(u, "mi"):
		return 1609.34, true
	}
	return 0, false
}

var errGeoUnit = resp.Err("ERR unsupported unit provided. please use M, KM, FT, MI")

// cmdGeoAdd is Redis's geoaddCommand: options as ZADD's NX XX CH, then
// longitude latitude member triples, turned into ZADD key [options] score
// member ... and run as ZADD.
func cmdGeoAdd(c *Ctx) resp.Reply {
	longIdx := 2
	nx, xx := false, false
options:
	for ; longIdx < len(c.Args); longIdx++ {
		switch opt := c.Args[longIdx]; {
		case EqualFold(opt, "nx"):
			nx = true
		case EqualFold(opt, "xx"):
			xx = true
		case EqualFold(opt, "ch"):
		default:
			break options
		}
	}
	if (len(c.Args)-longIdx)%3 != 0 || (nx && xx) {
		return ErrSyntax
	}
	n := (len(c.Args) - longIdx) / 3
	argv := make([]string, 0, longIdx+2*n)
	argv = append(argv, "zadd")
	argv = append(argv, c.Args[1:longIdx]...)
	for i := range n {
		a := c.Args[longIdx+3*i:]
		lon, lat, rep := longLatArgs(a[0], a[1])
		if rep.Kind == resp.Error {
			return rep
		}
		score, _ := geohash.Score(lon, lat)
		argv = append(argv, strconv.FormatUint(score, 10), a[2])
	}
	orig := c.Args
	c.Args = argv
	rep := zaddGeneric(c, false)
	c.Args = orig
	return rep
}

func cmdGeoDist(c *Ctx) resp.Reply {
	toMeter := 1.0
	switch {
	case len(c.Args) == 5:
		var ok bool
		if toMeter, ok = unitArg(c.Args[4]); !ok {
			return errGeoUnit
		}
	case len(c.Args) > 5:
		return ErrSyntax
	}
	z, rep := readZSet(c, c.Args[1], resp.NilReply)
	if z == nil {
		return rep
	}
	s1, ok1 := z.Score(c.Args[2])
	s2, ok2 := z.Score(c.Args[3])
	if !ok1 || !ok2 {
		return resp.NilReply
	}
	lon1, lat1 := geohash.DecodeScore(s1)
	lon2, lat2 := geohash.DecodeScore(s2)
	return resp.BulkReply(geohash.FormatDistance(geohash.Distance(lon1, lat1, lon2, lat2) / toMeter))
}

// readGeoSet looks a sorted set up for GEOHASH and GEOPOS: nil for a
// missing key, WRONGTYPE for another type.
func readGeoSet(c *Ctx) (*ZSet, resp.Reply) {
	e := c.Read(c.Args[1])
	if e == nil {
		return nil, resp.Reply{}
	}
	if e.Type != TypeZSet {
		return nil, ErrWrongType
	}
	return e.Obj.(*ZSet), resp.Reply{}
}

func cmdGeoHash(c *Ctx) resp.Reply {
	z, rep := readGeoSet(c)
	if rep.Kind == resp.Error {
		return rep
	}
	out := make([]resp.Reply, len(c.Args)-2)
	for i, m := range c.Args[2:] {
		out[i] = resp.NilReply
		if z != nil {
			if s, ok := z.Score(m); ok {
				out[i] = resp.BulkReply(geohash.Base32(s))
			}
		}
	}
	return resp.ArrayReply(out)
}

func cmdGeoPos(c *Ctx) resp.Reply {
	z, rep := readGeoSet(c)
	if rep.Kind == resp.Error {
		return rep
	}
	out := make([]resp.Reply, len(c.Args)-2)
	for i, m := range c.Args[2:] {
		out[i] = resp.NilArr
		if z != nil {
			if s, ok := z.Score(m); ok {
				out[i] = coordReply(geohash.DecodeScore(s))
			}
		}
	}
	return resp.ArrayReply(out)
}

// coordReply is a [longitude, latitude] pair as Redis replies with it.
func coordReply(lon, lat float64) resp.Reply {
	return resp.ArrayReply([]resp.Reply{
		resp.BulkReply(geohash.FormatCoord(lon)),
		resp.BulkReply(geohash.FormatCoord(lat)),
	})
}

// geoPoint is a search result.
type geoPoint struct {
	lon, lat float64
	dist     float64
	score    float64
	member   string
}

// geoPointsIn appends to ga the members of z in the score range of cell
// h that lie within the shape, stopping once ga holds limit points (0: no
// limit), as Redis's membersOfGeoHashBox; with their distances from the
// center when needDist.
func geoPointsIn(z *ZSet, h geohash.Hash, shape *geohash.Shape, needDist bool, ga []geoPoint, limit int) []geoPoint {
	lo, hi := geohash.ScoreRange(h)
	min, max := float64(lo), float64(hi)
	if z.sl == nil {
		// A listpack: the first member scoring min or more, then on while
		// under max (Redis's zzlFirstInRange and walk), without a closure.
		i, j := 0, len(z.lp)
		for i < j {
			if m := int(uint(i+j) >> 1); z.lp[m].score < min {
				i = m + 1
			} else {
				j = m
			}
		}
		for ; i < len(z.lp) && z.lp[i].score < max; i++ {
			ga = geoVisit(z.lp[i].member, z.lp[i].score, shape, needDist, ga)
			if len(ga) > 0 && limit > 0 && len(ga) >= limit {
				break
			}
		}
		return ga
	}
	r := zset.ScoreRange{Min: min, Max: max, MaxEx: true}
	z.sl.RangeByScore(r, false, 0, -1, func(m string, s float64) bool {
		ga = geoVisit(m, s, shape, needDist, ga)
		return !(len(ga) > 0 && limit > 0 && len(ga) >= limit)
	})
	return ga
}

// geoVisit appends the member to ga when its point is within the shape.
func geoVisit(m string, s float64, shape *geohash.Shape, needDist bool, ga []geoPoint) []geoPoint {
	lon, lat := geohash.DecodeScore(s)
	if d, ok := shape.Within(lon, lat, needDist); ok {
		ga = append(ga, geoPoint{lon: lon, lat: lat, dist: d, score: s, member: m})
	}
	return ga
}

// geoMembersOfCells is Redis's membersOfAllNeighbors: the points of the
// nine cells, skipping excluded ones and a cell equal to the one searched
// before it (wide searches make neighbours coincide).
func geoMembersOfCells(z *ZSet, cells *geohash.Cells, shape *geohash.Shape, needDist bool, limit int) []geoPoint {
	ga := make([]geoPoint, 0, min(z.Len(), 16))
	last := -1
	for i, h := range cells {
		if h.IsZero() {
			continue
		}
		if last > 0 && h == cells[last] {
			continue
		}
		if len(ga) > 0 && limit > 0 && len(ga) >= limit {
			break
		}
		ga = geoPointsIn(z, h, shape, needDist, ga, limit)
		last = i
	}
	return ga
}

// sortGeoPoints orders the first n of ga by distance, ascending or
// descending, as Redis: a full sort is glibc's qsort (a merge sort), a
// partial one Redis's pqsort.
func sortGeoPoints(ga []geoPoint, n int, desc bool) {
	cmp := func(a, b *geoPoint) int {
		r := 0
		switch {
		case a.dist > b.dist:
			r = 1
		case a.dist < b.dist:
			r = -1
		}
		if desc {
			r = -r
		}
		return r
	}
	if n == len(ga) {
		geohash.MergeSort(ga, cmp)
		return
	}
	geohash.PartialSort(ga, cmp, 0, n-1)
}
