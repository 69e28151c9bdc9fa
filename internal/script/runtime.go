package script

import (
	"context"
	"errors"
	"log/slog"
	"math"
	"strings"
	"sync"

	"github.com/kevydb/kevy/resp"
	lua "github.com/yuin/gopher-lua"
)

// ErrKilled is the cancellation cause the engine gives a run's context
// for SCRIPT KILL and FUNCTION KILL.
var ErrKilled = errors.New("script: killed by SCRIPT KILL or FUNCTION KILL")

// The replies the engine needs around a run.
var (
	// NoScript is EVALSHA's reply for an unknown SHA.
	NoScript = resp.Err("NOSCRIPT No matching script. Please use EVAL.")
)

const msgKilled = "ERR Script killed by user with SCRIPT KILL..."

// Runtime runs Lua scripts and functions. It holds the script cache, the
// function libraries and a pool of Lua states; it is safe for concurrent
// use, and runs proceed in parallel, each on a Lua state of its own.
type Runtime struct {
	log     *slog.Logger
	scripts cache
	libs    *Registry
	pool    chan *vm

	randMu sync.Mutex
	randX  uint64 // Redis's lrand48 state (48 bits), shared like Redis's

	evalJSON *jsonConfig // the cjson configuration of EVAL scripts
	fnJSON   *jsonConfig // the cjson configuration of functions

	maxReplyFreeElems int // maxReplyFreeElems; lowered by tests
}

// New returns a Runtime.
func New(opts Options) *Runtime {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.MaxScripts <= 0 {
		opts.MaxScripts = DefaultMaxScripts
	}
	if opts.MaxScriptBytes <= 0 {
		opts.MaxScriptBytes = DefaultMaxScriptBytes
	}
	if opts.MaxIdleVMs <= 0 {
		opts.MaxIdleVMs = DefaultMaxIdleVMs
	}
	rt := &Runtime{
		log:   opts.Logger,
		pool:  make(chan *vm, opts.MaxIdleVMs),
		randX: 0x1234ABCD330E,

		evalJSON: newJSONConfig(),
		fnJSON:   newJSONConfig(),

		maxReplyFreeElems: maxReplyFreeElems,
	}
	rt.scripts.bySHA = map[string]*Script{}
	rt.scripts.maxN = opts.MaxScripts
	rt.scripts.maxBytes = opts.MaxScriptBytes
	rt.libs = newRegistry(rt)
	return rt
}

// Load compiles body and caches it (SCRIPT LOAD, and EVAL's first step).
// On failure it returns Redis's error reply and false.
func (rt *Runtime) Load(body string) (*Script, resp.Reply, bool) {
	return rt.scripts.add(body)
}

// Lookup returns the cached script with the given SHA (any case), or nil.
func (rt *Runtime) Lookup(sha string) *Script {
	if len(sha) != 40 {
		return nil
	}
	return rt.scripts.get(toLowerASCII(sha))
}

// Exists reports whether a script is cached (SCRIPT EXISTS).
func (rt *Runtime) Exists(sha string) bool { return rt.Lookup(sha) != nil }

// Flush empties the script cache (SCRIPT FLUSH). Like Redis, which
// starts a new Lua state for it, it also resets what scripts can
// configure: the cjson settings of EVAL scripts.
func (rt *Runtime) Flush() {
	rt.scripts.flush()
	rt.evalJSON.reset()
}

// CacheStats returns how many scripts are cached and their total size.
func (rt *Runtime) CacheStats() (scripts, bytes int) { return rt.scripts.stats() }

// Functions returns the function-library registry.
func (rt *Runtime) Functions() *Registry { return rt.libs }

func toLowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if 'A' <= b[j] && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// Prepare makes Redis's checks of scriptPrepareForRun for a script with
// flags run by req: the reply to send instead of running, and false, when
// it must not run.
func Prepare(flags Flags, req *Request) (resp.Reply, bool) {
	if flags&FlagEvalCompat != 0 {
		return resp.Reply{}, true
	}
	if flags&FlagNoWrites == 0 && req.ReadOnly {
		return resp.Err("ERR Can not execute a script with write flag using *_ro command."), false
	}
	if req.OOM && flags&(FlagAllowOOM|FlagNoWrites) == 0 {
		return resp.Err("OOM allow-oom flag is not set on the script, can not run it when used memory > 'maxmemory'"), false
	}
	return resp.Reply{}, true
}

// Eval runs a cached script (EVAL after Load, EVALSHA after Lookup). The
// reply is what redis-server would send; the error is non-nil only when
// req.Ctx ended for a reason other than [ErrKilled] (the reply then says
// so too).
func (rt *Runtime) Eval(s *Script, req *Request) (resp.Reply, error) {
	if r, ok := Prepare(s.Flags, req); !ok {
		return r, nil
	}
	v := rt.get()
	fn := v.scriptFunc(s)
	if fn == nil {
		v.bad = true
		rt.put(v)
		return resp.Err("ERR Error running script " + s.SHA), nil
	}
	L := v.L
	keys := newStringArray(L, req.Keys)
	args := newStringArray(L, req.Args)
	v.evalBack.RawSetString("KEYS", keys)
	v.evalBack.RawSetString("ARGV", args)
	fn.Env = v.evalEnv
	r, err := v.call(req, s.SHA, s.Flags, fn)
	v.evalBack.RawSetString("KEYS", lua.LNil)
	v.evalBack.RawSetString("ARGV", lua.LNil)
	rt.put(v)
	return r, err
}

