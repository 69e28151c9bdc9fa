package kevy_test

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/kevydb/kevy"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sync/errgroup"
)

func TestTypedHashes(t *testing.T) {
	ctx := context.Background()
	forEach(t, func(t *testing.T, db *kevy.Store) {
		n, err := db.HSet(ctx, "h", "a", "1", "b", "2")
		require.NoError(t, err)
		assert.EqualValues(t, 2, n)
		n, err = db.HSet(ctx, "h", map[string]any{"c": 3, "a": "10"})
		require.NoError(t, err)
		assert.EqualValues(t, 1, n)
		n, err = db.HSet(ctx, "h", []string{"d", "4"})
		require.NoError(t, err)
		assert.EqualValues(t, 1, n)
		_, err = db.HSet(ctx, "h", "odd")
		assert.EqualError(t, err, "ERR wrong number of arguments for 'hset' command")

		v, err := db.HGet(ctx, "h", "a")
		require.NoError(t, err)
		assert.Equal(t, "10", v)
		_, err = db.HGet(ctx, "h", "zz")
		assert.ErrorIs(t, err, kevy.Nil)
		_, err = db.HGet(ctx, "nokey", "a")
		assert.ErrorIs(t, err, kevy.Nil)

		vals, err := db.HMGet(ctx, "h", "a", "zz", "c")
		require.NoError(t, err)
		assert.Equal(t, []any{"10", nil, "3"}, vals)
		ok, err := db.HMSet(ctx, "h", "e", "5")
		require.NoError(t, err)
		assert.True(t, ok)
		ok, err = db.HSetNX(ctx, "h", "e", "6")
		require.NoError(t, err)
		assert.False(t, ok)
		ok, err = db.HSetNX(ctx, "h", "f", "6")
		require.NoError(t, err)
		assert.True(t, ok)

		all, err := db.HGetAll(ctx, "h")
		require.NoError(t, err)
		assert.Equal(t, map[string]string{"a": "10", "b": "2", "c": "3", "d": "4", "e": "5", "f": "6"}, all)
		keys, err := db.HKeys(ctx, "h")
		require.NoError(t, err)
		assert.Equal(t, []string{"a", "b", "c", "d", "e", "f"}, keys)
		hv, err := db.HVals(ctx, "h")
		require.NoError(t, err)
		assert.Equal(t, []string{"10", "2", "3", "4", "5", "6"}, hv)
		empty, err := db.HGetAll(ctx, "nokey")
		require.NoError(t, err)
		assert.Empty(t, empty)

		l, err := db.HLen(ctx, "h")
		require.NoError(t, err)
		assert.EqualValues(t, 6, l)
		ok, err = db.HExists(ctx, "h", "b")
		require.NoError(t, err)
		assert.True(t, ok)
		sl, err := db.HStrLen(ctx, "h", "a")
		require.NoError(t, err)
		assert.EqualValues(t, 2, sl)

		i, err := db.HIncrBy(ctx, "h", "a", -15)
		require.NoError(t, err)
		assert.EqualValues(t, -5, i)
		_, err = db.HIncrBy(ctx, "h", "a", 1<<62)
		require.NoError(t, err)
		_, err = db.HIncrBy(ctx, "h", "a", math.MaxInt64)
		assert.ErrorIs(t, err, kevy.ErrOverflow)
		f, err := db.HIncrByFloat(ctx, "h", "fl", 2.5)
		require.NoError(t, err)
		assert.Equal(t, 2.5, f)
		f, err = db.HIncrByFloat(ctx, "h", "fl", 0.25)
		require.NoError(t, err)
		assert.Equal(t, 2.75, f)

		d, err := db.HDel(ctx, "h", "a", "b", "zz")
		require.NoError(t, err)
		assert.EqualValues(t, 2, d)

		require.NoError(t, db.Set(ctx, "str", "x", 0))
		_, err = db.HGet(ctx, "str", "a")
		assert.ErrorIs(t, err, kevy.ErrWrongType)
		_, err = db.HSet(ctx, "str", "a", "b")
		assert.ErrorIs(t, err, kevy.ErrWrongType)
		_, err = db.HGetAll(ctx, "str")
		assert.ErrorIs(t, err, kevy.ErrWrongType)
	})
}

