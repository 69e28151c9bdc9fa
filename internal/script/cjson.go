package script

import (
	"math"
	"strconv"
	"sync"

	lua "github.com/yuin/gopher-lua"
)

// The cjson library: Lua CJSON 2.1.0 as Redis 7.0 bundles it
// (deps/lua/src/lua_cjson.c), written again in Go from its behaviour:
// encode and decode with Redis's texts, error positions and limits,
// cjson.null, the configuration functions and cjson.new.
//
// The configuration of the global cjson table is shared, as in Redis where
// it lives in the one Lua state: a script that calls
// cjson.encode_max_depth(5) changes it for every later script, until
// SCRIPT FLUSH (which gives Redis a new Lua state) resets it. Functions
// have a configuration of their own (Redis runs them in another Lua
// state) that nothing resets. cjson.new() returns a table with a fresh
// configuration of its own.

// jsonSettings are one cjson configuration (json_config_t).
type jsonSettings struct {
	sparseConvert   int32 // encode_sparse_array: convert (0 or 1)
	sparseRatio     int32 // encode_sparse_array: ratio
	sparseSafe      int32 // encode_sparse_array: safe
	encodeMaxDepth  int32
	encodeInvalid   int32 // encode_invalid_numbers: 0 off, 1 on, 2 null
	encodePrecision int32
	keepBuffer      int32 // encode_keep_buffer: reported, otherwise without effect
	decodeInvalid   int32
	decodeMaxDepth  int32
}

// defaultJSONSettings are Lua CJSON's defaults.
var defaultJSONSettings = jsonSettings{
	sparseConvert:   0,
	sparseRatio:     2,
	sparseSafe:      10,
	encodeMaxDepth:  1000,
	encodeInvalid:   0,
	encodePrecision: 14,
	keepBuffer:      1,
	decodeInvalid:   1,
	decodeMaxDepth:  1000,
}

// jsonConfig is a cjson configuration that scripts running in parallel
// may read and change.
type jsonConfig struct {
	mu sync.Mutex
	s  jsonSettings
}

func newJSONConfig() *jsonConfig { return &jsonConfig{s: defaultJSONSettings} }

func (c *jsonConfig) get() jsonSettings {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.s
}

func (c *jsonConfig) reset() {
	c.mu.Lock()
	c.s = defaultJSONSettings
	c.mu.Unlock()
}

// update runs f on the settings under the lock.
func (c *jsonConfig) update(f func(s *jsonSettings)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	f(&c.s)
}

// The cjson module's name and version fields.
const (
	cjsonName    = "cjson"
	cjsonVersion = "2.1.0"
)

// openCJSON builds a cjson table whose functions use cfg.
func (v *vm) openCJSON(cfg *jsonConfig) *lua.LTable {
	L := v.L
	t := L.NewTable()
	fns := map[string]lua.LGFunction{
		"encode":                  func(L *lua.LState) int { return v.jsonEncode(L, cfg) },
		"decode":                  func(L *lua.LState) int { return v.jsonDecode(L, cfg) },
		"encode_sparse_array":     cfg.encodeSparseArray,
		"encode_max_depth":        cfg.intSetting("encode_max_depth", func(s *jsonSettings) *int32 { return &s.encodeMaxDepth }, 1, math.MaxInt32),
		"decode_max_depth":        cfg.intSetting("decode_max_depth", func(s *jsonSettings) *int32 { return &s.decodeMaxDepth }, 1, math.MaxInt32),
		"encode_number_precision": cfg.intSetting("encode_number_precision", func(s *jsonSettings) *int32 { return &s.encodePrecision }, 1, 14),
		"encode_keep_buffer":      cfg.enumSetting("encode_keep_buffer", func(s *jsonSettings) *int32 { return &s.keepBuffer }, nil),
		"encode_invalid_numbers":  cfg.enumSetting("encode_invalid_numbers", func(s *jsonSettings) *int32 { return &s.encodeInvalid }, []string{"off", "on", "null"}),
		"decode_invalid_numbers":  cfg.enumSetting("decode_invalid_numbers", func(s *jsonSettings) *int32 { return &s.decodeInvalid }, nil),
		"new": func(L *lua.LState) int {
			L.Push(v.openCJSON(newJSONConfig()))
			return 1
		},
	}
	for name, f := range fns {
		t.RawSetString(name, L.NewFunction(f))
	}
	t.RawSetString("null", v.null)
	t.RawSetString("_NAME", lua.LString(cjsonName))
	t.RawSetString("_VERSION", lua.LString(cjsonVersion))
	return t
}