func newStringArray(L *lua.LState, ss []string) *lua.LTable {
	t := L.CreateTable(len(ss), 0)
	for i, s := range ss {
		t.RawSetInt(i+1, lua.LString(s))
	}
	return t
}

// call runs fn with args on v for req, and converts the outcome.
func (v *vm) call(req *Request, name string, flags Flags, fn *lua.LFunction, args ...lua.LValue) (resp.Reply, error) {
	L := v.L
	run := &runState{req: req, name: name, flags: flags, proto: 2, repl: ReplAll}
	run.readOnly = req.ReadOnly || flags&FlagEvalCompat == 0 && flags&FlagNoWrites != 0
	run.allowOOM = flags&FlagEvalCompat == 0 && flags&FlagAllowOOM != 0
	v.run = run
	ctx := req.Ctx
	if ctx != nil && ctx.Done() != nil {
		L.SetContext(ctx)
	}
	L.SetTop(0)
	L.Push(fn)
	for _, a := range args {
		L.Push(a)
	}
	err := L.PCall(len(args), 1, v.errFn)
	var reply resp.Reply
	var runErr error
	if err == nil {
		reply = v.luaToReply(L.Get(-1), run.proto)
	} else {
		reply, runErr = v.failure(err, run, ctx)
	}
	L.SetTop(0)
	if ctx != nil && ctx.Done() != nil {
		L.RemoveContext()
	}
	v.run = nil
	return reply, runErr
}

// failure turns a failed run into Redis's error reply.
func (v *vm) failure(err error, run *runState, ctx context.Context) (resp.Reply, error) {
	var ae *lua.ApiError
	if !errors.As(err, &ae) {
		v.bad = true
		return resp.Err(noCRLF("ERR Error running script " + run.name + ", " + err.Error())), nil
	}
	if ae.Type == lua.ApiErrorPanic {
		v.bad = true // a Go panic inside the VM: do not trust the state
	}
	t, ok := ae.Object.(*lua.LTable)
	if !ok {
		// The error handler could not run (the Lua stack was full, as on a
		// stack overflow): do what it would have done.
		t = v.L.NewTable()
		s := luaToString(ae.Object)
		t.RawSetString("err", lua.LString("ERR "+s))
		if src, rest, found := strings.Cut(s, ":"); found {
			if line, _, found := strings.Cut(rest, ":"); found {
				if _, isNum := parseInt64(line); isNum {
					t.RawSetString("source", lua.LString("@"+src))
					t.RawSetString("line", lua.LString(line))
				}
			}
		}
	}
	msg, hasMsg := asString(t.RawGetString("err"))
	if !hasMsg {
		msg = "ERR unknown error"
	}
	var runErr error
	if ctx != nil && ctx.Err() != nil {
		if context.Cause(ctx) == ErrKilled {
			msg = msgKilled
		} else {
			runErr = ctx.Err()
			msg = "ERR Script stopped: " + context.Cause(ctx).Error()
		}
	}
	source, hasSource := asString(t.RawGetString("source"))
	line, hasLine := asString(t.RawGetString("line"))
	if hasSource && hasLine {
		msg += " script: " + run.name + ", on " + source + ":" + line + "."
	}
	return resp.Err(errorReplyText(msg)), runErr
}

// get takes an idle vm, or makes one, and brings it up to date with the
// script cache.
func (rt *Runtime) get() *vm {
	var v *vm
	select {
	case v = <-rt.pool:
	default:
		v = newVM(rt)
	}
	if g := rt.scripts.generation(); g != v.gen {
		clear(v.scripts)
		v.gen = g
	}
	return v
}

func (rt *Runtime) put(v *vm) {
	if v.bad {
		v.close()
		return
	}
	if len(v.scripts) > rt.scripts.maxN {
		clear(v.scripts)
	}
	select {
	case rt.pool <- v:
	default:
		v.close()
	}
}

// scriptFunc returns v's closure of s, making it on first use.
func (v *vm) scriptFunc(s *Script) *lua.LFunction {
	if fn := v.scripts[s]; fn != nil {
		return fn
	}
	fn, err := v.instantiate(s.proto, v.evalEnv)
	if err != nil {
		return nil
	}
	v.scripts[s] = fn
	return fn
}

// mathRandom is Redis's math.random: Lua 5.1's, over Redis's lrand48.
func (rt *Runtime) mathRandom(L *lua.LState) int {
	const max = math.MaxInt32
	rt.randMu.Lock()
	rt.randX = (0x5DEECE66D*rt.randX + 0xB) & (1<<48 - 1)
	x := int32(rt.randX >> 17)
	rt.randMu.Unlock()
	r := float64(x%max) / float64(max)
	switch L.GetTop() {
	case 0:
		L.Push(lua.LNumber(r))
	case 1:
		u := int(toInt64(checkNumber(L, 1, "random")))
		if u < 1 {
			argError(L, 1, "random", "interval is empty")
		}
		L.Push(lua.LNumber(math.Floor(r*float64(u)) + 1))
	case 2:
		l := int(toInt64(checkNumber(L, 1, "random")))
		u := int(toInt64(checkNumber(L, 2, "random")))
		if l > u {
			argError(L, 2, "random", "interval is empty")
		}
		L.Push(lua.LNumber(math.Floor(r*float64(u-l+1)) + float64(l)))
	default:
		L.RaiseError("wrong number of arguments")
	}
	return 1
}

func (rt *Runtime) mathRandomSeed(L *lua.LState) int {
	seed := uint32(int32(toInt64(checkNumber(L, 1, "randomseed"))))
	rt.randMu.Lock()
	rt.randX = uint64(seed)<<16 | 0x330E
	rt.randMu.Unlock()
	return 0
}
