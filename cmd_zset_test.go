package kevy_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/kevydb/kevy"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sync/errgroup"
)

func TestTypedZSets(t *testing.T) {
	ctx := context.Background()
	forEach(t, func(t *testing.T, db *kevy.Store) {
		n, err := db.ZAdd(ctx, "z", kevy.Z{Score: 1, Member: "a"})
		require.NoError(t, err)
		assert.EqualValues(t, 1, n)
		n, err = db.ZAdd(ctx, "z", kevy.Z{Score: 2, Member: "b"}, kevy.Z{Score: 3, Member: "c"}, kevy.Z{Score: 10, Member: "a"})
		require.NoError(t, err)
		assert.EqualValues(t, 2, n)
		n, err = db.ZAddNX(ctx, "z", kevy.Z{Score: 0, Member: "a"}, kevy.Z{Score: 4, Member: "d"})
		require.NoError(t, err)
		assert.EqualValues(t, 1, n)
		n, err = db.ZAddXX(ctx, "z", kevy.Z{Score: 1, Member: "a"}, kevy.Z{Score: 5, Member: "nope"})
		require.NoError(t, err)
		assert.EqualValues(t, 0, n)
		n, err = db.ZAddGT(ctx, "z", kevy.Z{Score: 0, Member: "a"}, kevy.Z{Score: math.Inf(1), Member: "inf"})
		require.NoError(t, err)
		assert.EqualValues(t, 1, n)
		n, err = db.ZAddLT(ctx, "z", kevy.Z{Score: 0.5, Member: "a"})
		require.NoError(t, err)
		assert.EqualValues(t, 0, n)
		n, err = db.ZAddArgs(ctx, "z", kevy.ZAddArgs{GT: true, Ch: true, Members: []kevy.Z{{Score: 1, Member: "a"}, {Score: 7, Member: "d"}}})
		require.NoError(t, err)
		assert.EqualValues(t, 2, n)
		f, err := db.ZAddArgsIncr(ctx, "z", kevy.ZAddArgs{XX: true, Members: []kevy.Z{{Score: 0.25, Member: "a"}}})
		require.NoError(t, err)
		assert.Equal(t, 1.25, f)
		_, err = db.ZAddArgsIncr(ctx, "z", kevy.ZAddArgs{NX: true, Members: []kevy.Z{{Score: 1, Member: "a"}}})
		assert.ErrorIs(t, err, kevy.Nil)
		_, err = db.ZAddArgs(ctx, "z", kevy.ZAddArgs{NX: true, XX: true, Members: []kevy.Z{{Score: 1, Member: "a"}}})
		assert.EqualError(t, err, "ERR XX and NX options at the same time are not compatible")
		_, err = db.ZAdd(ctx, "z", kevy.Z{Score: math.NaN(), Member: "a"})
		assert.EqualError(t, err, "ERR value is not a valid float")

		f, err = db.ZIncrBy(ctx, "z", 1.25, "a")
		require.NoError(t, err)
		assert.Equal(t, 2.5, f)
		_, err = db.ZIncrBy(ctx, "z", math.Inf(-1), "inf")
		assert.EqualError(t, err, "ERR resulting score is not a number (NaN)")

		card, err := db.ZCard(ctx, "z")
		require.NoError(t, err)
		assert.EqualValues(t, 5, card)
		s, err := db.ZScore(ctx, "z", "inf")
		require.NoError(t, err)
		assert.True(t, math.IsInf(s, 1))
		_, err = db.ZScore(ctx, "z", "zz")
		assert.ErrorIs(t, err, kevy.Nil)
		ss, err := db.ZMScore(ctx, "z", "a", "zz", "d")
		require.NoError(t, err)
		assert.Equal(t, []float64{2.5, 0, 7}, ss)

		// b=2 a=2.5 c=3 d=7 inf=+inf
		r, err := db.ZRank(ctx, "z", "c")
		require.NoError(t, err)
		assert.EqualValues(t, 2, r)
		r, err = db.ZRevRank(ctx, "z", "c")
		require.NoError(t, err)
		assert.EqualValues(t, 2, r)
		_, err = db.ZRank(ctx, "z", "zz")
		assert.ErrorIs(t, err, kevy.Nil)
		cnt, err := db.ZCount(ctx, "z", "(2", "+inf")
		require.NoError(t, err)
		assert.EqualValues(t, 4, cnt)

		members, err := db.ZRange(ctx, "z", 0, -1)
		require.NoError(t, err)
		assert.Equal(t, []string{"b", "a", "c", "d", "inf"}, members)
		zs, err := db.ZRangeWithScores(ctx, "z", -2, -1)
		require.NoError(t, err)
		assert.Equal(t, []kevy.Z{{Score: 7, Member: "d"}, {Score: math.Inf(1), Member: "inf"}}, zs)
		members, err = db.ZRevRange(ctx, "z", 0, 1)
		require.NoError(t, err)
		assert.Equal(t, []string{"inf", "d"}, members)
		zs, err = db.ZRevRangeWithScores(ctx, "z", 4, 4)
		require.NoError(t, err)
		assert.Equal(t, []kevy.Z{{Score: 2, Member: "b"}}, zs)

		members, err = db.ZRangeArgs(ctx, kevy.ZRangeArgs{Key: "z", Start: "(2", Stop: "+inf", ByScore: true, Rev: true, Offset: 1, Count: 1})
		require.NoError(t, err)
		assert.Equal(t, []string{"d"}, members)
		zs, err = db.ZRangeArgsWithScores(ctx, kevy.ZRangeArgs{Key: "z", Start: 0, Stop: 1})
		require.NoError(t, err)
		assert.Equal(t, []kevy.Z{{Score: 2, Member: "b"}, {Score: 2.5, Member: "a"}}, zs)
		members, err = db.ZRangeByScore(ctx, "z", &kevy.ZRangeBy{Min: "2", Max: "3"})
		require.NoError(t, err)
		assert.Equal(t, []string{"b", "a", "c"}, members)
		zs, err = db.ZRangeByScoreWithScores(ctx, "z", &kevy.ZRangeBy{Min: "2", Max: "inf", Offset: 3, Count: 5})
		require.NoError(t, err)
		assert.Equal(t, []kevy.Z{{Score: 7, Member: "d"}, {Score: math.Inf(1), Member: "inf"}}, zs)
		members, err = db.ZRevRangeByScore(ctx, "z", &kevy.ZRangeBy{Min: "2", Max: "3"})
		require.NoError(t, err)
		assert.Equal(t, []string{"c", "a", "b"}, members)
		zs, err = db.ZRevRangeByScoreWithScores(ctx, "z", &kevy.ZRangeBy{Min: "-inf", Max: "(7"})
		require.NoError(t, err)
		assert.Len(t, zs, 3)

		_, err = db.ZAdd(ctx, "lex", kevy.Z{Member: "a"}, kevy.Z{Member: "b"}, kevy.Z{Member: "c"})
		require.NoError(t, err)
		members, err = db.ZRangeByLex(ctx, "lex", &kevy.ZRangeBy{Min: "(a", Max: "+"})
		require.NoError(t, err)
		assert.Equal(t, []string{"b", "c"}, members)
		members, err = db.ZRevRangeByLex(ctx, "lex", &kevy.ZRangeBy{Min: "-", Max: "[b"})
		require.NoError(t, err)
		assert.Equal(t, []string{"b", "a"}, members)
		cnt, err = db.ZLexCount(ctx, "lex", "-", "(c")
		require.NoError(t, err)
		assert.EqualValues(t, 2, cnt)
		members, err = db.ZRangeArgs(ctx, kevy.ZRangeArgs{Key: "lex", Start: "[a", Stop: "[b", ByLex: true, Rev: true})
		require.NoError(t, err)
		assert.Equal(t, []string{"b", "a"}, members)

		n, err = db.ZRangeStore(ctx, "stored", kevy.ZRangeArgs{Key: "z", Start: 1, Stop: 2})
		require.NoError(t, err)
		assert.EqualValues(t, 2, n)
		members, err = db.ZRange(ctx, "stored", 0, -1)
		require.NoError(t, err)
		assert.Equal(t, []string{"a", "c"}, members)

		n, err = db.ZRem(ctx, "z", "b", "zz", []string{"c"})
		require.NoError(t, err)
		assert.EqualValues(t, 2, n)
		n, err = db.ZRemRangeByScore(ctx, "z", "(2", "7")
		require.NoError(t, err)
		assert.EqualValues(t, 2, n)
		n, err = db.ZRemRangeByRank(ctx, "z", -1, -1)
		require.NoError(t, err)
		assert.EqualValues(t, 1, n)
		n, err = db.ZRemRangeByLex(ctx, "lex", "[b", "+")
		require.NoError(t, err)
		assert.EqualValues(t, 2, n)

		_, err = db.ZAdd(ctx, "p", kevy.Z{Score: 1, Member: "x"}, kevy.Z{Score: 2, Member: "y"}, kevy.Z{Score: 3, Member: "w"})
		require.NoError(t, err)
		zs, err = db.ZPopMin(ctx, "p")
		require.NoError(t, err)
		assert.Equal(t, []kevy.Z{{Score: 1, Member: "x"}}, zs)
		zs, err = db.ZPopMax(ctx, "p", 5)
		require.NoError(t, err)
		assert.Equal(t, []kevy.Z{{Score: 3, Member: "w"}, {Score: 2, Member: "y"}}, zs)
		_, err = db.ZPopMin(ctx, "p", 1, 2)
		assert.Error(t, err)
		zs, err = db.ZPopMin(ctx, "p")
		require.NoError(t, err)
		assert.Empty(t, zs)

		_, err = db.ZAdd(ctx, "m", kevy.Z{Score: 1, Member: "x"}, kevy.Z{Score: 2, Member: "y"})
		require.NoError(t, err)
		key, zs, err := db.ZMPop(ctx, "MAX", 5, "nokey", "m")
		require.NoError(t, err)
		assert.Equal(t, "m", key)
		assert.Equal(t, []kevy.Z{{Score: 2, Member: "y"}, {Score: 1, Member: "x"}}, zs)
		_, _, err = db.ZMPop(ctx, "MIN", 1, "nokey")
		assert.ErrorIs(t, err, kevy.Nil)

		s1, s2 := "s1", "s2"
		_, err = db.ZAdd(ctx, s1, kevy.Z{Score: 1, Member: "x"}, kevy.Z{Score: 2, Member: "y"})
		require.NoError(t, err)
		_, err = db.ZAdd(ctx, s2, kevy.Z{Score: 10, Member: "y"}, kevy.Z{Score: 20, Member: "z"})
		require.NoError(t, err)
		_, err = db.SAdd(ctx, "set", "z", "y")
		require.NoError(t, err)
		n, err = db.ZUnionStore(ctx, "u", &kevy.ZStore{Keys: []string{s1, s2}, Weights: []float64{2, 1}})
		require.NoError(t, err)
		assert.EqualValues(t, 3, n)
		zs, err = db.ZRangeWithScores(ctx, "u", 0, -1)
		require.NoError(t, err)
		assert.Equal(t, []kevy.Z{{Score: 2, Member: "x"}, {Score: 14, Member: "y"}, {Score: 20, Member: "z"}}, zs)
		n, err = db.ZInterStore(ctx, "i", &kevy.ZStore{Keys: []string{s1, s2, "set"}, Aggregate: "MIN"})
		require.NoError(t, err)
		assert.EqualValues(t, 1, n)
		members, err = db.ZUnion(ctx, kevy.ZStore{Keys: []string{s1, "set"}})
		require.NoError(t, err)
		assert.Equal(t, []string{"x", "z", "y"}, members)
		zs, err = db.ZUnionWithScores(ctx, kevy.ZStore{Keys: []string{s1, s2}, Aggregate: "MAX"})
		require.NoError(t, err)
		assert.Equal(t, []kevy.Z{{Score: 1, Member: "x"}, {Score: 10, Member: "y"}, {Score: 20, Member: "z"}}, zs)
		members, err = db.ZInter(ctx, &kevy.ZStore{Keys: []string{s1, s2}})
		require.NoError(t, err)
		assert.Equal(t, []string{"y"}, members)
		zs, err = db.ZInterWithScores(ctx, &kevy.ZStore{Keys: []string{s1, s2}, Weights: []float64{1, 0}})
		require.NoError(t, err)
		assert.Equal(t, []kevy.Z{{Score: 2, Member: "y"}}, zs)
		members, err = db.ZDiff(ctx, s1, s2)
		require.NoError(t, err)
		assert.Equal(t, []string{"x"}, members)
		zs, err = db.ZDiffWithScores(ctx, s2, "set")
		require.NoError(t, err)
		assert.Empty(t, zs)
		n, err = db.ZDiffStore(ctx, "d", s1, s2)
		require.NoError(t, err)
		assert.EqualValues(t, 1, n)
		n, err = db.ZInterCard(ctx, 0, s1, s2, "set")
		require.NoError(t, err)
		assert.EqualValues(t, 1, n)
		n, err = db.ZInterCard(ctx, 1, s1, s1)
		require.NoError(t, err)
		assert.EqualValues(t, 1, n)

		members, err = db.ZRandMember(ctx, s1, 5)
		require.NoError(t, err)
		assert.ElementsMatch(t, []string{"x", "y"}, members)
		zs, err = db.ZRandMemberWithScores(ctx, s1, -3)
		require.NoError(t, err)
		assert.Len(t, zs, 3)
		for _, z := range zs {
			assert.Equal(t, map[string]float64{"x": 1, "y": 2}[z.Member], z.Score)
		}

		items, cursor, err := db.ZScan(ctx, s1, 0, "", 0)
		require.NoError(t, err)
		assert.Zero(t, cursor)
		assert.Equal(t, []string{"x", "1", "y", "2"}, items)

		err = db.Set(ctx, "str", "v", 0)
		require.NoError(t, err)
		_, err = db.ZAdd(ctx, "str", kevy.Z{Score: 1, Member: "a"})
		assert.ErrorIs(t, err, kevy.ErrWrongType)
		_, err = db.ZRange(ctx, "str", 0, -1)
		assert.ErrorIs(t, err, kevy.ErrWrongType)
	})
}