// argInit is json_arg_init: at most n arguments.
func jsonArgInit(L *lua.LState, n int, fn string) {
	if L.GetTop() > n {
		libArgError(L, n+1, fn, "found too many arguments")
	}
}

// intOption is json_integer_option for argument idx: a new value when the
// argument is not nil (luaL_checkinteger, then a range check that always
// names argument #1, as Lua CJSON does), and the value now set.
func (c *jsonConfig) intOption(L *lua.LState, idx int, fn string, field func(*jsonSettings) *int32, min, max int32) lua.LValue {
	if L.Get(idx) != lua.LNil {
		val := int32(libCheckInteger(L, idx, fn)) // C stores it in an int
		if val < min || val > max {
			libArgError(L, 1, fn, "expected integer between "+strconv.Itoa(int(min))+" and "+strconv.Itoa(int(max)))
		}
		c.update(func(s *jsonSettings) { *field(s) = val })
	}
	var cur int32
	c.update(func(s *jsonSettings) { cur = *field(s) })
	return lua.LNumber(cur)
}

func (c *jsonConfig) intSetting(fn string, field func(*jsonSettings) *int32, min, max int32) lua.LGFunction {
	return func(L *lua.LState) int {
		jsonArgInit(L, 1, fn)
		L.Push(c.intOption(L, 1, fn, field, min, max))
		return 1
	}
}

// enumOption is json_enum_option for argument idx: a boolean sets 0 or 1,
// a string one of options (off/on by default); the reply is a boolean for
// 0 and 1, the option's name otherwise.
func (c *jsonConfig) enumOption(L *lua.LState, idx int, fn string, field func(*jsonSettings) *int32, options []string) lua.LValue {
	if options == nil {
		options = []string{"off", "on"}
	}
	switch a := L.Get(idx).(type) {
	case *lua.LNilType:
	case lua.LBool:
		val := int32(0)
		if a {
			val = 1
		}
		c.update(func(s *jsonSettings) { *field(s) = val })
	default:
		name := libCheckString(L, idx, fn)
		val := int32(-1)
		for i, o := range options {
			if o == name {
				val = int32(i)
			}
		}
		if val < 0 {
			libArgError(L, idx, fn, "invalid option '"+name+"'")
		}
		c.update(func(s *jsonSettings) { *field(s) = val })
	}
	var cur int32
	c.update(func(s *jsonSettings) { cur = *field(s) })
	if cur == 0 || cur == 1 {
		return lua.LBool(cur == 1)
	}
	return lua.LString(options[cur])
}

func (c *jsonConfig) enumSetting(fn string, field func(*jsonSettings) *int32, options []string) lua.LGFunction {
	return func(L *lua.LState) int {
		jsonArgInit(L, 1, fn)
		L.Push(c.enumOption(L, 1, fn, field, options))
		return 1
	}
}

// encodeSparseArray is cjson.encode_sparse_array([convert[, ratio[,
// safe]]]).
func (c *jsonConfig) encodeSparseArray(L *lua.LState) int {
	const fn = "encode_sparse_array"
	jsonArgInit(L, 3, fn)
	convert := c.enumOption(L, 1, fn, func(s *jsonSettings) *int32 { return &s.sparseConvert }, nil)
	ratio := c.intOption(L, 2, fn, func(s *jsonSettings) *int32 { return &s.sparseRatio }, 0, math.MaxInt32)
	safe := c.intOption(L, 3, fn, func(s *jsonSettings) *int32 { return &s.sparseSafe }, 0, math.MaxInt32)
	L.Push(convert)
	L.Push(ratio)
	L.Push(safe)
	return 3
}
