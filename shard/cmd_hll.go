package shard

import (
	"strings"

	"github.com/kevydb/kevy/internal/hll"
	"github.com/kevydb/kevy/resp"
)

// HyperLogLog commands (Redis's hyperloglog.c): PFADD PFCOUNT PFMERGE
// PFDEBUG PFSELFTEST. An HLL is a string in Redis's exact format
// (internal/hll), changed in place (rawstring.go).
//
// PFCOUNT on one key stores the cardinality it computed in the HLL's
// cache, as Redis does: it changes the string, so kevy runs it as a write
// (Command.Reported keeps Redis's "readonly" for COMMAND INFO).
//
// Effects. PFADD, PFCOUNT and PFDEBUG are deterministic given the state
// they run on and log themselves whenever they changed the string (PFDEBUG
// GETREG, which converts to dense as a side effect, logs PFDEBUG TODENSE);
// a PFADD that failed on a corrupt HLL after changing some registers logs
// the SET of the value, as a logged command must not fail on replay. PFMERGE logs itself
// when its sources live on the destination's shard, else the SET of the
// result, keeping the TTL. Replaying PFADD depends on hll-sparse-max-bytes
// being what it was, as in Redis.

func init() {
	Register("pfadd", cmdPFAdd)
	c := Register("pfcount", cmdPFCount)
	c.Reported = c.Flags
	c.Flags = c.Flags&^FlagReadOnly | FlagWrite
	Register("pfmerge", cmdPFMerge).GetKeysFn = func(args []string, dst []int) []int {
		// Redis's key specs: the destination, then sources from index 2;
		// with no source the second spec starts past the end, which COMMAND
		// GETKEYS reports as invalid arguments.
		if len(args) < 3 {
			return dst
		}
		for i := 1; i < len(args); i++ {
			dst = append(dst, i)
		}
		return dst
	}
	Register("pfdebug", cmdPFDebug)
	Register("pfselftest", cmdPFSelfTest).Route = RouteLocal
}

var (
	errNotHLL     = resp.Err("WRONGTYPE Key is not a valid HyperLogLog string value.")
	errCorruptHLL = resp.Err("INVALIDOBJ Corrupted HLL object detected")
)

// hllSparseMax returns hll-sparse-max-bytes.
func (c *Ctx) hllSparseMax() int {
	if rt := c.runtime(); rt != nil {
		return rt.HLLSparseMaxBytes()
	}
	return hll.DefaultSparseMaxBytes
}

// HLLSparseMaxBytes returns hll-sparse-max-bytes: the size past which a
// sparse HyperLogLog is converted to the dense encoding.
func (rt *Runtime) HLLSparseMaxBytes() int {
	if n := rt.hllSparseMax.Load(); n > 0 {
		return int(n - 1)
	}
	return hll.DefaultSparseMaxBytes
}

// SetHLLSparseMaxBytes sets hll-sparse-max-bytes (0 and up, as Redis
// accepts; a sparse HLL never grows past it).
func (rt *Runtime) SetHLLSparseMaxBytes(n int64) {
	rt.hllSparseMax.Store(min(max(n, 0), 1<<31) + 1)
}

// checkHLL returns the HLL bytes of a string entry (a view), or nil and
// the error reply for another type or a string that is not an HLL.
func checkHLL(e *Entry) ([]byte, resp.Reply) {
	if e.Type != TypeString {
		return nil, ErrWrongType
	}
	v := e.strView()
	if !hll.Valid(v) {
		return nil, errNotHLL
	}
	return v, resp.Reply{}
}

func cmdPFAdd(c *Ctx) resp.Reply {
	key := c.Args[1]
	e := c.Write(key)
	created := false
	var r *rawString
	if e == nil {
		e = c.Add(key, TypeString)
		e.setRawBytes(hll.New())
		r = e.Obj.(*rawString)
		created = true
	} else {
		if _, rep := checkHLL(e); rep.Kind == resp.Error {
			return rep
		}
		r = e.raw()
	}
	updated := 0
	if created {
		updated++
	}
	max := c.hllSparseMax()
	var err error
	for _, ele := range c.Args[2:] {
		var changed bool
		if r.b, changed, err = hll.Add(r.b, ele, max); err != nil {
			break
		}
		if changed {
			updated++
		}
	}
	if err != nil {
		// A corrupt HLL fails after the registers before the corruption
		// changed (Redis keeps the changes and propagates nothing). PFADD
		// would fail again on replay, which a log must never do: log the
		// value.
		if updated > 0 {
			c.Propagate(key, "SET", key, string(r.b), "KEEPTTL")
		}
		return errCorruptHLL
	}
	if updated > 0 {
		c.Modified(key)
		c.Notify(NotifyString, "pfadd", key)
		hll.Invalidate(r.b)
		argv := append([]string{"PFADD"}, c.Args[1:]...)
		c.Propagate(key, argv...)
	}
	if updated > 0 {
		return resp.One
	}
	return resp.Zero
}

