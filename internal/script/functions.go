package script

import (
	"context"
	"errors"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/kevydb/kevy/internal/glob"
	"github.com/kevydb/kevy/rdb"
	"github.com/kevydb/kevy/resp"
	lua "github.com/yuin/gopher-lua"
)

// Library is one loaded function library (FUNCTION LOAD). It is immutable.
type Library struct {
	Name      string
	Engine    string      // "LUA"
	Code      string      // the whole source, shebang included
	Functions []*Function // in registration order

	proto *lua.FunctionProto
}

// Function is one function of a library (redis.register_function).
type Function struct {
	Name           string
	Description    string
	HasDescription bool
	Flags          Flags
	Library        *Library
}

// Registry holds the function libraries. It is safe for concurrent use.
type Registry struct {
	rt    *Runtime
	mu    sync.RWMutex
	libs  map[string]*Library
	funcs map[string]*Function
}

func newRegistry(rt *Runtime) *Registry {
	return &Registry{rt: rt, libs: map[string]*Library{}, funcs: map[string]*Function{}}
}

// loadTimeout bounds the run of a library's code by FUNCTION LOAD
// (Redis's LOAD_TIMEOUT_MS).
const loadTimeout = 500 * time.Millisecond

// loadState is the state of a library's code running for FUNCTION LOAD.
type loadState struct {
	lib   *Library
	funcs map[string]*Function
	order []*Function
	fns   map[string]*lua.LFunction
}

// Load compiles and registers a library (FUNCTION LOAD [REPLACE]). It
// returns the library's name, or Redis's error reply and false.
func (g *Registry) Load(code string, replace bool) (string, resp.Reply, bool) {
	lib, err := g.rt.createLibrary(code)
	if err != nil {
		return "", resp.Err(noCRLF("ERR " + err.Error())), false
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	old := g.libs[lib.Name]
	if old != nil && !replace {
		return "", resp.Err("ERR Library '" + lib.Name + "' already exists"), false
	}
	for _, f := range lib.Functions {
		if other := g.funcs[f.Name]; other != nil && other.Library != old {
			return "", resp.Err("ERR Function " + f.Name + " already exists"), false
		}
	}
	g.unlink(old)
	g.link(lib)
	return lib.Name, resp.Reply{}, true
}

func (g *Registry) link(lib *Library) {
	g.libs[lib.Name] = lib
	for _, f := range lib.Functions {
		g.funcs[f.Name] = f
	}
}

func (g *Registry) unlink(lib *Library) {
	if lib == nil {
		return
	}
	delete(g.libs, lib.Name)
	for _, f := range lib.Functions {
		delete(g.funcs, f.Name)
	}
}

// Delete removes a library (FUNCTION DELETE).
func (g *Registry) Delete(name string) resp.Reply {
	g.mu.Lock()
	defer g.mu.Unlock()
	lib := g.libs[name]
	if lib == nil {
		return resp.Err("ERR Library not found")
	}
	g.unlink(lib)
	return resp.OK
}

// Flush removes every library (FUNCTION FLUSH).
func (g *Registry) Flush() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.libs = map[string]*Library{}
	g.funcs = map[string]*Function{}
}

// Function returns the function with the given name, or nil.
func (g *Registry) Function(name string) *Function {
	g.mu.RLock()
	defer g.mu.RUnlock()
	return g.funcs[name]
}

