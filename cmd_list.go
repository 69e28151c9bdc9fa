package kevy

import (
	"context"
	"strconv"
	"time"

	"github.com/kevydb/kevy/resp"
	"github.com/kevydb/kevy/shard"
)

// Typed methods for the list commands and SORT, shared by Store, Conn and
// Tx, named and shaped after go-redis's.

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
	cmdSort       = mustCmd("sort")
	cmdSortRO     = mustCmd("sort_ro")
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
	a := [3]string{"LPOP", key, strconv.Itoa(count)}
	return x.strings(ctx, cmdLPop, a[:])
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
	a := [3]string{"RPOP", key, strconv.Itoa(count)}
	return x.strings(ctx, cmdRPop, a[:])
}

// LLen returns the length of the list at key (0 when missing).
func (x cmdable) LLen(ctx context.Context, key string) (int64, error) {
	a := [2]string{"LLEN", key}
	return x.integer(ctx, cmdLLen, a[:])
}

// LRange returns the elements from index start to stop, both inclusive;
// negative indexes count from the end (-1 is the last element).
func (x cmdable) LRange(ctx context.Context, key string, start, stop int64) ([]string, error) {
	a := [4]string{"LRANGE", key, strconv.FormatInt(start, 10), strconv.FormatInt(stop, 10)}
	return x.strings(ctx, cmdLRange, a[:])
}

// LIndex returns the element at index (negative counts from the end), or
// Nil when out of range or missing.
func (x cmdable) LIndex(ctx context.Context, key string, index int64) (string, error) {
	a := [3]string{"LINDEX", key, strconv.FormatInt(index, 10)}
	return x.str(ctx, cmdLIndex, a[:])
}

// LSet replaces the element at index; it fails with "ERR no such key" or
// "ERR index out of range".
func (x cmdable) LSet(ctx context.Context, key string, index int64, value any) error {
	v, err := argString(value)
	if err != nil {
		return err
	}
	a := [4]string{"LSET", key, strconv.FormatInt(index, 10), v}
	return x.status(ctx, cmdLSet, a[:])
}

// LInsert inserts value before (op "BEFORE") or after ("AFTER") the first
// element equal to pivot, and returns the new length, -1 when pivot is
// not found, 0 when the key does not exist.
func (x cmdable) LInsert(ctx context.Context, key, op string, pivot, value any) (int64, error) {
	p, err := argString(pivot)
	if err != nil {
		return 0, err
	}
	v, err := argString(value)
	if err != nil {
		return 0, err
	}
	a := [5]string{"LINSERT", key, op, p, v}
	return x.integer(ctx, cmdLInsert, a[:])
}

// LInsertBefore is LInsert with "BEFORE".
func (x cmdable) LInsertBefore(ctx context.Context, key string, pivot, value any) (int64, error) {
	return x.LInsert(ctx, key, "BEFORE", pivot, value)
}

// LInsertAfter is LInsert with "AFTER".
func (x cmdable) LInsertAfter(ctx context.Context, key string, pivot, value any) (int64, error) {
	return x.LInsert(ctx, key, "AFTER", pivot, value)
}

// LRem removes elements equal to value: the first count from the head
// (count > 0), the last -count from the tail (count < 0), or all (0). It
// returns how many it removed.
func (x cmdable) LRem(ctx context.Context, key string, count int64, value any) (int64, error) {
	v, err := argString(value)
	if err != nil {
		return 0, err
	}
	a := [4]string{"LREM", key, strconv.FormatInt(count, 10), v}
	return x.integer(ctx, cmdLRem, a[:])
}

