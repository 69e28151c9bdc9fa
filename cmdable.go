package kevy

import (
	"context"
	"strconv"
	"time"

	"github.com/kevydb/kevy/resp"
	"github.com/kevydb/kevy/shard"
)

// Helpers behind the typed methods: run a resolved command and convert its
// reply. They are written so that the argument slices the methods build on
// their stacks stay there (the engines copy arguments before any indirect
// call), which keeps GET and SET free of allocations.

// mustCmd returns the command table entry for name; the typed methods
// resolve their commands once, at package initialisation.
func mustCmd(name string) *shard.Command {
	c := shard.Lookup(name)
	if c == nil {
		panic("kevy: command " + name + " is not registered")
	}
	return c
}

func (x cmdable) reply(ctx context.Context, cmd *shard.Command, args []string) (resp.Reply, error) {
	r, err := x.run(ctx, cmd, args)
	if err != nil {
		return r, err
	}
	if r.Kind == resp.Error {
		return r, replyError(r)
	}
	return r, nil
}

// str expects a bulk or status string; a null is Nil.
func (x cmdable) str(ctx context.Context, cmd *shard.Command, args []string) (string, error) {
	r, err := x.reply(ctx, cmd, args)
	if err != nil {
		return "", err
	}
	switch r.Kind {
	case resp.Bulk, resp.Status:
		return r.Str, nil
	case resp.Nil, resp.NilArray:
		return "", Nil
	}
	return "", unexpected(r)
}

// status expects a status reply.
func (x cmdable) status(ctx context.Context, cmd *shard.Command, args []string) error {
	r, err := x.reply(ctx, cmd, args)
	if err != nil {
		return err
	}
	if r.Kind == resp.Nil {
		return Nil
	}
	return nil
}

// integer expects an integer reply.
func (x cmdable) integer(ctx context.Context, cmd *shard.Command, args []string) (int64, error) {
	r, err := x.reply(ctx, cmd, args)
	if err != nil {
		return 0, err
	}
	switch r.Kind {
	case resp.Int:
		return r.Int, nil
	case resp.Nil:
		return 0, Nil
	}
	return 0, unexpected(r)
}

// boolean expects an integer reply of 0 or 1.
func (x cmdable) boolean(ctx context.Context, cmd *shard.Command, args []string) (bool, error) {
	n, err := x.integer(ctx, cmd, args)
	return n == 1, err
}

// float expects a bulk string holding a float.
func (x cmdable) float(ctx context.Context, cmd *shard.Command, args []string) (float64, error) {
	s, err := x.str(ctx, cmd, args)
	if err != nil {
		return 0, err
	}
	return strconv.ParseFloat(s, 64)
}

// strings expects an array of bulk strings (nulls become "").
func (x cmdable) strings(ctx context.Context, cmd *shard.Command, args []string) ([]string, error) {
	r, err := x.reply(ctx, cmd, args)
	if err != nil {
		return nil, err
	}
	if r.Kind == resp.NilArray {
		return nil, Nil
	}
	if r.Kind != resp.Array {
		return nil, unexpected(r)
	}
	out := make([]string, len(r.Elems))
	for i, e := range r.Elems {
		out[i] = e.Str
	}
	return out, nil
}

// anys expects an array and converts it as Do does.
func (x cmdable) anys(ctx context.Context, cmd *shard.Command, args []string) ([]any, error) {
	r, err := x.reply(ctx, cmd, args)
	if err != nil {
		return nil, err
	}
	v, err := toAny(r)
	if err != nil {
		return nil, err
	}
	out, _ := v.([]any)
	return out, nil
}

func unexpected(r resp.Reply) error {
	return Error("kevy: unexpected " + r.Kind.String() + " reply")
}

// args builds an argument list: the command name, then the given words.
func args(name string, words ...string) []string {
	out := make([]string, 0, 1+len(words))
	out = append(out, name)
	return append(out, words...)
}

// formatMs formats a duration as whole milliseconds.
func formatMs(d time.Duration) string { return strconv.FormatInt(d.Milliseconds(), 10) }

// formatSec formats a duration as whole seconds.
func formatSec(d time.Duration) string { return strconv.FormatInt(int64(d/time.Second), 10) }

// usePrecise reports whether d needs millisecond precision (go-redis's
// rule for choosing PX over EX).
func usePrecise(d time.Duration) bool { return d < time.Second || d%time.Second != 0 }

// flatten expands go-redis-style variadic arguments: a []string, []any or
// map[string]any becomes its elements (map: key, value pairs).
func flatten(dst []string, values []any) ([]string, error) {
	for _, v := range values {
		switch t := v.(type) {
		case []string:
			dst = append(dst, t...)
		case []any:
			var err error
			if dst, err = flatten(dst, t); err != nil {
				return nil, err
			}
		case map[string]any:
			for k, val := range t {
				s, err := argString(val)
				if err != nil {
					return nil, err
				}
				dst = append(dst, k, s)
			}
		case map[string]string:
			for k, val := range t {
				dst = append(dst, k, val)
			}
		default:
			s, err := argString(v)
			if err != nil {
				return nil, err
			}
			dst = append(dst, s)
		}
	}
	return dst, nil
}
