package shard

import (
	"github.com/kevydb/kevy/internal/bitops"
	"github.com/kevydb/kevy/resp"
)

// Bitmap commands on strings (Redis's bitops.c): SETBIT GETBIT BITCOUNT
// BITPOS BITOP BITFIELD BITFIELD_RO. The bit algorithms are in
// internal/bitops.
//
// Writers change the string in place (rawstring.go), creating it or
// padding it with zero bytes up to the highest byte they address; offsets
// past proto-max-bulk-len are refused, and so is a growth that the memory
// limit cannot make room for (roomFor).
//
// Effects. SETBIT and BITFIELD are deterministic given the state they run
// on, so they log themselves, as Redis propagates them — but whenever the
// string changed, including a BITFIELD whose every write failed under
// OVERFLOW FAIL but that created or padded the key (which Redis does not
// propagate, leaving replicas without the key). BITOP logs itself when its
// sources live on the destination's shard (replay then finds them there)
// and otherwise the SET of the result; a BITOP that deletes the
// destination logs DEL.

func init() {
	Register("setbit", cmdSetBit)
	Register("getbit", cmdGetBit)
	Register("bitcount", cmdBitCount)
	Register("bitpos", cmdBitPos)
	Register("bitop", cmdBitOp)
	Register("bitfield", func(c *Ctx) resp.Reply { return bitfieldGeneric(c, false) })
	Register("bitfield_ro", func(c *Ctx) resp.Reply { return bitfieldGeneric(c, true) })
}

var (
	errBitOffset = resp.Err("ERR bit offset is not an integer or out of range")
	errBitValue  = resp.Err("ERR bit is not an integer or out of range")
)

// bitOffset parses a bit offset as Redis's getBitOffsetFromArgument: a
// non-negative integer whose byte is within proto-max-bulk-len; with hash
// and a width, "#n" stands for n·width (BITFIELD).
func bitOffset(arg string, hash bool, width int) (uint64, bool) {
	useHash := hash && width > 0 && len(arg) > 0 && arg[0] == '#'
	if useHash {
		arg = arg[1:]
	}
	off, ok := ParseInt(arg)
	if !ok {
		return 0, false
	}
	if useHash {
		off *= int64(width) // wraps as in C; caught below
	}
	if off < 0 || off>>3 >= MaxStringLen {
		return 0, false
	}
	return uint64(off), true
}

// stringForBits is Redis's lookupStringForBitCommand: the string at key,
// created or padded with zero bytes so that bit maxbit exists, as a
// mutable buffer. dirty reports whether it was created or grew. It returns
// a nil buffer and the error reply for another type or when the memory
// limit refuses the growth.
func stringForBits(c *Ctx, key string, maxbit uint64) (r *rawString, dirty bool, errRep resp.Reply) {
	need := int(maxbit>>3) + 1
	e := c.Write(key)
	if e != nil && e.Type != TypeString {
		return nil, false, ErrWrongType
	}
	if e == nil || e.StrLen() < need {
		if rep, ok := c.roomFor(key, need); !ok {
			return nil, false, rep
		}
		e = c.Write(key) // eviction may have removed it
	}
	if e == nil {
		e = c.Add(key, TypeString)
		e.setRawBytes(make([]byte, need))
		return e.Obj.(*rawString), true, resp.Reply{}
	}
	r = e.raw()
	if len(r.b) < need {
		r.grow(need)
		dirty = true
	}
	return r, dirty, resp.Reply{}
}

func cmdSetBit(c *Ctx) resp.Reply {
	key := c.Args[1]
	off, ok := bitOffset(c.Args[2], false, 0)
	if !ok {
		return errBitOffset
	}
	on, ok := ParseInt(c.Args[3])
	if !ok || on&^1 != 0 {
		return errBitValue
	}
	r, dirty, errRep := stringForBits(c, key, off)
	if r == nil {
		return errRep
	}
	byteIdx := off >> 3
	shift := 7 - off&7
	old := r.b[byteIdx] >> shift & 1
	if dirty || int64(old) != on {
		r.b[byteIdx] = r.b[byteIdx]&^(1<<shift) | byte(on)<<shift
		c.Modified(key)
		c.Notify(NotifyString, "setbit", key)
		c.Propagate(key, "SETBIT", key, c.Args[2], c.Args[3])
	}
	return resp.IntReply(int64(old))
}

