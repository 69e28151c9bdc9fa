package kevy

import "context"

// The set commands (go-redis's SetCmdable), immediate and deferred.

// SetCmdable is the set commands of Store, Conn and Tx.
type SetCmdable interface {
	SAdd(ctx context.Context, key string, members ...any) (int64, error)
	SRem(ctx context.Context, key string, members ...any) (int64, error)
	SCard(ctx context.Context, key string) (int64, error)
	SIsMember(ctx context.Context, key, member string) (bool, error)
	SMIsMember(ctx context.Context, key string, members ...any) ([]bool, error)
	SMembers(ctx context.Context, key string) ([]string, error)
	SMembersMap(ctx context.Context, key string) (map[string]struct{}, error)
	SPop(ctx context.Context, key string) (string, error)
	SPopN(ctx context.Context, key string, count int64) ([]string, error)
	SRandMember(ctx context.Context, key string) (string, error)
	SRandMemberN(ctx context.Context, key string, count int64) ([]string, error)
	SMove(ctx context.Context, source, destination, member string) (bool, error)
	SInter(ctx context.Context, keys ...string) ([]string, error)
	SUnion(ctx context.Context, keys ...string) ([]string, error)
	SDiff(ctx context.Context, keys ...string) ([]string, error)
	SInterStore(ctx context.Context, destination string, keys ...string) (int64, error)
	SUnionStore(ctx context.Context, destination string, keys ...string) (int64, error)
	SDiffStore(ctx context.Context, destination string, keys ...string) (int64, error)
	SInterCard(ctx context.Context, limit int64, keys ...string) (int64, error)
	SScan(ctx context.Context, key string, cursor uint64, match string, count int64) ([]string, uint64, error)
}

// SetPipeCmdable is SetCmdable deferred: what a Pipeliner queues.
type SetPipeCmdable interface {
	SAdd(ctx context.Context, key string, members ...any) *IntCmd
	SRem(ctx context.Context, key string, members ...any) *IntCmd
	SCard(ctx context.Context, key string) *IntCmd
	SIsMember(ctx context.Context, key, member string) *BoolCmd
	SMIsMember(ctx context.Context, key string, members ...any) *BoolSliceCmd
	SMembers(ctx context.Context, key string) *StringSliceCmd
	SMembersMap(ctx context.Context, key string) *StringStructMapCmd
	SPop(ctx context.Context, key string) *StringCmd
	SPopN(ctx context.Context, key string, count int64) *StringSliceCmd
	SRandMember(ctx context.Context, key string) *StringCmd
	SRandMemberN(ctx context.Context, key string, count int64) *StringSliceCmd
	SMove(ctx context.Context, source, destination, member string) *BoolCmd
	SInter(ctx context.Context, keys ...string) *StringSliceCmd
	SUnion(ctx context.Context, keys ...string) *StringSliceCmd
	SDiff(ctx context.Context, keys ...string) *StringSliceCmd
	SInterStore(ctx context.Context, destination string, keys ...string) *IntCmd
	SUnionStore(ctx context.Context, destination string, keys ...string) *IntCmd
	SDiffStore(ctx context.Context, destination string, keys ...string) *IntCmd
	SInterCard(ctx context.Context, limit int64, keys ...string) *IntCmd
	SScan(ctx context.Context, key string, cursor uint64, match string, count int64) *ScanCmd
}

var (
	_ SetCmdable     = (*Store)(nil)
	_ SetCmdable     = (*Conn)(nil)
	_ SetCmdable     = (*Tx)(nil)
	_ SetPipeCmdable = (*Pipeline)(nil)
)

var (
	cmdSAdd        = mustCmd("sadd")
	cmdSRem        = mustCmd("srem")
	cmdSCard       = mustCmd("scard")
	cmdSIsMember   = mustCmd("sismember")
	cmdSMIsMember  = mustCmd("smismember")
	cmdSMembers    = mustCmd("smembers")
	cmdSPop        = mustCmd("spop")
	cmdSRandMember = mustCmd("srandmember")
	cmdSMove       = mustCmd("smove")
	cmdSInter      = mustCmd("sinter")
	cmdSUnion      = mustCmd("sunion")
	cmdSDiff       = mustCmd("sdiff")
	cmdSInterStore = mustCmd("sinterstore")
	cmdSUnionStore = mustCmd("sunionstore")
	cmdSDiffStore  = mustCmd("sdiffstore")
	cmdSInterCard  = mustCmd("sintercard")
	cmdSScan       = mustCmd("sscan")
)

// SAdd adds members to the set at key and returns how many were new.
// Members may be strings, numbers, or a []string / []any of them, as with
// go-redis.
func (x cmdable) SAdd(ctx context.Context, key string, members ...any) (int64, error) {
	if len(members) == 1 {
		if m, ok := members[0].(string); ok {
			a := [3]string{"SADD", key, m}
			return x.integer(ctx, cmdSAdd, a[:])
		}
	}
	argv, err := flatten([]string{"SADD", key}, members)
	if err != nil {
		return 0, err
	}
	return x.integer(ctx, cmdSAdd, argv)
}

// SRem removes members from the set at key and returns how many were
// there. Members as in SAdd.
func (x cmdable) SRem(ctx context.Context, key string, members ...any) (int64, error) {
	argv, err := flatten([]string{"SREM", key}, members)
	if err != nil {
		return 0, err
	}
	return x.integer(ctx, cmdSRem, argv)
}

