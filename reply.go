package kevy

import (
	"strconv"
	"time"

	"github.com/kevydb/kevy/resp"
)

// Replies as Go values: one converter per reply shape. The immediate
// methods (Store.HGetAll, through cmdable's helpers) and the command
// objects of pipelines (MapStringStringCmd) call the same converter, so a
// command gives the same values and errors whichever way it runs. Each
// converter turns an error reply into its error (replyError) and a null
// into Nil unless its shape says otherwise.

// unexpected is the error for a reply of a kind the shape does not allow.
func unexpected(r Reply) error {
	return Error("kevy: unexpected " + r.Kind.String() + " reply")
}

// toAny converts a reply the way go-redis does over RESP2 (Do, Cmd).
func toAny(r Reply) (any, error) {
	switch r.Kind {
	case resp.Status, resp.Bulk:
		return r.Str, nil
	case resp.Int:
		return r.Int, nil
	case resp.Nil, resp.NilArray:
		return nil, Nil
	case resp.Error:
		return nil, replyError(r)
	case resp.Array:
		out := make([]any, len(r.Elems))
		for i, e := range r.Elems {
			switch e.Kind {
			case resp.Nil, resp.NilArray:
				out[i] = nil
			case resp.Error:
				out[i] = replyError(e)
			default:
				out[i], _ = toAny(e)
			}
		}
		return out, nil
	}
	return nil, Error("kevy: reply of unknown kind " + r.Kind.String())
}

// toSlice converts an array as Do does (MGET, HMGET): nil elements for
// nulls; a reply that is not an array gives no values.
func toSlice(r Reply) ([]any, error) {
	v, err := toAny(r)
	if err != nil {
		return nil, err
	}
	out, _ := v.([]any)
	return out, nil
}

// toString expects a bulk or status string (StringCmd, StatusCmd).
func toString(r Reply) (string, error) {
	switch r.Kind {
	case resp.Bulk, resp.Status:
		return r.Str, nil
	case resp.Nil, resp.NilArray:
		return "", Nil
	case resp.Error:
		return "", replyError(r)
	}
	return "", unexpected(r)
}

// toInt expects an integer (IntCmd).
func toInt(r Reply) (int64, error) {
	switch r.Kind {
	case resp.Int:
		return r.Int, nil
	case resp.Nil:
		return 0, Nil
	case resp.Error:
		return 0, replyError(r)
	}
	return 0, unexpected(r)
}

// toBool expects an integer 1 or 0, or, for SET ... NX and HMSET, OK
// (true) or a null (false, not an error) (BoolCmd).
func toBool(r Reply) (bool, error) {
	switch r.Kind {
	case resp.Int:
		return r.Int == 1, nil
	case resp.Nil:
		return false, nil
	case resp.Status:
		if r.Str == "OK" {
			return true, nil
		}
	case resp.Error:
		return false, replyError(r)
	}
	return false, unexpected(r)
}

// toFloat expects a bulk string holding a float (FloatCmd).
func toFloat(r Reply) (float64, error) {
	s, err := toString(r)
	if err != nil {
		return 0, err
	}
	return strconv.ParseFloat(s, 64)
}

// toDuration expects an integer count of unit, as TTL and PTTL reply;
// negative codes (-1 no expiry, -2 no key) come back as that many
// nanoseconds, as go-redis returns them (DurationCmd).
func toDuration(r Reply, unit time.Duration) (time.Duration, error) {
	n, err := toInt(r)
	if err != nil {
		return 0, err
	}
	if n < 0 {
		return time.Duration(n), nil
	}
	return time.Duration(n) * unit, nil
}

// toTime expects TIME's [seconds, microseconds] (TimeCmd).
func toTime(r Reply) (time.Time, error) {
	if r.Kind == resp.Error {
		return time.Time{}, replyError(r)
	}
	if r.Kind != resp.Array || len(r.Elems) != 2 {
		return time.Time{}, unexpected(r)
	}
	sec, _ := strconv.ParseInt(r.Elems[0].Str, 10, 64)
	usec, _ := strconv.ParseInt(r.Elems[1].Str, 10, 64)
	return time.Unix(sec, usec*1000), nil
}

// array checks that r is an array: a null array is Nil.
func array(r Reply) error {
	switch r.Kind {
	case resp.Array:
		return nil
	case resp.NilArray:
		return Nil
	case resp.Error:
		return replyError(r)
	}
	return unexpected(r)
}

// toStrings expects an array of strings; null elements become ""
// (StringSliceCmd).
func toStrings(r Reply) ([]string, error) {
	if err := array(r); err != nil {
		return nil, err
	}
	out := make([]string, len(r.Elems))
	for i, e := range r.Elems {
		out[i] = e.Str
	}
	return out, nil
}

// toBools expects an array of 1 and 0 (BoolSliceCmd).
func toBools(r Reply) ([]bool, error) {
	if err := array(r); err != nil {
		return nil, err
	}
	out := make([]bool, len(r.Elems))
	for i, e := range r.Elems {
		out[i] = e.Int == 1
	}
	return out, nil
}

