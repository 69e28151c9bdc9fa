package kevy

import (
	"context"
	"time"

	"github.com/kevydb/kevy/shard"
)

// The list commands (go-redis's ListCmdable), blocking pops included,
// immediate and deferred.

// ListCmdable is the list commands of Store, Conn and Tx.
type ListCmdable interface {
	LPush(ctx context.Context, key string, values ...any) (int64, error)
	RPush(ctx context.Context, key string, values ...any) (int64, error)
	LPushX(ctx context.Context, key string, values ...any) (int64, error)
	RPushX(ctx context.Context, key string, values ...any) (int64, error)
	LPop(ctx context.Context, key string) (string, error)
	LPopCount(ctx context.Context, key string, count int) ([]string, error)
	RPop(ctx context.Context, key string) (string, error)
	RPopCount(ctx context.Context, key string, count int) ([]string, error)
	LLen(ctx context.Context, key string) (int64, error)
	LRange(ctx context.Context, key string, start, stop int64) ([]string, error)
	LIndex(ctx context.Context, key string, index int64) (string, error)
	LSet(ctx context.Context, key string, index int64, value any) error
	LInsert(ctx context.Context, key, op string, pivot, value any) (int64, error)
	LInsertBefore(ctx context.Context, key string, pivot, value any) (int64, error)
	LInsertAfter(ctx context.Context, key string, pivot, value any) (int64, error)
	LRem(ctx context.Context, key string, count int64, value any) (int64, error)
	LTrim(ctx context.Context, key string, start, stop int64) error
	LPos(ctx context.Context, key, value string, a LPosArgs) (int64, error)
	LPosCount(ctx context.Context, key, value string, count int64, a LPosArgs) ([]int64, error)
	LMove(ctx context.Context, source, destination, srcpos, destpos string) (string, error)
	RPopLPush(ctx context.Context, source, destination string) (string, error)
	LMPop(ctx context.Context, direction string, count int64, keys ...string) (string, []string, error)
	BLPop(ctx context.Context, timeout time.Duration, keys ...string) ([]string, error)
	BRPop(ctx context.Context, timeout time.Duration, keys ...string) ([]string, error)
	BLMove(ctx context.Context, source, destination, srcpos, destpos string, timeout time.Duration) (string, error)
	BRPopLPush(ctx context.Context, source, destination string, timeout time.Duration) (string, error)
	BLMPop(ctx context.Context, timeout time.Duration, direction string, count int64, keys ...string) (string, []string, error)
}

// ListPipeCmdable is ListCmdable deferred: what a Pipeliner queues. A
// blocking command in a pipeline waits as it does alone; inside a
// transaction it does not wait.
type ListPipeCmdable interface {
	LPush(ctx context.Context, key string, values ...any) *IntCmd
	RPush(ctx context.Context, key string, values ...any) *IntCmd
	LPushX(ctx context.Context, key string, values ...any) *IntCmd
	RPushX(ctx context.Context, key string, values ...any) *IntCmd
	LPop(ctx context.Context, key string) *StringCmd
	LPopCount(ctx context.Context, key string, count int) *StringSliceCmd
	RPop(ctx context.Context, key string) *StringCmd
	RPopCount(ctx context.Context, key string, count int) *StringSliceCmd
	LLen(ctx context.Context, key string) *IntCmd
	LRange(ctx context.Context, key string, start, stop int64) *StringSliceCmd
	LIndex(ctx context.Context, key string, index int64) *StringCmd
	LSet(ctx context.Context, key string, index int64, value any) *StatusCmd
	LInsert(ctx context.Context, key, op string, pivot, value any) *IntCmd
	LInsertBefore(ctx context.Context, key string, pivot, value any) *IntCmd
	LInsertAfter(ctx context.Context, key string, pivot, value any) *IntCmd
	LRem(ctx context.Context, key string, count int64, value any) *IntCmd
	LTrim(ctx context.Context, key string, start, stop int64) *StatusCmd
	LPos(ctx context.Context, key, value string, a LPosArgs) *IntCmd
	LPosCount(ctx context.Context, key, value string, count int64, a LPosArgs) *IntSliceCmd
	LMove(ctx context.Context, source, destination, srcpos, destpos string) *StringCmd
	RPopLPush(ctx context.Context, source, destination string) *StringCmd
	LMPop(ctx context.Context, direction string, count int64, keys ...string) *KeyValuesCmd
	BLPop(ctx context.Context, timeout time.Duration, keys ...string) *StringSliceCmd
	BRPop(ctx context.Context, timeout time.Duration, keys ...string) *StringSliceCmd
	BLMove(ctx context.Context, source, destination, srcpos, destpos string, timeout time.Duration) *StringCmd
	BRPopLPush(ctx context.Context, source, destination string, timeout time.Duration) *StringCmd
	BLMPop(ctx context.Context, timeout time.Duration, direction string, count int64, keys ...string) *KeyValuesCmd
}