// Libraries returns the libraries sorted by name.
func (g *Registry) Libraries() []*Library {
	g.mu.RLock()
	defer g.mu.RUnlock()
	out := make([]*Library, 0, len(g.libs))
	for _, l := range g.libs {
		out = append(out, l)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Counts returns the number of libraries and functions.
func (g *Registry) Counts() (libraries, functions int) {
	g.mu.RLock()
	defer g.mu.RUnlock()
	return len(g.libs), len(g.funcs)
}

// List is FUNCTION LIST's reply: every library whose name matches pattern
// (all when pattern is empty), sorted by name, with its code when withCode.
func (g *Registry) List(pattern string, withCode bool) resp.Reply {
	out := []resp.Reply{}
	for _, lib := range g.Libraries() {
		if pattern != "" && !glob.Match(pattern, lib.Name) {
			continue
		}
		fns := make([]resp.Reply, 0, len(lib.Functions))
		for _, f := range lib.Functions {
			desc := resp.NilReply
			if f.HasDescription {
				desc = resp.BulkReply(f.Description)
			}
			fns = append(fns, resp.Reply{Kind: resp.Map, Elems: []resp.Reply{
				resp.BulkReply("name"), resp.BulkReply(f.Name),
				resp.BulkReply("description"), desc,
				resp.BulkReply("flags"), {Kind: resp.Set, Elems: statuses(f.Flags.Names())},
			}})
		}
		m := []resp.Reply{
			resp.BulkReply("library_name"), resp.BulkReply(lib.Name),
			resp.BulkReply("engine"), resp.BulkReply(lib.Engine),
			resp.BulkReply("functions"), resp.ArrayReply(fns),
		}
		if withCode {
			m = append(m, resp.BulkReply("library_code"), resp.BulkReply(lib.Code))
		}
		out = append(out, resp.Reply{Kind: resp.Map, Elems: m})
	}
	return resp.ArrayReply(out)
}

func statuses(ss []string) []resp.Reply {
	out := make([]resp.Reply, len(ss))
	for i, s := range ss {
		out[i] = resp.StatusReply(s)
	}
	return out
}

// Running describes the script or function under way, for FUNCTION STATS.
type Running struct {
	Name     string   // the function's name
	Command  []string // the command that runs it
	Duration time.Duration
}

// Stats is FUNCTION STATS's reply; running is nil when nothing runs.
func (g *Registry) Stats(running *Running) resp.Reply {
	nl, nf := g.Counts()
	run := resp.NilReply
	if running != nil {
		run = resp.Reply{Kind: resp.Map, Elems: []resp.Reply{
			resp.BulkReply("name"), resp.BulkReply(running.Name),
			resp.BulkReply("command"), resp.BulkArray(running.Command),
			resp.BulkReply("duration_ms"), resp.IntReply(running.Duration.Milliseconds()),
		}}
	}
	return resp.Reply{Kind: resp.Map, Elems: []resp.Reply{
		resp.BulkReply("running_script"), run,
		resp.BulkReply("engines"), {Kind: resp.Map, Elems: []resp.Reply{
			resp.BulkReply("LUA"), {Kind: resp.Map, Elems: []resp.Reply{
				resp.BulkReply("libraries_count"), resp.IntReply(int64(nl)),
				resp.BulkReply("functions_count"), resp.IntReply(int64(nf)),
			}},
		}},
	}}
}

// Codes returns every library's source, sorted by library name: what an
// RDB file or an AOF base persists.
func (g *Registry) Codes() []string {
	libs := g.Libraries()
	out := make([]string, len(libs))
	for i, l := range libs {
		out[i] = l.Code
	}
	return out
}

// Dump is FUNCTION DUMP's payload.
func (g *Registry) Dump() []byte {
	return rdb.AppendFunctionDump(nil, g.Codes())
}

// RestorePolicy is FUNCTION RESTORE's policy.
type RestorePolicy uint8

// The policies. Append is the default.
const (
	RestoreAppend RestorePolicy = iota
	RestoreReplace
	RestoreFlush
)

// ParseRestorePolicy reads FUNCTION RESTORE's policy argument.
func ParseRestorePolicy(s string) (RestorePolicy, resp.Reply, bool) {
	switch strings.ToLower(s) {
	case "append":
		return RestoreAppend, resp.Reply{}, true
	case "replace":
		return RestoreReplace, resp.Reply{}, true
	case "flush":
		return RestoreFlush, resp.Reply{}, true
	}
	return 0, resp.Err("ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE."), false
}

// Restore loads a FUNCTION DUMP payload (FUNCTION RESTORE). It changes
// nothing unless every library loads and, for Append, none collides.
func (g *Registry) Restore(payload []byte, policy RestorePolicy) resp.Reply {
	codes, err := rdb.ParseFunctionDump(payload)
	if err != nil {
		return resp.Err(noCRLF("ERR " + err.Error()))
	}
	return g.LoadAll(codes, policy)
}

// LoadAll loads libraries from their sources under policy (FUNCTION
// RESTORE, and loading an RDB file or AOF base with RestoreReplace).
func (g *Registry) LoadAll(codes []string, policy RestorePolicy) resp.Reply {
	fresh := map[string]*Library{}
	freshFns := map[string]*Function{}
	for _, code := range codes {
		lib, err := g.rt.createLibrary(code)
		if err != nil {
			return resp.Err(noCRLF("ERR " + err.Error()))
		}
		if fresh[lib.Name] != nil {
			return resp.Err("ERR Library '" + lib.Name + "' already exists")
		}
		for _, f := range lib.Functions {
			if freshFns[f.Name] != nil {
				return resp.Err("ERR Function " + f.Name + " already exists")
			}
			freshFns[f.Name] = f
		}
		fresh[lib.Name] = lib
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if policy == RestoreFlush {
		g.libs, g.funcs = fresh, freshFns
		return resp.OK
	}
	names := make([]string, 0, len(fresh))
	for n := range fresh {
		names = append(names, n)
	}
	sort.Strings(names)
	replaced := map[*Library]bool{}
	for _, n := range names {
		if old := g.libs[n]; old != nil {
			if policy != RestoreReplace {
				return resp.Err("ERR Library " + n + " already exists")
			}
			replaced[old] = true
		}
	}
	for name := range freshFns {
		if other := g.funcs[name]; other != nil && !replaced[other.Library] {
			return resp.Err("ERR Function " + name + " already exists")
		}
	}
	for old := range replaced {
		g.unlink(old)
	}
	for _, n := range names {
		g.link(fresh[n])
	}
	return resp.OK
}

// createLibrary parses a library's metadata, compiles it and runs it to
// collect its functions. The error is Redis's text without "ERR ".
func (rt *Runtime) createLibrary(code string) (*Library, error) {
	name, engine, body, err := parseLibraryHeader(code)
	if err != nil {
		return nil, err
	}
	if !validName(name) {
		return nil, errors.New(msgBadName)
	}
	if !strings.EqualFold(engine, "lua") {
		return nil, errors.New("Engine '" + engine + "' not found")
	}
	proto, err := compile(body, "user_function")
	if err != nil {
		return nil, errors.New("Error compiling function: " + err.Error())
	}
	lib := &Library{Name: name, Engine: "LUA", Code: code, proto: proto}
	v := rt.get()
	defer rt.put(v)
	ls, err := v.loadLibrary(lib, loadTimeout)
	if err != nil {
		return nil, err
	}
	if len(ls.funcs) == 0 {
		return nil, errors.New("No functions registered")
	}
	lib.Functions = ls.order
	v.libs[lib] = ls.fns
	return lib, nil
}

const msgBadName = "Library names can only contain letters, numbers, or underscores(_) and must be at least one character long"

func validName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// parseLibraryHeader is functionExtractLibMetaData: the "#!<engine>
// name=<name>" first line. body keeps the newline so line numbers hold.
func parseLibraryHeader(code string) (name, engine, body string, err error) {
	if !strings.HasPrefix(code, "#!") {
		return "", "", "", errors.New("Missing library metadata")
	}
	end := strings.IndexByte(code, '\n')
	if end < 0 {
		return "", "", "", errors.New("Invalid library metadata")
	}
	parts, ok := resp.SplitArgs(code[:end])
	if !ok || len(parts) == 0 {
		return "", "", "", errors.New("Invalid library metadata")
	}
	engine = parts[0][2:]
	hasName := false
	for _, p := range parts[1:] {
		if len(p) >= 5 && strings.EqualFold(p[:5], "name=") {
			if hasName {
				return "", "", "", errors.New("Invalid metadata value, name argument was given multiple times")
			}
			name, hasName = p[5:], true
			continue
		}
		return "", "", "", errors.New("Invalid metadata value given: " + p)
	}
	if !hasName {
		return "", "", "", errors.New("Library name was not given")
	}
	return name, engine, code[end:], nil
}

// loadLibrary runs lib's code on v with the library API as its globals,
// collecting the functions it registers (with v's closures of them).
func (v *vm) loadLibrary(lib *Library, timeout time.Duration) (*loadState, error) {
	L := v.L
	ls := &loadState{lib: lib, funcs: map[string]*Function{}, fns: map[string]*lua.LFunction{}}
	v.load = ls
	v.setFnCur(v.loadBack)
	defer func() {
		v.load = nil
		v.setFnCur(v.fnBack)
	}()
	fn, err := v.instantiate(lib.proto, v.fnEnv)
	if err != nil {
		v.bad = true
		return nil, errors.New("Error registering functions: ERR " + err.Error())
	}
	ctx := context.Background()
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
		L.SetContext(ctx)
		defer L.RemoveContext()
	}
	L.SetTop(0)
	L.Push(fn)
	if err := L.PCall(0, 0, nil); err != nil {
		L.SetTop(0)
		msg := "ERR " + err.Error()
		var ae *lua.ApiError
		if errors.As(err, &ae) {
			if ae.Type == lua.ApiErrorPanic {
				v.bad = true
			}
			if t, ok := ae.Object.(*lua.LTable); ok {
				msg, _ = asString(t.RawGetString("err"))
			} else {
				msg = "ERR " + luaToString(ae.Object)
			}
		}
		if ctx.Err() != nil {
			msg = "ERR FUNCTION LOAD timeout"
		}
		return nil, errors.New("Error registering functions: " + msg)
	}
	return ls, nil
}

// registerFunction is redis.register_function.
func (v *vm) registerFunction(L *lua.LState) int {
	ls := v.load
	if ls == nil {
		raise(L, "redis.register_function can only be called on FUNCTION LOAD command")
	}
	var f Function
	var cb *lua.LFunction
	switch L.GetTop() {
	case 1:
		t, ok := L.Get(1).(*lua.LTable)
		if !ok {
			raise(L, "calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments).")
		}
		hasName := false
		for k, val := t.Next(lua.LNil); k != lua.LNil; k, val = t.Next(k) {
			key, ok := asString(k)
			if !ok {
				raise(L, "named argument key given to redis.register_function is not a string")
			}
			switch strings.ToLower(key) {
			case "function_name":
				s, ok := asString(val)
				if !ok {
					raise(L, "function_name argument given to redis.register_function must be a string")
				}
				f.Name, hasName = s, true
			case "description":
				s, ok := asString(val)
				if !ok {
					raise(L, "description argument given to redis.register_function must be a string")
				}
				f.Description, f.HasDescription = s, true
			case "callback":
				fn, ok := val.(*lua.LFunction)
				if !ok {
					raise(L, "callback argument given to redis.register_function must be a function")
				}
				cb = fn
			case "flags":
				ft, ok := val.(*lua.LTable)
				if !ok {
					raise(L, "flags argument to redis.register_function must be a table representing function flags")
				}
				for j := 1; ; j++ {
					e := ft.RawGetInt(j)
					if e == lua.LNil {
						break
					}
					s, ok := asString(e)
					flag, known := flagByName(s, true)
					if !ok || !known {
						raise(L, "unknown flag given")
					}
					f.Flags |= flag
				}
			default:
				raise(L, "unknown argument given to redis.register_function")
			}
		}
		if !hasName {
			raise(L, "redis.register_function must get a function name argument")
		}
		if cb == nil {
			raise(L, "redis.register_function must get a callback argument")
		}
	case 2:
		s, ok := asString(L.Get(1))
		if !ok {
			raise(L, "first argument to redis.register_function must be a string")
		}
		fn, ok := L.Get(2).(*lua.LFunction)
		if !ok {
			raise(L, "second argument to redis.register_function must be a function")
		}
		f.Name, cb = s, fn
	default:
		raise(L, "wrong number of arguments to redis.register_function")
	}
	if !validName(f.Name) {
		raise(L, msgBadName)
	}
	if ls.funcs[f.Name] != nil {
		raise(L, "Function already exists in the library")
	}
	f.Library = ls.lib
	ls.funcs[f.Name] = &f
	ls.order = append(ls.order, &f)
	ls.fns[f.Name] = cb
	return 0
}

// ParseNumKeys reads FCALL's numkeys for nargs following arguments.
func ParseNumKeys(s string, nargs int) (int, resp.Reply, bool) {
	n, ok := parseInt64(s)
	switch {
	case !ok:
		return 0, resp.Err("ERR Bad number of keys provided"), false
	case n > int64(nargs):
		return 0, resp.Err("ERR Number of keys can't be greater than number of args"), false
	case n < 0:
		return 0, resp.Err("ERR Number of keys can't be negative"), false
	}
	return int(n), resp.Reply{}, true
}

// ParseEvalNumKeys reads EVAL's numkeys for nargs following arguments.
func ParseEvalNumKeys(s string, nargs int) (int, resp.Reply, bool) {
	n, ok := parseInt64(s)
	switch {
	case !ok:
		return 0, resp.Err("ERR value is not an integer or out of range"), false
	case n > int64(nargs):
		return 0, resp.Err("ERR Number of keys can't be greater than number of args"), false
	case n < 0:
		return 0, resp.Err("ERR Number of keys can't be negative"), false
	}
	return int(n), resp.Reply{}, true
}

// parseInt64 is Redis's string2ll: canonical decimal only.
func parseInt64(s string) (int64, bool) {
	if s == "" || len(s) > 20 {
		return 0, false
	}
	neg := s[0] == '-'
	d := s
	if neg {
		d = s[1:]
	}
	if d == "" || d[0] == '0' && len(d) > 1 || neg && d == "0" {
		return 0, false
	}
	var u uint64
	for i := 0; i < len(d); i++ {
		c := d[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		if u > (1<<64-1)/10 {
			return 0, false
		}
		u = u*10 + uint64(c-'0')
	}
	if neg {
		if u > 1<<63 {
			return 0, false
		}
		return -int64(u), true
	}
	if u > 1<<63-1 {
		return 0, false
	}
	return int64(u), true
}

// FCall runs a function (FCALL, FCALL_RO). The reply and error are as
// [Runtime.Eval]'s.
func (rt *Runtime) FCall(f *Function, req *Request) (resp.Reply, error) {
	if r, ok := Prepare(f.Flags, req); !ok {
		return r, nil
	}
	v := rt.get()
	fns := v.libs[f.Library]
	if fns == nil {
		ls, err := v.loadLibrary(f.Library, 0)
		if err != nil {
			rt.put(v)
			return resp.Err(noCRLF("ERR " + err.Error())), nil
		}
		fns = ls.fns
		if len(v.libs) > maxLibsPerVM {
			clear(v.libs)
		}
		v.libs[f.Library] = fns
	}
	fn := fns[f.Name]
	L := v.L
	r, err := v.call(req, f.Name, f.Flags, fn, newStringArray(L, req.Keys), newStringArray(L, req.Args))
	rt.put(v)
	return r, err
}

// maxLibsPerVM bounds the libraries a Lua state keeps instantiated.
const maxLibsPerVM = 1024