func cmdPFCount(c *Ctx) resp.Reply {
	if len(c.Args) > 2 {
		var regs [hll.Registers]uint8
		for _, k := range c.Args[1:] {
			e := c.Read(k)
			if e == nil {
				continue
			}
			v, rep := checkHLL(e)
			if v == nil {
				return rep
			}
			if hll.Merge(&regs, v) != nil {
				return errCorruptHLL
			}
		}
		return resp.IntReply(int64(hll.CountRegisters(&regs)))
	}
	key := c.Args[1]
	e := c.Read(key)
	if e == nil {
		return resp.Zero
	}
	if _, rep := checkHLL(e); rep.Kind == resp.Error {
		return rep
	}
	r := e.raw() // Redis unshares the value, cache valid or not
	if card, ok := hll.Cached(r.b); ok {
		return resp.IntReply(int64(card))
	}
	card, err := hll.Count(r.b)
	if err != nil {
		return errCorruptHLL
	}
	hll.SetCached(r.b, card)
	c.Modified(key)
	c.Propagate(key, "PFCOUNT", key)
	return resp.IntReply(int64(card))
}

func cmdPFMerge(c *Ctx) resp.Reply {
	dst := c.Args[1]
	var regs [hll.Registers]uint8
	useDense := false
	for _, k := range c.Args[1:] {
		e := c.Read(k)
		if e == nil {
			continue
		}
		v, rep := checkHLL(e)
		if v == nil {
			return rep
		}
		if hll.IsDense(v) {
			useDense = true
		}
		if hll.Merge(&regs, v) != nil {
			return errCorruptHLL
		}
	}
	e := c.Write(dst)
	var r *rawString
	if e == nil {
		e = c.Add(dst, TypeString)
		e.setRawBytes(hll.New())
		r = e.Obj.(*rawString)
	} else {
		r = e.raw() // already checked as a source
	}
	if useDense {
		d, converted, err := hll.ToDense(r.b)
		if err != nil {
			return errCorruptHLL
		}
		if converted {
			r.b = d
		}
	}
	max := c.hllSparseMax()
	for i, v := range regs {
		if v != 0 {
			r.b, _, _ = hll.Set(r.b, i, v, max)
		}
	}
	hll.Invalidate(r.b)
	c.Modified(dst)
	c.Notify(NotifyString, "pfadd", dst) // Redis's event for a mass add
	if c.allLocal(dst, c.Args[2:]) {
		argv := append([]string{"PFMERGE"}, c.Args[1:]...)
		c.Propagate(dst, argv...)
	} else {
		c.Propagate(dst, "SET", dst, string(r.b), "KEEPTTL")
	}
	return resp.OK
}

func cmdPFDebug(c *Ctx) resp.Reply {
	sub, key := c.Args[1], c.Args[2]
	e := c.Write(key)
	if e == nil {
		return resp.Err("ERR The specified key does not exist")
	}
	if _, rep := checkHLL(e); rep.Kind == resp.Error {
		return rep
	}
	r := e.raw()
	toDense := func() (bool, resp.Reply) {
		d, converted, err := hll.ToDense(r.b)
		if err != nil {
			return false, errCorruptHLL
		}
		if converted {
			r.b = d
			c.Propagate(key, "PFDEBUG", "TODENSE", key)
		}
		return converted, resp.Reply{}
	}
	switch {
	case EqualFold(sub, "getreg"):
		if _, rep := toDense(); rep.Kind == resp.Error {
			return rep
		}
		out := make([]resp.Reply, hll.Registers)
		for i := range out {
			out[i] = resp.IntReply(int64(hll.Register(r.b, i)))
		}
		return resp.ArrayReply(out)
	case EqualFold(sub, "decode"):
		if hll.IsDense(r.b) {
			return resp.Err("ERR HLL encoding is not sparse")
		}
		return resp.BulkReply(hll.Decode(r.b))
	case EqualFold(sub, "encoding"):
		if hll.IsDense(r.b) {
			return resp.StatusReply("dense")
		}
		return resp.StatusReply("sparse")
	case EqualFold(sub, "todense"):
		converted, rep := toDense()
		if rep.Kind == resp.Error {
			return rep
		}
		if converted {
			return resp.One
		}
		return resp.Zero
	}
	return resp.Err(noNewlines("ERR Unknown PFDEBUG subcommand '" + cstring(sub) + "'"))
}

func cmdPFSelfTest(c *Ctx) resp.Reply {
	max := hll.DefaultSparseMaxBytes
	if rt := c.runtime(); rt != nil {
		max = rt.HLLSparseMaxBytes()
	}
	if err := hll.SelfTest(max); err != nil {
		return resp.Err("ERR " + strings.TrimSpace(err.Error()))
	}
	return resp.OK
}
