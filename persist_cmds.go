package kevy

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/kevydb/kevy/resp"
	"github.com/kevydb/kevy/shard"
)

// SAVE, BGSAVE, LASTSAVE and BGREWRITEAOF, with Redis's replies, and the
// fields of INFO's persistence section. They need the whole Store, so
// they are connection commands.

func init() {
	registerConn("save", (*Conn).cmdSave)
	registerConn("bgsave", (*Conn).cmdBgsave)
	registerConn("lastsave", (*Conn).cmdLastsave)
	registerConn("bgrewriteaof", (*Conn).cmdBgrewriteaof)
}

// The replies of Redis 7.0.
const (
	msgBgsaveStarted    = "Background saving started"
	msgBgsaveScheduled  = "Background saving scheduled"
	msgBgsaveRunning    = "ERR Background save already in progress"
	msgBgsaveBusy       = "ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible."
	msgRewriteStarted   = "Background append only file rewriting started"
	msgRewriteScheduled = "Background append only file rewriting scheduled"
	msgRewriteRunning   = "ERR Background append only file rewriting already in progress"
)

func (c *Conn) cmdSave(ctx context.Context, _ []string) resp.Reply {
	if c.tx.active {
		return resp.Err("ERR Command not allowed inside a transaction")
	}
	err := c.s.Save(ctx)
	switch {
	case err == nil:
		return resp.OK
	case errors.Is(err, ErrClosed), errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return resp.Err("ERR " + err.Error())
	case errors.Is(err, errBgsaveRunning):
		return resp.Err(msgBgsaveRunning)
	}
	c.s.cfg.Logger.Error("kevy: SAVE failed", "err", err)
	return resp.Err("ERR " + strings.TrimPrefix(err.Error(), "kevy: "))
}

func (c *Conn) cmdBgsave(_ context.Context, args []string) resp.Reply {
	schedule := false
	if len(args) > 1 {
		if len(args) == 2 && shard.EqualFold(args[1], "schedule") {
			schedule = true
		} else {
			return shard.ErrSyntax
		}
	}
	return statusOrErr(c.s.bgsave(schedule || c.tx.active))
}

// statusOrErr turns a status text or an error text into a reply.
func statusOrErr(status string, err error) resp.Reply {
	if err != nil {
		return resp.Err(err.Error())
	}
	return resp.StatusReply(status)
}

func (c *Conn) cmdLastsave(context.Context, []string) resp.Reply {
	return resp.IntReply(c.s.lastSave())
}

func (c *Conn) cmdBgrewriteaof(context.Context, []string) resp.Reply {
	return statusOrErr(c.s.bgrewriteaof())
}

// bgsave starts a background save, or schedules it when schedule is set
// and another job runs; it returns Redis's status or error text.
func (s *Store) bgsave(schedule bool) (string, error) {
	if s.persist == nil {
		return "", errors.New("ERR " + errNoDir.Error())
	}
	m := s.jobs
	m.mu.Lock()
	running := m.bgsave
	m.mu.Unlock()
	if running {
		return "", errors.New(msgBgsaveRunning)
	}
	if !m.tryAcquire() {
		if !schedule {
			return "", errors.New(msgBgsaveBusy)
		}
		m.mu.Lock()
		m.bgsaveScheduled = true
		m.mu.Unlock()
		return msgBgsaveScheduled, nil
	}
	m.goBgsave()
	return msgBgsaveStarted, nil
}

// bgrewriteaof starts a background rewrite of every shard's log, or
// schedules one when another job runs.
func (s *Store) bgrewriteaof() (string, error) {
	if s.persist == nil {
		return "", errors.New("ERR " + errNoDir.Error())
	}
	m := s.jobs
	m.mu.Lock()
	running := m.rewrite
	m.mu.Unlock()
	if running {
		return "", errors.New(msgRewriteRunning)
	}
	if !m.tryAcquire() {
		m.mu.Lock()
		m.rewriteScheduled = true
		m.rewriteFailures = 0
		m.mu.Unlock()
		return msgRewriteScheduled, nil
	}
	m.goRewrite(nil)
	return msgRewriteStarted, nil
}

