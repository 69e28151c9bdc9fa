package kevy

import (
	"context"

	"github.com/kevydb/kevy/resp"
)

// Pipeliner is what Pipelined and TxPipelined hand to their function: a
// *Pipeline that queues commands (named after go-redis's interface, so
// `func(pipe kevy.Pipeliner) error` reads the same).
type Pipeliner = *Pipeline

// Pipelined runs the commands fn queues as one pipeline (see
// [Conn.ExecPipeline]) and returns them with their results. The error is
// fn's, or else the first command's error (Nil included, as go-redis).
// On a Store it runs on a fresh connection on database 0.
func (x cmdable) Pipelined(ctx context.Context, fn func(Pipeliner) error) ([]Cmder, error) {
	p := &Pipeline{}
	if err := fn(p); err != nil {
		return p.cmds, err
	}
	c, done := x.conn()
	defer done()
	return p.cmds, c.runPipeline(ctx, p.cmds, false)
}

// TxPipelined is Pipelined wrapped in MULTI/EXEC: the commands run
// atomically. If a watched key changed, nothing runs and the error is
// TxFailedErr.
func (x cmdable) TxPipelined(ctx context.Context, fn func(Pipeliner) error) ([]Cmder, error) {
	p := &Pipeline{}
	if err := fn(p); err != nil {
		return p.cmds, err
	}
	c, done := x.conn()
	defer done()
	return p.cmds, c.runPipeline(ctx, p.cmds, true)
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

// runPipeline runs queued commands, inside MULTI/EXEC when tx.
func (c *Conn) runPipeline(ctx context.Context, cmds []Cmder, tx bool) error {
	lines := make([][]string, 0, len(cmds)+2)
	if tx {
		lines = append(lines, []string{"MULTI"})
	}
	for _, cmd := range cmds {
		lines = append(lines, cmd.Args())
	}
	if tx {
		lines = append(lines, []string{"EXEC"})
	}
	replies := c.ExecPipeline(ctx, lines...)
	if !tx {
		for i, cmd := range cmds {
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

func firstErr(cmds []Cmder) error {
	for _, c := range cmds {
		if err := c.Err(); err != nil {
			return err
		}
	}
	return nil
}

// Tx is the connection a Watch function works with: its methods run
// immediately on that connection (reads that decide what to write), and
// TxPipelined queues the writes that EXEC applies only if no watched key
// changed.
type Tx struct {
	cmdable
	c *Conn
}

// Watch adds keys to the transaction's watch list.
func (t *Tx) Watch(ctx context.Context, keys ...string) error {
	return t.c.watch(ctx, keys)
}

// Unwatch forgets every watched key.
func (t *Tx) Unwatch(ctx context.Context) error {
	t.c.unwatchAll(ctx)
	return nil
}

// Watch runs fn in a transaction in go-redis's shape: it watches keys on
// a fresh connection, calls fn with it, and ends the connection (dropping
// the watches). Inside fn, read with the Tx's methods and write with
// tx.TxPipelined, which fails with TxFailedErr if a watched key changed in
// between; Watch returns fn's error. Retry loops check for TxFailedErr.
func (s *Store) Watch(ctx context.Context, fn func(*Tx) error, keys ...string) error {
	c := s.Conn()
	defer c.Close()
	if len(keys) > 0 {
		if err := c.watch(ctx, keys); err != nil {
			return err
		}
	}
	return fn(&Tx{cmdable: cmdable{s: s, c: c}, c: c})
}
