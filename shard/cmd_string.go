package shard

import (
	"math"
	"strconv"

	"github.com/kevydb/kevy/resp"
)

// String commands: GET SET SETNX SETEX PSETEX GETSET GETDEL GETEX MGET MSET
// MSETNX APPEND STRLEN GETRANGE SUBSTR SETRANGE INCR DECR INCRBY DECRBY
// INCRBYFLOAT.

func init() {
	Register("get", cmdGet)
	Register("set", cmdSet)
	Register("setnx", cmdSetNX)
	Register("setex", cmdSetEX)
	Register("psetex", cmdPSetEX)
	Register("getset", cmdGetSet)
	Register("getdel", cmdGetDel)
	Register("getex", cmdGetEX)
	Register("mget", cmdMGet)
	Register("mset", cmdMSet)
	Register("msetnx", cmdMSetNX)
	Register("append", cmdAppend)
	Register("strlen", cmdStrlen)
	Register("getrange", cmdGetRange)
	Register("substr", cmdGetRange)
	Register("setrange", cmdSetRange)
	Register("incr", func(c *Ctx) resp.Reply { return incrBy(c, 1) })
	Register("decr", func(c *Ctx) resp.Reply { return incrBy(c, -1) })
	Register("incrby", cmdIncrBy)
	Register("decrby", cmdDecrBy)
	Register("incrbyfloat", cmdIncrByFloat)
}

// MaxStringLen is Redis's default proto-max-bulk-len, the largest string
// SETRANGE and APPEND may build.
const MaxStringLen = 512 << 20

// SET option flags, as Redis's OBJ_SET_* and OBJ_* flags.
const (
	setNX = 1 << iota
	setXX
	setEX
	setPX
	setKeepTTL
	setGet
	setEXAT
	setPXAT
	setPersist
)

const anyExpire = setEX | setPX | setEXAT | setPXAT

// parseStringOptions parses SET's (isSet) or GETEX's options from args[from:]
// following Redis's parseExtendedStringArgumentsOrReply, including its
// rules about which options exclude which.
func parseStringOptions(args []string, from int, isSet bool) (flags int, expire string, ok bool) {
	for j := from; j < len(args); j++ {
		opt := args[j]
		hasNext := j < len(args)-1
		switch {
		case isSet && EqualFold(opt, "nx") && flags&setXX == 0:
			flags |= setNX
		case isSet && EqualFold(opt, "xx") && flags&setNX == 0:
			flags |= setXX
		case isSet && EqualFold(opt, "get"):
			flags |= setGet
		case isSet && EqualFold(opt, "keepttl") && flags&(setPersist|anyExpire) == 0:
			flags |= setKeepTTL
		case !isSet && EqualFold(opt, "persist") && flags&(anyExpire|setKeepTTL) == 0:
			flags |= setPersist
		case EqualFold(opt, "ex") && flags&(setKeepTTL|setPersist|setEXAT|setPX|setPXAT) == 0 && hasNext:
			flags |= setEX
			expire = args[j+1]
			j++
		case EqualFold(opt, "px") && flags&(setKeepTTL|setPersist|setEX|setEXAT|setPXAT) == 0 && hasNext:
			flags |= setPX
			expire = args[j+1]
			j++
		case EqualFold(opt, "exat") && flags&(setKeepTTL|setPersist|setEX|setPX|setPXAT) == 0 && hasNext:
			flags |= setEXAT
			expire = args[j+1]
			j++
		case EqualFold(opt, "pxat") && flags&(setKeepTTL|setPersist|setEX|setEXAT|setPX) == 0 && hasNext:
			flags |= setPXAT
			expire = args[j+1]
			j++
		default:
			return 0, "", false
		}
	}
	return flags, expire, true
}