var (
	_ ListCmdable     = (*Store)(nil)
	_ ListCmdable     = (*Conn)(nil)
	_ ListCmdable     = (*Tx)(nil)
	_ ListPipeCmdable = (*Pipeline)(nil)
)

var (
	cmdLPush      = mustCmd("lpush")
	cmdRPush      = mustCmd("rpush")
	cmdLPushX     = mustCmd("lpushx")
	cmdRPushX     = mustCmd("rpushx")
	cmdLPop       = mustCmd("lpop")
	cmdRPop       = mustCmd("rpop")
	cmdLLen       = mustCmd("llen")
	cmdLRange     = mustCmd("lrange")
	cmdLIndex     = mustCmd("lindex")
	cmdLSet       = mustCmd("lset")
	cmdLInsert    = mustCmd("linsert")
	cmdLRem       = mustCmd("lrem")
	cmdLTrim      = mustCmd("ltrim")
	cmdLPos       = mustCmd("lpos")
	cmdLMove      = mustCmd("lmove")
	cmdRPopLPush  = mustCmd("rpoplpush")
	cmdLMPop      = mustCmd("lmpop")
	cmdBLPop      = mustCmd("blpop")
	cmdBRPop      = mustCmd("brpop")
	cmdBLMove     = mustCmd("blmove")
	cmdBRPopLPush = mustCmd("brpoplpush")
	cmdBLMPop     = mustCmd("blmpop")
)

// push runs LPUSH, RPUSH, LPUSHX or RPUSHX with go-redis-style values.
func (x cmdable) push(ctx context.Context, cmd *shard.Command, name, key string, values []any) (int64, error) {
	if len(values) == 1 {
		if v, ok := values[0].(string); ok {
			a := [3]string{name, key, v}
			return x.integer(ctx, cmd, a[:])
		}
	}
	argv, err := flatten([]string{name, key}, values)
	if err != nil {
		return 0, err
	}
	return x.integer(ctx, cmd, argv)
}

// LPush inserts values at the head of the list at key (the last value
// ends up first), creating it if needed, and returns the new length.
// Values are strings, []byte, numbers or bools, or slices of them, as with
// go-redis.
func (x cmdable) LPush(ctx context.Context, key string, values ...any) (int64, error) {
	return x.push(ctx, cmdLPush, "LPUSH", key, values)
}

// RPush appends values to the list at key, creating it if needed, and
// returns the new length.
func (x cmdable) RPush(ctx context.Context, key string, values ...any) (int64, error) {
	return x.push(ctx, cmdRPush, "RPUSH", key, values)
}

// LPushX is LPush only when the list exists; it returns 0 otherwise.
func (x cmdable) LPushX(ctx context.Context, key string, values ...any) (int64, error) {
	return x.push(ctx, cmdLPushX, "LPUSHX", key, values)
}

// RPushX is RPush only when the list exists; it returns 0 otherwise.
func (x cmdable) RPushX(ctx context.Context, key string, values ...any) (int64, error) {
	return x.push(ctx, cmdRPushX, "RPUSHX", key, values)
}

// LPop removes and returns the first element of the list at key, or Nil
// when the key does not exist.
func (x cmdable) LPop(ctx context.Context, key string) (string, error) {
	a := [2]string{"LPOP", key}
	return x.str(ctx, cmdLPop, a[:])
}

// LPopCount removes and returns up to count elements from the head of the
// list at key, or Nil when the key does not exist.
func (x cmdable) LPopCount(ctx context.Context, key string, count int) ([]string, error) {
	a := [3]string{"LPOP", key, formatInt(int64(count))}
	return call(ctx, x, cmdLPop, a[:], toStrings)
}

// RPop removes and returns the last element of the list at key, or Nil
// when the key does not exist.
func (x cmdable) RPop(ctx context.Context, key string) (string, error) {
	a := [2]string{"RPOP", key}
	return x.str(ctx, cmdRPop, a[:])
}

