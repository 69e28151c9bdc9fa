package acl

import (
	"strconv"
	"sync"
	"time"

	"github.com/kevydb/kevy/resp"
)

// The ACL log (ACL LOG): the latest denials, newest first, bounded by
// acllog-max-len. A denial like one of the ten newest entries (same
// reason, context, object and user, within a minute) bumps that entry's
// count and moves it to the front instead of adding one, as Redis does.

// Context is where a denied command came from.
type Context uint8

// The log contexts.
const (
	Toplevel Context = iota // a client's command
	Multi                   // a command queued in, or run by, a transaction
	Lua                     // a script's redis.call
	Module                  // (Redis modules; kevy has none)
)

func (c Context) String() string {
	switch c {
	case Toplevel:
		return "toplevel"
	case Multi:
		return "multi"
	case Lua:
		return "lua"
	case Module:
		return "module"
	}
	return "unknown"
}

func (r Reason) logName() string {
	switch r {
	case DeniedCommand:
		return "command"
	case DeniedKey:
		return "key"
	case DeniedChannel:
		return "channel"
	case DeniedAuth:
		return "auth"
	}
	return "unknown"
}

// DefaultLogMaxLen is acllog-max-len's default.
const DefaultLogMaxLen = 128

const logGroupWindow = 60 * time.Second

type logEntry struct {
	count    int64
	reason   Reason
	context  Context
	object   string
	username string
	ctime    time.Time
	cinfo    string
}

type aclLog struct {
	mu      sync.Mutex
	entries []*logEntry // newest first
	maxLen  int
}

func (l *aclLog) add(e *logEntry) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for i := 0; i < len(l.entries) && i < 10; i++ {
		m := l.entries[i]
		d := m.ctime.Sub(e.ctime)
		if d < 0 {
			d = -d
		}
		if m.reason == e.reason && m.context == e.context && d <= logGroupWindow &&
			m.object == e.object && m.username == e.username {
			m.cinfo, m.ctime = e.cinfo, e.ctime
			m.count++
			copy(l.entries[1:i+1], l.entries[:i])
			l.entries[0] = m
			return
		}
	}
	l.entries = append(l.entries, nil)
	copy(l.entries[1:], l.entries)
	l.entries[0] = e
	l.trimLocked()
}

func (l *aclLog) trimLocked() {
	if len(l.entries) > l.maxLen {
		clear(l.entries[l.maxLen:])
		l.entries = l.entries[:l.maxLen]
	}
}

// setMaxLen changes the bound; like Redis, the log is trimmed to it when
// the next entry is added, not now.
func (l *aclLog) setMaxLen(n int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.maxLen = n
}

func (l *aclLog) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entries = nil
}

// reply is ACL LOG's reply for the count newest entries: one map of seven
// fields each (flat arrays here; RESP3 connections shape them).
func (l *aclLog) reply(count int64, now time.Time) resp.Reply {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := min(count, int64(len(l.entries)))
	out := make([]resp.Reply, 0, n)
	for _, e := range l.entries[:n] {
		age := float64(now.Sub(e.ctime).Milliseconds()) / 1000
		out = append(out, resp.ArrayReply([]resp.Reply{
			resp.BulkReply("count"), resp.IntReply(e.count),
			resp.BulkReply("reason"), resp.BulkReply(e.reason.logName()),
			resp.BulkReply("context"), resp.BulkReply(e.context.String()),
			resp.BulkReply("object"), resp.BulkReply(e.object),
			resp.BulkReply("username"), resp.BulkReply(e.username),
			resp.BulkReply("age-seconds"), resp.BulkReply(strconv.FormatFloat(age, 'g', 17, 64)),
			resp.BulkReply("client-info"), resp.BulkReply(e.cinfo),
		}))
	}
	return resp.ArrayReply(out)
}