// TestZSetPipeline runs the pipeline forms and the blocking pops inside a
// transaction, where they do not wait.
func TestZSetPipeline(t *testing.T) {
	ctx := context.Background()
	forEach(t, func(t *testing.T, db *kevy.Store) {
		var (
			add   *kevy.IntCmd
			incr  *kevy.FloatCmd
			score *kevy.FloatCmd
			rng   *kevy.ZSliceCmd
			rev   *kevy.StringSliceCmd
			byS   *kevy.StringSliceCmd
			pop   *kevy.ZSliceCmd
			card  *kevy.IntCmd
			union *kevy.IntCmd
			args  *kevy.ZSliceCmd
		)
		_, err := db.Pipelined(ctx, func(p kevy.Pipeliner) error {
			add = p.ZAdd(ctx, "z", kevy.Z{Score: 1, Member: "a"}, kevy.Z{Score: 2, Member: "b"}, kevy.Z{Score: 3, Member: "c"})
			incr = p.ZIncrBy(ctx, "z", 10, "a")
			score = p.ZScore(ctx, "z", "b")
			rng = p.ZRangeWithScores(ctx, "z", 0, -1)
			rev = p.ZRevRange(ctx, "z", 0, 0)
			byS = p.ZRangeByScore(ctx, "z", &kevy.ZRangeBy{Min: "(1", Max: "3"})
			union = p.ZUnionStore(ctx, "u", &kevy.ZStore{Keys: []string{"z", "other"}})
			args = p.ZRangeArgsWithScores(ctx, kevy.ZRangeArgs{Key: "u", Start: "-inf", Stop: "+inf", ByScore: true, Count: 1})
			pop = p.ZPopMin(ctx, "z", 2)
			card = p.ZCard(ctx, "z")
			return nil
		})
		require.NoError(t, err)
		assert.EqualValues(t, 3, add.Val())
		assert.Equal(t, 11.0, incr.Val())
		assert.Equal(t, 2.0, score.Val())
		assert.Equal(t, []kevy.Z{{Score: 2, Member: "b"}, {Score: 3, Member: "c"}, {Score: 11, Member: "a"}}, rng.Val())
		assert.Equal(t, []string{"a"}, rev.Val())
		assert.Equal(t, []string{"b", "c"}, byS.Val())
		assert.EqualValues(t, 3, union.Val())
		assert.Equal(t, []kevy.Z{{Score: 2, Member: "b"}}, args.Val())
		assert.Equal(t, []kevy.Z{{Score: 2, Member: "b"}, {Score: 3, Member: "c"}}, pop.Val())
		assert.EqualValues(t, 1, card.Val())

		cmds, err := db.TxPipelined(ctx, func(p kevy.Pipeliner) error {
			p.Do(ctx, "BZPOPMIN", "empty", "0")
			p.ZAdd(ctx, "empty", kevy.Z{Score: 1, Member: "x"})
			p.Do(ctx, "BZPOPMAX", "empty", "0")
			return nil
		})
		assert.ErrorIs(t, err, kevy.Nil)
		require.Len(t, cmds, 3)
		assert.ErrorIs(t, cmds[0].Err(), kevy.Nil)
		got, err := cmds[2].(*kevy.Cmd).StringSlice()
		require.NoError(t, err)
		assert.Equal(t, []string{"empty", "x", "1"}, got)
	})
}

