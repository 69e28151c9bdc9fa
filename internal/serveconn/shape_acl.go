package serveconn

import "github.com/kevydb/kevy/resp"

// RESP3 shapes of the ACL command's replies.

// shapeACLUser writes ACL GETUSER's reply: a map whose "flags" are a set
// and whose "selectors" are an array of maps.
func shapeACLUser(dst []byte, _ []string, r *resp.Reply) []byte {
	if r.Kind != resp.Array || len(r.Elems)%2 != 0 {
		return plain(dst, r)
	}
	dst = appendLen(dst, '%', len(r.Elems)/2)
	for i := 0; i < len(r.Elems); i += 2 {
		k, v := &r.Elems[i], &r.Elems[i+1]
		dst = plain(dst, k)
		switch {
		case k.Str == "flags":
			dst = shapeSet(dst, nil, v)
		case k.Str == "selectors" && v.Kind == resp.Array:
			dst = appendLen(dst, '*', len(v.Elems))
			for j := range v.Elems {
				dst = shapeMap(dst, nil, &v.Elems[j])
			}
		default:
			dst = plain(dst, v)
		}
	}
	return dst
}

// shapeACLLog writes ACL LOG's entries as maps, "age-seconds" a double.
func shapeACLLog(dst []byte, _ []string, r *resp.Reply) []byte {
	if r.Kind != resp.Array {
		return plain(dst, r)
	}
	dst = appendLen(dst, '*', len(r.Elems))
	for i := range r.Elems {
		e := &r.Elems[i]
		if e.Kind != resp.Array || len(e.Elems)%2 != 0 {
			dst = plain(dst, e)
			continue
		}
		dst = appendLen(dst, '%', len(e.Elems)/2)
		for j := 0; j < len(e.Elems); j += 2 {
			dst = plain(dst, &e.Elems[j])
			if e.Elems[j].Str == "age-seconds" {
				dst = double(dst, &e.Elems[j+1])
			} else {
				dst = plain(dst, &e.Elems[j+1])
			}
		}
	}
	return dst
}
