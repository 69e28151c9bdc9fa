package kevy

import "context"

// Pipeline methods for the set commands (SetPipeCmdable): each queues its
// command and returns a command object that holds the result once the
// pipeline has run.

// SAdd queues SADD (members as Store.SAdd takes them).
func (p *Pipeline) SAdd(_ context.Context, key string, members ...any) *IntCmd {
	words, err := flatten([]string{"SADD", key}, members)
	return queueErr(p, &IntCmd{}, words, err)
}

// SRem queues SREM (members as Store.SAdd takes them).
func (p *Pipeline) SRem(_ context.Context, key string, members ...any) *IntCmd {
	words, err := flatten([]string{"SREM", key}, members)
	return queueErr(p, &IntCmd{}, words, err)
}

// SCard queues SCARD.
func (p *Pipeline) SCard(_ context.Context, key string) *IntCmd {
	return queue(p, &IntCmd{}, "SCARD", key)
}

// SIsMember queues SISMEMBER.
func (p *Pipeline) SIsMember(_ context.Context, key, member string) *BoolCmd {
	return queue(p, &BoolCmd{}, "SISMEMBER", key, member)
}

// SMIsMember queues SMISMEMBER (members as Store.SAdd takes them).
func (p *Pipeline) SMIsMember(_ context.Context, key string, members ...any) *BoolSliceCmd {
	words, err := flatten([]string{"SMISMEMBER", key}, members)
	return queueErr(p, &BoolSliceCmd{}, words, err)
}

// SMembers queues SMEMBERS.
func (p *Pipeline) SMembers(_ context.Context, key string) *StringSliceCmd {
	return queue(p, &StringSliceCmd{}, "SMEMBERS", key)
}

// SMembersMap queues SMEMBERS, its result a map.
func (p *Pipeline) SMembersMap(_ context.Context, key string) *StringStructMapCmd {
	return queue(p, &StringStructMapCmd{}, "SMEMBERS", key)
}

// SPop queues SPOP.
func (p *Pipeline) SPop(_ context.Context, key string) *StringCmd {
	return queue(p, &StringCmd{}, "SPOP", key)
}

// SPopN queues SPOP with a count.
func (p *Pipeline) SPopN(_ context.Context, key string, count int64) *StringSliceCmd {
	return queue(p, &StringSliceCmd{}, "SPOP", key, formatInt(count))
}

// SRandMember queues SRANDMEMBER.
func (p *Pipeline) SRandMember(_ context.Context, key string) *StringCmd {
	return queue(p, &StringCmd{}, "SRANDMEMBER", key)
}

// SRandMemberN queues SRANDMEMBER with a count.
func (p *Pipeline) SRandMemberN(_ context.Context, key string, count int64) *StringSliceCmd {
	return queue(p, &StringSliceCmd{}, "SRANDMEMBER", key, formatInt(count))
}

// SMove queues SMOVE.
func (p *Pipeline) SMove(_ context.Context, source, destination, member string) *BoolCmd {
	return queue(p, &BoolCmd{}, "SMOVE", source, destination, member)
}

// SInter queues SINTER.
func (p *Pipeline) SInter(_ context.Context, keys ...string) *StringSliceCmd {
	return queue(p, &StringSliceCmd{}, args("SINTER", keys...)...)
}

// SUnion queues SUNION.
func (p *Pipeline) SUnion(_ context.Context, keys ...string) *StringSliceCmd {
	return queue(p, &StringSliceCmd{}, args("SUNION", keys...)...)
}

// SDiff queues SDIFF.
func (p *Pipeline) SDiff(_ context.Context, keys ...string) *StringSliceCmd {
	return queue(p, &StringSliceCmd{}, args("SDIFF", keys...)...)
}

// SInterStore queues SINTERSTORE.
func (p *Pipeline) SInterStore(_ context.Context, destination string, keys ...string) *IntCmd {
	return queue(p, &IntCmd{}, keyArgs("SINTERSTORE", destination, keys)...)
}

// SUnionStore queues SUNIONSTORE.
func (p *Pipeline) SUnionStore(_ context.Context, destination string, keys ...string) *IntCmd {
	return queue(p, &IntCmd{}, keyArgs("SUNIONSTORE", destination, keys)...)
}

// SDiffStore queues SDIFFSTORE.
func (p *Pipeline) SDiffStore(_ context.Context, destination string, keys ...string) *IntCmd {
	return queue(p, &IntCmd{}, keyArgs("SDIFFSTORE", destination, keys)...)
}

// SInterCard queues SINTERCARD.
func (p *Pipeline) SInterCard(_ context.Context, limit int64, keys ...string) *IntCmd {
	return queue(p, &IntCmd{}, interCardArgv("SINTERCARD", limit, keys)...)
}

// SScan queues SSCAN (arguments as Store.SScan).
func (p *Pipeline) SScan(_ context.Context, key string, cursor uint64, match string, count int64) *ScanCmd {
	return queue(p, &ScanCmd{}, collectionScanArgv(new([7]string), "SSCAN", key, cursor, match, count)...)
}