// TestZStoreAcrossShards runs the STORE commands with sources and
// destination on different shards, checking the results while writers
// keep changing the sources: each result is a consistent snapshot.
func TestZStoreAcrossShards(t *testing.T) {
	ctx := context.Background()
	forEach(t, func(t *testing.T, db *kevy.Store) {
		keys := keysOnDistinctShards(t, "zs", 3)
		a, b, dst := keys[0], keys[1], keys[2]
		// a and b always hold members m0..m9 between them, never both.
		for i := range 10 {
			_, err := db.ZAdd(ctx, a, kevy.Z{Score: float64(i), Member: "m" + strconv.Itoa(i)})
			require.NoError(t, err)
		}
		var g errgroup.Group
		g.Go(func() error {
			c := db.Conn()
			defer c.Close()
			for i := range 300 {
				m := "m" + strconv.Itoa(i%10)
				src, to := a, b
				if i%20 >= 10 {
					src, to = b, a
				}
				rep := c.ExecPipeline(ctx, []string{"MULTI"}, []string{"ZREM", src, m},
					[]string{"ZADD", to, strconv.Itoa(i % 10), m}, []string{"EXEC"})
				if r := rep[3]; r.Kind != kevy.ReplyArray {
					return fmt.Errorf("EXEC: %v", r)
				}
			}
			return nil
		})
		g.Go(func() error {
			for range 300 {
				n, err := db.ZUnionStore(ctx, dst, &kevy.ZStore{Keys: []string{a, b}})
				if err != nil {
					return err
				}
				if n != 10 {
					return fmt.Errorf("union stored %d members, want 10", n)
				}
				n, err = db.ZInterCard(ctx, 0, a, b)
				if err != nil {
					return err
				}
				if n != 0 {
					return fmt.Errorf("%d members in both", n)
				}
			}
			return nil
		})
		require.NoError(t, g.Wait())
		zs, err := db.ZRangeWithScores(ctx, dst, 0, -1)
		require.NoError(t, err)
		require.Len(t, zs, 10)
		for i, z := range zs {
			assert.Equal(t, kevy.Z{Score: float64(i), Member: "m" + strconv.Itoa(i)}, z)
		}
	})
}

