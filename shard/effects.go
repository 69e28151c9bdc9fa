package shard

import "strconv"

// effects is the keyspace's log of the writes it applied since the engine
// last took them: RESP commands, ready to be appended to the shard's AOF.
// Only effects are recorded, never requests: relative expiries become
// absolute, random choices become the keys and members they picked.
type effects struct {
	buf   []byte
	db    int // database selected in the stream so far; -1 = unknown
	n     int // records in buf
	depth int // open Marks: only the outermost WrapMulti wraps
}

// Logging reports whether the keyspace records effects.
func (ks *Keyspace) Logging() bool { return ks.logging }

// SetLogging turns effect recording on or off (off while replaying a log
// into the keyspace).
func (ks *Keyspace) SetLogging(on bool) {
	ks.logging = on
	ks.eff.db = -1
}

// Propagate records one effect on database db, preceded by a SELECT when
// the stream's current database differs. It does nothing when the keyspace
// does not log.
func (ks *Keyspace) Propagate(db int, argv ...string) {
	ks.dirty++ // see snapshot.go
	if !ks.logging {
		return
	}
	if ks.eff.db != db {
		ks.eff.buf = appendCommand(ks.eff.buf, "SELECT", strconv.Itoa(db))
		ks.eff.db = db
	}
	ks.eff.buf = appendCommand(ks.eff.buf, argv...)
	ks.eff.n++
}

// PropagateAll records an effect that does not depend on the selected
// database (FLUSHALL, SWAPDB).
func (ks *Keyspace) PropagateAll(argv ...string) {
	ks.dirty++ // see snapshot.go
	if !ks.logging {
		return
	}
	ks.eff.buf = appendCommand(ks.eff.buf, argv...)
	ks.eff.n++
}

// Effects returns the effects recorded since the last ClearEffects. The
// slice is valid until the next write to the keyspace.
func (ks *Keyspace) Effects() []byte { return ks.eff.buf }

// ClearEffects forgets the recorded effects, keeping the buffer's memory.
func (ks *Keyspace) ClearEffects() {
	if cap(ks.eff.buf) > 1<<20 {
		ks.eff.buf = nil
	} else {
		ks.eff.buf = ks.eff.buf[:0]
	}
	ks.eff.n = 0
}

// ForgetSelectedDB makes the next effect start with a SELECT, as needed at
// the start of a new AOF file.
func (ks *Keyspace) ForgetSelectedDB() { ks.eff.db = -1 }

// EffectMark is a position in the effect log, for wrapping a group of
// effects in MULTI/EXEC.
type EffectMark struct{ off, n int }

// Mark opens a group of effects that must replay all or none: it returns
// the current position of the effect log. Every Mark must be closed by
// exactly one WrapMulti. Groups nest (a command's effects inside EXEC's):
// only the outermost is wrapped, since MULTI cannot nest.
func (ks *Keyspace) Mark() EffectMark {
	ks.eff.depth++
	return EffectMark{off: len(ks.eff.buf), n: ks.eff.n}
}

// WrapMulti closes the group opened by m: when it is the outermost and
// holds two or more effects, they are wrapped in MULTI ... EXEC, so that
// replaying the log applies them all or none.
func (ks *Keyspace) WrapMulti(m EffectMark) {
	if ks.eff.depth--; ks.eff.depth == 0 && ks.eff.n-m.n >= 2 {
		ks.wrapMulti(m)
	}
}

func (ks *Keyspace) wrapMulti(m EffectMark) {
	if !ks.logging {
		return
	}
	tail := append([]byte(nil), ks.eff.buf[m.off:]...)
	ks.eff.buf = appendCommand(ks.eff.buf[:m.off], "MULTI")
	ks.eff.buf = append(ks.eff.buf, tail...)
	ks.eff.buf = appendCommand(ks.eff.buf, "EXEC")
	ks.eff.n += 2
}

// appendCommand appends argv as a RESP multibulk.
func appendCommand(b []byte, argv ...string) []byte {
	b = append(b, '*')
	b = strconv.AppendInt(b, int64(len(argv)), 10)
	b = append(b, '\r', '\n')
	for _, a := range argv {
		b = append(b, '$')
		b = strconv.AppendInt(b, int64(len(a)), 10)
		b = append(b, '\r', '\n')
		b = append(b, a...)
		b = append(b, '\r', '\n')
	}
	return b
}
