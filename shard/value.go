package shard

import "strconv"

// moveValue makes dst hold src's value (type, contents, encoding hints),
// sharing collection objects: for RENAME and MOVE, where src is deleted.
func moveValue(dst, src *Entry) {
	dst.Type, dst.Str, dst.Obj, dst.flags = src.Type, src.Str, src.Obj, src.flags
	dst.Access = src.Access
}

// copyValue makes dst hold a deep copy of src's value, for COPY.
func copyValue(dst, src *Entry) {
	dst.Type, dst.Str, dst.flags = src.Type, src.Str, src.flags
	if src.Type == TypeString {
		dst.flags |= entUnshared // Redis's dupStringObject never shares
	}
	dst.Obj = nil
	if src.Obj != nil {
		dst.Obj = src.Obj.Dup()
	}
}

// PropagateEntry records the effects that rebuild e's value and expiry at
// key in database db: what a shard logs when a value arrives from another
// shard (RENAME, COPY, SMOVE of a whole key ...). It does not delete a
// previous value; callers log that first when there was one.
func (ks *Keyspace) PropagateEntry(db int, key string, e *Entry) {
	if !ks.logging {
		return
	}
	EmitEntry(key, e, func(argv ...string) { ks.Propagate(db, argv...) })
}

// EmitEntry calls emit with the commands that rebuild e at key: the value
// (at most 64 elements per command), then its expiry as PEXPIREAT.
func EmitEntry(key string, e *Entry, emit func(argv ...string)) {
	if e.Type == TypeString {
		if e.ExpireAt != 0 {
			emit("SET", key, e.StrValue(), "PXAT", strconv.FormatInt(e.ExpireAt, 10))
		} else {
			emit("SET", key, e.StrValue())
		}
		return
	}
	e.Obj.Emit(key, emit)
	if e.ExpireAt != 0 {
		emit("PEXPIREAT", key, strconv.FormatInt(e.ExpireAt, 10))
	}
}