// TestZSetConcurrency: concurrent increments add up, concurrent pops pop
// every member exactly once.
func TestZSetConcurrency(t *testing.T) {
	ctx := context.Background()
	forEach(t, func(t *testing.T, db *kevy.Store) {
		const workers, per = 6, 150
		var g errgroup.Group
		for w := range workers {
			g.Go(func() error {
				for i := range per {
					if _, err := db.ZIncrBy(ctx, "counts", 1, "m"+strconv.Itoa(i%5)); err != nil {
						return err
					}
					if _, err := db.ZAdd(ctx, "pool", kevy.Z{Score: float64(w*per + i), Member: fmt.Sprintf("w%d-%d", w, i)}); err != nil {
						return err
					}
				}
				return nil
			})
		}
		require.NoError(t, g.Wait())
		zs, err := db.ZRangeWithScores(ctx, "counts", 0, -1)
		require.NoError(t, err)
		require.Len(t, zs, 5)
		for _, z := range zs {
			assert.Equal(t, float64(workers*per/5), z.Score)
		}
		var mu sync.Mutex
		popped := map[string]int{}
		for w := range workers {
			g.Go(func() error {
				for {
					var zs []kevy.Z
					var err error
					if w%2 == 0 {
						zs, err = db.ZPopMin(ctx, "pool", 7)
					} else {
						var key string
						key, zs, err = db.ZMPop(ctx, "MAX", 3, "pool")
						if errors.Is(err, kevy.Nil) {
							return nil
						}
						if key != "pool" {
							return fmt.Errorf("ZMPOP from %q", key)
						}
					}
					if err != nil {
						return err
					}
					if len(zs) == 0 {
						return nil
					}
					mu.Lock()
					for _, z := range zs {
						popped[z.Member]++
					}
					mu.Unlock()
				}
			})
		}
		require.NoError(t, g.Wait())
		assert.Len(t, popped, workers*per)
		for m, n := range popped {
			assert.Equal(t, 1, n, m)
		}
	})
}

