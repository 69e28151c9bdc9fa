package script_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/kevydb/kevy/internal/script"
	"github.com/kevydb/kevy/resp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const libHello = "#!lua name=hello\n" +
	"redis.register_function('hello', function(keys, args) return 'hi ' .. (args[1] or '') end)\n" +
	"redis.register_function{function_name='getk', callback=function(keys) return redis.call('GET', keys[1]) end, flags={'no-writes'}, description='reads a key'}\n"

// TestFunctionLoadRedis compares FUNCTION LOAD's outcome (error texts
// included) and FUNCTION LIST/FCALL with redis-server's.
func TestFunctionLoadRedis(t *testing.T) {
	e := newEnv(t)
	cases := []string{
		libHello,
		"return 1",
		"#!lua\nreturn 1",
		"#!lua name=bad-name\nredis.register_function('f', function() end)",
		"#!js name=x\nredis.register_function('f', function() end)",
		"#!lua name=x foo=bar\nredis.register_function('f', function() end)",
		"#!lua name=x name=y\nredis.register_function('f', function() end)",
		"#!lua name=x",
		"#!lua name=x\nlocal a = 1",
		"#!lua name=x\nreturn +",
		"#!lua name=x\nredis.register_function('f')",
		"#!lua name=x\nredis.register_function(1, 2, 3)",
		"#!lua name=x\nredis.register_function(1, 2)",
		"#!lua name=x\nredis.register_function({})",
		"#!lua name=x\nredis.register_function('f')",
		"#!lua name=x\nredis.register_function{function_name='f'}",
		"#!lua name=x\nredis.register_function{callback=function() end}",
		"#!lua name=x\nredis.register_function{function_name='f', callback=1}",
		"#!lua name=x\nredis.register_function{function_name='f', callback=function() end, flags='x'}",
		"#!lua name=x\nredis.register_function{function_name='f', callback=function() end, flags={'bogus'}}",
		"#!lua name=x\nredis.register_function{function_name='f', callback=function() end, other=1}",
		"#!lua name=x\nredis.register_function{function_name={}, callback=function() end}",
		"#!lua name=x\nredis.register_function('a-b', function() end)",
		"#!lua name=x\nredis.register_function('f', function() end) redis.register_function('f', function() end)",
		"#!lua name=x\nredis.call('GET', 'k')",
		"#!lua name=x\nlocal s = string.format('%d', 1)",
		"#!lua name=x\ny = 1",
		"#!lua name=x\nerror('boom')",
		"#!LUA name=up\nredis.register_function('up', function() return 1 end)",
	}
	rt := script.New(script.Options{})
	for _, code := range cases {
		cl := e.client[2]
		cl.do("FUNCTION", "FLUSH")
		rt.Functions().Flush()
		w, _ := cl.rawDo("FUNCTION", "LOAD", code)
		var got resp.Reply
		if name, errReply, ok := rt.Functions().Load(code, false); ok {
			got = resp.BulkReply(name)
		} else {
			got = errReply
		}
		assert.Equal(t, string(w), string(resp.AppendReply(nil, got)), "%q", code)
	}

	// Listing, collisions, FCALL.
	for _, proto := range []int{2, 3} {
		cl := e.client[proto]
		cl.do("FUNCTION", "FLUSH")
		rt.Functions().Flush()
		one := "#!lua name=one\nredis.register_function{function_name='only', callback=function() return 1 end, flags={'no-writes', 'allow-oom'}, description='d'}"
		for _, code := range []string{libHello, one} {
			cl.do("FUNCTION", "LOAD", code)
			_, _, ok := rt.Functions().Load(code, false)
			require.True(t, ok)
		}
		for _, args := range [][]string{{"FUNCTION", "LIST"}, {"FUNCTION", "LIST", "WITHCODE"},
			{"FUNCTION", "LIST", "LIBRARYNAME", "he*"}, {"FUNCTION", "LIST", "WITHCODE", "LIBRARYNAME", "o*"}} {
			w, theirs := cl.rawDo(args...)
			require.Equal(t, string(w), string(resp.AppendReplyProto(nil, theirs, proto)), "the reply reads back to its bytes")
			pattern, withCode := "", false
			for i := 2; i < len(args); i++ {
				switch args[i] {
				case "WITHCODE":
					withCode = true
				case "LIBRARYNAME":
					i++
					pattern = args[i]
				}
			}
			got := rt.Functions().List(pattern, withCode)
			assert.Equal(t, string(resp.AppendReplyProto(nil, sortFunctionList(theirs), proto)),
				string(resp.AppendReplyProto(nil, sortFunctionList(got), proto)), "%v", args)
		}
		cl.do("FUNCTION", "FLUSH")
		rt.Functions().Flush()
		cl.do("FUNCTION", "LOAD", libHello)
		rt.Functions().Load(libHello, false)
		w, _ := cl.rawDo("FUNCTION", "LIST", "LIBRARYNAME", "nomatch*")
		assert.Equal(t, string(w), string(resp.AppendReplyProto(nil, rt.Functions().List("nomatch*", false), proto)))
		w, _ = cl.rawDo("FUNCTION", "LOAD", libHello)
		_, errReply, _ := rt.Functions().Load(libHello, false)
		assert.Equal(t, string(w), string(resp.AppendReplyProto(nil, errReply, proto)))
		other := "#!lua name=other\nredis.register_function('hello', function() end)"
		w, _ = cl.rawDo("FUNCTION", "LOAD", other)
		_, errReply, _ = rt.Functions().Load(other, false)
		assert.Equal(t, string(w), string(resp.AppendReplyProto(nil, errReply, proto)))
		w, _ = cl.rawDo("FUNCTION", "STATS")
		assert.Equal(t, string(w), string(resp.AppendReplyProto(nil, rt.Functions().Stats(nil), proto)))

		cl.do("SET", "k", "v")
		for _, c := range []struct {
			fn       string
			keys     []string
			args     []string
			readOnly bool
		}{
			{"hello", nil, []string{"you"}, false},
			{"getk", []string{"k"}, nil, false},
			{"getk", []string{"k"}, nil, true},
			{"hello", nil, nil, true},
		} {
			cmd := "FCALL"
			if c.readOnly {
				cmd = "FCALL_RO"
			}
			w, _ := cl.rawDo(evalArgs(cmd, c.fn, c.keys, c.args)...)
			f := rt.Functions().Function(c.fn)
			require.NotNil(t, f)
			got, err := rt.FCall(f, &script.Request{Ctx: context.Background(), Caller: e.fwd, Keys: c.keys, Args: c.args, ReadOnly: c.readOnly})
			require.NoError(t, err)
			assert.Equal(t, string(w), string(resp.AppendReplyProto(nil, got, proto)), "%s %s", cmd, c.fn)
		}
	}
}

