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

	// The session owns the connection's login (AUTH, HELLO ... AUTH,
	// RESET) and its access control.

	// RequireAuth makes the session a network client's: logged in as
	// the default user only when that user is on and needs no password,
	// as a new Redis client; New calls it.
	RequireAuth()
	// AuthRequired reports whether the session must authenticate before
	// running commands other than AUTH, HELLO, QUIT and RESET.
	AuthRequired() bool
	// User returns the name of the ACL user the session runs as.
	User() string
	// Allow checks, without running it, whether the session may run the
	// command args now (authentication and ACL), and returns the error
	// reply to send when not; a denial is logged as when the command
	// runs. The connection calls it for the commands it answers itself.
	Allow(args []string) (resp.Reply, bool)
}

// Redis's defaults.
const (
	// DefaultMaxBulkLen is proto-max-bulk-len (512 MB).
	DefaultMaxBulkLen = resp.DefaultMaxBulkLen
	// DefaultMaxMultibulkLen is the largest argument count Redis 7.0 takes.
	DefaultMaxMultibulkLen = math.MaxInt32
	// DefaultQueryBufferLimit is client-query-buffer-limit (1 GB).
	DefaultQueryBufferLimit = 1 << 30
	// MinQueryBufferLimit is the smallest client-query-buffer-limit Redis
	// accepts (1 MB).
	MinQueryBufferLimit = 1 << 20
	// MaxBatch bounds the commands taken from one connection's buffer
	// into one batch.
	MaxBatch = 1024
	// bigArg is Redis's PROTO_MBULK_BIG_ARG: a bulk of at least this size
	// is read into an allocation of its own, of its exact size.
	bigArg = 32 << 10
)

// Config configures how connections are served. The zero value serves with
// Redis's defaults and a private registry. A Config may be shared by many
// connections; it must not change once serving started. The buffer limits
// a connection enforces are its registry's [Limits], which CONFIG SET can
// change while it is served. Passwords and users are the store's (its ACL,
// which the session applies): until a client authenticates, when the
// default user needs it, a command may have at most 10 arguments and 16 KB
// bulks (Redis 7.0's limits for unauthenticated clients).
type Config struct {
	// MaxBulkLen is proto-max-bulk-len; zero means 512 MB.
	MaxBulkLen int64
	// MaxMultibulkLen bounds the arguments of one command; zero means
	// Redis 7.0's INT_MAX.
	MaxMultibulkLen int64
	// IdleTimeout closes a connection that neither sent nor received a
	// byte for that long (Redis's timeout); subscribed connections and
	// connections blocked in BLPOP and friends are exempt. Zero: never.
	IdleTimeout time.Duration
	// Registry lists the connections for CLIENT LIST/KILL and INFO and
	// holds the buffer limits; nil gives each connection a registry of
	// its own, with the default limits.
	Registry *Registry
	// Logger receives notices of connections closed for a limit; nil
	// discards them.
	Logger *slog.Logger
}

// withDefaults returns the protocol limits with defaults resolved.
func (c *Config) protoLimits() (maxBulk, maxMbulk int64) {
	maxBulk, maxMbulk = c.MaxBulkLen, c.MaxMultibulkLen
	if maxBulk == 0 {
		maxBulk = DefaultMaxBulkLen
	}
	if maxMbulk == 0 {
		maxMbulk = DefaultMaxMultibulkLen
	}
	return maxBulk, maxMbulk
}