// SCard returns the number of members of the set at key.
func (x cmdable) SCard(ctx context.Context, key string) (int64, error) {
	a := [2]string{"SCARD", key}
	return x.integer(ctx, cmdSCard, a[:])
}

// SIsMember reports whether member is in the set at key.
func (x cmdable) SIsMember(ctx context.Context, key, member string) (bool, error) {
	a := [3]string{"SISMEMBER", key, member}
	return x.boolean(ctx, cmdSIsMember, a[:])
}

// SMIsMember reports, for each of members (as in SAdd), whether it is in
// the set at key.
func (x cmdable) SMIsMember(ctx context.Context, key string, members ...any) ([]bool, error) {
	argv, err := flatten([]string{"SMISMEMBER", key}, members)
	if err != nil {
		return nil, err
	}
	return call(ctx, x, cmdSMIsMember, argv, toBools)
}

// SMembers returns the members of the set at key (order unspecified; an
// all-integer set of up to 512 members comes in ascending order, as from
// Redis).
func (x cmdable) SMembers(ctx context.Context, key string) ([]string, error) {
	a := [2]string{"SMEMBERS", key}
	return call(ctx, x, cmdSMembers, a[:], toStrings)
}

// SMembersMap returns the members of the set at key as a map.
func (x cmdable) SMembersMap(ctx context.Context, key string) (map[string]struct{}, error) {
	a := [2]string{"SMEMBERS", key}
	return call(ctx, x, cmdSMembers, a[:], toStringSet)
}

// SPop removes and returns a random member of the set at key, or Nil when
// the key does not exist.
func (x cmdable) SPop(ctx context.Context, key string) (string, error) {
	a := [2]string{"SPOP", key}
	return x.str(ctx, cmdSPop, a[:])
}

// SPopN removes and returns up to count random members of the set at key.
func (x cmdable) SPopN(ctx context.Context, key string, count int64) ([]string, error) {
	a := [3]string{"SPOP", key, formatInt(count)}
	return call(ctx, x, cmdSPop, a[:], toStrings)
}

// SRandMember returns a random member of the set at key, or Nil when the
// key does not exist.
func (x cmdable) SRandMember(ctx context.Context, key string) (string, error) {
	a := [2]string{"SRANDMEMBER", key}
	return x.str(ctx, cmdSRandMember, a[:])
}

// SRandMemberN returns random members of the set at key: count > 0 gives
// up to count distinct members, count < 0 gives -count members that may
// repeat.
func (x cmdable) SRandMemberN(ctx context.Context, key string, count int64) ([]string, error) {
	a := [3]string{"SRANDMEMBER", key, formatInt(count)}
	return call(ctx, x, cmdSRandMember, a[:], toStrings)
}

// SMove moves member from the set at source to the set at destination,
// atomically even when the keys live on different shards, and reports
// whether source held it.
func (x cmdable) SMove(ctx context.Context, source, destination, member string) (bool, error) {
	a := [4]string{"SMOVE", source, destination, member}
	return x.boolean(ctx, cmdSMove, a[:])
}

// SInter returns the intersection of the sets at keys.
func (x cmdable) SInter(ctx context.Context, keys ...string) ([]string, error) {
	return call(ctx, x, cmdSInter, args("SINTER", keys...), toStrings)
}

// SUnion returns the union of the sets at keys.
func (x cmdable) SUnion(ctx context.Context, keys ...string) ([]string, error) {
	return call(ctx, x, cmdSUnion, args("SUNION", keys...), toStrings)
}

// SDiff returns the members of the set at the first key that are in none
// of the sets at the other keys.
func (x cmdable) SDiff(ctx context.Context, keys ...string) ([]string, error) {
	return call(ctx, x, cmdSDiff, args("SDIFF", keys...), toStrings)
}

// SInterStore stores the intersection of the sets at keys at destination
// (deleting it when empty) and returns its size.
func (x cmdable) SInterStore(ctx context.Context, destination string, keys ...string) (int64, error) {
	return x.integer(ctx, cmdSInterStore, keyArgs("SINTERSTORE", destination, keys))
}

// SUnionStore stores the union of the sets at keys at destination and
// returns its size.
func (x cmdable) SUnionStore(ctx context.Context, destination string, keys ...string) (int64, error) {
	return x.integer(ctx, cmdSUnionStore, keyArgs("SUNIONSTORE", destination, keys))
}

// SDiffStore stores the difference of the sets at keys (as SDiff) at
// destination and returns its size.
func (x cmdable) SDiffStore(ctx context.Context, destination string, keys ...string) (int64, error) {
	return x.integer(ctx, cmdSDiffStore, keyArgs("SDIFFSTORE", destination, keys))
}

// SInterCard returns the size of the intersection of the sets at keys,
// counting no further than limit when limit > 0.
func (x cmdable) SInterCard(ctx context.Context, limit int64, keys ...string) (int64, error) {
	return x.integer(ctx, cmdSInterCard, interCardArgv("SINTERCARD", limit, keys))
}

// SScan returns some members of the set at key matching match ("" = all)
// from cursor, and the cursor to continue from (0 when the iteration is
// complete). count is a hint of how many to look at (0 = Redis's default of
// 10). A small all-integer set comes back whole.
func (x cmdable) SScan(ctx context.Context, key string, cursor uint64, match string, count int64) ([]string, uint64, error) {
	var a [7]string
	return call2(ctx, x, cmdSScan, collectionScanArgv(&a, "SSCAN", key, cursor, match, count), toScan)
}