// RPopCount removes and returns up to count elements from the tail of the
// list at key, last first, or Nil when the key does not exist.
func (x cmdable) RPopCount(ctx context.Context, key string, count int) ([]string, error) {
	a := [3]string{"RPOP", key, formatInt(int64(count))}
	return call(ctx, x, cmdRPop, a[:], toStrings)
}

// LLen returns the length of the list at key (0 when missing).
func (x cmdable) LLen(ctx context.Context, key string) (int64, error) {
	a := [2]string{"LLEN", key}
	return x.integer(ctx, cmdLLen, a[:])
}

// LRange returns the elements from index start to stop, both inclusive;
// negative indexes count from the end (-1 is the last element).
func (x cmdable) LRange(ctx context.Context, key string, start, stop int64) ([]string, error) {
	a := [4]string{"LRANGE", key, formatInt(start), formatInt(stop)}
	return call(ctx, x, cmdLRange, a[:], toStrings)
}

// LIndex returns the element at index (negative counts from the end), or
// Nil when out of range or missing.
func (x cmdable) LIndex(ctx context.Context, key string, index int64) (string, error) {
	a := [3]string{"LINDEX", key, formatInt(index)}
	return x.str(ctx, cmdLIndex, a[:])
}

// lsetArgv builds LSET key index value in a.
func lsetArgv(a *[4]string, key string, index int64, value any) ([]string, error) {
	v, err := argString(value)
	if err != nil {
		return nil, err
	}
	a[0], a[1], a[2], a[3] = "LSET", key, formatInt(index), v
	return a[:], nil
}

// LSet replaces the element at index; it fails with "ERR no such key" or
// "ERR index out of range".
func (x cmdable) LSet(ctx context.Context, key string, index int64, value any) error {
	var a [4]string
	argv, err := lsetArgv(&a, key, index, value)
	if err != nil {
		return err
	}
	return x.status(ctx, cmdLSet, argv)
}

// linsertArgv builds LINSERT key op pivot value in a.
func linsertArgv(a *[5]string, key, op string, pivot, value any) ([]string, error) {
	p, err := argString(pivot)
	if err != nil {
		return nil, err
	}
	v, err := argString(value)
	if err != nil {
		return nil, err
	}
	a[0], a[1], a[2], a[3], a[4] = "LINSERT", key, op, p, v
	return a[:], nil
}

// LInsert inserts value before (op "BEFORE") or after ("AFTER") the first
// element equal to pivot, and returns the new length, -1 when pivot is
// not found, 0 when the key does not exist.
func (x cmdable) LInsert(ctx context.Context, key, op string, pivot, value any) (int64, error) {
	var a [5]string
	argv, err := linsertArgv(&a, key, op, pivot, value)
	if err != nil {
		return 0, err
	}
	return x.integer(ctx, cmdLInsert, argv)
}

// LInsertBefore is LInsert with "BEFORE".
func (x cmdable) LInsertBefore(ctx context.Context, key string, pivot, value any) (int64, error) {
	return x.LInsert(ctx, key, "BEFORE", pivot, value)
}

// LInsertAfter is LInsert with "AFTER".
func (x cmdable) LInsertAfter(ctx context.Context, key string, pivot, value any) (int64, error) {
	return x.LInsert(ctx, key, "AFTER", pivot, value)
}

// lremArgv builds LREM key count value in a.
func lremArgv(a *[4]string, key string, count int64, value any) ([]string, error) {
	v, err := argString(value)
	if err != nil {
		return nil, err
	}
	a[0], a[1], a[2], a[3] = "LREM", key, formatInt(count), v
	return a[:], nil
}

// LRem removes elements equal to value: the first count from the head
// (count > 0), the last -count from the tail (count < 0), or all (0). It
// returns how many it removed.
func (x cmdable) LRem(ctx context.Context, key string, count int64, value any) (int64, error) {
	var a [4]string
	argv, err := lremArgv(&a, key, count, value)
	if err != nil {
		return 0, err
	}
	return x.integer(ctx, cmdLRem, argv)
}

// LTrim keeps only the elements from start to stop (inclusive; negative
// indexes count from the end), deleting the key when none remain.
func (x cmdable) LTrim(ctx context.Context, key string, start, stop int64) error {
	a := [4]string{"LTRIM", key, formatInt(start), formatInt(stop)}
	return x.status(ctx, cmdLTrim, a[:])
}

// LPosArgs are LPOS's options (go-redis's LPosArgs): Rank picks the
// rank-th match (negative: searching from the tail; 0: not given), MaxLen
// bounds the elements compared (0: all).
type LPosArgs struct {
	Rank, MaxLen int64
}

