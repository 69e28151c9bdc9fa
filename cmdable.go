package kevy

import (
	"context"

	"github.com/kevydb/kevy/resp"
	"github.com/kevydb/kevy/shard"
)

// The typed API, as go-redis composes it: one interface per command
// family (StringCmdable at the top of cmd_string.go, HashCmdable in
// cmd_hash.go ...), composed into Cmdable, which Store, Conn and Tx
// implement.
//
// Each family has a deferred twin with the same method names and
// parameter lists (HashPipeCmdable beside HashCmdable), whose methods
// queue the command and return a command object (*IntCmd ...) that holds
// the result once the pipeline has run. The twins compose into
// PipeCmdable and Pipeliner, which *Pipeline implements. Two shapes
// rather than go-redis's one: Store.Get returns (string, error) at once,
// with no allocation, where a go-redis-style *StringCmd would cost one per
// call and change every call site. The two shapes cannot drift: both
// implementations are asserted at compile time in each family's file, and
// TestCmdableParity walks every pair of interfaces with reflect and fails
// when a method exists on one side only, when parameter lists differ, or
// when a command object's Result does not return what the immediate
// method returns. Both paths convert replies with the same function per
// reply shape (reply.go).

// Cmdable is every typed command method of Store, Conn and Tx: the
// command families, Do, and pipelines. Later families (scripting,
// streams, bitmaps, HyperLogLog, geo) join it as they are added.
type Cmdable interface {
	GenericCmdable
	StringCmdable
	ListCmdable
	HashCmdable
	SetCmdable
	SortedSetCmdable
	PubSubCmdable
	ServerCmdable

	Do(ctx context.Context, args ...any) (any, error)

	Pipeline() Pipeliner
	Pipelined(ctx context.Context, fn func(Pipeliner) error) ([]Cmder, error)
	TxPipeline() Pipeliner
	TxPipelined(ctx context.Context, fn func(Pipeliner) error) ([]Cmder, error)
}

// StatefulCmdable is Cmdable with the commands that change a connection's
// state, which a Store (a fresh connection per call) does not offer.
// Conn and Tx implement it.
type StatefulCmdable interface {
	Cmdable
	Select(ctx context.Context, db int) error
}

// PipeCmdable is the deferred twin of Cmdable's command families and Do:
// what a Pipeliner queues.
type PipeCmdable interface {
	GenericPipeCmdable
	StringPipeCmdable
	ListPipeCmdable
	HashPipeCmdable
	SetPipeCmdable
	SortedSetPipeCmdable
	PubSubPipeCmdable
	ServerPipeCmdable

	Do(ctx context.Context, args ...any) *Cmd
}

var (
	_ Cmdable         = (*Store)(nil)
	_ StatefulCmdable = (*Conn)(nil)
	_ StatefulCmdable = (*Tx)(nil)
	_ PipeCmdable     = (*Pipeline)(nil)
)

// cmdable carries the command methods shared by Store (each call as a
// fresh connection on database 0), Conn and Tx.
type cmdable struct {
	s *Store
	c *Conn // nil for the Store's one-shot calls
}

func (x cmdable) run(ctx context.Context, cmd *shard.Command, args []string) (resp.Reply, error) {
	if x.c != nil {
		return x.c.run(ctx, cmd, args)
	}
	if cmd.Route == shard.RouteConn {
		if cmd.Flags&shard.FlagPubSub != 0 && cmd.FullName != "publish" && cmd.Parent == nil {
			return resp.Err("ERR " + cmd.FullName + " needs a connection: use Store.Conn or Store.Subscribe"), nil
		}
		c := Conn{s: x.s}
		return c.connCommand(ctx, cmd, args)
	}
	return x.s.exec(ctx, 0, nil, cmd, args)
}

