package kevy

import (
	"context"
	"strconv"
)

// Pipeline methods for the server and connection commands
// (ServerPipeCmdable): each queues its command and returns a command
// object that holds the result once the pipeline has run.

// Ping queues PING.
func (p *Pipeline) Ping(_ context.Context) *StatusCmd { return queue(p, &StatusCmd{}, "PING") }

// Echo queues ECHO.
func (p *Pipeline) Echo(_ context.Context, msg string) *StringCmd {
	return queue(p, &StringCmd{}, "ECHO", msg)
}

// Time queues TIME.
func (p *Pipeline) Time(_ context.Context) *TimeCmd { return queue(p, &TimeCmd{}, "TIME") }

// DBSize queues DBSIZE.
func (p *Pipeline) DBSize(_ context.Context) *IntCmd { return queue(p, &IntCmd{}, "DBSIZE") }

// FlushDB queues FLUSHDB.
func (p *Pipeline) FlushDB(_ context.Context) *StatusCmd { return queue(p, &StatusCmd{}, "FLUSHDB") }

// FlushAll queues FLUSHALL.
func (p *Pipeline) FlushAll(_ context.Context) *StatusCmd {
	return queue(p, &StatusCmd{}, "FLUSHALL")
}

// SwapDB queues SWAPDB.
func (p *Pipeline) SwapDB(_ context.Context, a, b int) *StatusCmd {
	return queue(p, &StatusCmd{}, "SWAPDB", strconv.Itoa(a), strconv.Itoa(b))
}

// Select queues SELECT.
func (p *Pipeline) Select(_ context.Context, db int) *StatusCmd {
	return queue(p, &StatusCmd{}, "SELECT", strconv.Itoa(db))
}