// Blocking pops.

func TestBZPopWakesInArrivalOrder(t *testing.T) {
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				ctx := context.Background()
				db, err := kevy.Open(v.cfg)
				require.NoError(t, err)
				defer db.Close()
				results := make([]chan string, 3)
				for i := range results {
					results[i] = make(chan string, 1)
					go func() {
						z, err := db.BZPopMin(ctx, 0, "q")
						if err != nil {
							results[i] <- "error: " + err.Error()
							return
						}
						results[i] <- z.Key + " " + z.Member
					}()
					synctest.Wait() // parked before the next one arrives
				}
				_, err = db.ZAdd(ctx, "q", kevy.Z{Score: 3, Member: "c"}, kevy.Z{Score: 1, Member: "a"})
				require.NoError(t, err)
				assert.Equal(t, "q a", <-results[0])
				assert.Equal(t, "q c", <-results[1])
				synctest.Wait()
				select {
				case r := <-results[2]:
					t.Fatalf("third waiter served with nothing left: %s", r)
				default:
				}
				_, err = db.ZAdd(ctx, "q", kevy.Z{Score: 5, Member: "e"})
				require.NoError(t, err)
				assert.Equal(t, "q e", <-results[2])
				n, err := db.Exists(ctx, "q")
				require.NoError(t, err)
				assert.Zero(t, n)
			})
		})
	}
}

