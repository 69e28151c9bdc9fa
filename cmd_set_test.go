package kevy_test

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"testing"

	"github.com/kevydb/kevy"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sync/errgroup"
)

func TestTypedSets(t *testing.T) {
	ctx := context.Background()
	forEach(t, func(t *testing.T, db *kevy.Store) {
		n, err := db.SAdd(ctx, "s", "a", "b", 3, []string{"c", "a"})
		require.NoError(t, err)
		assert.EqualValues(t, 4, n)
		card, err := db.SCard(ctx, "s")
		require.NoError(t, err)
		assert.EqualValues(t, 4, card)
		ok, err := db.SIsMember(ctx, "s", "3")
		require.NoError(t, err)
		assert.True(t, ok)
		bs, err := db.SMIsMember(ctx, "s", "a", "zz", 3)
		require.NoError(t, err)
		assert.Equal(t, []bool{true, false, true}, bs)
		ms, err := db.SMembers(ctx, "s")
		require.NoError(t, err)
		sort.Strings(ms)
		assert.Equal(t, []string{"3", "a", "b", "c"}, ms)
		mm, err := db.SMembersMap(ctx, "s")
		require.NoError(t, err)
		assert.Equal(t, map[string]struct{}{"3": {}, "a": {}, "b": {}, "c": {}}, mm)
		n, err = db.SRem(ctx, "s", "a", "zz")
		require.NoError(t, err)
		assert.EqualValues(t, 1, n)

		_, err = db.SAdd(ctx, "t", "b", "c", "d")
		require.NoError(t, err)
		inter, err := db.SInter(ctx, "s", "t")
		require.NoError(t, err)
		assert.ElementsMatch(t, []string{"b", "c"}, inter)
		union, err := db.SUnion(ctx, "s", "t")
		require.NoError(t, err)
		assert.ElementsMatch(t, []string{"3", "b", "c", "d"}, union)
		diff, err := db.SDiff(ctx, "s", "t")
		require.NoError(t, err)
		assert.Equal(t, []string{"3"}, diff)
		n, err = db.SInterStore(ctx, "i", "s", "t")
		require.NoError(t, err)
		assert.EqualValues(t, 2, n)
		n, err = db.SUnionStore(ctx, "u", "s", "t")
		require.NoError(t, err)
		assert.EqualValues(t, 4, n)
		n, err = db.SDiffStore(ctx, "d", "t", "s")
		require.NoError(t, err)
		assert.EqualValues(t, 1, n)
		n, err = db.SInterCard(ctx, 0, "s", "t")
		require.NoError(t, err)
		assert.EqualValues(t, 2, n)
		n, err = db.SInterCard(ctx, 1, "s", "t")
		require.NoError(t, err)
		assert.EqualValues(t, 1, n)

		ok, err = db.SMove(ctx, "s", "t", "3")
		require.NoError(t, err)
		assert.True(t, ok)
		ok, err = db.SMove(ctx, "s", "t", "3")
		require.NoError(t, err)
		assert.False(t, ok)

		m, err := db.SRandMember(ctx, "t")
		require.NoError(t, err)
		assert.Contains(t, []string{"3", "b", "c", "d"}, m)
		rs, err := db.SRandMemberN(ctx, "t", 3)
		require.NoError(t, err)
		assert.Len(t, distinct(rs), 3)
		rs, err = db.SRandMemberN(ctx, "t", -9)
		require.NoError(t, err)
		assert.Len(t, rs, 9)
		_, err = db.SRandMember(ctx, "nokey")
		assert.ErrorIs(t, err, kevy.Nil)

		p, err := db.SPop(ctx, "t")
		require.NoError(t, err)
		ps, err := db.SPopN(ctx, "t", 10)
		require.NoError(t, err)
		assert.ElementsMatch(t, []string{"3", "b", "c", "d"}, append(ps, p))
		_, err = db.SPop(ctx, "t")
		assert.ErrorIs(t, err, kevy.Nil)

		require.NoError(t, db.Set(ctx, "str", "x", 0))
		_, err = db.SAdd(ctx, "str", "a")
		assert.ErrorIs(t, err, kevy.ErrWrongType)
		_, err = db.SInter(ctx, "s", "str")
		assert.ErrorIs(t, err, kevy.ErrWrongType)
	})
}

