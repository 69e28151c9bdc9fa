package kevy

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/kevydb/kevy/resp"
)

// Command objects, in go-redis's shape: a Pipeliner's methods return them
// at once, and they hold their result once the pipeline has run (Val,
// Result, Err). Each type converts its reply with the converter of its
// reply shape (reply.go), the one the matching immediate method uses.

// Cmder is a queued command of a pipeline. Only this package implements
// it (as in go-redis, whose Cmder has unexported methods too).
type Cmder interface {
	// Name returns the command's name in lower case.
	Name() string
	// Args returns the command's words.
	Args() []string
	// Err returns the command's error once the pipeline ran, or the error
	// its arguments gave when it was queued.
	Err() error
	// Reply returns the raw reply.
	Reply() Reply
	// String returns the command and its result, for debugging.
	String() string

	base() *baseCmd
	setReply(r Reply, err error)
}

// baseCmd holds what every command object has: its words, its raw reply
// and its error.
type baseCmd struct {
	args  []string
	reply Reply
	err   error
}

func (c *baseCmd) base() *baseCmd { return c }

// Name returns the command's name in lower case ("" for an empty command).
func (c *baseCmd) Name() string {
	if len(c.args) == 0 {
		return ""
	}
	return strings.ToLower(c.args[0])
}

// Args returns the command's words.
func (c *baseCmd) Args() []string { return c.args }

// Err returns the command's error.
func (c *baseCmd) Err() error { return c.err }

// Reply returns the raw reply (the zero Reply before the pipeline ran, or
// when the command never ran).
func (c *baseCmd) Reply() Reply { return c.reply }

// String returns the command and its result, for debugging.
func (c *baseCmd) String() string {
	s := strings.Join(c.args, " ")
	if c.err != nil {
		return s + ": " + c.err.Error()
	}
	v, _ := toAny(c.reply)
	return s + ": " + fmt.Sprint(v)
}

// convert records a reply and converts it with to: an engine error (err)
// wins over the reply.
func convert[T any](c *baseCmd, r Reply, err error, to func(Reply) (T, error)) (T, error) {
	c.reply = r
	if err != nil {
		var zero T
		return zero, err
	}
	return to(r)
}

// Cmd is a command of any reply type (Do).
type Cmd struct {
	baseCmd
	val any
}

func (c *Cmd) setReply(r Reply, err error) { c.val, c.err = convert(&c.baseCmd, r, err, toAny) }

// Val returns the reply converted as Do converts it.
func (c *Cmd) Val() any { return c.val }

// Result returns Val and Err.
func (c *Cmd) Result() (any, error) { return c.val, c.err }

// Text returns a string reply.
func (c *Cmd) Text() (string, error) {
	if c.err != nil {
		return "", c.err
	}
	return toString(c.reply)
}

// Int64 returns an integer reply (or a string reply holding one).
func (c *Cmd) Int64() (int64, error) {
	if c.err != nil {
		return 0, c.err
	}
	switch c.reply.Kind {
	case resp.Bulk, resp.Status:
		return strconv.ParseInt(c.reply.Str, 10, 64)
	}
	return toInt(c.reply)
}

// Float64 returns a reply holding a float.
func (c *Cmd) Float64() (float64, error) {
	if c.err != nil {
		return 0, c.err
	}
	return toFloat(c.reply)
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
	return toStrings(c.reply)
}

// Slice returns an array reply as Do converts it.
func (c *Cmd) Slice() ([]any, error) {
	if c.err != nil {
		return nil, c.err
	}
	s, ok := c.val.([]any)
	if !ok {
		return nil, unexpected(c.reply)
	}
	return s, nil
}

// StatusCmd is a command replying with a status, such as OK.
type StatusCmd struct {
	baseCmd
	val string
}

func (c *StatusCmd) setReply(r Reply, err error) {
	c.val, c.err = convert(&c.baseCmd, r, err, toString)
}

