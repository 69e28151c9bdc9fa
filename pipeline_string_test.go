package kevy_test

import (
	"time"

	"github.com/kevydb/kevy"
)

func init() {
	pipeCases["string"] = []pipeCase{
		{setup: "SET k v", method: "Get", args: []any{"k"}},
		{method: "Get", args: []any{"k"}, want: "nil"},
		{setup: "LPUSH k v", method: "Get", args: []any{"k"}, want: "WRONGTYPE"},
		{method: "Set", args: []any{"k", "v", 0}},
		{method: "Set", args: []any{"k", "v", 1500 * time.Millisecond}},
		{method: "Set", args: []any{"k", "v", time.Minute}},
		{setup: "SET k old EX 100", method: "Set", args: []any{"k", "v", -1}}, // KeepTTL
		{setup: "SET k old", method: "SetArgs", args: []any{"k", "v", kevy.SetArgs{Mode: "XX", Get: true}}},
		{method: "SetArgs", args: []any{"k", "v", kevy.SetArgs{Mode: "XX", Get: true}}, want: "nil"},
		{method: "SetArgs", args: []any{"k", "v", kevy.SetArgs{Mode: "NX", ExpireAt: time.Unix(4102444800, 0)}}},
		{setup: "SET k old", method: "SetArgs", args: []any{"k", "v", kevy.SetArgs{Mode: "NX", ExpireAt: time.Unix(4102444800, 0)}}, want: "nil"},
		{method: "SetNX", args: []any{"k", "v", 0}},
		{setup: "SET k old", method: "SetNX", args: []any{"k", "v", 0}},
		{method: "SetNX", args: []any{"k", "v", time.Minute}},
		{setup: "SET k old", method: "SetNX", args: []any{"k", "v", time.Minute}},
		{method: "SetXX", args: []any{"k", "v", time.Minute}},
		{setup: "SET k old EX 100", method: "SetXX", args: []any{"k", "v", -1}},
		{method: "SetEx", args: []any{"k", "v", time.Minute}},
		{method: "SetEx", args: []any{"k", "v", 0}, want: "invalid expire time"},
		{setup: "SET k old", method: "GetSet", args: []any{"k", "v"}},
		{method: "GetSet", args: []any{"k", "v"}, want: "nil"},
		{setup: "SET k v", method: "GetDel", args: []any{"k"}},
		{method: "GetDel", args: []any{"k"}, want: "nil"},
		{setup: "SET k v", method: "GetEx", args: []any{"k", time.Minute}},
		{setup: "SET k v EX 10", method: "GetEx", args: []any{"k", 0}},
		{setup: "SET k v", method: "GetEx", args: []any{"k", 2500 * time.Millisecond}},
		{setup: "SET a 1; LPUSH l x", method: "MGet", args: []any{"a", "b", "l"}},
		{method: "MSet", args: []any{"a", 1, "b", "two"}},
		{method: "MSet", args: []any{map[string]any{"a": 1}}},
		{method: "MSet", args: []any{[]string{"a", "1", "b", "2"}}},
		{method: "MSet", args: []any{"a"}, want: "wrong number of arguments"},
		{method: "MSet", args: []any{"a", struct{}{}}, want: "can't marshal"},
		{method: "MSetNX", args: []any{"a", 1, "b", 2}},
		{setup: "SET b x", method: "MSetNX", args: []any{"a", 1, "b", 2}},
		{method: "MSetNX", args: []any{"a", make(chan int)}, want: "can't marshal"},
		{setup: "SET k ab", method: "Append", args: []any{"k", "cd"}},
		{setup: "SET k hello", method: "StrLen", args: []any{"k"}},
		{setup: "SADD k m", method: "StrLen", args: []any{"k"}, want: "WRONGTYPE"},
		{setup: "SET k hello", method: "GetRange", args: []any{"k", 1, -2}},
		{setup: "SET k hello", method: "SetRange", args: []any{"k", 3, "p!"}},
		{setup: "SET k 5", method: "Incr", args: []any{"k"}},
		{setup: "SET k x", method: "Incr", args: []any{"k"}, want: "not an integer"},
		{setup: "SET k 5", method: "Decr", args: []any{"k"}},
		{setup: "SET k 5", method: "IncrBy", args: []any{"k", 10}},
		{setup: "SET k 9223372036854775807", method: "IncrBy", args: []any{"k", 1}, want: "overflow"},
		{setup: "SET k 5", method: "DecrBy", args: []any{"k", 10}},
		{setup: "SET k 1.5", method: "IncrByFloat", args: []any{"k", 0.25}},
		{setup: "SET k x", method: "IncrByFloat", args: []any{"k", 1}, want: "not a valid float"},
	}
}