// toInts expects an array of integers (IntSliceCmd).
func toInts(r Reply) ([]int64, error) {
	if err := array(r); err != nil {
		return nil, err
	}
	out := make([]int64, len(r.Elems))
	for i, e := range r.Elems {
		out[i] = e.Int
	}
	return out, nil
}

// toFloats expects an array of scores; nulls become 0, as go-redis
// (FloatSliceCmd).
func toFloats(r Reply) ([]float64, error) {
	if err := array(r); err != nil {
		return nil, err
	}
	out := make([]float64, len(r.Elems))
	for i, e := range r.Elems {
		if e.Kind != resp.Bulk {
			continue
		}
		f, err := strconv.ParseFloat(e.Str, 64)
		if err != nil {
			return nil, err
		}
		out[i] = f
	}
	return out, nil
}

// toStringSet expects an array of strings, as a set (StringStructMapCmd).
func toStringSet(r Reply) (map[string]struct{}, error) {
	if err := array(r); err != nil {
		return nil, err
	}
	out := make(map[string]struct{}, len(r.Elems))
	for _, e := range r.Elems {
		out[e.Str] = struct{}{}
	}
	return out, nil
}

// toStringMap expects a flat array of field, value pairs
// (MapStringStringCmd). A null array is an empty map, never Nil.
func toStringMap(r Reply) (map[string]string, error) {
	if r.Kind == resp.Error {
		return nil, replyError(r)
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

// toIntMap expects a flat array of name, count pairs, as PUBSUB NUMSUB
// replies (MapStringIntCmd).
func toIntMap(r Reply) (map[string]int64, error) {
	if r.Kind == resp.Error {
		return nil, replyError(r)
	}
	out := make(map[string]int64, len(r.Elems)/2)
	for i := 0; i+1 < len(r.Elems); i += 2 {
		out[r.Elems[i].Str] = r.Elems[i+1].Int
	}
	return out, nil
}

// toKeyValues expects a flat array of field, value pairs, in order
// (KeyValueSliceCmd).
func toKeyValues(r Reply) ([]KeyValue, error) {
	flat, err := toStrings(r)
	if err != nil {
		return nil, err
	}
	out := make([]KeyValue, len(flat)/2)
	for i := range out {
		out[i] = KeyValue{Key: flat[2*i], Value: flat[2*i+1]}
	}
	return out, nil
}

// toScan expects a SCAN-family [cursor, [elements]] (ScanCmd).
func toScan(r Reply) ([]string, uint64, error) {
	if r.Kind == resp.Error {
		return nil, 0, replyError(r)
	}
	if r.Kind != resp.Array || len(r.Elems) != 2 {
		return nil, 0, unexpected(r)
	}
	next, err := strconv.ParseUint(r.Elems[0].Str, 10, 64)
	if err != nil {
		return nil, 0, err
	}
	keys := make([]string, len(r.Elems[1].Elems))
	for i, e := range r.Elems[1].Elems {
		keys[i] = e.Str
	}
	return keys, next, nil
}

// toKeyStrings expects LMPOP's [key, [elements]] (KeyValuesCmd).
func toKeyStrings(r Reply) (string, []string, error) {
	if err := array(r); err != nil {
		return "", nil, err
	}
	if len(r.Elems) != 2 {
		return "", nil, unexpected(r)
	}
	elems, err := toStrings(r.Elems[1])
	return r.Elems[0].Str, elems, err
}

// toZs expects a flat array of member, score pairs (ZSliceCmd).
func toZs(r Reply) ([]Z, error) {
	if err := array(r); err != nil {
		return nil, err
	}
	if len(r.Elems)%2 != 0 {
		return nil, unexpected(r)
	}
	out := make([]Z, len(r.Elems)/2)
	for i := range out {
		f, err := strconv.ParseFloat(r.Elems[2*i+1].Str, 64)
		if err != nil {
			return nil, err
		}
		out[i] = Z{Score: f, Member: r.Elems[2*i].Str}
	}
	return out, nil
}

// toKeyZs expects ZMPOP's [key, [[member, score] ...]]
// (ZSliceWithKeyCmd).
func toKeyZs(r Reply) (string, []Z, error) {
	if err := array(r); err != nil {
		return "", nil, err
	}
	if len(r.Elems) != 2 {
		return "", nil, unexpected(r)
	}
	items := r.Elems[1].Elems
	out := make([]Z, len(items))
	for i, it := range items {
		if len(it.Elems) != 2 {
			return "", nil, unexpected(r)
		}
		f, err := strconv.ParseFloat(it.Elems[1].Str, 64)
		if err != nil {
			return "", nil, err
		}
		out[i] = Z{Score: f, Member: it.Elems[0].Str}
	}
	return r.Elems[0].Str, out, nil
}

// toZWithKey expects BZPOPMIN's [key, member, score] (ZWithKeyCmd).
func toZWithKey(r Reply) (*ZWithKey, error) {
	if err := array(r); err != nil {
		return nil, err
	}
	if len(r.Elems) != 3 {
		return nil, unexpected(r)
	}
	f, err := strconv.ParseFloat(r.Elems[2].Str, 64)
	if err != nil {
		return nil, err
	}
	return &ZWithKey{Z: Z{Score: f, Member: r.Elems[1].Str}, Key: r.Elems[0].Str}, nil
}