// Val returns the status text.
func (c *StatusCmd) Val() string { return c.val }

// Result returns the status and Err.
func (c *StatusCmd) Result() (string, error) { return c.val, c.err }

// StringCmd is a command replying with a string.
type StringCmd struct {
	baseCmd
	val string
}

func (c *StringCmd) setReply(r Reply, err error) {
	c.val, c.err = convert(&c.baseCmd, r, err, toString)
}

// Val returns the string ("" on error or null).
func (c *StringCmd) Val() string { return c.val }

// Result returns the string, or Nil for a null reply.
func (c *StringCmd) Result() (string, error) { return c.val, c.err }

// Int64 parses the string as an integer.
func (c *StringCmd) Int64() (int64, error) {
	if c.err != nil {
		return 0, c.err
	}
	return strconv.ParseInt(c.val, 10, 64)
}

// Float64 parses the string as a float.
func (c *StringCmd) Float64() (float64, error) {
	if c.err != nil {
		return 0, c.err
	}
	return strconv.ParseFloat(c.val, 64)
}

// IntCmd is a command replying with an integer.
type IntCmd struct {
	baseCmd
	val int64
}

func (c *IntCmd) setReply(r Reply, err error) { c.val, c.err = convert(&c.baseCmd, r, err, toInt) }

// Val returns the integer.
func (c *IntCmd) Val() int64 { return c.val }

// Result returns the integer and Err.
func (c *IntCmd) Result() (int64, error) { return c.val, c.err }

// BoolCmd is a command replying 1 or 0 (or OK or a null, for SET ... NX).
type BoolCmd struct {
	baseCmd
	val bool
}

func (c *BoolCmd) setReply(r Reply, err error) { c.val, c.err = convert(&c.baseCmd, r, err, toBool) }

// Val returns the boolean.
func (c *BoolCmd) Val() bool { return c.val }

// Result returns the boolean and Err.
func (c *BoolCmd) Result() (bool, error) { return c.val, c.err }

// FloatCmd is a command replying with a float.
type FloatCmd struct {
	baseCmd
	val float64
}

func (c *FloatCmd) setReply(r Reply, err error) { c.val, c.err = convert(&c.baseCmd, r, err, toFloat) }

// Val returns the float.
func (c *FloatCmd) Val() float64 { return c.val }

// Result returns the float and Err.
func (c *FloatCmd) Result() (float64, error) { return c.val, c.err }

// DurationCmd is a command replying with a duration (TTL, PTTL,
// EXPIRETIME, OBJECT IDLETIME).
type DurationCmd struct {
	baseCmd
	val  time.Duration
	unit time.Duration
}

func (c *DurationCmd) setReply(r Reply, err error) {
	c.val, c.err = convert(&c.baseCmd, r, err, func(r Reply) (time.Duration, error) { return toDuration(r, c.unit) })
}

// Val returns the duration.
func (c *DurationCmd) Val() time.Duration { return c.val }

// Result returns the duration (negative TTL codes as that many
// nanoseconds, as go-redis) and Err.
func (c *DurationCmd) Result() (time.Duration, error) { return c.val, c.err }

// TimeCmd is a command replying with a time (TIME).
type TimeCmd struct {
	baseCmd
	val time.Time
}

func (c *TimeCmd) setReply(r Reply, err error) { c.val, c.err = convert(&c.baseCmd, r, err, toTime) }

// Val returns the time.
func (c *TimeCmd) Val() time.Time { return c.val }

// Result returns the time and Err.
func (c *TimeCmd) Result() (time.Time, error) { return c.val, c.err }

// StringSliceCmd is a command replying with an array of strings.
type StringSliceCmd struct {
	baseCmd
	val []string
}

func (c *StringSliceCmd) setReply(r Reply, err error) {
	c.val, c.err = convert(&c.baseCmd, r, err, toStrings)
}