func TestBZPopAcrossShards(t *testing.T) {
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				ctx := context.Background()
				db, err := kevy.Open(v.cfg)
				require.NoError(t, err)
				defer db.Close()
				keys := keysOnDistinctShards(t, "bz", 3)
				got := make(chan *kevy.ZWithKey, 1)
				go func() {
					z, err := db.BZPopMax(ctx, 0, keys[0], keys[1])
					assert.NoError(t, err)
					got <- z
				}()
				mpop := make(chan string, 1)
				go func() {
					key, zs, err := db.BZMPop(ctx, 0, "MIN", 10, keys[1], keys[2])
					assert.NoError(t, err)
					mpop <- fmt.Sprintf("%s %v", key, zs)
				}()
				synctest.Wait()
				// A STORE command creates keys[1] from keys[2] on another
				// shard: the first waiter (BZPOPMAX) gets the top member.
				_, err = db.ZAdd(ctx, keys[2], kevy.Z{Score: 1, Member: "x"}, kevy.Z{Score: 2, Member: "y"}, kevy.Z{Score: 3, Member: "z"})
				require.NoError(t, err)
				assert.Equal(t, fmt.Sprint(keys[2], " [{1 x} {2 y} {3 z}]"), <-mpop)
				_, err = db.ZAdd(ctx, keys[2], kevy.Z{Score: 7, Member: "p"}, kevy.Z{Score: 8, Member: "q"})
				require.NoError(t, err)
				n, err := db.ZUnionStore(ctx, keys[1], &kevy.ZStore{Keys: []string{keys[2]}})
				require.NoError(t, err)
				assert.EqualValues(t, 2, n)
				z := <-got
				assert.Equal(t, &kevy.ZWithKey{Z: kevy.Z{Score: 8, Member: "q"}, Key: keys[1]}, z)
				zs, err := db.ZRangeWithScores(ctx, keys[1], 0, -1)
				require.NoError(t, err)
				assert.Equal(t, []kevy.Z{{Score: 7, Member: "p"}}, zs)
			})
		})
	}
}

