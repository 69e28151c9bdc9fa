package script

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/kevydb/kevy/resp"
	"github.com/stretchr/testify/require"
	lua "github.com/yuin/gopher-lua"
)

// Fuzz targets for what scripts hand the runtime: return values of any
// shape (converted to replies and back), and the inputs of cjson.decode
// and cmsgpack.unpack. Run one with, for example,
//
//	go test -run '^$' -fuzz FuzzReplyConversion -fuzztime 60s ./internal/script

// fuzzLuaValue builds a Lua value from data with a little stack machine:
// strings, numbers (any bit pattern), booleans, nil, tables, tables with
// the fields replies give meaning to (ok, err, double, map, set...), and
// tables holding earlier tables, so values share parts and hold
// themselves.
func fuzzLuaValue(L *lua.LState, data []byte) lua.LValue {
	var stack []lua.LValue
	var tables []*lua.LTable
	next := func() byte {
		if len(data) == 0 {
			return 0
		}
		b := data[0]
		data = data[1:]
		return b
	}
	pop := func() lua.LValue {
		if len(stack) == 0 {
			return lua.LNil
		}
		v := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		return v
	}
	top := func() (*lua.LTable, bool) {
		if len(stack) == 0 {
			return nil, false
		}
		t, ok := stack[len(stack)-1].(*lua.LTable)
		return t, ok
	}
	newTable := func() *lua.LTable {
		t := L.NewTable()
		tables = append(tables, t)
		return t
	}
	fields := []string{"ok", "err", "double", "big_number", "map", "set", "verbatim_string", "format", "string"}
	for len(data) > 0 && len(stack) < 64 {
		switch next() % 12 {
		case 0:
			n := min(int(next()%40), len(data))
			stack = append(stack, lua.LString(data[:n]))
			data = data[n:]
		case 1:
			var b [8]byte
			copy(b[:], data)
			data = data[min(8, len(data)):]
			stack = append(stack, lua.LNumber(math.Float64frombits(binary.LittleEndian.Uint64(b[:]))))
		case 2:
			stack = append(stack, lua.LNumber(int8(next())))
		case 3:
			stack = append(stack, lua.LBool(next()&1 == 1))
		case 4:
			stack = append(stack, lua.LNil)
		case 5:
			stack = append(stack, newTable())
		case 6: // append the top value to the table below it
			v := pop()
			if t, ok := top(); ok && v != lua.LNil {
				t.RawSetInt(t.Len()+1, v)
			}
		case 7: // t[k] = v
			v, k := pop(), pop()
			if n, isNum := k.(lua.LNumber); k == lua.LNil || isNum && (math.IsNaN(float64(n)) || math.Abs(float64(n)) > 64) {
				continue
			}
			if t, ok := top(); ok {
				t.RawSet(k, v)
			}
		case 8: // {field = v}
			t := newTable()
			t.RawSetString(fields[int(next())%len(fields)], pop())
			stack = append(stack, t)
		case 9: // an earlier table again
			if len(tables) > 0 {
				stack = append(stack, tables[int(next())%len(tables)])
			}
		case 10: // one earlier table inside another: shared parts, cycles
			if len(tables) > 0 {
				a, b := tables[int(next())%len(tables)], tables[int(next())%len(tables)]
				a.RawSetInt(int(next()%4)+1, b)
			}
		case 11:
			vt := newTable()
			vt.RawSetString("format", lua.LString("txt"))
			vt.RawSetString("string", pop())
			t := newTable()
			t.RawSetString("verbatim_string", vt)
			stack = append(stack, t)
		}
	}
	return pop()
}

func hasEmptyBigNumber(r resp.Reply) bool {
	if r.Kind == resp.BigNumber && r.Str == "" {
		return true
	}
	for _, e := range r.Elems {
		if hasEmptyBigNumber(e) {
			return true
		}
	}
	return false
}

// replyShape returns how many replies r holds and how deeply they nest.
func replyShape(r resp.Reply) (n, depth int) {
	n = 1
	for _, e := range r.Elems {
		en, ed := replyShape(e)
		n += en
		depth = max(depth, ed+1)
	}
	return n, depth
}

