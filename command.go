package kevy

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/kevydb/kevy/resp"
)

// Command objects for pipelines and transactions, in go-redis's shape: a
// Pipeliner's methods return them at once, and they hold their result once
// the pipeline has run (Result, Val, Err).

// Cmder is a queued command of a pipeline.
type Cmder interface {
	// Name returns the command's name in lower case.
	Name() string
	// Args returns the command's words.
	Args() []string
	// Err returns the command's error once the pipeline ran.
	Err() error
	// Reply returns the raw reply.
	Reply() Reply
	setReply(r Reply, err error)
}

type baseCmd struct {
	args  []string
	reply Reply
	err   error
}

func (c *baseCmd) Name() string   { return strings.ToLower(c.args[0]) }
func (c *baseCmd) Args() []string { return c.args }
func (c *baseCmd) Err() error     { return c.err }
func (c *baseCmd) Reply() Reply   { return c.reply }

func (c *baseCmd) setReply(r Reply, err error) {
	c.reply, c.err = r, err
	if err == nil {
		switch r.Kind {
		case resp.Error:
			c.err = replyError(r)
		case resp.Nil, resp.NilArray:
			c.err = Nil
		}
	}
}

// String returns the command and its result, for debugging.
func (c *baseCmd) String() string {
	s := strings.Join(c.args, " ")
	if c.err != nil {
		return s + ": " + c.err.Error()
	}
	return s + ": " + fmt.Sprint(toAnyQuiet(c.reply))
}

func toAnyQuiet(r Reply) any {
	v, _ := toAny(r)
	return v
}

// Cmd is a command of any reply type (Pipeliner.Do).
type Cmd struct{ baseCmd }

// Val returns the reply converted as Do converts it.
func (c *Cmd) Val() any { return toAnyQuiet(c.reply) }

// Result returns Val and Err.
func (c *Cmd) Result() (any, error) {
	if c.err != nil {
		return nil, c.err
	}
	return toAny(c.reply)
}

// Text returns a string reply.
func (c *Cmd) Text() (string, error) {
	if c.err != nil {
		return "", c.err
	}
	return replyString(c.reply)
}

// Int64 returns an integer reply (or a string reply holding one).
func (c *Cmd) Int64() (int64, error) {
	if c.err != nil {
		return 0, c.err
	}
	switch c.reply.Kind {
	case resp.Int:
		return c.reply.Int, nil
	case resp.Bulk, resp.Status:
		return strconv.ParseInt(c.reply.Str, 10, 64)
	case resp.Nil:
		return 0, Nil
	}
	return 0, unexpected(c.reply)
}

// Float64 returns a reply holding a float.
func (c *Cmd) Float64() (float64, error) {
	s, err := c.Text()
	if err != nil {
		return 0, err
	}
	return strconv.ParseFloat(s, 64)
}

// Bool returns an integer reply as a boolean.
func (c *Cmd) Bool() (bool, error) {
	n, err := c.Int64()
	return n != 0, err
}

// StringSlice returns an array of strings.
func (c *Cmd) StringSlice() ([]string, error) {
	if c.err != nil {
		return nil, c.err
	}
	return replyStrings(c.reply)
}

// Slice returns an array reply as Do converts it.
func (c *Cmd) Slice() ([]any, error) {
	v, err := c.Result()
	if err != nil {
		return nil, err
	}
	s, ok := v.([]any)
	if !ok {
		return nil, unexpected(c.reply)
	}
	return s, nil
}

func replyString(r Reply) (string, error) {
	switch r.Kind {
	case resp.Bulk, resp.Status:
		return r.Str, nil
	case resp.Nil, resp.NilArray:
		return "", Nil
	}
	return "", unexpected(r)
}

func replyStrings(r Reply) ([]string, error) {
	switch r.Kind {
	case resp.NilArray:
		return nil, Nil
	case resp.Array:
		out := make([]string, len(r.Elems))
		for i, e := range r.Elems {
			out[i] = e.Str
		}
		return out, nil
	}
	return nil, unexpected(r)
}

// StatusCmd is a command replying with a status (+OK).
type StatusCmd struct{ baseCmd }

// Val returns the status text.
func (c *StatusCmd) Val() string { return c.reply.Str }

// Result returns the status and Err.
func (c *StatusCmd) Result() (string, error) { return c.reply.Str, c.err }

// StringCmd is a command replying with a string.
type StringCmd struct{ baseCmd }

// Val returns the string ("" on error or null).
func (c *StringCmd) Val() string { return c.reply.Str }

// Result returns the string, or Nil for a null reply.
func (c *StringCmd) Result() (string, error) {
	if c.err != nil {
		return "", c.err
	}
	return replyString(c.reply)
}