func TestHashRandField(t *testing.T) {
	ctx := context.Background()
	forEach(t, func(t *testing.T, db *kevy.Store) {
		for _, size := range []int{5, 40, 600} { // listpack, listpack, hashtable
			key := "h" + strconv.Itoa(size)
			want := map[string]string{}
			var args []any
			for i := range size {
				f, v := "f"+strconv.Itoa(i), "v"+strconv.Itoa(i)
				want[f] = v
				args = append(args, f, v)
			}
			_, err := db.HSet(ctx, key, args...)
			require.NoError(t, err)
			for _, count := range []int{1, 2, size / 3, size/3 + 1, size - 1, size, size + 10} {
				fs, err := db.HRandField(ctx, key, count)
				require.NoError(t, err)
				assert.Len(t, fs, min(count, size), "count %d", count)
				assert.Len(t, distinct(fs), len(fs), "count %d: repeated fields", count)
				for _, f := range fs {
					assert.Contains(t, want, f)
				}
				kvs, err := db.HRandFieldWithValues(ctx, key, count)
				require.NoError(t, err)
				assert.Len(t, kvs, min(count, size))
				for _, kv := range kvs {
					assert.Equal(t, want[kv.Key], kv.Value)
				}
			}
			fs, err := db.HRandField(ctx, key, -3*size)
			require.NoError(t, err)
			assert.Len(t, fs, 3*size)
			if size > 1 {
				assert.Less(t, len(distinct(fs)), len(fs), "a negative count repeats")
			}
			kvs, err := db.HRandFieldWithValues(ctx, key, -7)
			require.NoError(t, err)
			require.Len(t, kvs, 7)
			for _, kv := range kvs {
				assert.Equal(t, want[kv.Key], kv.Value)
			}
		}
		// Every field comes up, at random.
		seen := map[string]bool{}
		for range 200 {
			fs, err := db.HRandField(ctx, "h5", 2)
			require.NoError(t, err)
			for _, f := range fs {
				seen[f] = true
			}
		}
		assert.Len(t, seen, 5)
		_, err := db.HRandField(ctx, "h5", -(1 << 40))
		assert.EqualError(t, err, "ERR value is out of range")
	})
}

func TestHScanSScan(t *testing.T) {
	ctx := context.Background()
	forEach(t, func(t *testing.T, db *kevy.Store) {
		const n = 1000
		var hargs, sargs []any
		for i := range n {
			hargs = append(hargs, "f"+strconv.Itoa(i), "v"+strconv.Itoa(i))
			sargs = append(sargs, "m"+strconv.Itoa(i))
		}
		_, err := db.HSet(ctx, "h", hargs...)
		require.NoError(t, err)
		_, err = db.SAdd(ctx, "s", sargs...)
		require.NoError(t, err)

		flat, calls := scanAll(t, func(c uint64) ([]string, uint64, error) { return db.HScan(ctx, "h", c, "", 20) })
		assert.Greater(t, calls, 10, "a hash table is scanned in steps")
		require.Zero(t, len(flat)%2)
		got := map[string]string{}
		for i := 0; i < len(flat); i += 2 {
			got[flat[i]] = flat[i+1]
		}
		assert.Len(t, got, n)
		assert.Equal(t, "v17", got["f17"])

		members, _ := scanAll(t, func(c uint64) ([]string, uint64, error) { return db.SScan(ctx, "s", c, "m1*", 0) })
		d := distinct(members)
		assert.Len(t, d, 111) // m1, m10..m19, m100..m199
		for m := range d {
			assert.Regexp(t, `^m1`, m)
		}

		// Elements present for the whole iteration are all seen, whatever
		// happens in between.
		var cursor uint64
		seen := map[string]bool{}
		for step := 0; ; step++ {
			got, next, err := db.SScan(ctx, "s", cursor, "", 10)
			require.NoError(t, err)
			for _, m := range got {
				seen[m] = true
			}
			// Grow the set, forcing rehashes, with members outside m0..m999.
			var more []any
			for j := range 50 {
				more = append(more, fmt.Sprintf("x%d-%d", step, j))
			}
			_, err = db.SAdd(ctx, "s", more...)
			require.NoError(t, err)
			if next == 0 {
				break
			}
			cursor = next
		}
		for i := range n {
			require.True(t, seen["m"+strconv.Itoa(i)], "m%d missed", i)
		}
	})
}