func cmdGetBit(c *Ctx) resp.Reply {
	off, ok := bitOffset(c.Args[2], false, 0)
	if !ok {
		return errBitOffset
	}
	e := c.Read(c.Args[1])
	if e == nil {
		return resp.Zero
	}
	if e.Type != TypeString {
		return ErrWrongType
	}
	b := e.strView()
	if byteIdx := off >> 3; byteIdx < uint64(len(b)) && b[byteIdx]&(1<<(7-off&7)) != 0 {
		return resp.One
	}
	return resp.Zero
}

// bitRange converts BITCOUNT's and BITPOS's start and end (bytes, or bits
// when isBit) over a string of n bytes into a byte range with masks of
// the bits of the first and last bytes that lie outside a bit range, as
// Redis does: negative values count from the end, the range is clamped.
func bitRange(start, end, n int64, isBit bool) (s, e int64, firstMask, lastMask byte) {
	total := n
	if isBit {
		total <<= 3
	}
	if start < 0 {
		start += total
	}
	if end < 0 {
		end += total
	}
	start = max(start, 0)
	end = max(end, 0)
	if end >= total {
		end = total - 1
	}
	if isBit && start <= end {
		firstMask = ^byte(1<<(8-start&7) - 1)
		lastMask = byte(1<<(7-end&7) - 1)
		start >>= 3
		end >>= 3
	}
	return start, end, firstMask, lastMask
}

func cmdBitCount(c *Ctx) resp.Reply {
	e := c.Read(c.Args[1])
	if e == nil {
		return resp.Zero
	}
	if e.Type != TypeString {
		return ErrWrongType
	}
	p := e.strView()
	var start, end int64
	var firstMask, lastMask byte
	switch len(c.Args) {
	case 4, 5:
		var ok bool
		if start, ok = ParseInt(c.Args[2]); !ok {
			return ErrNotInt
		}
		if end, ok = ParseInt(c.Args[3]); !ok {
			return ErrNotInt
		}
		if start < 0 && end < 0 && start > end {
			return resp.Zero
		}
		isBit := false
		if len(c.Args) == 5 {
			switch {
			case EqualFold(c.Args[4], "bit"):
				isBit = true
			case EqualFold(c.Args[4], "byte"):
			default:
				return ErrSyntax
			}
		}
		start, end, firstMask, lastMask = bitRange(start, end, int64(len(p)), isBit)
	case 2:
		start, end = 0, int64(len(p))-1
	default:
		return ErrSyntax
	}
	if start > end {
		return resp.Zero
	}
	count := bitops.Count(p[start : end+1])
	if firstMask != 0 {
		count -= bitops.Count([]byte{p[start] & firstMask})
	}
	if lastMask != 0 {
		count -= bitops.Count([]byte{p[end] & lastMask})
	}
	return resp.IntReply(count)
}

func cmdBitPos(c *Ctx) resp.Reply {
	bit, ok := ParseInt(c.Args[2])
	if !ok {
		return ErrNotInt
	}
	if bit != 0 && bit != 1 {
		return resp.Err("ERR The bit argument must be 1 or 0.")
	}
	e := c.Read(c.Args[1])
	if e == nil {
		// A missing key is an infinite run of zeros.
		if bit == 1 {
			return resp.IntReply(-1)
		}
		return resp.Zero
	}
	if e.Type != TypeString {
		return ErrWrongType
	}
	p := e.strView()
	n := int64(len(p))
	var start, end int64
	var firstMask, lastMask byte
	endGiven := false
	switch len(c.Args) {
	case 4, 5, 6:
		if start, ok = ParseInt(c.Args[3]); !ok {
			return ErrNotInt
		}
		isBit := false
		if len(c.Args) == 6 {
			switch {
			case EqualFold(c.Args[5], "bit"):
				isBit = true
			case EqualFold(c.Args[5], "byte"):
			default:
				return ErrSyntax
			}
		}
		if len(c.Args) >= 5 {
			if end, ok = ParseInt(c.Args[4]); !ok {
				return ErrNotInt
			}
			endGiven = true
		} else {
			end = n - 1
		}
		start, end, firstMask, lastMask = bitRange(start, end, n, isBit)
	case 3:
		start, end = 0, n-1
	default:
		return ErrSyntax
	}
	if start > end {
		return resp.IntReply(-1) // an empty range holds neither a 0 nor a 1
	}
	return resp.IntReply(bitPosIn(p, int(bit), start, end, firstMask, lastMask, endGiven))
}

