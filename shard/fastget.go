package shard

// GetFast is GET key in database db without a Ctx: what Ctx.Run does for
// GET, minus the Ctx, the command table and the frames a resp.Reply is
// returned through. The lock-based engine's typed Get calls it under the
// shard's read lock (shared = true); the actor engine's shard calls it for
// every GET it runs (shared = false: it owns the keyspace).
//
// It counts the command, looks the key up, counts the hit or miss,
// notifies a keymiss event and touches the key's access time: the same
// effects as GET through Ctx.Run, which fastget_test.go checks one against
// the other. A shared reader never deletes: an expired key reads as
// missing, as under a read lock.
//
// handled is false, and nothing was done, when the general path must run
// instead: command timing is on (the slow log and INFO commandstats need
// the Ctx's arguments and client), the key holds another type (the
// WRONGTYPE error reply and its error statistics come from Ctx.Run), or
// an owner found the key expired (Ctx.Run deletes it, with its event and
// its logged DEL).
func (ks *Keyspace) GetFast(db int, key string, shared bool) (val string, found, handled bool) {
	if ks.mem.rt.Slowlog.Threshold() >= 0 || db < 0 || db >= len(ks.dbs) {
		return "", false, false
	}
	var e *Entry
	if shared {
		e = ks.dbs[db].FindShared(key)
	} else {
		e = ks.dbs[db].Find(key)
	}
	if e != nil && e.ExpireAt != 0 && e.Expired(Now()) {
		if !shared {
			return "", false, false
		}
		e = nil
	}
	if e != nil && e.Type != TypeString {
		return "", false, false
	}
	ks.Stats.Commands.Add(1)
	if e == nil {
		ks.Stats.Misses.Add(1)
		ks.Notify(db, NotifyKeyMiss, "keymiss", key)
		return "", false, true
	}
	ks.Stats.Hits.Add(1)
	ks.touch(e)
	return e.StrValue(), true, true
}
