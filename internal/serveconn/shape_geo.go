package serveconn

import "github.com/kevydb/kevy/resp"

// RESP3 shapes of the geo replies: coordinates are doubles (Redis's
// addReplyHumanLongDouble); distances stay bulk strings.

func init() {
	shapes["geopos"] = shapeGeoPos
	for _, name := range []string{"georadius", "georadius_ro", "georadiusbymember", "georadiusbymember_ro", "geosearch"} {
		shapes[name] = shapeGeoSearch
	}
}

// coords writes a [longitude latitude] pair as two doubles.
func coords(dst []byte, r *resp.Reply) []byte {
	if r.Kind != resp.Array || len(r.Elems) != 2 {
		return plain(dst, r)
	}
	dst = append(dst, "*2\r\n"...)
	dst = double(dst, &r.Elems[0])
	return double(dst, &r.Elems[1])
}

// shapeGeoPos: each position a pair of doubles.
func shapeGeoPos(dst []byte, _ []string, r *resp.Reply) []byte {
	if r.Kind != resp.Array {
		return plain(dst, r)
	}
	dst = appendLen(dst, '*', len(r.Elems))
	for i := range r.Elems {
		dst = coords(dst, &r.Elems[i])
	}
	return dst
}

// shapeGeoSearch: with WITHCOORD, each result's coordinates (its last
// element) are doubles.
func shapeGeoSearch(dst []byte, args []string, r *resp.Reply) []byte {
	if !hasWord(args, "withcoord") || r.Kind != resp.Array {
		return plain(dst, r)
	}
	dst = appendLen(dst, '*', len(r.Elems))
	for i := range r.Elems {
		it := &r.Elems[i]
		if it.Kind != resp.Array || len(it.Elems) < 2 {
			dst = plain(dst, it)
			continue
		}
		dst = appendLen(dst, '*', len(it.Elems))
		for j := range it.Elems[:len(it.Elems)-1] {
			dst = plain(dst, &it.Elems[j])
		}
		dst = coords(dst, &it.Elems[len(it.Elems)-1])
	}
	return dst
}