func (s *Store) lastSave() int64 {
	s.jobs.mu.Lock()
	defer s.jobs.mu.Unlock()
	return s.jobs.lastSave
}

// BgSave starts writing every shard's dump.rdb in the background, as
// Redis's BGSAVE, and returns its status reply ("Background saving
// started"). With schedule set, a save asked for while a rewrite runs is
// scheduled for afterwards instead of refused. Errors carry Redis's text.
func (s *Store) BgSave(ctx context.Context, schedule bool) (string, error) {
	if s.closed.Load() {
		return "", ErrClosed
	}
	st, err := s.bgsave(schedule)
	if err != nil {
		return "", Error(err.Error())
	}
	return st, nil
}

// BgRewriteAOF starts rewriting every shard's append-only file in the
// background, as Redis's BGREWRITEAOF, and returns its status reply.
// [Store.RewriteAOF] waits for the rewrite instead.
func (s *Store) BgRewriteAOF(ctx context.Context) (string, error) {
	if s.closed.Load() {
		return "", ErrClosed
	}
	st, err := s.bgrewriteaof()
	if err != nil {
		return "", Error(err.Error())
	}
	return st, nil
}

// LastSave returns the Unix time of the last successful save (SAVE,
// BGSAVE), or of Open when there was none: Redis's LASTSAVE.
func (s *Store) LastSave(ctx context.Context) (int64, error) {
	if s.closed.Load() {
		return 0, ErrClosed
	}
	return s.lastSave(), nil
}

// writePersistenceInfo writes the fields of INFO's persistence section,
// reading the shards through gather (see infoFrom).
func (s *Store) writePersistenceInfo(b *strings.Builder, gather func(fn func(i int, ks *shard.Keyspace)) error) error {
	n := s.cfg.Shards
	dirty := make([]int64, n)
	logOK := make([]bool, n)
	err := gather(func(i int, ks *shard.Keyspace) {
		dirty[i] = ks.Dirty()
		logOK[i] = s.persist == nil || s.persist.logs[i].Err() == nil
	})
	if err != nil {
		return err
	}
	m := s.jobs
	m.mu.Lock()
	var changes int64
	for i, d := range dirty {
		changes += d - m.dirtyAtSave[i]
	}
	now := time.Now()
	elapsed := func(running bool, since time.Time) int64 {
		if !running {
			return -1
		}
		return int64(now.Sub(since).Seconds())
	}
	status := func(ok bool) string {
		if ok {
			return "ok"
		}
		return "err"
	}
	writeOK := true
	for _, ok := range logOK {
		writeOK = writeOK && ok
	}
	f := func(name string, v any) { fmt.Fprintf(b, "%s:%v\r\n", name, v) }
	f("loading", 0)
	f("async_loading", 0)
	f("rdb_changes_since_last_save", changes)
	f("rdb_bgsave_in_progress", boolInt(m.bgsave))
	f("rdb_last_save_time", m.lastSave)
	f("rdb_last_bgsave_status", status(m.lastBgsaveOK))
	f("rdb_last_bgsave_time_sec", m.lastBgsaveSec)
	f("rdb_current_bgsave_time_sec", elapsed(m.bgsave, m.bgsaveStart))
	f("rdb_saves", m.saves)
	f("aof_enabled", boolInt(s.persist != nil))
	f("aof_rewrite_in_progress", boolInt(m.rewrite))
	f("aof_rewrite_scheduled", boolInt(m.rewriteScheduled))
	f("aof_last_rewrite_time_sec", m.lastRewriteSec)
	f("aof_current_rewrite_time_sec", elapsed(m.rewrite, m.rewriteStart))
	f("aof_last_bgrewrite_status", status(m.lastRewriteOK))
	f("aof_rewrites", m.rewrites)
	f("aof_rewrites_consecutive_failures", m.rewriteFailures)
	f("aof_last_write_status", status(writeOK))
	m.mu.Unlock()
	if s.persist != nil {
		var size, base int64
		for _, l := range s.persist.logs {
			size += l.Size()
			base += l.BaseSize()
		}
		f("aof_current_size", size)
		f("aof_base_size", base)
	}
	return nil
}