// TestHashSetConcurrency hammers one hash and one set from several
// goroutines: increments add up, every popped member is popped once.
func TestHashSetConcurrency(t *testing.T) {
	ctx := context.Background()
	forEach(t, func(t *testing.T, db *kevy.Store) {
		const workers, per = 6, 200
		var members []any
		for i := range workers * per {
			members = append(members, "m"+strconv.Itoa(i))
		}
		_, err := db.SAdd(ctx, "pool", members...)
		require.NoError(t, err)
		var mu sync.Mutex
		popped := map[string]int{}
		var g errgroup.Group
		for w := range workers {
			g.Go(func() error {
				for i := range per {
					if _, err := db.HIncrBy(ctx, "counters", "n", 1); err != nil {
						return err
					}
					if _, err := db.HIncrBy(ctx, "counters", "w"+strconv.Itoa(w), 2); err != nil {
						return err
					}
					if _, err := db.HGetAll(ctx, "counters"); err != nil {
						return err
					}
					var got []string
					var err error
					if i%2 == 0 {
						var m string
						m, err = db.SPop(ctx, "pool")
						got = []string{m}
					} else {
						got, err = db.SPopN(ctx, "pool", 1)
					}
					if err != nil {
						return err
					}
					if _, err := db.SRandMemberN(ctx, "pool", -3); err != nil {
						return err
					}
					mu.Lock()
					for _, m := range got {
						popped[m]++
					}
					mu.Unlock()
				}
				return nil
			})
		}
		require.NoError(t, g.Wait())
		v, err := db.HGet(ctx, "counters", "n")
		require.NoError(t, err)
		assert.Equal(t, strconv.Itoa(workers*per), v)
		for w := range workers {
			v, err := db.HGet(ctx, "counters", "w"+strconv.Itoa(w))
			require.NoError(t, err)
			assert.Equal(t, strconv.Itoa(2*per), v)
		}
		assert.Len(t, popped, workers*per)
		for m, c := range popped {
			require.Equal(t, 1, c, "%s popped %d times", m, c)
		}
		n, err := db.Exists(ctx, "pool")
		require.NoError(t, err)
		assert.Zero(t, n)
	})
}

func hsDump(t *testing.T, db *kevy.Store) []string {
	t.Helper()
	ctx := context.Background()
	keys, err := db.Keys(ctx, "*")
	require.NoError(t, err)
	var out []string
	for _, k := range keys {
		typ, err := db.Type(ctx, k)
		require.NoError(t, err)
		var items []string
		switch typ {
		case "hash":
			m, err := db.HGetAll(ctx, k)
			require.NoError(t, err)
			for f, v := range m {
				items = append(items, f+"="+v)
			}
		case "set":
			items, err = db.SMembers(ctx, k)
			require.NoError(t, err)
		default:
			continue
		}
		sort.Strings(items)
		ttl, err := db.TTL(ctx, k)
		require.NoError(t, err)
		out = append(out, fmt.Sprintf("%s %s ttl=%v %q", k, typ, ttl > 0, items))
	}
	sort.Strings(out)
	return out
}

// TestHashSetPersistence runs hash and set commands whose effects differ
// from their requests (random pops, float increments, cross-shard moves
// and stores) and checks that a reopened store has the same data.
func TestHashSetPersistence(t *testing.T) {
	ctx := context.Background()
	for _, v := range persistVariants {
		t.Run(v.name, func(t *testing.T) {
			cfg := v.cfg
			cfg.Dir = t.TempDir()
			db, err := kevy.Open(cfg)
			require.NoError(t, err)
			var big []any
			for i := range 1500 {
				big = append(big, "m"+strconv.Itoa(i))
			}
			do := func(args ...string) {
				t.Helper()
				r := db.Exec(ctx, args...)
				require.NotEqual(t, kevy.ReplyError, r.Kind, "%q: %s", args, r.Str)
			}
			_, err = db.SAdd(ctx, "big", big...)
			require.NoError(t, err)
			_, err = db.SAdd(ctx, "ints", 1, 2, 3, 4, 5, 6, 7, 8, 9, 10)
			require.NoError(t, err)
			_, err = db.HSet(ctx, "h", "a", "1", "f", "0.1")
			require.NoError(t, err)
			do("SPOP", "big")
			do("SPOP", "big", "7")
			do("SPOP", "big", "1400")
			do("SPOP", "ints", "9")
			do("HINCRBYFLOAT", "h", "f", "0.2")
			do("HINCRBY", "h", "a", "41")
			do("HSETNX", "h", "n", "x")
			do("HDEL", "h", "n")
			do("SMOVE", "big", "moved", "m1499")
			do("SMOVE", "big", "moved", "m1498")
			do("SADD", "a", "x", "y", "z")
			do("SADD", "b", "y", "z", "w")
			do("SINTERSTORE", "i", "a", "b")
			do("SUNIONSTORE", "u", "a", "b", "big")
			do("SDIFFSTORE", "d", "a", "b")
			do("EXPIRE", "u", "1000")
			do("SUNIONSTORE", "a", "a", "b")
			do("SINTERSTORE", "gone", "a", "nokey")
			do("HSET", "h2", "k", strings.Repeat("v", 100))
			do("COPY", "h2", "h3")
			do("RENAME", "h", "h4")
			before := hsDump(t, db)
			require.NoError(t, db.Close())

			db, err = kevy.Open(cfg)
			require.NoError(t, err)
			defer db.Close()
			assert.Equal(t, before, hsDump(t, db))
			f, err := db.HGet(ctx, "h4", "f")
			require.NoError(t, err)
			assert.Equal(t, "0.3", f)
		})
	}
}