func lposArgv(key, value string, count int64, withCount bool, a LPosArgs) []string {
	argv := make([]string, 0, 9)
	argv = append(argv, "LPOS", key, value)
	if a.Rank != 0 {
		argv = append(argv, "RANK", formatInt(a.Rank))
	}
	if withCount {
		argv = append(argv, "COUNT", formatInt(count))
	}
	if a.MaxLen != 0 {
		argv = append(argv, "MAXLEN", formatInt(a.MaxLen))
	}
	return argv
}

// LPos returns the index of the first element equal to value (as a.Rank
// and a.MaxLen direct), or Nil when there is none.
func (x cmdable) LPos(ctx context.Context, key, value string, a LPosArgs) (int64, error) {
	return x.integer(ctx, cmdLPos, lposArgv(key, value, 0, false, a))
}

// LPosCount returns the indexes of up to count elements equal to value (0:
// all of them), as a.Rank and a.MaxLen direct.
func (x cmdable) LPosCount(ctx context.Context, key, value string, count int64, a LPosArgs) ([]int64, error) {
	return call(ctx, x, cmdLPos, lposArgv(key, value, count, true, a), toInts)
}

// LMove pops an element from one end of source (srcpos "LEFT" or "RIGHT")
// and pushes it at one end of destination, atomically even when the keys
// live on different shards, and returns it; Nil when source is missing.
func (x cmdable) LMove(ctx context.Context, source, destination, srcpos, destpos string) (string, error) {
	a := [5]string{"LMOVE", source, destination, srcpos, destpos}
	return x.str(ctx, cmdLMove, a[:])
}

// RPopLPush is LMove from the tail of source to the head of destination.
func (x cmdable) RPopLPush(ctx context.Context, source, destination string) (string, error) {
	a := [3]string{"RPOPLPUSH", source, destination}
	return x.str(ctx, cmdRPopLPush, a[:])
}

// LMPop pops up to count elements from the first non-empty list of keys,
// from the head (direction "LEFT") or the tail ("RIGHT"), and returns that
// key with them, or Nil when every key is missing.
func (x cmdable) LMPop(ctx context.Context, direction string, count int64, keys ...string) (string, []string, error) {
	return call2(ctx, x, cmdLMPop, mpopArgv("LMPOP", "", direction, count, keys), toKeyStrings)
}

// BLPop pops the first element of the first non-empty list of keys and
// returns [key, element], waiting up to timeout (0 = forever) for one of
// the lists to be filled; it returns Nil on timeout. Waiters on a key are
// served in arrival order, wherever their other keys live. Cancelling ctx
// abandons the wait with ctx's error; an element already popped for the
// caller is returned instead, never lost. Inside a transaction it does not
// wait.
func (x cmdable) BLPop(ctx context.Context, timeout time.Duration, keys ...string) ([]string, error) {
	return call(ctx, x, cmdBLPop, blockingArgv("BLPOP", keys, timeout), toStrings)
}

// BRPop is BLPop popping the last element.
func (x cmdable) BRPop(ctx context.Context, timeout time.Duration, keys ...string) ([]string, error) {
	return call(ctx, x, cmdBRPop, blockingArgv("BRPOP", keys, timeout), toStrings)
}

// BLMove is LMove waiting up to timeout (0 = forever) for source to be
// filled, as BLPop; it returns Nil on timeout. The move is atomic even
// when the keys live on different shards.
func (x cmdable) BLMove(ctx context.Context, source, destination, srcpos, destpos string, timeout time.Duration) (string, error) {
	a := [6]string{"BLMOVE", source, destination, srcpos, destpos, blockTimeout(timeout)}
	return x.str(ctx, cmdBLMove, a[:])
}

// BRPopLPush is BLMove from the tail of source to the head of
// destination.
func (x cmdable) BRPopLPush(ctx context.Context, source, destination string, timeout time.Duration) (string, error) {
	a := [4]string{"BRPOPLPUSH", source, destination, blockTimeout(timeout)}
	return x.str(ctx, cmdBRPopLPush, a[:])
}

// BLMPop is LMPop waiting up to timeout (0 = forever) for one of the lists
// to be filled, as BLPop; it returns Nil on timeout.
func (x cmdable) BLMPop(ctx context.Context, timeout time.Duration, direction string, count int64, keys ...string) (string, []string, error) {
	return call2(ctx, x, cmdBLMPop, mpopArgv("BLMPOP", blockTimeout(timeout), direction, count, keys), toKeyStrings)
}
