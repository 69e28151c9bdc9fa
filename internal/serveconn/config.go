package serveconn

import (
	"context"
	"log/slog"
	"math"
	"time"

	"github.com/kevydb/kevy/resp"
)

// Session is a client session on the store, the state Redis keeps per
// connection (selected database, transaction, subscriptions).
// *kevy.Conn satisfies it. The serving goroutine that owns a connection is
// the only one that calls its Session.
type Session interface {
	// Exec runs one command and returns its reply.
	Exec(ctx context.Context, args ...string) resp.Reply
	// ExecPipeline runs commands in order and returns their replies.
	ExecPipeline(ctx context.Context, cmds ...[]string) []resp.Reply
	// Receive returns the next subscription confirmation or message of a
	// session in subscriber mode, waiting until one arrives or ctx ends.
	Receive(ctx context.Context) (resp.Reply, error)
	// DB returns the selected database.
	DB() int
	// Close ends the session.
	Close() error
}

// OutputLimit is one class of Redis's client-output-buffer-limit: a
// connection whose pending output exceeds Hard bytes, or stays above Soft
// bytes for SoftSeconds, is closed. Zero fields mean the class's default,
// negative ones no limit.
type OutputLimit struct {
	Hard        int64
	Soft        int64
	SoftSeconds time.Duration
}

// Redis's defaults.
const (
	// DefaultMaxBulkLen is proto-max-bulk-len (512 MB).
	DefaultMaxBulkLen = resp.DefaultMaxBulkLen
	// DefaultMaxMultibulkLen is the largest argument count Redis 7.0 takes.
	DefaultMaxMultibulkLen = math.MaxInt32
	// DefaultQueryBufferLimit is client-query-buffer-limit (1 GB).
	DefaultQueryBufferLimit = 1 << 30
	// MaxBatch bounds the commands taken from one connection's buffer
	// into one batch.
	MaxBatch = 1024
)

// DefaultPubSubLimit is Redis's client-output-buffer-limit pubsub
// 32mb 8mb 60. The normal class has no limit by default.
var DefaultPubSubLimit = OutputLimit{Hard: 32 << 20, Soft: 8 << 20, SoftSeconds: 60 * time.Second}

// Config configures how connections are served. The zero value serves with
// Redis's defaults, no password and a private registry. A Config may be
// shared by many connections; it must not change once serving started.
type Config struct {
	// Password is requirepass: when set, clients must AUTH (or HELLO ...
	// AUTH) as the user "default" with it before other commands.
	Password string
	// MaxBulkLen is proto-max-bulk-len; zero means 512 MB.
	MaxBulkLen int64
	// MaxMultibulkLen bounds the arguments of one command; zero means
	// Redis 7.0's INT_MAX.
	MaxMultibulkLen int64
	// QueryBufferLimit is client-query-buffer-limit: the bytes of input
	// read and not yet executed; zero means 1 GB.
	QueryBufferLimit int64
	// Normal is the output limit of ordinary connections; zero fields: no
	// limit (Redis's default "normal 0 0 0").
	Normal OutputLimit
	// PubSub is the output limit of subscribed connections; zero fields:
	// DefaultPubSubLimit.
	PubSub OutputLimit
	// IdleTimeout closes a connection idle for that long (Redis's
	// timeout); subscribed connections are exempt. Zero: never.
	IdleTimeout time.Duration
	// Registry lists the connections for CLIENT LIST/KILL and INFO; nil
	// gives each connection a registry of its own.
	Registry *Registry
	// Logger receives notices of connections closed for a limit; nil
	// discards them.
	Logger *slog.Logger
}

// limits is a Config with defaults resolved.
type limits struct {
	maxBulk, maxMbulk, qbuf int64
	normal, pubsub          OutputLimit
}

func (c *Config) limits() limits {
	l := limits{maxBulk: c.MaxBulkLen, maxMbulk: c.MaxMultibulkLen, qbuf: c.QueryBufferLimit,
		normal: c.Normal, pubsub: c.PubSub}
	if l.maxBulk == 0 {
		l.maxBulk = DefaultMaxBulkLen
	}
	if l.maxMbulk == 0 {
		l.maxMbulk = DefaultMaxMultibulkLen
	}
	if l.qbuf == 0 {
		l.qbuf = DefaultQueryBufferLimit
	}
	if l.pubsub.Hard == 0 {
		l.pubsub.Hard = DefaultPubSubLimit.Hard
	}
	if l.pubsub.Soft == 0 {
		l.pubsub.Soft = DefaultPubSubLimit.Soft
	}
	if l.pubsub.SoftSeconds == 0 {
		l.pubsub.SoftSeconds = DefaultPubSubLimit.SoftSeconds
	}
	return l
}

// exceeded reports whether pending output bytes break the limit, given
// since, when the output first went above the soft limit (zero: not above).
func (o OutputLimit) exceeded(pending int64, since time.Time, now time.Time) bool {
	if o.Hard > 0 && pending > o.Hard {
		return true
	}
	return o.Soft > 0 && pending > o.Soft && !since.IsZero() && now.Sub(since) >= o.SoftSeconds
}
