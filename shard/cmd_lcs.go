package shard

import (
	"github.com/kevydb/kevy/resp"
)

// LCS (Redis's lcsCommand in t_string.c): the longest common subsequence
// of two strings by the textbook dynamic programme, its length (LEN) or
// the matching ranges (IDX, MINMATCHLEN, WITHMATCHLEN). The table of
// (len(a)+1)·(len(b)+1) 32-bit cells is transient memory bounded as in
// Redis by proto-max-bulk-len.

func init() {
	Register("lcs", cmdLCS)
}

func cmdLCS(c *Ctx) resp.Reply {
	ea := c.Read(c.Args[1])
	eb := c.Read(c.Args[2])
	if (ea != nil && ea.Type != TypeString) || (eb != nil && eb.Type != TypeString) {
		return resp.Err("ERR The specified keys must contain string values")
	}
	var a, b []byte
	if ea != nil {
		a = ea.strView()
	}
	if eb != nil {
		b = eb.strView()
	}
	getLen, getIdx, withMatchLen := false, false, false
	var minMatchLen int64
	for j := 3; j < len(c.Args); j++ {
		opt := c.Args[j]
		more := len(c.Args) - 1 - j
		switch {
		case EqualFold(opt, "idx"):
			getIdx = true
		case EqualFold(opt, "len"):
			getLen = true
		case EqualFold(opt, "withmatchlen"):
			withMatchLen = true
		case EqualFold(opt, "minmatchlen") && more > 0:
			n, ok := ParseInt(c.Args[j+1])
			if !ok {
				return ErrNotInt
			}
			minMatchLen = max(n, 0)
			j++
		default:
			return ErrSyntax
		}
	}
	if getLen && getIdx {
		return resp.Err("ERR If you want both the length and indexes, please just use IDX.")
	}
	if len(a) >= 1<<32-2 || len(b) >= 1<<32-2 {
		return resp.Err("ERR String too long for LCS")
	}
	alen, blen := len(a), len(b)
	cells := uint64(alen+1) * uint64(blen+1)
	if cells*4 > MaxStringLen {
		return resp.Err("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len")
	}
	w := blen + 1
	lcs := make([]uint32, cells)
	for i := 1; i <= alen; i++ {
		row, prev := lcs[i*w:(i+1)*w], lcs[(i-1)*w:i*w]
		for j := 1; j <= blen; j++ {
			switch {
			case a[i-1] == b[j-1]:
				row[j] = prev[j-1] + 1
			case prev[j] > row[j-1]:
				row[j] = prev[j]
			default:
				row[j] = row[j-1]
			}
		}
	}
	at := func(i, j int) uint32 { return lcs[i*w+j] }
	total := at(alen, blen)

	if getLen {
		return resp.IntReply(int64(total))
	}
	// Walk back from the end, building the LCS string and the ranges of
	// contiguous matches, as Redis does (its quirks included: a range is
	// emitted when the walk steps off it or reaches the start of either
	// string).
	result := make([]byte, total)
	idx := int(total)
	var matches []resp.Reply
	aStart, aEnd, bStart, bEnd := alen, 0, 0, 0 // aStart == alen: no range open
	i, j := alen, blen
	for i > 0 && j > 0 {
		emit := false
		if a[i-1] == b[j-1] {
			result[idx-1] = a[i-1]
			if aStart == alen {
				aStart, aEnd = i-1, i-1
				bStart, bEnd = j-1, j-1
			} else if aStart == i && bStart == j {
				aStart--
				bStart--
			} else {
				emit = true
			}
			if aStart == 0 || bStart == 0 {
				emit = true
			}
			idx--
			i--
			j--
		} else {
			if at(i-1, j) > at(i, j-1) {
				i--
			} else {
				j--
			}
			if aStart != alen {
				emit = true
			}
		}
		if emit {
			matchLen := int64(aEnd - aStart + 1)
			if getIdx && (minMatchLen == 0 || matchLen >= minMatchLen) {
				m := []resp.Reply{
					resp.ArrayReply([]resp.Reply{resp.IntReply(int64(aStart)), resp.IntReply(int64(aEnd))}),
					resp.ArrayReply([]resp.Reply{resp.IntReply(int64(bStart)), resp.IntReply(int64(bEnd))}),
				}
				if withMatchLen {
					m = append(m, resp.IntReply(matchLen))
				}
				matches = append(matches, resp.ArrayReply(m))
			}
			aStart = alen
		}
	}
	if getIdx {
		if matches == nil {
			matches = []resp.Reply{}
		}
		return resp.ArrayReply([]resp.Reply{
			resp.BulkReply("matches"), resp.ArrayReply(matches),
			resp.BulkReply("len"), resp.IntReply(int64(total)),
		})
	}
	return resp.BulkReply(string(result))
}