func FuzzReplyConversion(f *testing.F) {
	for _, seed := range [][]byte{
		{5, 0, 3, 'a', 'b', 'c', 6, 2, 7, 6},
		{5, 9, 0, 10, 0, 0, 0, 10, 0, 0, 1},               // a table holding itself twice
		{0, 2, 'o', 'k', 8, 0, 0, 3, 'E', ' ', 'x', 8, 1}, // status, error
		{1, 0, 0, 0, 0, 0, 0, 0xf8, 0x7f, 8, 2},           // {double = nan}
		{5, 2, 1, 2, 2, 7, 8, 4, 5, 3, 1, 8, 5},           // map and set
		{0, 3, 'h', 'i', '\n', 11, 3, 0, 6},               // verbatim, booleans
	} {
		f.Add(seed)
	}
	rt := New(Options{})
	rt.maxReplyFreeElems = 1 << 12 // keep each input cheap
	f.Fuzz(func(t *testing.T, data []byte) {
		v := rt.get()
		defer rt.put(v)
		val := fuzzLuaValue(v.L, data)
		for _, proto := range []int{2, 3} {
			r1 := v.luaToReply(val, proto)
			n, depth := replyShape(r1)
			require.LessOrEqual(t, n, max(rt.maxReplyFreeElems, replyExpansion*reachable(val))+1, "reply bounded by the value's size")
			require.LessOrEqual(t, depth, maxReplyDepth+2)
			b2 := resp.AppendReplyProto(nil, r1, 2)
			b3 := resp.AppendReplyProto(nil, r1, 3)
			// The reader's own nesting bound is 512; and {big_number = ""}
			// makes "(\r\n", as in Redis, which readers refuse.
			if depth < 500 && !hasEmptyBigNumber(r1) {
				for p, b := range map[int][]byte{2: b2, 3: b3} {
					rd := resp.NewReader(bytes.NewReader(b), resp.ReaderOptions{KeepRESP3: true})
					back, err := rd.ReadReply()
					require.NoError(t, err, "%q", b)
					require.Equal(t, string(b), string(resp.AppendReplyProto(nil, back, p)), "reads back to its bytes")
				}
			}
			// A reply turned into Lua and back is normalised once (errors
			// get a code, arrays stop at nil...) and then stays the same.
			r2 := v.luaToReply(v.replyToLua(r1, proto), proto)
			r3 := v.luaToReply(v.replyToLua(r2, proto), proto)
			require.Equal(t, string(resp.AppendReplyProto(nil, r2, 3)), string(resp.AppendReplyProto(nil, r3, 3)))
		}
	})
}

// libFunc returns the Go function a library of the EVAL globals has as
// name.
func libFunc(v *vm, lib, name string) lua.LValue {
	t := v.seeThrough(v.evalBack.RawGetString(lib).(*lua.LTable))
	return t.RawGetString(name)
}

// callLib calls fn with args the way a script would, and returns its
// results or its error; a Go panic inside it fails the test.
func callLib(t *testing.T, v *vm, fn lua.LValue, args ...lua.LValue) ([]lua.LValue, string) {
	t.Helper()
	L := v.L
	L.SetTop(0)
	L.Push(fn)
	for _, a := range args {
		L.Push(a)
	}
	err := L.PCall(len(args), lua.MultRet, nil)
	defer L.SetTop(0)
	if err != nil {
		var ae *lua.ApiError
		require.True(t, errors.As(err, &ae))
		require.NotEqual(t, lua.ApiErrorPanic, ae.Type, "Go panic: %v", err)
		s, _ := ae.Object.(lua.LString)
		return nil, string(s)
	}
	out := make([]lua.LValue, L.GetTop())
	for i := range out {
		out[i] = L.Get(i + 1)
	}
	return out, ""
}

