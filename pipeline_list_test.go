package kevy_test

import (
	"time"

	"github.com/kevydb/kevy"
)

func init() {
	pipeCases["list"] = []pipeCase{
		{method: "LPush", args: []any{"l", "a"}},
		{method: "LPush", args: []any{"l", "a", 2, []string{"c", "d"}}},
		{method: "LPush", args: []any{"l", struct{}{}}, want: "can't marshal"},
		{setup: "SET l x", method: "LPush", args: []any{"l", "a"}, want: "WRONGTYPE"},
		{setup: "RPUSH l a", method: "RPush", args: []any{"l", "b", "c"}},
		{method: "LPushX", args: []any{"l", "a"}},
		{setup: "RPUSH l a", method: "LPushX", args: []any{"l", "b"}},
		{setup: "RPUSH l a", method: "RPushX", args: []any{"l", "b"}},
		{setup: "RPUSH l a b", method: "LPop", args: []any{"l"}},
		{method: "LPop", args: []any{"l"}, want: "nil"},
		{setup: "RPUSH l a b c", method: "LPopCount", args: []any{"l", 2}},
		{method: "LPopCount", args: []any{"l", 2}, want: "nil"},
		{setup: "RPUSH l a b", method: "RPop", args: []any{"l"}},
		{setup: "RPUSH l a b c", method: "RPopCount", args: []any{"l", 2}},
		{setup: "RPUSH l a b c", method: "LLen", args: []any{"l"}},
		{setup: "RPUSH l a b c", method: "LRange", args: []any{"l", 0, -2}},
		{method: "LRange", args: []any{"l", 0, -1}},
		{setup: "RPUSH l a b c", method: "LIndex", args: []any{"l", -1}},
		{setup: "RPUSH l a", method: "LIndex", args: []any{"l", 5}, want: "nil"},
		{setup: "RPUSH l a b", method: "LSet", args: []any{"l", 1, "x"}},
		{setup: "RPUSH l a b", method: "LSet", args: []any{"l", 1, 7}},
		{setup: "RPUSH l a b", method: "LSet", args: []any{"l", 5, "x"}, want: "index out of range"},
		{method: "LSet", args: []any{"l", 0, "x"}, want: "no such key"},
		{setup: "RPUSH l a b", method: "LSet", args: []any{"l", 0, []string{"x"}}, want: "can't marshal"},
		{setup: "RPUSH l a b", method: "LInsert", args: []any{"l", "BEFORE", "b", "x"}},
		{setup: "RPUSH l a b", method: "LInsert", args: []any{"l", "SIDEWAYS", "b", "x"}, want: "syntax error"},
		{setup: "RPUSH l a b", method: "LInsertBefore", args: []any{"l", "z", "x"}},
		{setup: "RPUSH l 1 2", method: "LInsertAfter", args: []any{"l", 1, 9}},
		{setup: "RPUSH l a b a a", method: "LRem", args: []any{"l", -2, "a"}},
		{setup: "RPUSH l a b c", method: "LTrim", args: []any{"l", 1, -1}},
		{setup: "RPUSH l a b a", method: "LPos", args: []any{"l", "a", kevy.LPosArgs{Rank: 2}}},
		{setup: "RPUSH l a b", method: "LPos", args: []any{"l", "x", kevy.LPosArgs{}}, want: "nil"},
		{setup: "RPUSH l a b a a", method: "LPosCount", args: []any{"l", "a", 0, kevy.LPosArgs{MaxLen: 3}}},
		{setup: "RPUSH l a", method: "LPosCount", args: []any{"l", "a", 0, kevy.LPosArgs{Rank: 0, MaxLen: -1}}, want: "MAXLEN"},
		{setup: "RPUSH l a b; RPUSH {l}d x", method: "LMove", args: []any{"l", "{l}d", "RIGHT", "LEFT"}},
		{setup: "RPUSH l a b; RPUSH d x", method: "LMove", args: []any{"l", "d", "LEFT", "RIGHT"}},
		{method: "LMove", args: []any{"l", "d", "LEFT", "RIGHT"}, want: "nil"},
		{setup: "RPUSH l a b", method: "RPopLPush", args: []any{"l", "d"}},
		{setup: "RPUSH b x y z", method: "LMPop", args: []any{"LEFT", 2, "a", "b"}},
		{method: "LMPop", args: []any{"RIGHT", 1, "a", "b"}, want: "nil"},
		{setup: "RPUSH b x", method: "LMPop", args: []any{"UP", 1, "a", "b"}, want: "syntax error"},
		{setup: "RPUSH b x y", method: "BLPop", args: []any{time.Second, "a", "b"}},
		{method: "BLPop", args: []any{10 * time.Millisecond, "a"}, want: "nil"},
		{setup: "RPUSH b x y", method: "BRPop", args: []any{time.Second, "a", "b"}},
		{setup: "RPUSH l a b", method: "BLMove", args: []any{"l", "d", "LEFT", "LEFT", time.Second}},
		{method: "BLMove", args: []any{"l", "d", "LEFT", "LEFT", 10 * time.Millisecond}, want: "nil"},
		{setup: "RPUSH l a b", method: "BRPopLPush", args: []any{"l", "d", time.Second}},
		{setup: "RPUSH b x y z", method: "BLMPop", args: []any{time.Second, "RIGHT", 5, "a", "b"}},
		{method: "BLMPop", args: []any{10 * time.Millisecond, "LEFT", 1, "a"}, want: "nil"},
		{setup: "RPUSH l a", method: "BLPop", args: []any{-time.Second, "l"}, want: "timeout is negative"},
	}
}
