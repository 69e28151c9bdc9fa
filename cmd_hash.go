package kevy

import (
	"context"
	"strconv"
)

// The hash commands (go-redis's HashCmdable), immediate and deferred.

// HashCmdable is the hash commands of Store, Conn and Tx.
type HashCmdable interface {
	HSet(ctx context.Context, key string, values ...any) (int64, error)
	HMSet(ctx context.Context, key string, values ...any) (bool, error)
	HSetNX(ctx context.Context, key, field, value string) (bool, error)
	HGet(ctx context.Context, key, field string) (string, error)
	HMGet(ctx context.Context, key string, fields ...string) ([]any, error)
	HDel(ctx context.Context, key string, fields ...string) (int64, error)
	HLen(ctx context.Context, key string) (int64, error)
	HExists(ctx context.Context, key, field string) (bool, error)
	HStrLen(ctx context.Context, key, field string) (int64, error)
	HIncrBy(ctx context.Context, key, field string, incr int64) (int64, error)
	HIncrByFloat(ctx context.Context, key, field string, incr float64) (float64, error)
	HKeys(ctx context.Context, key string) ([]string, error)
	HVals(ctx context.Context, key string) ([]string, error)
	HGetAll(ctx context.Context, key string) (map[string]string, error)
	HRandField(ctx context.Context, key string, count int) ([]string, error)
	HRandFieldWithValues(ctx context.Context, key string, count int) ([]KeyValue, error)
	HScan(ctx context.Context, key string, cursor uint64, match string, count int64) ([]string, uint64, error)
}

// HashPipeCmdable is HashCmdable deferred: what a Pipeliner queues.
type HashPipeCmdable interface {
	HSet(ctx context.Context, key string, values ...any) *IntCmd
	HMSet(ctx context.Context, key string, values ...any) *BoolCmd
	HSetNX(ctx context.Context, key, field, value string) *BoolCmd
	HGet(ctx context.Context, key, field string) *StringCmd
	HMGet(ctx context.Context, key string, fields ...string) *SliceCmd
	HDel(ctx context.Context, key string, fields ...string) *IntCmd
	HLen(ctx context.Context, key string) *IntCmd
	HExists(ctx context.Context, key, field string) *BoolCmd
	HStrLen(ctx context.Context, key, field string) *IntCmd
	HIncrBy(ctx context.Context, key, field string, incr int64) *IntCmd
	HIncrByFloat(ctx context.Context, key, field string, incr float64) *FloatCmd
	HKeys(ctx context.Context, key string) *StringSliceCmd
	HVals(ctx context.Context, key string) *StringSliceCmd
	HGetAll(ctx context.Context, key string) *MapStringStringCmd
	HRandField(ctx context.Context, key string, count int) *StringSliceCmd
	HRandFieldWithValues(ctx context.Context, key string, count int) *KeyValueSliceCmd
	HScan(ctx context.Context, key string, cursor uint64, match string, count int64) *ScanCmd
}

var (
	_ HashCmdable     = (*Store)(nil)
	_ HashCmdable     = (*Conn)(nil)
	_ HashCmdable     = (*Tx)(nil)
	_ HashPipeCmdable = (*Pipeline)(nil)
)

var (
	cmdHSet         = mustCmd("hset")
	cmdHSetNX       = mustCmd("hsetnx")
	cmdHGet         = mustCmd("hget")
	cmdHMGet        = mustCmd("hmget")
	cmdHMSet        = mustCmd("hmset")
	cmdHDel         = mustCmd("hdel")
	cmdHLen         = mustCmd("hlen")
	cmdHExists      = mustCmd("hexists")
	cmdHStrLen      = mustCmd("hstrlen")
	cmdHIncrBy      = mustCmd("hincrby")
	cmdHIncrByFloat = mustCmd("hincrbyfloat")
	cmdHKeys        = mustCmd("hkeys")
	cmdHVals        = mustCmd("hvals")
	cmdHGetAll      = mustCmd("hgetall")
	cmdHRandField   = mustCmd("hrandfield")
	cmdHScan        = mustCmd("hscan")
)

// KeyValue is a hash field and its value, as HRandFieldWithValues returns
// them (go-redis's KeyValue).
type KeyValue struct {
	Key   string
	Value string
}

// HSet sets fields of the hash at key and returns how many were new. Pass
// "f1", "v1", "f2", "v2" ..., or a map[string]any / map[string]string, or a
// []string of pairs, as with go-redis.
func (x cmdable) HSet(ctx context.Context, key string, values ...any) (int64, error) {
	if len(values) == 2 {
		if f, ok := values[0].(string); ok {
			if v, ok := values[1].(string); ok {
				a := [4]string{"HSET", key, f, v}
				return x.integer(ctx, cmdHSet, a[:])
			}
		}
	}
	argv, err := flatten([]string{"HSET", key}, values)
	if err != nil {
		return 0, err
	}
	return x.integer(ctx, cmdHSet, argv)
}