// Exec runs one command, given as its words, and returns Redis's exact
// reply. Unknown commands and wrong arities get Redis's error replies.
// Engine failures (ErrClosed after Close, a context's error) come back as
// error replies whose text is "ERR " and the error's text.
//
// On a Store, Exec runs on database 0 as a fresh connection would.
func (x cmdable) Exec(ctx context.Context, args ...string) Reply {
	cmd, errRep := shard.Resolve(args)
	if cmd == nil {
		if x.c != nil && x.c.tx.active {
			x.c.tx.dirty = true // EXEC will answer EXECABORT
		}
		x.s.obs.rejected(args, errRep) // cmdstats.go
		return errRep
	}
	rep, err := x.run(ctx, cmd, args)
	if err != nil {
		return resp.Err("ERR " + err.Error())
	}
	return rep
}

// Do runs one command with arguments of any of the types go-redis accepts
// (string, []byte, integers, floats, bool, time.Duration, time.Time,
// encoding.BinaryMarshaler) and returns the reply as go-redis does over
// RESP2: status and bulk strings as string, integers as int64, arrays as
// []any, a null as a nil value with the error Nil, an error reply as an
// error of type Error. On a Store, Do runs on database 0.
func (x cmdable) Do(ctx context.Context, args ...any) (any, error) {
	var buf [4]string
	words, err := doArgs(buf[:0], args)
	if err != nil {
		return nil, err
	}
	cmd, errRep := shard.Resolve(words)
	if cmd == nil {
		x.s.obs.rejected(words, errRep) // cmdstats.go
		return nil, replyError(errRep)
	}
	rep, err := x.run(ctx, cmd, words)
	if err != nil {
		return nil, err
	}
	return toAny(rep)
}

// Helpers behind the typed methods: run a resolved command and convert
// its reply with the converter of its shape (reply.go). They are written
// so that the argument slices the methods build on their stacks stay
// there (the engines copy arguments before any indirect call), which
// keeps GET and SET free of allocations.

// mustCmd returns the command table entry for name; the typed methods
// resolve their commands once, at package initialisation.
func mustCmd(name string) *shard.Command {
	c := shard.Lookup(name)
	if c == nil {
		panic("kevy: command " + name + " is not registered")
	}
	return c
}

// str expects a bulk or status string; a null is Nil.
func (x cmdable) str(ctx context.Context, cmd *shard.Command, args []string) (string, error) {
	r, err := x.run(ctx, cmd, args)
	if err != nil {
		return "", err
	}
	return toString(r)
}

// status expects a status reply (StatusCmd's shape, the text dropped).
func (x cmdable) status(ctx context.Context, cmd *shard.Command, args []string) error {
	r, err := x.run(ctx, cmd, args)
	if err != nil {
		return err
	}
	_, err = toString(r)
	return err
}

// integer expects an integer reply.
func (x cmdable) integer(ctx context.Context, cmd *shard.Command, args []string) (int64, error) {
	r, err := x.run(ctx, cmd, args)
	if err != nil {
		return 0, err
	}
	return toInt(r)
}

// boolean expects an integer reply of 0 or 1 (or OK or a null).
func (x cmdable) boolean(ctx context.Context, cmd *shard.Command, args []string) (bool, error) {
	r, err := x.run(ctx, cmd, args)
	if err != nil {
		return false, err
	}
	return toBool(r)
}

// call runs a command whose reply converts with to.
func call[T any](ctx context.Context, x cmdable, cmd *shard.Command, args []string, to func(Reply) (T, error)) (T, error) {
	r, err := x.run(ctx, cmd, args)
	if err != nil {
		var zero T
		return zero, err
	}
	return to(r)
}

// call2 is call for replies that convert to two values.
func call2[A, B any](ctx context.Context, x cmdable, cmd *shard.Command, args []string, to func(Reply) (A, B, error)) (A, B, error) {
	r, err := x.run(ctx, cmd, args)
	if err != nil {
		var a A
		var b B
		return a, b, err
	}
	return to(r)
}
