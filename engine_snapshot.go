package kevy

import (
	"context"

	"github.com/kevydb/kevy/shard"
)

// Exclusive access to shards for persistence work, for either engine: a
// function run on one shard (the actor engine sends it as a message, so
// the shard serves other requests between two of them; the locked engine
// runs it under the write lock), and a function run with every shard held
// at one instant (Store.runHeld). onShard does not refuse work once Close
// has begun, so persistence jobs can clean up before the engine stops.

// onShard runs fn with exclusive access to shard i's keyspace. The effects
// fn records are committed to the shard's log.
func (s *Store) onShard(ctx context.Context, i int, fn func(ks *shard.Keyspace)) error {
	ids := []int{i}
	f := func(_ int, ks *shard.Keyspace) { fn(ks) }
	if s.actor != nil {
		return s.actor.onSome(ctx, ids, f)
	}
	return lockedErr(s.locked.OnSome(ctx, ids, f))
}

// withAllShards runs fn with every shard's keyspace at one instant
// (kss[i] is shard i's), then commits their effects.
func (s *Store) withAllShards(ctx context.Context, fn func(kss []*shard.Keyspace)) error {
	return s.runHeld(ctx, nil, func(_ *shard.Ctx, group []*shard.Keyspace, _ error) { fn(group) })
}
