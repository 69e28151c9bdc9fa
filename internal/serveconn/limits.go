package serveconn

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// The buffer limits of Redis's client-query-buffer-limit and
// client-output-buffer-limit, as a registry holds them for all the
// connections of a store, with CONFIG GET and SET's syntax.

// OutputLimit is one class of Redis's client-output-buffer-limit: a
// connection whose pending output reaches Hard bytes, or stays at or above
// Soft bytes for longer than SoftSeconds, is closed. A zero field is no
// limit, as in Redis.
type OutputLimit struct {
	Hard        int64
	Soft        int64
	SoftSeconds time.Duration
}

// Limits are the buffer limits of a store's connections.
type Limits struct {
	// QueryBuffer is client-query-buffer-limit: the bytes a connection may
	// hold of its input, read and not yet executed (unparsed bytes, large
	// arguments being read, and parsed commands waiting in a batch).
	QueryBuffer int64
	// Normal, Replica and PubSub are client-output-buffer-limit's classes.
	// Replica applies to replication links (none yet: see issue 19).
	Normal, Replica, PubSub OutputLimit
}

// DefaultLimits returns Redis 7.0's defaults: a 1 GB query buffer and
// "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60".
func DefaultLimits() Limits {
	return Limits{
		QueryBuffer: DefaultQueryBufferLimit,
		Replica:     OutputLimit{Hard: 256 << 20, Soft: 64 << 20, SoftSeconds: 60 * time.Second},
		PubSub:      OutputLimit{Hard: 32 << 20, Soft: 8 << 20, SoftSeconds: 60 * time.Second},
	}
}

// DefaultPubSubLimit is Redis's client-output-buffer-limit pubsub
// 32mb 8mb 60.
var DefaultPubSubLimit = DefaultLimits().PubSub

// classNames are the classes in CONFIG GET's order, with Redis's names.
var classNames = [...]string{"normal", "slave", "pubsub"}

func (l *Limits) class(i int) *OutputLimit {
	switch i {
	case 0:
		return &l.Normal
	case 1:
		return &l.Replica
	}
	return &l.PubSub
}

// FormatOutputLimits renders the output limits as CONFIG GET
// client-output-buffer-limit does.
func FormatOutputLimits(l Limits) string {
	var b strings.Builder
	for i, name := range classNames {
		o := l.class(i)
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(name + " " + strconv.FormatInt(o.Hard, 10) + " " + strconv.FormatInt(o.Soft, 10) + " " +
			strconv.FormatInt(int64(o.SoftSeconds/time.Second), 10))
	}
	return b.String()
}

// ParseOutputLimits applies a CONFIG SET client-output-buffer-limit value
// ("<class> <hard> <soft> <soft seconds>" repeated; classes normal,
// replica or slave, pubsub; sizes with Redis's memory units) to l and
// returns the result, or Redis's error text. It applies all of the value
// or none of it.
func ParseOutputLimits(l Limits, value string) (Limits, string) {
	var args []string // split on every space, as Redis's sdssplitlen
	if value != "" {
		args = strings.Split(value, " ")
	}
	if len(args)%4 != 0 {
		return l, "Wrong number of arguments in buffer limit configuration."
	}
	for i := 0; i < len(args); i += 4 {
		class := -1
		switch strings.ToLower(args[i]) {
		case "normal":
			class = 0
		case "slave", "replica":
			class = 1
		case "pubsub":
			class = 2
		}
		if class < 0 {
			return l, "Invalid client class specified in buffer limit configuration."
		}
		hard, okHard := ParseMemory(args[i+1])
		soft, okSoft := ParseMemory(args[i+2])
		secs, err := int64(0), error(nil)
		if args[i+3] != "" { // strtoll reads "" as 0
			secs, err = strconv.ParseInt(args[i+3], 10, 32)
		}
		if !okHard || !okSoft || err != nil || secs < 0 {
			return l, "Error in hard, soft or soft_seconds setting in buffer limit configuration."
		}
		*l.class(class) = OutputLimit{Hard: hard, Soft: soft, SoftSeconds: time.Duration(secs) * time.Second}
	}
	return l, ""
}

// ParseMemory parses a size exactly as Redis's memtoull: digits, then
// optionally b, k, kb, m, mb, g or gb, in any case (k = 1000, kb = 1024);
// no digits read as 0 and a value too large saturates, as strtoull does.
func ParseMemory(v string) (int64, bool) {
	i := 0
	for i < len(v) && v[i] >= '0' && v[i] <= '9' {
		i++
	}
	var mul uint64
	switch strings.ToLower(v[i:]) {
	case "", "b":
		mul = 1
	case "k":
		mul = 1000
	case "kb":
		mul = 1024
	case "m":
		mul = 1000 * 1000
	case "mb":
		mul = 1024 * 1024
	case "g":
		mul = 1000 * 1000 * 1000
	case "gb":
		mul = 1024 * 1024 * 1024
	default:
		return 0, false
	}
	var n uint64
	if i > 0 {
		var err error
		if n, err = strconv.ParseUint(v[:i], 10, 64); err != nil {
			n = math.MaxUint64 // strtoull saturates
		}
	}
	if n > math.MaxInt64/mul {
		return math.MaxInt64, true
	}
	return int64(n * mul), true
}

// exceeded reports whether pending output bytes break the limit, given
// since, when the output first reached the soft limit (zero: not there),
// as Redis's checkClientOutputBufferLimits decides: at the hard limit, or
// at the soft limit for longer than SoftSeconds.
func (o OutputLimit) exceeded(pending int64, since, now time.Time) bool {
	if o.Hard > 0 && pending >= o.Hard {
		return true
	}
	return o.overSoft(pending) && !since.IsZero() && now.Sub(since) > o.SoftSeconds
}

// overSoft reports whether pending output is at or above the soft limit.
func (o OutputLimit) overSoft(pending int64) bool { return o.Soft > 0 && pending >= o.Soft }
