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

// ACLChecker is implemented by a Caller whose runs are subject to access
// control: the ACL of the user running the script. The runtime asks it
// before each redis.call and redis.pcall, in Redis's place among the
// checks (after noscript, before the write and OOM checks), and for
// redis.acl_check_cmd. A Caller that does not implement it allows every
// command.
type ACLChecker interface {
	// CheckACL reports whether the script's user may run args, a known
	// command; when not, errText is the error the call gets (Redis's "The
	// user executing the script can't ..."; the runtime adds "ERR").
	// logDenial says whether a denial goes to the ACL log, as those of
	// redis.call do and those of redis.acl_check_cmd do not.
	CheckACL(args []string, logDenial bool) (errText string, ok bool)
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
