package script

import (
	"strings"

	"github.com/kevydb/kevy/resp"
)

// Flags are a script's or function's flags (the #!lua shebang's flags= for
// EVAL, the flags of redis.register_function for functions).
type Flags uint8

// The flags, as Redis 7.0 names them.
const (
	FlagNoWrites       Flags = 1 << iota // no-writes
	FlagAllowOOM                         // allow-oom
	FlagAllowStale                       // allow-stale
	FlagNoCluster                        // no-cluster
	FlagAllowCrossSlot                   // allow-cross-slot-keys
	// FlagEvalCompat marks an EVAL script without a shebang: Redis's
	// backwards-compatible mode (command flags decide, cross-slot allowed).
	FlagEvalCompat
)

var flagNames = [...]string{"no-writes", "allow-oom", "allow-stale", "no-cluster", "allow-cross-slot-keys"}

// Names returns the flags' names in Redis's order (FUNCTION LIST's flags).
func (f Flags) Names() []string {
	out := []string{}
	for i, n := range flagNames {
		if f&(1<<i) != 0 {
			out = append(out, n)
		}
	}
	return out
}

func flagByName(s string, fold bool) (Flags, bool) {
	for i, n := range flagNames {
		if n == s || fold && strings.EqualFold(n, s) {
			return 1 << i, true
		}
	}
	return 0, false
}

// ParseShebang reads the flags of an EVAL script body as Redis's
// evalExtractShebangFlags does. A body without "#!" has FlagEvalCompat and
// shebang length 0; otherwise the shebang is the first line (without its
// newline, which stays in the compiled body so line numbers hold). The error
// is Redis's reply.
func ParseShebang(body string) (flags Flags, shebangLen int, errReply resp.Reply, ok bool) {
	if !strings.HasPrefix(body, "#!") {
		return FlagEvalCompat, 0, resp.Reply{}, true
	}
	end := strings.IndexByte(body, '\n')
	if end < 0 {
		return 0, 0, resp.Err("ERR Invalid script shebang"), false
	}
	parts, okSplit := resp.SplitArgs(body[:end])
	if !okSplit || len(parts) == 0 {
		return 0, 0, resp.Err("ERR Invalid engine in script shebang"), false
	}
	if parts[0] != "#!lua" {
		return 0, 0, resp.Err("ERR Unexpected engine in script shebang: " + parts[0]), false
	}
	for _, p := range parts[1:] {
		list, isFlags := strings.CutPrefix(p, "flags=")
		if !isFlags {
			return 0, 0, resp.Err("ERR Unknown lua shebang option: " + p), false
		}
		for _, name := range splitLen(list, ",") {
			f, known := flagByName(name, false)
			if !known {
				return 0, 0, resp.Err("ERR Unexpected flag in script shebang: " + name), false
			}
			flags |= f
		}
	}
	return flags, end, resp.Reply{}, true
}

// splitLen splits s on sep as Redis's sdssplitlen: an empty s gives no
// parts, otherwise empty parts are kept.
func splitLen(s, sep string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, sep)
}