// expireMillis turns an expire argument into an absolute time in unix ms,
// as Redis's getExpireMillisecondsOrReply: seconds for EX/EXAT, relative
// for EX/PX. It returns the error reply on failure.
func expireMillis(c *Ctx, arg string, flags int) (int64, resp.Reply, bool) {
	ms, ok := ParseInt(arg)
	if !ok {
		return 0, ErrNotInt, false
	}
	seconds := flags&(setEX|setEXAT) != 0
	if ms <= 0 || (seconds && ms > math.MaxInt64/1000) {
		return 0, ExpireTimeError(c.Cmd.FullName), false
	}
	if seconds {
		ms *= 1000
	}
	if flags&(setEX|setPX) != 0 {
		ms += c.Now() // may wrap, as in C; caught below
	}
	if ms <= 0 {
		return 0, ExpireTimeError(c.Cmd.FullName), false
	}
	return ms, resp.Reply{}, true
}

// setGeneric is Redis's setGenericCommand.
func setGeneric(c *Ctx, flags int, key, val, expire string, okReply, abortReply resp.Reply) resp.Reply {
	var at int64
	if flags&anyExpire != 0 {
		var errRep resp.Reply
		var ok bool
		if at, errRep, ok = expireMillis(c, expire, flags); !ok {
			return errRep
		}
	}
	var getReply resp.Reply
	if flags&setGet != 0 {
		getReply = resp.NilReply
		if e := c.Read(key); e != nil {
			if e.Type != TypeString {
				return ErrWrongType
			}
			getReply = resp.BulkReply(e.StrValue())
		}
	}
	found := c.Write(key) != nil
	if (flags&setNX != 0 && found) || (flags&setXX != 0 && !found) {
		if flags&setGet != 0 {
			return getReply
		}
		return abortReply
	}
	e := c.SetString(key, val, flags&setKeepTTL != 0)
	c.Modified(key)
	c.Notify(NotifyString, "set", key)
	if at != 0 {
		c.SetExpire(key, e, at)
		c.Propagate(key, "SET", key, val, "PXAT", strconv.FormatInt(at, 10))
		c.Notify(NotifyGeneric, "expire", key)
	} else if flags&setKeepTTL != 0 {
		c.Propagate(key, "SET", key, val, "KEEPTTL")
	} else {
		c.Propagate(key, "SET", key, val)
	}
	if flags&setGet != 0 {
		return getReply
	}
	return okReply
}

func cmdSet(c *Ctx) resp.Reply {
	flags, expire, ok := parseStringOptions(c.Args, 3, true)
	if !ok {
		return ErrSyntax
	}
	return setGeneric(c, flags, c.Args[1], c.Args[2], expire, resp.OK, resp.NilReply)
}

func cmdSetNX(c *Ctx) resp.Reply {
	return setGeneric(c, setNX, c.Args[1], c.Args[2], "", resp.One, resp.Zero)
}

func cmdSetEX(c *Ctx) resp.Reply {
	return setGeneric(c, setEX, c.Args[1], c.Args[3], c.Args[2], resp.OK, resp.NilReply)
}

func cmdPSetEX(c *Ctx) resp.Reply {
	return setGeneric(c, setPX, c.Args[1], c.Args[3], c.Args[2], resp.OK, resp.NilReply)
}

func cmdGet(c *Ctx) resp.Reply {
	e := c.Read(c.Args[1])
	if e == nil {
		return resp.NilReply
	}
	if e.Type != TypeString {
		return ErrWrongType
	}
	return resp.Reply{Kind: resp.Bulk, Str: e.StrValue()}
}

func cmdGetSet(c *Ctx) resp.Reply {
	key, val := c.Args[1], c.Args[2]
	reply := cmdGet(c)
	if reply.Kind == resp.Error {
		return reply
	}
	c.SetString(key, val, false)
	c.Modified(key)
	c.Notify(NotifyString, "set", key)
	c.Propagate(key, "SET", key, val)
	return reply
}

func cmdGetDel(c *Ctx) resp.Reply {
	key := c.Args[1]
	reply := cmdGet(c)
	if reply.Kind != resp.Bulk {
		return reply
	}
	c.Delete(key)
	c.Propagate(key, "DEL", key)
	c.Modified(key)
	c.Notify(NotifyGeneric, "del", key)
	return reply
}