// LTrim keeps only the elements from start to stop (inclusive; negative
// indexes count from the end), deleting the key when none remain.
func (x cmdable) LTrim(ctx context.Context, key string, start, stop int64) error {
	a := [4]string{"LTRIM", key, strconv.FormatInt(start, 10), strconv.FormatInt(stop, 10)}
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
		argv = append(argv, "RANK", strconv.FormatInt(a.Rank, 10))
	}
	if withCount {
		argv = append(argv, "COUNT", strconv.FormatInt(count, 10))
	}
	if a.MaxLen != 0 {
		argv = append(argv, "MAXLEN", strconv.FormatInt(a.MaxLen, 10))
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
	r, err := x.reply(ctx, cmdLPos, lposArgv(key, value, count, true, a))
	if err != nil {
		return nil, err
	}
	if r.Kind != resp.Array {
		return nil, unexpected(r)
	}
	out := make([]int64, len(r.Elems))
	for i, e := range r.Elems {
		out[i] = e.Int
	}
	return out, nil
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

// replyKeyStrings converts LMPOP's [key [elements]].
func replyKeyStrings(r Reply) (string, []string, error) {
	if r.Kind == resp.NilArray {
		return "", nil, Nil
	}
	if r.Kind != resp.Array || len(r.Elems) != 2 {
		return "", nil, unexpected(r)
	}
	elems, err := replyStrings(r.Elems[1])
	return r.Elems[0].Str, elems, err
}

// LMPop pops up to count elements from the first non-empty list of keys,
// from the head (direction "LEFT") or the tail ("RIGHT"), and returns that
// key with them, or Nil when every key is missing.
func (x cmdable) LMPop(ctx context.Context, direction string, count int64, keys ...string) (string, []string, error) {
	r, err := x.reply(ctx, cmdLMPop, zmpopArgv("LMPOP", "", direction, count, keys))
	if err != nil {
		return "", nil, err
	}
	return replyKeyStrings(r)
}

// blockTimeout formats a blocking timeout in seconds with millisecond
// precision, rounding a positive duration up to at least a millisecond (0
// waits forever, as in Redis; a negative one gets Redis's error).
func blockTimeout(d time.Duration) string {
	ms := d.Milliseconds()
	if d > 0 && d%time.Millisecond != 0 {
		ms++
	}
	return strconv.FormatFloat(float64(ms)/1000, 'f', -1, 64)
}

// bpop runs BLPOP or BRPOP.
func (x cmdable) bpop(ctx context.Context, cmd *shard.Command, name string, timeout time.Duration, keys []string) ([]string, error) {
	argv := make([]string, 0, 2+len(keys))
	argv = append(argv, name)
	argv = append(argv, keys...)
	return x.strings(ctx, cmd, append(argv, blockTimeout(timeout)))
}

// BLPop pops the first element of the first non-empty list of keys and
// returns [key, element], waiting up to timeout (0 = forever) for one of
// the lists to be filled; it returns Nil on timeout. Waiters on a key are
// served in arrival order, wherever their other keys live. Cancelling ctx
// abandons the wait with ctx's error; an element already popped for the
// caller is returned instead, never lost. Inside a transaction it does not
// wait.
func (x cmdable) BLPop(ctx context.Context, timeout time.Duration, keys ...string) ([]string, error) {
	return x.bpop(ctx, cmdBLPop, "BLPOP", timeout, keys)
}

// BRPop is BLPop popping the last element.
func (x cmdable) BRPop(ctx context.Context, timeout time.Duration, keys ...string) ([]string, error) {
	return x.bpop(ctx, cmdBRPop, "BRPOP", timeout, keys)
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
	r, err := x.reply(ctx, cmdBLMPop, zmpopArgv("BLMPOP", blockTimeout(timeout), direction, count, keys))
	if err != nil {
		return "", nil, err
	}
	return replyKeyStrings(r)
}

// SortArgs are SORT's options (go-redis's Sort). By is a pattern whose
// "*" is replaced by each element to name the key holding its weight
// ("weight_*", or "obj_*->field" for a hash field; a pattern without "*",
// such as "nosort", keeps the collection's order); Offset and Count select
// a range (both 0: everything); Get lists patterns to return instead of
// the elements ("#" is the element); Order is "ASC" or "DESC" ("" = ASC);
// Alpha sorts lexicographically instead of numerically.
type SortArgs struct {
	By            string
	Offset, Count int64
	Get           []string
	Order         string
	Alpha         bool
}

// argv builds the command line as go-redis does.
func (a *SortArgs) argv(name, key string) []string {
	argv := []string{name, key}
	if a == nil {
		return argv
	}
	if a.By != "" {
		argv = append(argv, "BY", a.By)
	}
	if a.Offset != 0 || a.Count != 0 {
		argv = append(argv, "LIMIT", strconv.FormatInt(a.Offset, 10), strconv.FormatInt(a.Count, 10))
	}
	for _, g := range a.Get {
		argv = append(argv, "GET", g)
	}
	if a.Order != "" {
		argv = append(argv, a.Order)
	}
	if a.Alpha {
		argv = append(argv, "ALPHA")
	}
	return argv
}

// Sort returns the elements of the list, set or sorted set at key sorted
// as a directs (nil: numerically, ascending), or what its Get patterns
// name (an empty string for a missing key). BY and GET patterns may name
// keys on any shard: SORT holds every shard while it runs.
func (x cmdable) Sort(ctx context.Context, key string, a *SortArgs) ([]string, error) {
	return x.strings(ctx, cmdSort, a.argv("SORT", key))
}

// SortRO is Sort as the read-only SORT_RO.
func (x cmdable) SortRO(ctx context.Context, key string, a *SortArgs) ([]string, error) {
	return x.strings(ctx, cmdSortRO, a.argv("SORT_RO", key))
}

// SortStore stores what Sort would return as a list at store (replacing
// any value, or deleting store when the result is empty) and returns its
// length.
func (x cmdable) SortStore(ctx context.Context, key, store string, a *SortArgs) (int64, error) {
	return x.integer(ctx, cmdSort, append(a.argv("SORT", key), "STORE", store))
}
