package shard

// GetFast is GET key in database db without a Ctx, for the lock-based
// engine's typed Get: it is what Ctx.Run does for a read-only GET, minus
// the pooled Ctx, the command table and the seven frames a resp.Reply is
// returned through. The caller holds the keyspace's read lock (or owns it).
//
// It counts the command, looks the key up without deleting it when it has
// expired (an expired key reads as missing, as under a read lock), counts
// the hit or miss, notifies a keymiss event and touches the key's access
// time: the same effects as GET through Ctx.Run, which fastget_test.go
// checks one against the other.
//
// handled is false, and nothing was done, when the general path must run
// instead: command timing is on (the slow log and INFO commandstats need
// the Ctx's arguments and client), or the key holds another type (the
// WRONGTYPE error reply and its error statistics come from Ctx.Run).
func (ks *Keyspace) GetFast(db int, key string) (val string, found, handled bool) {
	if ks.mem.rt.Slowlog.threshold.Load() >= 0 || db < 0 || db >= len(ks.dbs) {
		return "", false, false
	}
	e := ks.dbs[db].FindShared(key)
	if e != nil && e.ExpireAt != 0 && e.Expired(Now()) {
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
	return e.Str, true, true
}
