package script

import (
	"context"
	"log/slog"
	"sync/atomic"

	"github.com/kevydb/kevy/resp"
)

// Caller is what the engine implements so that a script can reach the
// keyspace: redis.call and redis.pcall end up in it. A Caller serves one
// run; the runtime calls it only from the goroutine that called
// [Runtime.Eval] or [Runtime.FCall].
type Caller interface {
	// Lookup describes the command args would run (args[0] is the name,
	// then a container's subcommand if any), so that the runtime can make
	// Redis's checks before calling it: unknown command, arity, noscript,
	// write from a read-only script, OOM.
	Lookup(args []string) CommandInfo
	// Call runs args as part of the script's atomic unit and returns the
	// reply a client speaking protocol proto (2 or 3) would get, using the
	// RESP3 kinds of package resp (Map, Set, Double...) when proto is 3,
	// where redis-server would. It is called only for commands that passed
	// the checks.
	Call(args []string, proto int) resp.Reply
}

// CommandInfo is what the runtime needs to know about a command before
// running it from a script.
type CommandInfo struct {
	Known   bool     // the command exists
	ArityOK bool     // the argument count suits it
	Flags   CmdFlags // its flags
}

// CmdFlags are the command-table flags the script checks depend on.
type CmdFlags uint8

// The flags, named as in COMMAND INFO.
const (
	CmdWrite        CmdFlags = 1 << iota // write
	CmdDenyOOM                           // denyoom
	CmdNoScript                          // noscript
	CmdMayReplicate                      // may_replicate
	CmdStale                             // stale
)

// Request is one run of a script or function.
type Request struct {
	// Ctx bounds the run: when it ends, the script stops at its next Lua
	// instruction (or after the redis.call under way). The engine cancels it
	// for SCRIPT KILL / FUNCTION KILL with context.WithCancelCause and
	// [ErrKilled] as the cause, which makes the reply Redis's kill error;
	// any other end is the caller's, and the run returns its error.
	Ctx    context.Context
	Caller Caller
	Keys   []string
	Args   []string
	// ReadOnly is set for EVAL_RO, EVALSHA_RO and FCALL_RO.
	ReadOnly bool
	// OOM is set when used memory exceeded maxmemory as the script started
	// (Redis's pre_command_oom_state with maxmemory set).
	OOM bool

	// written is set (by the run's goroutine, read by any) once the run has
	// called a write command.
	written atomic.Bool
}

// Written reports whether the run has called a write command: a killed
// script that wrote cannot be undone, so the engine answers SCRIPT KILL with
// UNKILLABLE once this is true. Safe to call from any goroutine while the
// run is under way.
func (r *Request) Written() bool { return r.written.Load() }

// Options configure a [Runtime]. The zero value is usable.
type Options struct {
	// Logger receives redis.log lines (LOG_DEBUG as slog.LevelDebug,
	// LOG_VERBOSE as Debug+2, LOG_NOTICE as Info, LOG_WARNING as Warn);
	// nil means slog.Default().
	Logger *slog.Logger
	// MaxScripts bounds the script cache by count; zero means
	// DefaultMaxScripts.
	MaxScripts int
	// MaxScriptBytes bounds the script cache by the total size of the
	// bodies it holds; zero means DefaultMaxScriptBytes.
	MaxScriptBytes int
	// MaxIdleVMs bounds the Lua states kept for reuse; zero means
	// DefaultMaxIdleVMs.
	MaxIdleVMs int
}

// The defaults of [Options].
const (
	DefaultMaxScripts     = 10000
	DefaultMaxScriptBytes = 64 << 20
	DefaultMaxIdleVMs     = 4
)
