package kevy

import (
	"context"
	"strconv"
	"time"
)

// The server and connection commands of the typed API, immediate and
// deferred. Administration that only a Store offers (Info, Save, Stats
// ...) lives with what it administers.

// ServerCmdable is the server and connection commands of Store, Conn and
// Tx.
type ServerCmdable interface {
	Ping(ctx context.Context) (string, error)
	Echo(ctx context.Context, msg string) (string, error)
	Time(ctx context.Context) (time.Time, error)
	DBSize(ctx context.Context) (int64, error)
	FlushDB(ctx context.Context) error
	FlushAll(ctx context.Context) error
	SwapDB(ctx context.Context, a, b int) error
}

// ServerPipeCmdable is ServerCmdable deferred: what a Pipeliner queues.
type ServerPipeCmdable interface {
	Ping(ctx context.Context) *StatusCmd
	Echo(ctx context.Context, msg string) *StringCmd
	Time(ctx context.Context) *TimeCmd
	DBSize(ctx context.Context) *IntCmd
	FlushDB(ctx context.Context) *StatusCmd
	FlushAll(ctx context.Context) *StatusCmd
	SwapDB(ctx context.Context, a, b int) *StatusCmd
}

var (
	_ ServerCmdable     = (*Store)(nil)
	_ ServerCmdable     = (*Conn)(nil)
	_ ServerCmdable     = (*Tx)(nil)
	_ ServerPipeCmdable = (*Pipeline)(nil)
)

var (
	cmdPing     = mustCmd("ping")
	cmdEcho     = mustCmd("echo")
	cmdTime     = mustCmd("time")
	cmdDBSize   = mustCmd("dbsize")
	cmdFlushDB  = mustCmd("flushdb")
	cmdFlushAll = mustCmd("flushall")
	cmdSwapDB   = mustCmd("swapdb")
)

// Ping returns "PONG".
func (x cmdable) Ping(ctx context.Context) (string, error) {
	a := [1]string{"PING"}
	return x.str(ctx, cmdPing, a[:])
}

// Echo returns msg.
func (x cmdable) Echo(ctx context.Context, msg string) (string, error) {
	a := [2]string{"ECHO", msg}
	return x.str(ctx, cmdEcho, a[:])
}

// Time returns the store's clock.
func (x cmdable) Time(ctx context.Context) (time.Time, error) {
	a := [1]string{"TIME"}
	return call(ctx, x, cmdTime, a[:], toTime)
}

// DBSize returns the number of keys in the database.
func (x cmdable) DBSize(ctx context.Context) (int64, error) {
	a := [1]string{"DBSIZE"}
	return x.integer(ctx, cmdDBSize, a[:])
}

// FlushDB deletes every key of the database.
func (x cmdable) FlushDB(ctx context.Context) error {
	a := [1]string{"FLUSHDB"}
	return x.status(ctx, cmdFlushDB, a[:])
}

// FlushAll deletes every key of every database.
func (x cmdable) FlushAll(ctx context.Context) error {
	a := [1]string{"FLUSHALL"}
	return x.status(ctx, cmdFlushAll, a[:])
}

// SwapDB exchanges the contents of two databases, atomically for every
// connection.
func (x cmdable) SwapDB(ctx context.Context, a, b int) error {
	argv := [3]string{"SWAPDB", strconv.Itoa(a), strconv.Itoa(b)}
	return x.status(ctx, cmdSwapDB, argv[:])
}

// Select changes the connection's database.
func (c *Conn) Select(ctx context.Context, db int) error {
	a := [2]string{"SELECT", strconv.Itoa(db)}
	return c.status(ctx, mustCmd("select"), a[:]) // a connection command: registered by conncmd.go's init
}
