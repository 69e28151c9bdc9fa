package kevy_test

import "time"

func init() {
	pipeCases["server"] = []pipeCase{
		{method: "Ping", args: nil},
		{method: "Echo", args: []any{"hi"}},
		{method: "Time", args: nil, approx: true},
		{setup: "SET a 1; SET b 2", method: "DBSize", args: nil},
		{setup: "SET a 1", method: "FlushDB", args: nil},
		{setup: "SET a 1", method: "FlushAll", args: nil},
		{setup: "SET a 1", method: "SwapDB", args: []any{0, 1}},
		{method: "SwapDB", args: []any{0, 99}, want: "out of range"},
		{method: "Select", args: []any{1}},
		{method: "Select", args: []any{99}, want: "out of range"},
		{setup: "SET a 1", method: "Do", args: []any{"GET", "a"}},
		{setup: "RPUSH l a b", method: "Do", args: []any{"LRANGE", "l", 0, -1}},
		{method: "Do", args: []any{"GET", "missing"}, want: "nil"},
		{method: "Do", args: []any{"INCRBY", "n", time.Duration(5)}},
		{method: "Do", args: []any{"NOSUCH"}, want: "unknown command"},
		{method: "Do", args: []any{"GET"}, want: "wrong number of arguments"},
		{method: "Do", args: nil, want: "empty command"},
		{method: "Do", args: []any{"DEL", []string{"a", "b"}}, want: "can't marshal"},
	}
}