func TestBZPopTimeout(t *testing.T) {
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				ctx := context.Background()
				db, err := kevy.Open(v.cfg)
				require.NoError(t, err)
				defer db.Close()
				keys := keysOnDistinctShards(t, "to", 2)
				start := time.Now()
				_, err = db.BZPopMin(ctx, 1500*time.Millisecond, "nothing")
				assert.ErrorIs(t, err, kevy.Nil)
				assert.Equal(t, 1500*time.Millisecond, time.Since(start))
				start = time.Now()
				_, _, err = db.BZMPop(ctx, 2*time.Second, "MAX", 1, keys...)
				assert.ErrorIs(t, err, kevy.Nil)
				assert.Equal(t, 2*time.Second, time.Since(start))
				r := db.Exec(ctx, "BZPOPMAX", keys[0], keys[1], "0.25")
				assert.Equal(t, kevy.ReplyNilArray, r.Kind)

				// A member that arrives before the timeout is served.
				done := make(chan *kevy.ZWithKey, 1)
				go func() {
					z, err := db.BZPopMin(ctx, 10*time.Second, keys[0], keys[1])
					assert.NoError(t, err)
					done <- z
				}()
				time.Sleep(3 * time.Second)
				_, err = db.ZAdd(ctx, keys[1], kevy.Z{Score: 1, Member: "late"})
				require.NoError(t, err)
				assert.Equal(t, "late", (<-done).Member)
			})
		})
	}
}

// TestBZPopCancelLosesNothing races context cancellation of parked
// waiters against the arrival of members: every member added is either
// popped by a waiter that reports it, or still in the set. (A request
// cancelled before it reached its shard may still be applied, as any
// write: that is the engine's documented semantics, not tested here.)
func TestBZPopCancelLosesNothing(t *testing.T) {
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				db, err := kevy.Open(v.cfg)
				require.NoError(t, err)
				defer db.Close()
				const rounds = 100
				popped, left := 0, 0
				for i := range rounds {
					keys := keysOnDistinctShards(t, "cx"+strconv.Itoa(i)+"-", 2)
					ctx, cancel := context.WithCancel(context.Background())
					res := make(chan error, 1)
					waitKeys := keys[:1+i%2] // one shard, or two
					go func() {
						_, err := db.BZPopMin(ctx, 0, waitKeys...)
						res <- err
					}()
					synctest.Wait() // parked
					add := func() {
						_, err := db.ZAdd(context.Background(), keys[0], kevy.Z{Score: float64(i), Member: "m" + strconv.Itoa(i)})
						assert.NoError(t, err)
					}
					if i%3 == 0 { // cancelled first: the member stays
						cancel()
						synctest.Wait()
						add()
					} else { // a race
						var wg sync.WaitGroup
						wg.Go(cancel)
						wg.Go(add)
						wg.Wait()
					}
					if err := <-res; err == nil {
						popped++
					} else {
						require.ErrorIs(t, err, context.Canceled)
					}
					n, err := db.ZCard(context.Background(), keys[0])
					require.NoError(t, err)
					left += int(n)
				}
				assert.Equal(t, rounds, popped+left)
				assert.GreaterOrEqual(t, left, rounds/3, "waiters that gave up first")
			})
		})
	}
}