func FuzzCJSONDecode(f *testing.F) {
	for _, seed := range []string{
		`{"a":1,"b":[true,false,null],"c":{"d":"e"}}`, `[1,2.5,-3e-7,"x\u00e9\ud83d\ude00\/"]`,
		`"\ud83d"`, `0x1p3`, `-Infinity`, `nan(1)`, `+5`, `01`, `1.5e`, `[1,]`, `{"a" 1}`,
		"1\x00x", "\x00[", `[[[[[[[[[[]]]]]]]]]]`, `"\u00"`, `{"a":{"a":{"a":null}}}`, ``,
	} {
		f.Add(seed)
	}
	rt := New(Options{})
	f.Fuzz(func(t *testing.T, s string) {
		v := rt.get()
		defer rt.put(v)
		decode, encode := libFunc(v, "cjson", "decode"), libFunc(v, "cjson", "encode")
		out, msg := callLib(t, v, decode, lua.LString(s))
		if out == nil {
			require.NotEmpty(t, msg)
			return
		}
		require.Len(t, out, 1)
		// Decoded JSON encodes (unless it holds NaN or Inf), and from then
		// on decoding and encoding again changes nothing.
		enc1, msg := callLib(t, v, encode, out[0])
		if enc1 == nil {
			require.True(t, strings.HasSuffix(msg, "Cannot serialise number: must not be NaN or Inf"), msg)
			return
		}
		again, msg := callLib(t, v, decode, enc1[0])
		require.NotNil(t, again, msg)
		enc2, msg := callLib(t, v, encode, again[0])
		require.NotNil(t, enc2, msg)
		require.Equal(t, enc1[0], enc2[0])
	})
}

func FuzzCMsgpackUnpack(f *testing.F) {
	for _, seed := range []string{
		"\x01\xff\xcc\xff\xd0\x80\xcd\xff\xfe\xd1\xff\xfe\xce\xff\xff\xff\xff\xd2\x80\x00\x00\x00",
		"\xcf\xff\xff\xff\xff\xff\xff\xff\xff\xd3\x80\x00\x00\x00\x00\x00\x00\x00",
		"\xca\x3f\xc0\x00\x00\xcb\x3f\xb9\x99\x99\x99\x99\x99\x9a\xc0\xc2\xc3",
		"\xa3abc\xd9\x03abc\xda\x00\x03abc\xdb\x00\x00\x00\x03abc",
		"\x93\x01\xc0\x03\xdc\x00\x02\x01\x02\xdd\x00\x00\x00\x01\x01",
		"\x82\xa1a\x01\xa1b\x92\x01\x02\xde\x00\x01\x01\x02\xdf\x00\x00\x00\x01\xc3\xc2",
		"\x81\xc0\x01", "\x81\xcb\x7f\xf8\x00\x00\x00\x00\x00\x00\x01", "\xc1", "\xd4\x01\x01",
		"\x91\x91\x91\x91\x91\x91\x91\x91\x91\x91\x91\x91\x91\x91\x91\x91\x91\x91\x01",
		"\xdd\xff\xff\xff\xff\x01", "\xcd\x01", "",
	} {
		f.Add(seed)
	}
	rt := New(Options{})
	f.Fuzz(func(t *testing.T, s string) {
		v := rt.get()
		defer rt.put(v)
		unpack, pack := libFunc(v, "cmsgpack", "unpack"), libFunc(v, "cmsgpack", "pack")
		for _, fn := range []string{"unpack_one", "unpack_limit"} {
			_, _ = callLib(t, v, libFunc(v, "cmsgpack", fn), lua.LString(s), lua.LNumber(len(s)%3), lua.LNumber(len(s)%5))
		}
		vals, _ := callLib(t, v, unpack, lua.LString(s))
		if len(vals) == 0 || len(vals) > 4000 { // an error, nothing, or more than pack takes
			return
		}
		// What unpack made packs, and after one more round (which drops
		// what packing cut at 16 levels, or left as nil) unpacking and
		// packing again changes nothing.
		p1, msg := callLib(t, v, pack, vals...)
		if p1 == nil {
			require.Contains(t, msg, "stack overflow")
			return
		}
		round := func(p lua.LValue) lua.LValue {
			vals, msg := callLib(t, v, unpack, p)
			require.NotNil(t, vals, msg)
			packed, msg := callLib(t, v, pack, vals...)
			require.NotNil(t, packed, msg)
			return packed[0]
		}
		p2 := round(p1[0])
		require.Equal(t, p2, round(p2))
	})
}