func TestSetRandomShapes(t *testing.T) {
	ctx := context.Background()
	forEach(t, func(t *testing.T, db *kevy.Store) {
		for _, tc := range []struct {
			size int
			enc  string
			mk   func(i int) string
		}{
			{10, "intset", strconv.Itoa},
			{300, "intset", strconv.Itoa},
			{1000, "hashtable", strconv.Itoa},
			{50, "hashtable", func(i int) string { return "m" + strconv.Itoa(i) }},
			{2000, "hashtable", func(i int) string { return "m" + strconv.Itoa(i) }},
		} {
			key := fmt.Sprintf("s%d-%s", tc.size, tc.enc)
			all := map[string]bool{}
			var args []any
			for i := range tc.size {
				all[tc.mk(i)] = true
				args = append(args, tc.mk(i))
			}
			_, err := db.SAdd(ctx, key, args...)
			require.NoError(t, err)
			enc, err := db.ObjectEncoding(ctx, key)
			require.NoError(t, err)
			require.Equal(t, tc.enc, enc)
			for _, count := range []int64{1, 2, int64(tc.size / 3), int64(tc.size/3 + 1), int64(tc.size - 1)} {
				rs, err := db.SRandMemberN(ctx, key, count)
				require.NoError(t, err)
				assert.Len(t, distinct(rs), int(count), "%s count %d", key, count)
				for _, m := range rs {
					assert.True(t, all[m])
				}
			}
			// SPOP in both strategies (few popped; few kept) until empty.
			left := copyBoolMap(all)
			for _, count := range []int64{1, int64(tc.size / 10), int64(tc.size) / 2, int64(tc.size)} {
				ps, err := db.SPopN(ctx, key, count)
				require.NoError(t, err)
				for _, m := range ps {
					require.True(t, left[m], "%s: popped %q twice or never added", key, m)
					delete(left, m)
				}
				c, err := db.SCard(ctx, key)
				require.NoError(t, err)
				require.EqualValues(t, len(left), c)
			}
			ex, err := db.Exists(ctx, key)
			require.NoError(t, err)
			assert.Zero(t, ex)
		}
	})
}

func copyBoolMap(m map[string]bool) map[string]bool {
	out := make(map[string]bool, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// TestSMoveAtomicAcrossShards moves members back and forth between sets on
// different shards while readers check, with one multi-key command, that
// every member is in exactly one of them.
func TestSMoveAtomicAcrossShards(t *testing.T) {
	ctx := context.Background()
	forEach(t, func(t *testing.T, db *kevy.Store) {
		keys := keysOnDistinctShards(t, "smove", 2)
		a, b := keys[0], keys[1]
		const members = 20
		var all []any
		for i := range members {
			all = append(all, "m"+strconv.Itoa(i))
		}
		_, err := db.SAdd(ctx, a, all...)
		require.NoError(t, err)
		var g errgroup.Group
		for w := range 4 {
			g.Go(func() error {
				for i := range 300 {
					m := "m" + strconv.Itoa((i*7+w)%members)
					src, dst := a, b
					if i%2 == 1 {
						src, dst = b, a
					}
					if _, err := db.SMove(ctx, src, dst, m); err != nil {
						return err
					}
				}
				return nil
			})
		}
		for range 2 {
			g.Go(func() error {
				for range 300 {
					u, err := db.SUnion(ctx, a, b)
					if err != nil {
						return err
					}
					if len(u) != members {
						return fmt.Errorf("union has %d members, want %d", len(u), members)
					}
					n, err := db.SInterCard(ctx, 0, a, b)
					if err != nil {
						return err
					}
					if n != 0 {
						return fmt.Errorf("%d members in both sets", n)
					}
				}
				return nil
			})
		}
		require.NoError(t, g.Wait())
	})
}

// TestSetStoreAcrossShards checks the *STORE commands and SINTERCARD when
// the destination and the sources live on different shards.
func TestSetStoreAcrossShards(t *testing.T) {
	ctx := context.Background()
	forEach(t, func(t *testing.T, db *kevy.Store) {
		keys := keysOnDistinctShards(t, "st", 4)
		x, y, z, dst := keys[0], keys[1], keys[2], keys[3]
		for i := range 700 { // > 512: hash tables
			_, err := db.SAdd(ctx, x, i)
			require.NoError(t, err)
			if i%2 == 0 {
				_, err = db.SAdd(ctx, y, i)
				require.NoError(t, err)
			}
			if i%3 == 0 {
				_, err = db.SAdd(ctx, z, i)
				require.NoError(t, err)
			}
		}
		n, err := db.SInterStore(ctx, dst, x, y, z)
		require.NoError(t, err)
		assert.EqualValues(t, 117, n) // multiples of 6 below 700
		enc, err := db.ObjectEncoding(ctx, dst)
		require.NoError(t, err)
		assert.Equal(t, "intset", enc)
		c, err := db.SInterCard(ctx, 50, x, y, z)
		require.NoError(t, err)
		assert.EqualValues(t, 50, c)
		n, err = db.SDiffStore(ctx, dst, x, y, z)
		require.NoError(t, err)
		assert.EqualValues(t, 700-350-117, n)
		n, err = db.SUnionStore(ctx, dst, y, z)
		require.NoError(t, err)
		assert.EqualValues(t, 350+234-117, n)
		enc, err = db.ObjectEncoding(ctx, dst)
		require.NoError(t, err)
		assert.Equal(t, "intset", enc)
		ms, err := db.SMembers(ctx, dst)
		require.NoError(t, err)
		assert.True(t, slices.IsSortedFunc(ms, func(a, b string) int {
			ai, _ := strconv.Atoi(a)
			bi, _ := strconv.Atoi(b)
			return ai - bi
		}), "an intset lists its members in ascending order")
	})
}

// hsDump describes every hash and set of database 0, order-free.
