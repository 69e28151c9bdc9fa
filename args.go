package kevy

import (
	"encoding"
	"fmt"
	"strconv"
	"time"
)

// Command arguments: how the typed methods, Do and the pipelines turn Go
// values into a command's words, as go-redis writes them.

// argString converts a command argument as go-redis's writer does.
func argString(a any) (string, error) {
	switch v := a.(type) {
	case string:
		return v, nil
	case []byte:
		return string(v), nil
	case int:
		return strconv.FormatInt(int64(v), 10), nil
	case int8:
		return strconv.FormatInt(int64(v), 10), nil
	case int16:
		return strconv.FormatInt(int64(v), 10), nil
	case int32:
		return strconv.FormatInt(int64(v), 10), nil
	case int64:
		return strconv.FormatInt(v, 10), nil
	case uint:
		return strconv.FormatUint(uint64(v), 10), nil
	case uint8:
		return strconv.FormatUint(uint64(v), 10), nil
	case uint16:
		return strconv.FormatUint(uint64(v), 10), nil
	case uint32:
		return strconv.FormatUint(uint64(v), 10), nil
	case uint64:
		return strconv.FormatUint(v, 10), nil
	case float32:
		return strconv.FormatFloat(float64(v), 'f', -1, 32), nil
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64), nil
	case bool:
		if v {
			return "1", nil
		}
		return "0", nil
	case nil:
		return "", nil
	case time.Duration:
		return strconv.FormatInt(v.Nanoseconds(), 10), nil
	case time.Time:
		return v.Format(time.RFC3339Nano), nil
	case encoding.BinaryMarshaler:
		b, err := v.MarshalBinary()
		if err != nil {
			return "", err
		}
		return string(b), nil
	}
	return "", fmt.Errorf("kevy: can't marshal %T (implement encoding.BinaryMarshaler)", a)
}

// doArgs converts Do's arguments, one word each, appending them to dst.
func doArgs(dst []string, args []any) ([]string, error) {
	for _, a := range args {
		s, err := argString(a)
		if err != nil {
			return nil, err
		}
		dst = append(dst, s)
	}
	return dst, nil
}

// flatten expands go-redis-style variadic arguments onto dst: a []string,
// []any or map[string]any becomes its elements (map: key, value pairs).
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

// args builds an argument list: the command name, then the given words.
func args(name string, words ...string) []string {
	out := make([]string, 0, 1+len(words))
	out = append(out, name)
	return append(out, words...)
}

// keyArgs builds name key words...
func keyArgs(name, key string, words []string) []string {
	out := make([]string, 0, 2+len(words))
	out = append(out, name, key)
	return append(out, words...)
}

// formatInt formats an integer argument.
func formatInt(n int64) string { return strconv.FormatInt(n, 10) }

// formatMs formats a duration as whole milliseconds.
func formatMs(d time.Duration) string { return strconv.FormatInt(d.Milliseconds(), 10) }

// formatSec formats a duration as whole seconds.
func formatSec(d time.Duration) string { return strconv.FormatInt(int64(d/time.Second), 10) }

// usePrecise reports whether d needs millisecond precision (go-redis's
// rule for choosing PX over EX).
func usePrecise(d time.Duration) bool { return d < time.Second || d%time.Second != 0 }

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

// mpopArgv builds LMPOP, BLMPOP, ZMPOP or BZMPOP: name [timeout] numkeys
// keys... where COUNT count ("" timeout for the non-blocking ones).
func mpopArgv(name, timeout, where string, count int64, keys []string) []string {
	argv := make([]string, 0, 6+len(keys))
	argv = append(argv, name)
	if timeout != "" {
		argv = append(argv, timeout)
	}
	argv = append(argv, strconv.Itoa(len(keys)))
	argv = append(argv, keys...)
	return append(argv, where, "COUNT", strconv.FormatInt(count, 10))
}

// blockingArgv builds BLPOP, BRPOP, BZPOPMIN or BZPOPMAX: name keys...
// timeout.
func blockingArgv(name string, keys []string, timeout time.Duration) []string {
	argv := make([]string, 0, 2+len(keys))
	argv = append(argv, name)
	argv = append(argv, keys...)
	return append(argv, blockTimeout(timeout))
}

// formatFloat formats a float argument as go-redis does.
func formatFloat(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// interCardArgv builds SINTERCARD or ZINTERCARD numkeys keys... [LIMIT
// limit].
func interCardArgv(name string, limit int64, keys []string) []string {
	argv := make([]string, 0, 4+len(keys))
	argv = append(argv, name, strconv.Itoa(len(keys)))
	argv = append(argv, keys...)
	if limit > 0 {
		argv = append(argv, "LIMIT", formatInt(limit))
	}
	return argv
}

// collectionScanArgv builds HSCAN, SSCAN or ZSCAN key cursor [MATCH
// match] [COUNT count] in a.
func collectionScanArgv(a *[7]string, name, key string, cursor uint64, match string, count int64) []string {
	argv := append(a[:0], name, key, strconv.FormatUint(cursor, 10))
	if match != "" {
		argv = append(argv, "MATCH", match)
	}
	if count > 0 {
		argv = append(argv, "COUNT", formatInt(count))
	}
	return argv
}