func cmdGetEX(c *Ctx) resp.Reply {
	key := c.Args[1]
	flags, expire, ok := parseStringOptions(c.Args, 2, false)
	if !ok {
		return ErrSyntax
	}
	e := c.Read(key)
	if e == nil {
		return resp.NilReply
	}
	if e.Type != TypeString {
		return ErrWrongType
	}
	var at int64
	if flags&anyExpire != 0 {
		var errRep resp.Reply
		if at, errRep, ok = expireMillis(c, expire, flags); !ok {
			return errRep
		}
	}
	reply := resp.BulkReply(e.StrValue())
	switch {
	case flags&(setEXAT|setPXAT) != 0 && at <= c.Now():
		c.Delete(key)
		c.Propagate(key, "DEL", key)
		c.Modified(key)
		c.Notify(NotifyGeneric, "del", key)
	case flags&anyExpire != 0:
		c.SetExpire(key, e, at)
		c.Propagate(key, "PEXPIREAT", key, strconv.FormatInt(at, 10))
		c.Modified(key)
		c.Notify(NotifyGeneric, "expire", key)
	case flags&setPersist != 0:
		if e.ExpireAt != 0 {
			c.SetExpire(key, e, 0)
			c.Modified(key)
			c.Propagate(key, "PERSIST", key)
			c.Notify(NotifyGeneric, "persist", key)
		}
	}
	return reply
}

func cmdMGet(c *Ctx) resp.Reply {
	out := make([]resp.Reply, len(c.Args)-1)
	for i, key := range c.Args[1:] {
		e := c.Read(key)
		if e == nil || e.Type != TypeString {
			out[i] = resp.NilReply
		} else {
			out[i] = resp.Reply{Kind: resp.Bulk, Str: e.StrValue()}
		}
	}
	return resp.Reply{Kind: resp.Array, Elems: out}
}

func msetGeneric(c *Ctx, nx bool) resp.Reply {
	if len(c.Args)%2 == 0 {
		return ArityError(c.Cmd.FullName)
	}
	if nx {
		for j := 1; j < len(c.Args); j += 2 {
			if c.Write(c.Args[j]) != nil {
				return resp.Zero
			}
		}
	}
	for j := 1; j < len(c.Args); j += 2 {
		key, val := c.Args[j], c.Args[j+1]
		c.SetString(key, val, false)
		c.Modified(key)
		c.Notify(NotifyString, "set", key)
		c.Propagate(key, "SET", key, val)
	}
	if nx {
		return resp.One
	}
	return resp.OK
}

func cmdMSet(c *Ctx) resp.Reply   { return msetGeneric(c, false) }
func cmdMSetNX(c *Ctx) resp.Reply { return msetGeneric(c, true) }

func cmdAppend(c *Ctx) resp.Reply {
	key, app := c.Args[1], c.Args[2]
	e := c.Write(key)
	var total int
	if e == nil {
		e = c.Add(key, TypeString)
		e.Str = app
		total = len(app)
	} else {
		if e.Type != TypeString {
			return ErrWrongType
		}
		if e.StrLen()+len(app) > MaxStringLen {
			return resp.Err(MsgStringMax)
		}
		// Appends change the value in place, amortized O(1) as Redis's.
		r := e.raw()
		n := len(r.b)
		r.grow(n + len(app))
		copy(r.b[n:], app)
		total = len(r.b)
	}
	c.Modified(key)
	c.Notify(NotifyString, "append", key)
	c.Propagate(key, "APPEND", key, app)
	return resp.IntReply(int64(total))
}

func cmdStrlen(c *Ctx) resp.Reply {
	e := c.Read(c.Args[1])
	if e == nil {
		return resp.Zero
	}
	if e.Type != TypeString {
		return ErrWrongType
	}
	return resp.IntReply(int64(e.StrLen()))
}

var emptyBulk = resp.BulkReply("")

func cmdGetRange(c *Ctx) resp.Reply {
	start, ok1 := ParseInt(c.Args[2])
	if !ok1 {
		return ErrNotInt
	}
	end, ok2 := ParseInt(c.Args[3])
	if !ok2 {
		return ErrNotInt
	}
	e := c.Read(c.Args[1])
	if e == nil {
		return emptyBulk
	}
	if e.Type != TypeString {
		return ErrWrongType
	}
	s := e.strView()
	n := int64(len(s))
	if start < 0 && end < 0 && start > end {
		return emptyBulk
	}
	if start < 0 {
		start += n
	}
	if end < 0 {
		end += n
	}
	if start < 0 {
		start = 0
	}
	if end < 0 {
		end = 0
	}
	if end >= n {
		end = n - 1
	}
	if start > end || n == 0 {
		return emptyBulk
	}
	if e.Obj == nil {
		return resp.BulkReply(e.Str[start : end+1]) // a plain string's bytes are shared, never changed
	}
	return resp.BulkReply(string(s[start : end+1]))
}