// Int64 parses the string as an integer.
func (c *StringCmd) Int64() (int64, error) {
	s, err := c.Result()
	if err != nil {
		return 0, err
	}
	return strconv.ParseInt(s, 10, 64)
}

// Float64 parses the string as a float.
func (c *StringCmd) Float64() (float64, error) {
	s, err := c.Result()
	if err != nil {
		return 0, err
	}
	return strconv.ParseFloat(s, 64)
}

// IntCmd is a command replying with an integer.
type IntCmd struct{ baseCmd }

// Val returns the integer.
func (c *IntCmd) Val() int64 { return c.reply.Int }

// Result returns the integer and Err.
func (c *IntCmd) Result() (int64, error) {
	if c.err == nil && c.reply.Kind == resp.Nil {
		return 0, Nil
	}
	return c.reply.Int, c.err
}

// BoolCmd is a command replying 1 or 0 (or OK / null for SET NX).
type BoolCmd struct{ baseCmd }

func (c *BoolCmd) setReply(r Reply, err error) {
	c.baseCmd.setReply(r, err)
	if c.err == Nil {
		c.err = nil // SET ... NX answering null is false, not an error
	}
}

// Val returns the boolean.
func (c *BoolCmd) Val() bool {
	v, _ := c.Result()
	return v
}

// Result returns the boolean and Err.
func (c *BoolCmd) Result() (bool, error) {
	if c.err != nil {
		return false, c.err
	}
	switch c.reply.Kind {
	case resp.Int:
		return c.reply.Int == 1, nil
	case resp.Status:
		return true, nil
	case resp.Nil:
		return false, nil
	}
	return false, unexpected(c.reply)
}

// FloatCmd is a command replying with a float.
type FloatCmd struct{ baseCmd }

// Val returns the float.
func (c *FloatCmd) Val() float64 {
	v, _ := c.Result()
	return v
}

// Result returns the float and Err.
func (c *FloatCmd) Result() (float64, error) {
	if c.err != nil {
		return 0, c.err
	}
	s, err := replyString(c.reply)
	if err != nil {
		return 0, err
	}
	return strconv.ParseFloat(s, 64)
}

// DurationCmd is a command replying with a duration (TTL, PTTL).
type DurationCmd struct {
	baseCmd
	unit time.Duration
}

// Val returns the duration.
func (c *DurationCmd) Val() time.Duration {
	v, _ := c.Result()
	return v
}

// Result returns the duration (negative TTL codes as that many
// nanoseconds, as go-redis) and Err.
func (c *DurationCmd) Result() (time.Duration, error) {
	if c.err != nil {
		return 0, c.err
	}
	return durationReply(c.reply.Int, nil, c.unit)
}

// StringSliceCmd is a command replying with an array of strings.
type StringSliceCmd struct{ baseCmd }

// Val returns the strings.
func (c *StringSliceCmd) Val() []string {
	v, _ := c.Result()
	return v
}

// Result returns the strings and Err.
func (c *StringSliceCmd) Result() ([]string, error) {
	if c.err != nil {
		return nil, c.err
	}
	return replyStrings(c.reply)
}

// SliceCmd is a command replying with an array of values (MGET).
type SliceCmd struct{ baseCmd }

// Val returns the values.
func (c *SliceCmd) Val() []any {
	v, _ := c.Result()
	return v
}

// Result returns the values (nil for null elements) and Err.
func (c *SliceCmd) Result() ([]any, error) {
	if c.err != nil {
		return nil, c.err
	}
	v, err := toAny(c.reply)
	if err != nil {
		return nil, err
	}
	s, _ := v.([]any)
	return s, nil
}

// Pipeline queues commands for Pipelined and TxPipelined; it implements
// Pipeliner. It is used by one goroutine, inside the function it is given
// to.
type Pipeline struct {
	cmds []Cmder
}

func (p *Pipeline) add(c Cmder) { p.cmds = append(p.cmds, c) }

// Len returns the number of queued commands.
func (p *Pipeline) Len() int { return len(p.cmds) }

// Do queues any command.
func (p *Pipeline) Do(_ context.Context, args ...any) *Cmd {
	c := &Cmd{}
	words, err := flatten(nil, args)
	if err != nil {
		c.args, c.err = []string{fmt.Sprint(args...)}, err
		p.add(c)
		return c
	}
	c.args = words
	p.add(c)
	return c
}

func pstr(p *Pipeline, args ...string) *StringCmd {
	c := &StringCmd{baseCmd{args: args}}
	p.add(c)
	return c
}

func pint(p *Pipeline, args ...string) *IntCmd {
	c := &IntCmd{baseCmd{args: args}}
	p.add(c)
	return c
}

