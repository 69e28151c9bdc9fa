package kevy

import (
	"context"
	"errors"
	"slices"

	"github.com/kevydb/kevy/resp"
)

// Pipelines in go-redis's shape: a Pipeliner queues typed commands, each
// returning a command object at once; Exec runs them as one pipeline (see
// Conn.ExecPipeline), or as one MULTI/EXEC transaction for a
// TxPipeline, and fills the objects in.

// Pipeliner queues commands and runs them together: the deferred twin of
// every command family (PipeCmdable), Select, and the queue's own
// methods. *Pipeline implements it; Pipelined and TxPipelined hand one to
// their function. It is an interface, as go-redis's, so code that builds
// pipelines can be tested with a fake.
type Pipeliner interface {
	PipeCmdable
	// Select queues SELECT: the commands after it use database db (and so
	// does the Conn the pipeline runs on, as in Redis).
	Select(ctx context.Context, db int) *StatusCmd
	// Len returns the number of queued commands.
	Len() int
	// Discard drops the queued commands.
	Discard()
	// Exec runs the queued commands and empties the queue. It returns
	// them, with the first command's error (Nil included, as go-redis);
	// with nothing queued it returns nil, nil.
	Exec(ctx context.Context) ([]Cmder, error)
}

var _ Pipeliner = (*Pipeline)(nil)

// Pipeline queues commands for one run; it implements Pipeliner. Get one
// from Pipeline or TxPipeline on a Store, Conn or Tx, or inside
// Pipelined and TxPipelined. A Pipeline is used by one goroutine.
type Pipeline struct {
	x    cmdable // where Exec runs: a fresh connection for a Store, else x.c
	tx   bool    // Exec wraps the commands in MULTI/EXEC
	cmds []Cmder
}

// errPipelineUnbound is Exec's error on a Pipeline made without a Store.
var errPipelineUnbound = errors.New("kevy: pipeline not made by a Store, Conn or Tx")

// Pipeline returns a pipeline that runs on this Store (a fresh connection
// on database 0), Conn or Tx connection when Exec is called.
func (x cmdable) Pipeline() Pipeliner { return &Pipeline{x: x} }

// TxPipeline is Pipeline whose Exec wraps the commands in MULTI/EXEC:
// they run atomically, or not at all if a watched key changed
// (TxFailedErr).
func (x cmdable) TxPipeline() Pipeliner { return &Pipeline{x: x, tx: true} }

// Pipelined runs the commands fn queues as one pipeline (see
// [Conn.ExecPipeline]) and returns them with their results. The error is
// fn's (then nothing runs), or else the first command's error (Nil
// included, as go-redis). On a Store it runs on a fresh connection on
// database 0.
func (x cmdable) Pipelined(ctx context.Context, fn func(Pipeliner) error) ([]Cmder, error) {
	p := &Pipeline{x: x}
	if err := fn(p); err != nil {
		return p.cmds, err
	}
	return p.Exec(ctx)
}

// TxPipelined is Pipelined wrapped in MULTI/EXEC: the commands run
// atomically. If a watched key changed, nothing runs and the error is
// TxFailedErr.
func (x cmdable) TxPipelined(ctx context.Context, fn func(Pipeliner) error) ([]Cmder, error) {
	p := &Pipeline{x: x, tx: true}
	if err := fn(p); err != nil {
		return p.cmds, err
	}
	return p.Exec(ctx)
}

// Len returns the number of queued commands.
func (p *Pipeline) Len() int { return len(p.cmds) }

// Discard drops the queued commands.
func (p *Pipeline) Discard() { p.cmds = nil }

// Exec runs the queued commands and empties the queue (see Pipeliner).
func (p *Pipeline) Exec(ctx context.Context) ([]Cmder, error) {
	if len(p.cmds) == 0 {
		return nil, nil
	}
	cmds := p.cmds
	p.cmds = nil
	if p.x.s == nil {
		for _, cmd := range cmds {
			if cmd.Err() == nil {
				cmd.setReply(resp.Reply{}, errPipelineUnbound)
			}
		}
		return cmds, errPipelineUnbound
	}
	c, done := p.x.conn()
	defer done()
	return cmds, c.runPipeline(ctx, cmds, p.tx)
}

// Do queues any command, its arguments converted as the immediate Do
// converts them.
func (p *Pipeline) Do(_ context.Context, args ...any) *Cmd {
	words, err := doArgs(make([]string, 0, len(args)), args)
	return queueErr(p, &Cmd{}, words, err)
}

// queue adds c, with its words, to the pipeline and returns it.
func queue[C Cmder](p *Pipeline, c C, words ...string) C {
	c.base().args = words
	p.cmds = append(p.cmds, c)
	return c
}

// queueErr is queue for words built from arguments that may not convert.
// A command whose arguments failed holds that error and never runs, as
// the immediate method returns it without running.
func queueErr[C Cmder](p *Pipeline, c C, words []string, err error) C {
	b := c.base()
	b.args, b.err = words, err
	p.cmds = append(p.cmds, c)
	return c
}

// conn returns the connection to run on: the Conn itself, or a fresh one
// for a Store (closed by done).
func (x cmdable) conn() (c *Conn, done func()) {
	if x.c != nil {
		return x.c, func() {}
	}
	c = x.s.Conn()
	return c, func() { c.Close() }
}

// runPipeline runs queued commands, inside MULTI/EXEC when tx. Commands
// whose arguments failed when queued do not run: in a transaction they
// abort it, as a command Redis refuses to queue does (EXECABORT).
func (c *Conn) runPipeline(ctx context.Context, cmds []Cmder, tx bool) error {
	failed := func(cmd Cmder) bool { return cmd.Err() != nil }
	run := cmds
	if slices.ContainsFunc(cmds, failed) {
		if tx {
			abort := Error(msgExecAbort)
			for _, cmd := range cmds {
				if !failed(cmd) {
					cmd.setReply(resp.Reply{}, abort)
				}
			}
			return abort
		}
		run = slices.DeleteFunc(slices.Clone(cmds), failed)
	}
	lines := make([][]string, 0, len(run)+2)
	if tx {
		lines = append(lines, []string{"MULTI"})
	}
	for _, cmd := range run {
		lines = append(lines, cmd.Args())
	}
	if tx {
		lines = append(lines, []string{"EXEC"})
	}
	replies := c.ExecPipeline(ctx, lines...)
	if !tx {
		for i, cmd := range run {
			cmd.setReply(replies[i], nil)
		}
		return firstErr(cmds)
	}
	// MULTI's and the queued replies only say OK/QUEUED (or a queuing
	// error); EXEC's reply carries the results.
	exec := replies[len(replies)-1]
	switch exec.Kind {
	case resp.Array:
		for i, cmd := range cmds {
			if i < len(exec.Elems) {
				cmd.setReply(exec.Elems[i], nil)
			}
		}
		return firstErr(cmds)
	case resp.NilArray:
		for _, cmd := range cmds {
			cmd.setReply(resp.Reply{}, TxFailedErr)
		}
		return TxFailedErr
	default:
		err := replyError(exec)
		for i, cmd := range cmds {
			if q := replies[i+1]; q.Kind == resp.Error {
				cmd.setReply(q, nil)
			} else {
				cmd.setReply(exec, err)
			}
		}
		return err
	}
}

// firstErr returns the first command's error.
func firstErr(cmds []Cmder) error {
	for _, c := range cmds {
		if err := c.Err(); err != nil {
			return err
		}
	}
	return nil
}