// HMSet sets fields of the hash at key, taking values as HSet does, and
// reports success (HMSET, deprecated in Redis in favour of HSET).
func (x cmdable) HMSet(ctx context.Context, key string, values ...any) (bool, error) {
	argv, err := flatten([]string{"HMSET", key}, values)
	if err != nil {
		return false, err
	}
	return x.boolean(ctx, cmdHMSet, argv)
}

// HSetNX sets field of the hash at key only if the field does not exist,
// and reports whether it did.
func (x cmdable) HSetNX(ctx context.Context, key, field, value string) (bool, error) {
	a := [4]string{"HSETNX", key, field, value}
	return x.boolean(ctx, cmdHSetNX, a[:])
}

// HGet returns the value of field in the hash at key, or Nil when the key
// or the field does not exist.
func (x cmdable) HGet(ctx context.Context, key, field string) (string, error) {
	a := [3]string{"HGET", key, field}
	return x.str(ctx, cmdHGet, a[:])
}

// HMGet returns the values of fields in the hash at key: each a string, or
// nil for a missing field.
func (x cmdable) HMGet(ctx context.Context, key string, fields ...string) ([]any, error) {
	return call(ctx, x, cmdHMGet, keyArgs("HMGET", key, fields), toSlice)
}

// HDel removes fields from the hash at key and returns how many existed.
func (x cmdable) HDel(ctx context.Context, key string, fields ...string) (int64, error) {
	return x.integer(ctx, cmdHDel, keyArgs("HDEL", key, fields))
}

// HLen returns the number of fields of the hash at key.
func (x cmdable) HLen(ctx context.Context, key string) (int64, error) {
	a := [2]string{"HLEN", key}
	return x.integer(ctx, cmdHLen, a[:])
}

// HExists reports whether field exists in the hash at key.
func (x cmdable) HExists(ctx context.Context, key, field string) (bool, error) {
	a := [3]string{"HEXISTS", key, field}
	return x.boolean(ctx, cmdHExists, a[:])
}

// HStrLen returns the length of the value of field in the hash at key (0
// when missing).
func (x cmdable) HStrLen(ctx context.Context, key, field string) (int64, error) {
	a := [3]string{"HSTRLEN", key, field}
	return x.integer(ctx, cmdHStrLen, a[:])
}

// HIncrBy adds incr to the integer value of field in the hash at key and
// returns the new value.
func (x cmdable) HIncrBy(ctx context.Context, key, field string, incr int64) (int64, error) {
	a := [4]string{"HINCRBY", key, field, formatInt(incr)}
	return x.integer(ctx, cmdHIncrBy, a[:])
}

// HIncrByFloat adds incr to the float value of field in the hash at key and
// returns the new value.
func (x cmdable) HIncrByFloat(ctx context.Context, key, field string, incr float64) (float64, error) {
	a := [4]string{"HINCRBYFLOAT", key, field, formatFloat(incr)}
	return call(ctx, x, cmdHIncrByFloat, a[:], toFloat)
}

// HKeys returns the fields of the hash at key (order unspecified).
func (x cmdable) HKeys(ctx context.Context, key string) ([]string, error) {
	a := [2]string{"HKEYS", key}
	return call(ctx, x, cmdHKeys, a[:], toStrings)
}

// HVals returns the values of the hash at key (order unspecified).
func (x cmdable) HVals(ctx context.Context, key string) ([]string, error) {
	a := [2]string{"HVALS", key}
	return call(ctx, x, cmdHVals, a[:], toStrings)
}

// HGetAll returns the hash at key as a map (empty when the key does not
// exist).
func (x cmdable) HGetAll(ctx context.Context, key string) (map[string]string, error) {
	a := [2]string{"HGETALL", key}
	return call(ctx, x, cmdHGetAll, a[:], toStringMap)
}

// HRandField returns random fields of the hash at key: count > 0 gives up
// to count distinct fields, count < 0 gives -count fields that may repeat.
func (x cmdable) HRandField(ctx context.Context, key string, count int) ([]string, error) {
	a := [3]string{"HRANDFIELD", key, strconv.Itoa(count)}
	return call(ctx, x, cmdHRandField, a[:], toStrings)
}

// HRandFieldWithValues is HRandField returning the values too.
func (x cmdable) HRandFieldWithValues(ctx context.Context, key string, count int) ([]KeyValue, error) {
	a := [4]string{"HRANDFIELD", key, strconv.Itoa(count), "WITHVALUES"}
	return call(ctx, x, cmdHRandField, a[:], toKeyValues)
}

// HScan returns some fields and values (alternating, flattened) of the hash
// at key matching match ("" = all) from cursor, and the cursor to continue
// from (0 when the iteration is complete). count is a hint of how many to
// look at (0 = Redis's default of 10). A small hash comes back whole.
func (x cmdable) HScan(ctx context.Context, key string, cursor uint64, match string, count int64) ([]string, uint64, error) {
	var a [7]string
	return call2(ctx, x, cmdHScan, collectionScanArgv(&a, "HSCAN", key, cursor, match, count), toScan)
}