func pstatus(p *Pipeline, args ...string) *StatusCmd {
	c := &StatusCmd{baseCmd{args: args}}
	p.add(c)
	return c
}

func pbool(p *Pipeline, args ...string) *BoolCmd {
	c := &BoolCmd{baseCmd{args: args}}
	p.add(c)
	return c
}

// Get queues GET.
func (p *Pipeline) Get(_ context.Context, key string) *StringCmd { return pstr(p, "GET", key) }

// Set queues SET with an optional TTL (as Store.Set).
func (p *Pipeline) Set(_ context.Context, key, value string, ttl time.Duration) *StatusCmd {
	switch {
	case ttl > 0 && usePrecise(ttl):
		return pstatus(p, "SET", key, value, "PX", formatMs(ttl))
	case ttl > 0:
		return pstatus(p, "SET", key, value, "EX", formatSec(ttl))
	case ttl == KeepTTL:
		return pstatus(p, "SET", key, value, "KEEPTTL")
	}
	return pstatus(p, "SET", key, value)
}

// SetNX queues SETNX.
func (p *Pipeline) SetNX(_ context.Context, key, value string) *BoolCmd {
	return pbool(p, "SETNX", key, value)
}

// Incr queues INCR.
func (p *Pipeline) Incr(_ context.Context, key string) *IntCmd { return pint(p, "INCR", key) }

// IncrBy queues INCRBY.
func (p *Pipeline) IncrBy(_ context.Context, key string, n int64) *IntCmd {
	return pint(p, "INCRBY", key, strconv.FormatInt(n, 10))
}

// Decr queues DECR.
func (p *Pipeline) Decr(_ context.Context, key string) *IntCmd { return pint(p, "DECR", key) }

// DecrBy queues DECRBY.
func (p *Pipeline) DecrBy(_ context.Context, key string, n int64) *IntCmd {
	return pint(p, "DECRBY", key, strconv.FormatInt(n, 10))
}

// IncrByFloat queues INCRBYFLOAT.
func (p *Pipeline) IncrByFloat(_ context.Context, key string, f float64) *FloatCmd {
	c := &FloatCmd{baseCmd{args: []string{"INCRBYFLOAT", key, strconv.FormatFloat(f, 'f', -1, 64)}}}
	p.add(c)
	return c
}

// MGet queues MGET.
func (p *Pipeline) MGet(_ context.Context, keys ...string) *SliceCmd {
	c := &SliceCmd{baseCmd{args: args("MGET", keys...)}}
	p.add(c)
	return c
}

// MSet queues MSET (pairs as Store.MSet).
func (p *Pipeline) MSet(ctx context.Context, values ...any) *StatusCmd {
	words, err := flatten([]string{"MSET"}, values)
	c := &StatusCmd{baseCmd{args: words, err: err}}
	p.add(c)
	return c
}

// Append queues APPEND.
func (p *Pipeline) Append(_ context.Context, key, value string) *IntCmd {
	return pint(p, "APPEND", key, value)
}

// Del queues DEL.
func (p *Pipeline) Del(_ context.Context, keys ...string) *IntCmd {
	return pint(p, args("DEL", keys...)...)
}

// Exists queues EXISTS.
func (p *Pipeline) Exists(_ context.Context, keys ...string) *IntCmd {
	return pint(p, args("EXISTS", keys...)...)
}

// Expire queues EXPIRE (PEXPIRE when d is not whole seconds).
func (p *Pipeline) Expire(_ context.Context, key string, d time.Duration) *BoolCmd {
	if usePrecise(d) {
		return pbool(p, "PEXPIRE", key, formatMs(d))
	}
	return pbool(p, "EXPIRE", key, formatSec(d))
}

// Persist queues PERSIST.
func (p *Pipeline) Persist(_ context.Context, key string) *BoolCmd { return pbool(p, "PERSIST", key) }

// TTL queues TTL.
func (p *Pipeline) TTL(_ context.Context, key string) *DurationCmd {
	c := &DurationCmd{baseCmd{args: []string{"TTL", key}}, time.Second}
	p.add(c)
	return c
}

// PTTL queues PTTL.
func (p *Pipeline) PTTL(_ context.Context, key string) *DurationCmd {
	c := &DurationCmd{baseCmd{args: []string{"PTTL", key}}, time.Millisecond}
	p.add(c)
	return c
}

// Rename queues RENAME.
func (p *Pipeline) Rename(_ context.Context, key, newkey string) *StatusCmd {
	return pstatus(p, "RENAME", key, newkey)
}

// Type queues TYPE.
func (p *Pipeline) Type(_ context.Context, key string) *StatusCmd { return pstatus(p, "TYPE", key) }

// Ping queues PING.
func (p *Pipeline) Ping(_ context.Context) *StatusCmd { return pstatus(p, "PING") }