func TestBZPopClose(t *testing.T) {
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				db, err := kevy.Open(v.cfg)
				require.NoError(t, err)
				keys := keysOnDistinctShards(t, "cl", 2)
				errs := make(chan error, 2)
				go func() {
					_, err := db.BZPopMin(context.Background(), 0, keys[0])
					errs <- err
				}()
				go func() {
					_, _, err := db.BZMPop(context.Background(), 0, "MIN", 1, keys...)
					errs <- err
				}()
				synctest.Wait()
				require.NoError(t, db.Close())
				assert.ErrorIs(t, <-errs, kevy.ErrClosed)
				assert.ErrorIs(t, <-errs, kevy.ErrClosed)
			})
		})
	}
}

// zDump describes every sorted set of the store, for persistence checks.
func zDump(t *testing.T, db *kevy.Store) []string {
	t.Helper()
	ctx := context.Background()
	keys, err := db.Keys(ctx, "*")
	require.NoError(t, err)
	var out []string
	for _, k := range keys {
		typ, err := db.Type(ctx, k)
		require.NoError(t, err)
		if typ != "zset" {
			continue
		}
		r := db.Exec(ctx, "ZRANGE", k, "0", "-1", "WITHSCORES")
		enc := db.Exec(ctx, "OBJECT", "ENCODING", k)
		ttl, err := db.TTL(ctx, k)
		require.NoError(t, err)
		out = append(out, fmt.Sprintf("%s ttl=%v %s %s", k, ttl > 0, enc.Str, show(r)))
	}
	sort.Strings(out)
	return out
}

// TestZSetPersistence runs sorted set commands whose effects differ from
// their requests (increments, pops, cross-shard stores) and checks that a
// reopened store has the same data, encodings included.
func TestZSetPersistence(t *testing.T) {
	ctx := context.Background()
	for _, v := range persistVariants {
		t.Run(v.name, func(t *testing.T) {
			cfg := v.cfg
			cfg.Dir = t.TempDir()
			db, err := kevy.Open(cfg)
			require.NoError(t, err)
			do := func(args ...string) {
				t.Helper()
				r := db.Exec(ctx, args...)
				require.NotEqual(t, kevy.ReplyError, r.Kind, "%q: %s", args, r.Str)
			}
			big := []string{"ZADD", "big"}
			for i := range 400 {
				big = append(big, strconv.FormatFloat(float64(i)/7, 'g', -1, 64), "m"+strconv.Itoa(i))
			}
			do(big...)
			do("ZADD", "z", "0.1", "a", "-0", "b", "inf", "c")
			do("ZINCRBY", "z", "0.2", "a")
			do("ZADD", "z", "INCR", "1e-9", "a")
			do("ZADD", "z", "GT", "CH", "5", "b", "1", "c")
			do("ZPOPMIN", "big", "3")
			do("ZPOPMAX", "big")
			do("ZMPOP", "1", "big", "MAX", "COUNT", "2")
			do("ZREMRANGEBYSCORE", "big", "10", "(20")
			do("ZREMRANGEBYRANK", "big", "0", "1")
			do("ZUNIONSTORE", "u", "2", "z", "big", "WEIGHTS", "3", "0.5")
			do("ZINTERSTORE", "i", "2", "big", "u", "AGGREGATE", "MAX")
			do("ZDIFFSTORE", "d", "2", "z", "nokey")
			do("ZRANGESTORE", "r", "big", "(1", "5", "BYSCORE", "REV", "LIMIT", "1", "10")
			do("EXPIRE", "u", "1000")
			do("ZUNIONSTORE", "z", "1", "z")
			do("ZINTERSTORE", "gone", "2", "z", "nokey")
			do("COPY", "big", "big2")
			do("RENAME", "d", "d2")
			before := zDump(t, db)
			require.NoError(t, db.Close())

			db, err = kevy.Open(cfg)
			require.NoError(t, err)
			defer db.Close()
			assert.Equal(t, before, zDump(t, db))
			s, err := db.ZScore(ctx, "z", "a")
			require.NoError(t, err)
			want := 0.1
			want += 0.2
			want += 1e-9
			assert.Equal(t, want, s)
		})
	}
}