// TestFunctionDumpRestoreRedis moves FUNCTION DUMP payloads both ways
// between redis-server and the registry: the same libraries give the same
// bytes, and each side restores the other's payload.
func TestFunctionDumpRestoreRedis(t *testing.T) {
	e := newEnv(t)
	cl := e.client[2]
	rt := script.New(script.Options{})
	short := "#!lua name=s\nredis.register_function('s', function() return 1 end)"
	for _, code := range []string{short, libHello} {
		cl.do("FUNCTION", "FLUSH")
		rt.Functions().Flush()
		cl.do("FUNCTION", "LOAD", code)
		_, _, ok := rt.Functions().Load(code, false)
		require.True(t, ok)
		theirs := cl.do("FUNCTION", "DUMP")
		ours := rt.Functions().Dump()
		if code == short {
			// LZF output is not canonical: Redis's compressor starts from
			// an uninitialised hash table, so only payloads of strings it
			// leaves uncompressed are comparable byte for byte.
			assert.Equal(t, theirs.Str, string(ours), "byte-identical payload for %q", code)
		}

		// Redis's payload restores here, and ours there.
		rt.Functions().Flush()
		assert.Equal(t, resp.OK, rt.Functions().Restore([]byte(theirs.Str), script.RestoreAppend))
		assert.Equal(t, []string{code}, rt.Functions().Codes())
		cl.do("FUNCTION", "FLUSH")
		assert.Equal(t, resp.OK, cl.do("FUNCTION", "RESTORE", string(ours)))
		assert.Equal(t, code, cl.do("FUNCTION", "LIST", "WITHCODE").Elems[0].Elems[7].Str)
	}

	// Policies and errors, side by side.
	cl.do("FUNCTION", "FLUSH")
	rt.Functions().Flush()
	cl.do("FUNCTION", "LOAD", libHello)
	rt.Functions().Load(libHello, false)
	payload := cl.do("FUNCTION", "DUMP").Str
	corrupt := []byte(payload)
	corrupt[3] ^= 1
	for _, c := range []struct {
		payload string
		policy  string
	}{
		{payload, "APPEND"}, {payload, "REPLACE"}, {payload, "FLUSH"}, {payload, "bogus"},
		{string(corrupt), "APPEND"}, {"short", "APPEND"},
	} {
		w, _ := cl.rawDo("FUNCTION", "RESTORE", c.payload, c.policy)
		var got resp.Reply
		if pol, errReply, ok := script.ParseRestorePolicy(c.policy); !ok {
			got = errReply
		} else {
			got = rt.Functions().Restore([]byte(c.payload), pol)
		}
		assert.Equal(t, string(w), string(resp.AppendReply(nil, got)), "RESTORE %s", c.policy)
	}
}

// sortFunctionList orders a FUNCTION LIST reply's libraries, and each
// library's functions, by name. Redis lists both in its dicts' order,
// which changes from run to run (the dict hash is seeded at startup), so
// only the sorted replies can be compared.
func sortFunctionList(r resp.Reply) resp.Reply {
	field := func(entry resp.Reply, name string) *resp.Reply {
		for i := 0; i+1 < len(entry.Elems); i += 2 {
			if entry.Elems[i].Str == name {
				return &entry.Elems[i+1]
			}
		}
		return &resp.Reply{}
	}
	byName := func(key string) func(a, b resp.Reply) int {
		return func(a, b resp.Reply) int { return strings.Compare(field(a, key).Str, field(b, key).Str) }
	}
	r = cloneReply(r)
	slices.SortFunc(r.Elems, byName("library_name"))
	for _, lib := range r.Elems {
		slices.SortFunc(field(lib, "functions").Elems, byName("name"))
	}
	return r
}

func cloneReply(r resp.Reply) resp.Reply {
	if r.Elems != nil {
		elems := make([]resp.Reply, len(r.Elems))
		for i, e := range r.Elems {
			elems[i] = cloneReply(e)
		}
		r.Elems = elems
	}
	return r
}