// bitPosIn is the search of Redis's bitposCommand over bytes start..end
// with the edge masks of a bit range.
func bitPosIn(p []byte, bit int, start, end int64, firstMask, lastMask byte, endGiven bool) int64 {
	bytes := end - start + 1
	edge := func(c byte, mask byte) byte {
		if bit == 1 {
			return c &^ mask
		}
		return c | mask
	}
	var pos int64
	done := false
	if firstMask != 0 {
		c := edge(p[start], firstMask)
		if lastMask != 0 && bytes == 1 {
			c = edge(c, lastMask)
		}
		pos = bitops.Pos([]byte{c}, bit)
		if bytes == 1 || (pos != -1 && pos != 8) {
			done = true
		} else {
			start++
			bytes--
		}
	}
	if !done {
		cur := bytes
		if lastMask != 0 {
			cur--
		}
		if cur > 0 {
			pos = bitops.Pos(p[start:start+cur], bit)
			if bytes == cur || (pos != -1 && pos != cur<<3) {
				done = true
			} else {
				start += cur
				bytes -= cur
			}
		}
		if !done {
			pos = bitops.Pos([]byte{edge(p[end], lastMask)}, bit)
		}
	}
	// With an explicit end, bits past the range are not zero padding.
	if endGiven && bit == 0 && pos == bytes<<3 {
		return -1
	}
	if pos != -1 {
		pos += start << 3
	}
	return pos
}

func cmdBitOp(c *Ctx) resp.Reply {
	var op bitops.Op
	switch name := c.Args[1]; {
	case EqualFold(name, "and"):
		op = bitops.And
	case EqualFold(name, "or"):
		op = bitops.Or
	case EqualFold(name, "xor"):
		op = bitops.Xor
	case EqualFold(name, "not"):
		op = bitops.Not
	default:
		return ErrSyntax
	}
	if op == bitops.Not && len(c.Args) != 4 {
		return resp.Err("ERR BITOP NOT must be called with a single source key.")
	}
	dst := c.Args[2]
	keys := c.Args[3:]
	srcs := make([][]byte, len(keys))
	maxLen := 0
	for i, k := range keys {
		e := c.Read(k)
		if e == nil {
			continue
		}
		if e.Type != TypeString {
			return ErrWrongType
		}
		srcs[i] = e.strView()
		maxLen = max(maxLen, len(srcs[i]))
	}
	if maxLen == 0 {
		if c.Delete(dst) {
			c.Modified(dst)
			c.Notify(NotifyGeneric, "del", dst)
			c.Propagate(dst, "DEL", dst)
		}
		return resp.Zero
	}
	res := make([]byte, maxLen)
	bitops.Apply(op, res, srcs)
	e := c.SetString(dst, "", false)
	e.setRawBytes(res) // Redis stores BITOP's result "raw"
	c.Modified(dst)
	c.Notify(NotifyString, "set", dst)
	if c.allLocal(dst, keys) {
		argv := append([]string{"BITOP"}, c.Args[1:]...)
		c.Propagate(dst, argv...)
	} else {
		c.Propagate(dst, "SET", dst, string(res))
	}
	return resp.IntReply(int64(maxLen))
}

// allLocal reports whether every key of keys lives on dst's shard, so that
// a command reading keys and writing dst replays from dst's log alone.
func (c *Ctx) allLocal(dst string, keys []string) bool {
	ks := c.KS(dst)
	for _, k := range keys {
		if c.KS(k) != ks {
			return false
		}
	}
	return true
}

// A BITFIELD operation.
type bitfieldOp struct {
	off    uint64
	value  int64
	opcode uint8
	ow     bitops.Overflow
	width  int
	signed bool
}

const (
	bfGet = iota
	bfSet
	bfIncrBy
)

// bitfieldType parses a BITFIELD type, i1..i64 or u1..u63, the digits read
// as a C string (up to a NUL byte).
func bitfieldType(arg string) (signed bool, width int, ok bool) {
	if len(arg) == 0 || (arg[0] != 'i' && arg[0] != 'u') {
		return false, 0, false
	}
	signed = arg[0] == 'i'
	n, ok := ParseInt(cstring(arg[1:]))
	if !ok || n < 1 || (signed && n > 64) || (!signed && n > 63) {
		return false, 0, false
	}
	return signed, int(n), true
}