// Val returns the strings.
func (c *StringSliceCmd) Val() []string { return c.val }

// Result returns the strings and Err.
func (c *StringSliceCmd) Result() ([]string, error) { return c.val, c.err }

// SliceCmd is a command replying with an array of values (MGET, HMGET).
type SliceCmd struct {
	baseCmd
	val []any
}

func (c *SliceCmd) setReply(r Reply, err error) { c.val, c.err = convert(&c.baseCmd, r, err, toSlice) }

// Val returns the values.
func (c *SliceCmd) Val() []any { return c.val }

// Result returns the values (nil for null elements) and Err.
func (c *SliceCmd) Result() ([]any, error) { return c.val, c.err }

// BoolSliceCmd is a command replying with an array of booleans
// (SMISMEMBER).
type BoolSliceCmd struct {
	baseCmd
	val []bool
}

func (c *BoolSliceCmd) setReply(r Reply, err error) {
	c.val, c.err = convert(&c.baseCmd, r, err, toBools)
}

// Val returns the booleans.
func (c *BoolSliceCmd) Val() []bool { return c.val }

// Result returns the booleans and Err.
func (c *BoolSliceCmd) Result() ([]bool, error) { return c.val, c.err }

// IntSliceCmd is a command replying with an array of integers (LPOS ...
// COUNT).
type IntSliceCmd struct {
	baseCmd
	val []int64
}

func (c *IntSliceCmd) setReply(r Reply, err error) {
	c.val, c.err = convert(&c.baseCmd, r, err, toInts)
}

// Val returns the integers.
func (c *IntSliceCmd) Val() []int64 { return c.val }

// Result returns the integers and Err.
func (c *IntSliceCmd) Result() ([]int64, error) { return c.val, c.err }

// FloatSliceCmd is a command replying with an array of floats (ZMSCORE).
type FloatSliceCmd struct {
	baseCmd
	val []float64
}

func (c *FloatSliceCmd) setReply(r Reply, err error) {
	c.val, c.err = convert(&c.baseCmd, r, err, toFloats)
}

// Val returns the floats.
func (c *FloatSliceCmd) Val() []float64 { return c.val }

// Result returns the floats and Err.
func (c *FloatSliceCmd) Result() ([]float64, error) { return c.val, c.err }

// MapStringStringCmd is a command replying with fields and values
// (HGETALL).
type MapStringStringCmd struct {
	baseCmd
	val map[string]string
}

func (c *MapStringStringCmd) setReply(r Reply, err error) {
	c.val, c.err = convert(&c.baseCmd, r, err, toStringMap)
}

// Val returns the map.
func (c *MapStringStringCmd) Val() map[string]string { return c.val }

// Result returns the map and Err.
func (c *MapStringStringCmd) Result() (map[string]string, error) { return c.val, c.err }

// MapStringIntCmd is a command replying with names and counts (PUBSUB
// NUMSUB).
type MapStringIntCmd struct {
	baseCmd
	val map[string]int64
}

func (c *MapStringIntCmd) setReply(r Reply, err error) {
	c.val, c.err = convert(&c.baseCmd, r, err, toIntMap)
}

// Val returns the map.
func (c *MapStringIntCmd) Val() map[string]int64 { return c.val }

// Result returns the map and Err.
func (c *MapStringIntCmd) Result() (map[string]int64, error) { return c.val, c.err }

// StringStructMapCmd is a command replying with a set of strings
// (SMembersMap).
type StringStructMapCmd struct {
	baseCmd
	val map[string]struct{}
}

func (c *StringStructMapCmd) setReply(r Reply, err error) {
	c.val, c.err = convert(&c.baseCmd, r, err, toStringSet)
}

// Val returns the set.
func (c *StringStructMapCmd) Val() map[string]struct{} { return c.val }

// Result returns the set and Err.
func (c *StringStructMapCmd) Result() (map[string]struct{}, error) { return c.val, c.err }