func cmdSetRange(c *Ctx) resp.Reply {
	key, val := c.Args[1], c.Args[3]
	offset, ok := ParseInt(c.Args[2])
	if !ok {
		return ErrNotInt
	}
	if offset < 0 {
		return resp.Err(MsgOffsetRange)
	}
	e := c.Write(key)
	if e != nil && e.Type != TypeString {
		return ErrWrongType
	}
	if len(val) == 0 {
		if e == nil {
			return resp.Zero
		}
		return resp.IntReply(int64(e.StrLen()))
	}
	if offset > MaxStringLen-int64(len(val)) { // no overflow, unlike offset+len
		return resp.Err(MsgStringMax)
	}
	need := int(offset) + len(val)
	if rep, ok := c.roomFor(key, need); !ok {
		return rep
	}
	if e = c.Write(key); e == nil { // the room may have been made by evicting key itself
		e = c.Add(key, TypeString)
	}
	r := e.raw()
	r.grow(need)
	copy(r.b[offset:], val)
	c.Modified(key)
	c.Notify(NotifyString, "setrange", key)
	c.Propagate(key, "SETRANGE", key, c.Args[2], val)
	return resp.IntReply(int64(len(r.b)))
}

func incrBy(c *Ctx, incr int64) resp.Reply {
	key := c.Args[1]
	e := c.Write(key)
	var v int64
	if e != nil {
		if e.Type != TypeString {
			return ErrWrongType
		}
		var ok bool
		if v, ok = ParseInt(e.StrValue()); !ok {
			return ErrNotInt
		}
	}
	if (incr < 0 && v < 0 && incr < math.MinInt64-v) || (incr > 0 && v > 0 && incr > math.MaxInt64-v) {
		return ErrOverflow
	}
	v += incr
	s := strconv.FormatInt(v, 10)
	if e == nil {
		e = c.Add(key, TypeString)
	}
	e.setStr(s)
	c.Modified(key)
	c.Notify(NotifyString, "incrby", key)
	c.Propagate(key, "SET", key, s, "KEEPTTL")
	return resp.IntReply(v)
}

func cmdIncrBy(c *Ctx) resp.Reply {
	n, ok := ParseInt(c.Args[2])
	if !ok {
		return ErrNotInt
	}
	return incrBy(c, n)
}

func cmdDecrBy(c *Ctx) resp.Reply {
	n, ok := ParseInt(c.Args[2])
	if !ok {
		return ErrNotInt
	}
	if n == math.MinInt64 {
		return resp.Err("ERR decrement would overflow")
	}
	return incrBy(c, -n)
}

func cmdIncrByFloat(c *Ctx) resp.Reply {
	key := c.Args[1]
	e := c.Write(key)
	if e != nil && e.Type != TypeString {
		return ErrWrongType
	}
	cur := LongDoubleFromInt(0)
	if e != nil {
		var ok bool
		if cur, ok = ParseLongDouble(e.StrValue()); !ok {
			return ErrNotFloat
		}
	}
	incr, ok := ParseLongDouble(c.Args[2])
	if !ok {
		return ErrNotFloat
	}
	sum, ok := AddLongDouble(cur, incr)
	if !ok {
		return resp.Err(MsgNaNInf)
	}
	s := FormatLongDouble(sum)
	if e == nil {
		e = c.Add(key, TypeString)
	}
	e.setStr(s)
	e.flags |= entNoInt // Redis never int-encodes it
	c.Modified(key)
	c.Notify(NotifyString, "incrbyfloat", key)
	c.Propagate(key, "SET", key, s, "KEEPTTL")
	return resp.BulkReply(s)
}