// bitfieldGeneric is Redis's bitfieldGeneric: BITFIELD, or BITFIELD_RO
// (ro), which accepts GET alone.
func bitfieldGeneric(c *Ctx, ro bool) resp.Reply {
	key := c.Args[1]
	var ops []bitfieldOp
	ow := bitops.Wrap
	readonly := true
	var highest uint64
	for j := 2; j < len(c.Args); j++ {
		rem := len(c.Args) - j - 1
		sub := c.Args[j]
		var op bitfieldOp
		switch {
		case EqualFold(sub, "get") && rem >= 2:
			op.opcode = bfGet
		case EqualFold(sub, "set") && rem >= 3:
			op.opcode = bfSet
		case EqualFold(sub, "incrby") && rem >= 3:
			op.opcode = bfIncrBy
		case EqualFold(sub, "overflow") && rem >= 1:
			j++
			switch t := c.Args[j]; {
			case EqualFold(t, "wrap"):
				ow = bitops.Wrap
			case EqualFold(t, "sat"):
				ow = bitops.Sat
			case EqualFold(t, "fail"):
				ow = bitops.Fail
			default:
				return resp.Err("ERR Invalid OVERFLOW type specified")
			}
			continue
		default:
			return ErrSyntax
		}
		var ok bool
		if op.signed, op.width, ok = bitfieldType(c.Args[j+1]); !ok {
			return resp.Err("ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.")
		}
		if op.off, ok = bitOffset(c.Args[j+2], true, op.width); !ok {
			return errBitOffset
		}
		if op.opcode != bfGet {
			readonly = false
			highest = max(highest, op.off+uint64(op.width)-1)
			if op.value, ok = ParseInt(c.Args[j+3]); !ok {
				return ErrNotInt
			}
			j += 3
		} else {
			j += 2
		}
		op.ow = ow
		ops = append(ops, op)
	}

	var r *rawString
	var view []byte
	dirty := false
	if readonly {
		if e := c.Read(key); e != nil {
			if e.Type != TypeString {
				return ErrWrongType
			}
			view = e.strView()
		}
	} else {
		if ro {
			return resp.Err("ERR BITFIELD_RO only supports the GET subcommand")
		}
		var errRep resp.Reply
		if r, dirty, errRep = stringForBits(c, key, highest); r == nil {
			return errRep
		}
		view = r.b
	}

	out := make([]resp.Reply, len(ops))
	changes := 0
	for i := range ops {
		op := &ops[i]
		if op.opcode == bfGet {
			out[i] = resp.IntReply(bitops.GetPadded(view, op.off, op.width, op.signed))
			continue
		}
		var failed, changed bool
		if op.signed {
			old := bitops.GetSigned(r.b, op.off, op.width)
			var nv, ret int64
			if op.opcode == bfIncrBy {
				of, wrapped := bitops.CheckSigned(old, op.value, op.width, op.ow)
				nv = old + op.value
				if of != 0 {
					nv = wrapped
				}
				ret, failed = nv, of != 0 && op.ow == bitops.Fail
			} else {
				nv = op.value
				if of, wrapped := bitops.CheckSigned(nv, 0, op.width, op.ow); of != 0 {
					nv, failed = wrapped, op.ow == bitops.Fail
				}
				ret = old
			}
			if !failed {
				out[i] = resp.IntReply(ret)
				bitops.SetSigned(r.b, op.off, op.width, nv)
				changed = old != nv
			}
		} else {
			old := bitops.GetUnsigned(r.b, op.off, op.width)
			var nv, ret uint64
			if op.opcode == bfIncrBy {
				nv = old + uint64(op.value)
				of, wrapped := bitops.CheckUnsigned(old, op.value, op.width, op.ow)
				if of != 0 {
					nv = wrapped
				}
				ret, failed = nv, of != 0 && op.ow == bitops.Fail
			} else {
				nv = uint64(op.value)
				if of, wrapped := bitops.CheckUnsigned(nv, 0, op.width, op.ow); of != 0 {
					nv, failed = wrapped, op.ow == bitops.Fail
				}
				ret = old
			}
			if !failed {
				out[i] = resp.IntReply(int64(ret))
				bitops.SetUnsigned(r.b, op.off, op.width, nv)
				changed = old != nv
			}
		}
		if failed {
			out[i] = resp.NilReply
		} else if dirty || changed {
			changes++
		}
	}
	if changes > 0 {
		c.Modified(key)
		c.Notify(NotifyString, "setbit", key)
	}
	if changes > 0 || dirty {
		argv := append([]string{"BITFIELD"}, c.Args[1:]...)
		c.Propagate(key, argv...)
	}
	return resp.ArrayReply(out)
}