// KeyValueSliceCmd is a command replying with field, value pairs in order
// (HRANDFIELD ... WITHVALUES).
type KeyValueSliceCmd struct {
	baseCmd
	val []KeyValue
}

func (c *KeyValueSliceCmd) setReply(r Reply, err error) {
	c.val, c.err = convert(&c.baseCmd, r, err, toKeyValues)
}

// Val returns the pairs.
func (c *KeyValueSliceCmd) Val() []KeyValue { return c.val }

// Result returns the pairs and Err.
func (c *KeyValueSliceCmd) Result() ([]KeyValue, error) { return c.val, c.err }

// ScanCmd is a command replying with a page of a SCAN-family iteration.
type ScanCmd struct {
	baseCmd
	page   []string
	cursor uint64
}

func (c *ScanCmd) setReply(r Reply, err error) {
	c.reply = r
	if err != nil {
		c.err = err
		return
	}
	c.page, c.cursor, c.err = toScan(r)
}

// Val returns the page of keys (or members, or flattened pairs) and the
// cursor to continue from (0 when the iteration is complete).
func (c *ScanCmd) Val() (keys []string, cursor uint64) { return c.page, c.cursor }

// Result returns Val and Err.
func (c *ScanCmd) Result() (keys []string, cursor uint64, err error) {
	return c.page, c.cursor, c.err
}

// KeyValuesCmd is a command replying with a key and elements popped from
// it (LMPOP, BLMPOP).
type KeyValuesCmd struct {
	baseCmd
	key string
	val []string
}

func (c *KeyValuesCmd) setReply(r Reply, err error) {
	c.reply = r
	if err != nil {
		c.err = err
		return
	}
	c.key, c.val, c.err = toKeyStrings(r)
}

// Val returns the key and the elements.
func (c *KeyValuesCmd) Val() (string, []string) { return c.key, c.val }

// Result returns the key, the elements and Err.
func (c *KeyValuesCmd) Result() (string, []string, error) { return c.key, c.val, c.err }

// ZSliceCmd is a command replying with members and their scores.
type ZSliceCmd struct {
	baseCmd
	val []Z
}

func (c *ZSliceCmd) setReply(r Reply, err error) { c.val, c.err = convert(&c.baseCmd, r, err, toZs) }

// Val returns the members with their scores.
func (c *ZSliceCmd) Val() []Z { return c.val }

// Result returns the members with their scores, and Err.
func (c *ZSliceCmd) Result() ([]Z, error) { return c.val, c.err }

// ZSliceWithKeyCmd is a command replying with a key and members popped
// from it with their scores (ZMPOP, BZMPOP).
type ZSliceWithKeyCmd struct {
	baseCmd
	key string
	val []Z
}

func (c *ZSliceWithKeyCmd) setReply(r Reply, err error) {
	c.reply = r
	if err != nil {
		c.err = err
		return
	}
	c.key, c.val, c.err = toKeyZs(r)
}

// Val returns the key and the members.
func (c *ZSliceWithKeyCmd) Val() (string, []Z) { return c.key, c.val }

// Result returns the key, the members and Err.
func (c *ZSliceWithKeyCmd) Result() (string, []Z, error) { return c.key, c.val, c.err }

// ZWithKeyCmd is a command replying with a member, its score and its key
// (BZPOPMIN, BZPOPMAX).
type ZWithKeyCmd struct {
	baseCmd
	val *ZWithKey
}

func (c *ZWithKeyCmd) setReply(r Reply, err error) {
	c.val, c.err = convert(&c.baseCmd, r, err, toZWithKey)
}

// Val returns the member with its key.
func (c *ZWithKeyCmd) Val() *ZWithKey { return c.val }

// Result returns the member with its key, and Err.
func (c *ZWithKeyCmd) Result() (*ZWithKey, error) { return c.val, c.err }
