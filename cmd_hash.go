package kevy

import (
	"context"
	"strconv"

	"github.com/kevydb/kevy/resp"
)

// Typed methods for the hash commands, shared by Store and Conn, named and
// shaped after go-redis's.

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
	if err := x.status(ctx, cmdHMSet, argv); err != nil {
		return false, err
	}
	return true, nil
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
	argv := make([]string, 0, 2+len(fields))
	argv = append(argv, "HMGET", key)
	return x.anys(ctx, cmdHMGet, append(argv, fields...))
}

// HDel removes fields from the hash at key and returns how many existed.
func (x cmdable) HDel(ctx context.Context, key string, fields ...string) (int64, error) {
	argv := make([]string, 0, 2+len(fields))
	argv = append(argv, "HDEL", key)
	return x.integer(ctx, cmdHDel, append(argv, fields...))
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
	a := [4]string{"HINCRBY", key, field, strconv.FormatInt(incr, 10)}
	return x.integer(ctx, cmdHIncrBy, a[:])
}

// HIncrByFloat adds incr to the float value of field in the hash at key and
// returns the new value.
func (x cmdable) HIncrByFloat(ctx context.Context, key, field string, incr float64) (float64, error) {
	a := [4]string{"HINCRBYFLOAT", key, field, strconv.FormatFloat(incr, 'f', -1, 64)}
	return x.float(ctx, cmdHIncrByFloat, a[:])
}

// HKeys returns the fields of the hash at key (order unspecified).
func (x cmdable) HKeys(ctx context.Context, key string) ([]string, error) {
	a := [2]string{"HKEYS", key}
	return x.strings(ctx, cmdHKeys, a[:])
}

// HVals returns the values of the hash at key (order unspecified).
func (x cmdable) HVals(ctx context.Context, key string) ([]string, error) {
	a := [2]string{"HVALS", key}
	return x.strings(ctx, cmdHVals, a[:])
}

// HGetAll returns the hash at key as a map (empty when the key does not
// exist).
func (x cmdable) HGetAll(ctx context.Context, key string) (map[string]string, error) {
	a := [2]string{"HGETALL", key}
	r, err := x.reply(ctx, cmdHGetAll, a[:])
	if err != nil {
		return nil, err
	}
	if r.Kind != resp.Array {
		return nil, unexpected(r)
	}
	m := make(map[string]string, len(r.Elems)/2)
	for i := 0; i+1 < len(r.Elems); i += 2 {
		m[r.Elems[i].Str] = r.Elems[i+1].Str
	}
	return m, nil
}

// HRandField returns random fields of the hash at key: count > 0 gives up
// to count distinct fields, count < 0 gives -count fields that may repeat.
func (x cmdable) HRandField(ctx context.Context, key string, count int) ([]string, error) {
	a := [3]string{"HRANDFIELD", key, strconv.Itoa(count)}
	return x.strings(ctx, cmdHRandField, a[:])
}

// HRandFieldWithValues is HRandField returning the values too.
func (x cmdable) HRandFieldWithValues(ctx context.Context, key string, count int) ([]KeyValue, error) {
	a := [4]string{"HRANDFIELD", key, strconv.Itoa(count), "WITHVALUES"}
	flat, err := x.strings(ctx, cmdHRandField, a[:])
	if err != nil {
		return nil, err
	}
	out := make([]KeyValue, len(flat)/2)
	for i := range out {
		out[i] = KeyValue{Key: flat[2*i], Value: flat[2*i+1]}
	}
	return out, nil
}

// HScan returns some fields and values (alternating, flattened) of the hash
// at key matching match ("" = all) from cursor, and the cursor to continue
// from (0 when the iteration is complete). count is a hint of how many to
// look at (0 = Redis's default of 10). A small hash comes back whole.
func (x cmdable) HScan(ctx context.Context, key string, cursor uint64, match string, count int64) ([]string, uint64, error) {
	return x.scanReply(ctx, cmdHScan, collectionScanArgs("HSCAN", key, cursor, match, count))
}

// collectionScanArgs builds the arguments of HSCAN, SSCAN or ZSCAN.
func collectionScanArgs(name, key string, cursor uint64, match string, count int64) []string {
	argv := make([]string, 0, 7)
	argv = append(argv, name, key, strconv.FormatUint(cursor, 10))
	if match != "" {
		argv = append(argv, "MATCH", match)
	}
	if count > 0 {
		argv = append(argv, "COUNT", strconv.FormatInt(count, 10))
	}
	return argv
}
