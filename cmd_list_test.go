package kevy_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/kevydb/kevy"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sync/errgroup"
)

func TestListTypedMethods(t *testing.T) {
	forEach(t, func(t *testing.T, db *kevy.Store) {
		ctx := context.Background()
		n, err := db.RPush(ctx, "l", "a", "b", 3, []string{"d", "e"})
		require.NoError(t, err)
		assert.Equal(t, int64(5), n)
		n, _ = db.LPush(ctx, "l", "z")
		assert.Equal(t, int64(6), n)
		n, _ = db.LPushX(ctx, "missing", "x")
		assert.Equal(t, int64(0), n)
		n, _ = db.RPushX(ctx, "l", "end")
		assert.Equal(t, int64(7), n)
		got, err := db.LRange(ctx, "l", 0, -1)
		require.NoError(t, err)
		assert.Equal(t, []string{"z", "a", "b", "3", "d", "e", "end"}, got)
		n, _ = db.LLen(ctx, "l")
		assert.Equal(t, int64(7), n)
		v, _ := db.LIndex(ctx, "l", -1)
		assert.Equal(t, "end", v)
		_, err = db.LIndex(ctx, "l", 100)
		assert.ErrorIs(t, err, kevy.Nil)

		require.NoError(t, db.LSet(ctx, "l", 0, "Z"))
		assert.EqualError(t, db.LSet(ctx, "l", 99, "x"), "ERR index out of range")
		assert.EqualError(t, db.LSet(ctx, "missing", 0, "x"), "ERR no such key")
		n, _ = db.LInsertBefore(ctx, "l", "a", "pre")
		assert.Equal(t, int64(8), n)
		n, _ = db.LInsertAfter(ctx, "l", "nope", "x")
		assert.Equal(t, int64(-1), n)
		_, err = db.LInsert(ctx, "l", "AROUND", "a", "x")
		assert.EqualError(t, err, "ERR syntax error")

		i, err := db.LPos(ctx, "l", "b", kevy.LPosArgs{})
		require.NoError(t, err)
		assert.Equal(t, int64(3), i)
		_, err = db.LPos(ctx, "l", "nothing", kevy.LPosArgs{})
		assert.ErrorIs(t, err, kevy.Nil)
		_, _ = db.RPush(ctx, "l", "b")
		is, err := db.LPosCount(ctx, "l", "b", 0, kevy.LPosArgs{Rank: -1})
		require.NoError(t, err)
		assert.Equal(t, []int64{8, 3}, is)
		_, err = db.LPos(ctx, "l", "b", kevy.LPosArgs{MaxLen: -1})
		assert.EqualError(t, err, "ERR MAXLEN can't be negative")

		n, _ = db.LRem(ctx, "l", -1, "b")
		assert.Equal(t, int64(1), n)
		require.NoError(t, db.LTrim(ctx, "l", 1, -2))
		got, _ = db.LRange(ctx, "l", 0, -1)
		assert.Equal(t, []string{"pre", "a", "b", "3", "d", "e"}, got)

		v, _ = db.LPop(ctx, "l")
		assert.Equal(t, "pre", v)
		v, _ = db.RPop(ctx, "l")
		assert.Equal(t, "e", v)
		got, _ = db.LPopCount(ctx, "l", 2)
		assert.Equal(t, []string{"a", "b"}, got)
		got, _ = db.RPopCount(ctx, "l", 5)
		assert.Equal(t, []string{"d", "3"}, got)
		_, err = db.LPop(ctx, "l")
		assert.ErrorIs(t, err, kevy.Nil)
		_, err = db.RPopCount(ctx, "l", 2)
		assert.ErrorIs(t, err, kevy.Nil)

		require.NoError(t, db.Set(ctx, "str", "v", 0))
		_, err = db.LPush(ctx, "str", "x")
		assert.ErrorIs(t, err, kevy.ErrWrongType)
		_, err = db.LRange(ctx, "str", 0, -1)
		assert.ErrorIs(t, err, kevy.ErrWrongType)
	})
}

// TestListMultiKeyAcrossShards runs the commands that touch several keys
// with keys that live on different shards of a 4-shard store.
func TestListMultiKeyAcrossShards(t *testing.T) {
	forEach(t, func(t *testing.T, db *kevy.Store) {
		ctx := context.Background()
		k := keysOnDistinctShards(t, "mk", 4)
		_, _ = db.RPush(ctx, k[0], "a", "b", "c")
		v, err := db.LMove(ctx, k[0], k[1], "LEFT", "RIGHT")
		require.NoError(t, err)
		assert.Equal(t, "a", v)
		v, _ = db.RPopLPush(ctx, k[0], k[1])
		assert.Equal(t, "c", v)
		got, _ := db.LRange(ctx, k[1], 0, -1)
		assert.Equal(t, []string{"c", "a"}, got)
		_, err = db.LMove(ctx, k[2], k[1], "LEFT", "LEFT")
		assert.ErrorIs(t, err, kevy.Nil)

		key, elems, err := db.LMPop(ctx, "RIGHT", 5, k[2], k[3], k[1])
		require.NoError(t, err)
		assert.Equal(t, k[1], key)
		assert.Equal(t, []string{"a", "c"}, elems)
		_, _, err = db.LMPop(ctx, "LEFT", 1, k[2], k[3], k[1])
		assert.ErrorIs(t, err, kevy.Nil)

		// SORT with BY and GET patterns naming keys on every shard, and a
		// STORE destination on another shard than the source.
		_, _ = db.RPush(ctx, k[0], "x", "y", "z")
		for i, e := range []string{"b", "x", "y", "z"} {
			require.NoError(t, db.Set(ctx, "w_"+e, strconv.Itoa(10-i), 0))
			_, err := db.HSet(ctx, "h_"+e, "name", "N"+e)
			require.NoError(t, err)
		}
		sorted, err := db.Sort(ctx, k[0], &kevy.SortArgs{By: "w_*", Get: []string{"#", "h_*->name"}})
		require.NoError(t, err)
		assert.Equal(t, []string{"z", "Nz", "y", "Ny", "x", "Nx", "b", "Nb"}, sorted)
		sorted, _ = db.SortRO(ctx, k[0], &kevy.SortArgs{Alpha: true, Order: "DESC", Offset: 1, Count: 2})
		assert.Equal(t, []string{"y", "x"}, sorted)
		sorted, _ = db.Sort(ctx, k[0], nil)
		assert.Nil(t, sorted)
		n, err := db.SortStore(ctx, k[0], k[3], &kevy.SortArgs{By: "nosort", Get: []string{"missing_*"}})
		require.NoError(t, err)
		assert.Equal(t, int64(4), n)
		got, _ = db.LRange(ctx, k[3], 0, -1)
		assert.Equal(t, []string{"", "", "", ""}, got)
	})
}

func TestListPipeline(t *testing.T) {
	forEach(t, func(t *testing.T, db *kevy.Store) {
		ctx := context.Background()
		var push *kevy.IntCmd
		var rng, sorted *kevy.StringSliceCmd
		var pop, idx *kevy.StringCmd
		var set *kevy.StatusCmd
		_, err := db.Pipelined(ctx, func(p kevy.Pipeliner) error {
			push = p.RPush(ctx, "pl", "3", "1", 2)
			set = p.LSet(ctx, "pl", 0, "4")
			p.LInsertAfter(ctx, "pl", "4", "9")
			rng = p.LRange(ctx, "pl", 0, -1)
			sorted = p.Sort(ctx, "pl", &kevy.SortArgs{Order: "DESC"})
			idx = p.LIndex(ctx, "pl", -1)
			pop = p.LPop(ctx, "pl")
			p.LTrim(ctx, "pl", 0, 0)
			return nil
		})
		require.NoError(t, err)
		assert.Equal(t, int64(3), push.Val())
		assert.Equal(t, "OK", set.Val())
		assert.Equal(t, []string{"4", "9", "1", "2"}, rng.Val())
		assert.Equal(t, []string{"9", "4", "2", "1"}, sorted.Val())
		assert.Equal(t, "2", idx.Val())
		assert.Equal(t, "4", pop.Val())
		got, _ := db.LRange(ctx, "pl", 0, -1)
		assert.Equal(t, []string{"9"}, got)
	})
}

// TestBlockingInTransactionRepliesAtOnce: inside MULTI a blocking command
// gets its timeout reply at once, as in Redis.
func TestBlockingInTransactionRepliesAtOnce(t *testing.T) {
	forEach(t, func(t *testing.T, db *kevy.Store) {
		ctx := context.Background()
		var blpop *kevy.StringSliceCmd
		var blmove *kevy.StringCmd
		_, err := db.TxPipelined(ctx, func(p kevy.Pipeliner) error {
			blpop = p.BLPop(ctx, 0, "nothing", "here")
			blmove = p.BLMove(ctx, "nothing", "dst", "LEFT", "LEFT", 0)
			return nil
		})
		assert.ErrorIs(t, err, kevy.Nil)
		assert.ErrorIs(t, blpop.Err(), kevy.Nil)
		assert.ErrorIs(t, blmove.Err(), kevy.Nil)
	})
}

// inBubble runs fn in a synctest bubble for every variant, with a store
// opened inside the bubble and closed when fn returns.
func inBubble(t *testing.T, fn func(t *testing.T, db *kevy.Store)) {
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				db, err := kevy.Open(v.cfg)
				require.NoError(t, err)
				defer func() { assert.NoError(t, db.Close()) }()
				fn(t, db)
			})
		})
	}
}

// blocked runs fn in a goroutine of the bubble and waits until it is
// durably blocked (or done); the result is read from the returned channel.
func blocked[T any](fn func() T) <-chan T {
	ch := make(chan T, 1)
	go func() { ch <- fn() }()
	synctest.Wait()
	return ch
}

type popResult struct {
	vals []string
	err  error
}

func blpop(ctx context.Context, db *kevy.Store, timeout time.Duration, keys ...string) <-chan popResult {
	return blocked(func() popResult {
		v, err := db.BLPop(ctx, timeout, keys...)
		return popResult{v, err}
	})
}

// isReady reports whether ch has a result, without consuming it.
func isReady[T any](ch <-chan T) bool { return len(ch) > 0 }

func TestBLPopServesWaitersInArrivalOrder(t *testing.T) {
	inBubble(t, func(t *testing.T, db *kevy.Store) {
		ctx := context.Background()
		const n = 5
		var waiters []<-chan popResult
		for range n {
			waiters = append(waiters, blpop(ctx, db, 0, "q"))
		}
		// One push of n elements serves every waiter, first come first.
		_, err := db.RPush(ctx, "q", "v0", "v1", "v2", "v3", "v4")
		require.NoError(t, err)
		for i, w := range waiters {
			r := <-w
			require.NoError(t, r.err)
			assert.Equal(t, []string{"q", "v" + strconv.Itoa(i)}, r.vals)
		}
		// Separate pushes, from the tail with BRPOP.
		var brs []<-chan popResult
		for range 3 {
			brs = append(brs, blocked(func() popResult {
				v, err := db.BRPop(ctx, 0, "q")
				return popResult{v, err}
			}))
		}
		for i := range 3 {
			_, _ = db.RPush(ctx, "q", "w"+strconv.Itoa(i))
			synctest.Wait()
		}
		for i, w := range brs {
			r := <-w
			assert.Equal(t, []string{"q", "w" + strconv.Itoa(i)}, r.vals)
		}
		n2, _ := db.Exists(ctx, "q")
		assert.Equal(t, int64(0), n2, "every element went to a waiter")
	})
}

func TestBLPopAcrossShards(t *testing.T) {
	inBubble(t, func(t *testing.T, db *kevy.Store) {
		ctx := context.Background()
		k := keysOnDistinctShards(t, "bk", 3)
		// Two waiters on keys of several shards: one push serves one of
		// them (multi-shard waiters are woken together and retry under a
		// hold, so which one wins is not fixed), the next push the other.
		w1 := blpop(ctx, db, 0, k...)
		w2 := blpop(ctx, db, 0, k[2], k[0])
		_, _ = db.LPush(ctx, k[2], "x")
		synctest.Wait()
		first, second := w1, w2
		if !isReady(w1) {
			first, second = w2, w1
		}
		r := <-first
		require.NoError(t, r.err)
		assert.Equal(t, []string{k[2], "x"}, r.vals)
		assert.False(t, isReady(second), "one element, one waiter served")
		_, _ = db.RPush(ctx, k[0], "y", "z")
		r = <-second
		assert.Equal(t, []string{k[0], "y"}, r.vals)
		got, _ := db.LRange(ctx, k[0], 0, -1)
		assert.Equal(t, []string{"z"}, got)

		// BLMPOP over several shards.
		w3 := blocked(func() popResult {
			key, v, err := db.BLMPop(ctx, 0, "RIGHT", 10, k[1], k[2])
			return popResult{append([]string{key}, v...), err}
		})
		_, _ = db.RPush(ctx, k[2], "1", "2", "3")
		r = <-w3
		require.NoError(t, r.err)
		assert.Equal(t, []string{k[2], "3", "2", "1"}, r.vals)
	})
}

func TestBLMoveAcrossShards(t *testing.T) {
	inBubble(t, func(t *testing.T, db *kevy.Store) {
		ctx := context.Background()
		k := keysOnDistinctShards(t, "mv", 2)
		src, dst := k[0], k[1]
		w := blocked(func() popResult {
			v, err := db.BLMove(ctx, src, dst, "LEFT", "RIGHT", 0)
			return popResult{[]string{v}, err}
		})
		w2 := blocked(func() popResult {
			v, err := db.BRPopLPush(ctx, src, dst, 0)
			return popResult{[]string{v}, err}
		})
		_, _ = db.RPush(ctx, src, "a", "b", "c")
		r := <-w
		require.NoError(t, r.err)
		assert.Equal(t, []string{"a"}, r.vals)
		r = <-w2
		require.NoError(t, r.err)
		assert.Equal(t, []string{"c"}, r.vals)
		got, _ := db.LRange(ctx, dst, 0, -1)
		assert.Equal(t, []string{"c", "a"}, got)
		got, _ = db.LRange(ctx, src, 0, -1)
		assert.Equal(t, []string{"b"}, got)
	})
}

func TestBlockingTimeouts(t *testing.T) {
	inBubble(t, func(t *testing.T, db *kevy.Store) {
		ctx := context.Background()
		start := time.Now()
		w := blpop(ctx, db, 1500*time.Millisecond, "q")
		time.Sleep(1499 * time.Millisecond)
		synctest.Wait()
		assert.False(t, isReady(w), "still waiting before the timeout")
		time.Sleep(time.Millisecond)
		synctest.Wait()
		r := <-w
		assert.ErrorIs(t, r.err, kevy.Nil)
		assert.Equal(t, 1500*time.Millisecond, time.Since(start))

		// Fractional seconds, through Do.
		start = time.Now()
		v, err := db.Do(ctx, "BRPOP", "q", "0.25")
		assert.ErrorIs(t, err, kevy.Nil)
		assert.Nil(t, v)
		assert.Equal(t, 250*time.Millisecond, time.Since(start))
		start = time.Now()
		_, err = db.BLMove(ctx, "q", "d", "LEFT", "LEFT", 100*time.Microsecond)
		assert.ErrorIs(t, err, kevy.Nil, "a sub-millisecond timeout is not forever")
		assert.Equal(t, time.Millisecond, time.Since(start))

		// 0 waits forever.
		w = blpop(ctx, db, 0, "q")
		time.Sleep(time.Hour)
		synctest.Wait()
		assert.False(t, isReady(w))
		_, _ = db.RPush(ctx, "q", "late")
		r = <-w
		assert.Equal(t, []string{"q", "late"}, r.vals)

		_, err = db.BLPop(ctx, -time.Second, "q")
		assert.EqualError(t, err, "ERR timeout is negative")
		_, err = db.Do(ctx, "BLPOP", "q", "soon")
		assert.EqualError(t, err, "ERR timeout is not a float or out of range")
	})
}

func TestBlockingCancelAndClose(t *testing.T) {
	inBubble(t, func(t *testing.T, db *kevy.Store) {
		ctx, cancel := context.WithCancel(context.Background())
		k := keysOnDistinctShards(t, "cc", 2)
		w := blpop(ctx, db, 0, "q")
		wm := blpop(ctx, db, 0, k...) // a multi-shard waiter
		cancel()
		synctest.Wait()
		assert.ErrorIs(t, (<-w).err, context.Canceled)
		assert.ErrorIs(t, (<-wm).err, context.Canceled)
		// The abandoned waiters take nothing.
		bg := context.Background()
		_, _ = db.RPush(bg, "q", "x")
		_, _ = db.RPush(bg, k[1], "y")
		synctest.Wait()
		n, _ := db.LLen(bg, "q")
		assert.Equal(t, int64(1), n)
		n, _ = db.LLen(bg, k[1])
		assert.Equal(t, int64(1), n)

		// Closing the store ends every wait with ErrClosed.
		w = blpop(bg, db, 0, "empty")
		wm = blpop(bg, db, 0, "e1", "e2", "e3")
		wmv := blocked(func() error {
			_, err := db.BLMove(bg, "e4", k[0], "LEFT", "LEFT", 0)
			return err
		})
		require.NoError(t, db.Close())
		assert.ErrorIs(t, (<-w).err, kevy.ErrClosed)
		assert.ErrorIs(t, (<-wm).err, kevy.ErrClosed)
		assert.ErrorIs(t, <-wmv, kevy.ErrClosed)
		_, err := db.BLPop(bg, 0, "q")
		assert.ErrorIs(t, err, kevy.ErrClosed)
	})
}

// TestBlockingPopsUnderCancellationLoseNothing runs producers and
// consumers concurrently, with consumers whose waits time out and are
// cancelled all the time: every element pushed ends up returned to exactly
// one consumer or still in a list.
func TestBlockingPopsUnderCancellationLoseNothing(t *testing.T) {
	total := 1200
	if testing.Short() {
		total = 300
	}
	forEach(t, func(t *testing.T, db *kevy.Store) {
		keys := keysOnDistinctShards(t, "lose", 3)
		var (
			mu       sync.Mutex
			received []string
			stop     atomic.Bool
		)
		var consumers errgroup.Group
		for c := range 4 {
			consumers.Go(func() error {
				r := rand.New(rand.NewPCG(uint64(c), 7))
				for !stop.Load() {
					ctx, cancel := context.WithTimeout(context.Background(), time.Duration(r.IntN(1500))*time.Microsecond)
					var v []string
					var err error
					switch r.IntN(3) {
					case 0:
						v, err = db.BLPop(ctx, 0, keys...)
					case 1:
						v, err = db.BRPop(ctx, time.Millisecond, keys[r.IntN(len(keys))])
					default:
						var key string
						key, v, err = db.BLMPop(ctx, 0, "LEFT", 3, keys[1:]...)
						v = append([]string{key}, v...)
					}
					cancel()
					switch {
					case err == nil:
						mu.Lock()
						received = append(received, v[1:]...)
						mu.Unlock()
					case errors.Is(err, kevy.Nil), errors.Is(err, context.DeadlineExceeded):
					default:
						return err
					}
				}
				return nil
			})
		}
		var producers errgroup.Group
		per := total / 3
		for p := range 3 {
			producers.Go(func() error {
				for i := range per {
					if _, err := db.RPush(context.Background(), keys[(p+i)%len(keys)], fmt.Sprintf("p%d-%d", p, i)); err != nil {
						return err
					}
				}
				return nil
			})
		}
		require.NoError(t, producers.Wait())
		stop.Store(true)
		require.NoError(t, consumers.Wait())
		all := slices.Clone(received)
		for _, k := range keys {
			rest, err := db.LRange(context.Background(), k, 0, -1)
			require.NoError(t, err)
			all = append(all, rest...)
		}
		slices.Sort(all)
		var want []string
		for p := range 3 {
			for i := range per {
				want = append(want, fmt.Sprintf("p%d-%d", p, i))
			}
		}
		slices.Sort(want)
		require.Equal(t, want, all, "every element is returned once or still listed")
		assert.NotEmpty(t, received)
	})
}

// TestBLMoveConcurrentAcrossShards moves elements between two shards with
// concurrent, often cancelled BLMOVE calls: the destination ends up with
// exactly the elements the calls returned, and nothing is lost.
func TestBLMoveConcurrentAcrossShards(t *testing.T) {
	total := 600
	if testing.Short() {
		total = 150
	}
	forEach(t, func(t *testing.T, db *kevy.Store) {
		k := keysOnDistinctShards(t, "bm", 2)
		src, dst := k[0], k[1]
		var (
			mu    sync.Mutex
			moved []string
			stop  atomic.Bool
		)
		var consumers errgroup.Group
		for c := range 3 {
			consumers.Go(func() error {
				r := rand.New(rand.NewPCG(uint64(c), 9))
				for !stop.Load() {
					ctx, cancel := context.WithTimeout(context.Background(), time.Duration(r.IntN(1000))*time.Microsecond)
					v, err := db.BLMove(ctx, src, dst, "LEFT", "RIGHT", 0)
					cancel()
					switch {
					case err == nil:
						mu.Lock()
						moved = append(moved, v)
						mu.Unlock()
					case errors.Is(err, context.DeadlineExceeded):
					default:
						return err
					}
				}
				return nil
			})
		}
		ctx := context.Background()
		for i := range total {
			_, err := db.RPush(ctx, src, strconv.Itoa(i))
			require.NoError(t, err)
		}
		stop.Store(true)
		require.NoError(t, consumers.Wait())
		inDst, _ := db.LRange(ctx, dst, 0, -1)
		inSrc, _ := db.LRange(ctx, src, 0, -1)
		assert.ElementsMatch(t, moved, inDst, "each move was returned to exactly one caller")
		all := append(slices.Clone(inDst), inSrc...)
		require.Len(t, all, total)
		slices.SortFunc(all, func(a, b string) int {
			x, _ := strconv.Atoi(a)
			y, _ := strconv.Atoi(b)
			return x - y
		})
		for i, v := range all {
			require.Equal(t, strconv.Itoa(i), v)
		}
	})
}

// TestListPersistence checks that what the list commands log rebuilds the
// same lists on reopening, with and without an AOF rewrite in between:
// served blocking pops, moves and pops across shards, SORT ... STORE.
func TestListPersistence(t *testing.T) {
	ctx := context.Background()
	for _, rewrite := range []bool{false, true} {
		for _, v := range persistVariants {
			t.Run(fmt.Sprintf("%s/rewrite=%v", v.name, rewrite), func(t *testing.T) {
				cfg := v.cfg
				cfg.Dir = t.TempDir()
				db, err := kevy.Open(cfg)
				require.NoError(t, err)
				k := keysOnDistinctShards(t, "p", 4)
				_, _ = db.RPush(ctx, k[0], "a", "b", "c", "d", "e", "f")
				_, _ = db.LPush(ctx, k[1], "x")
				_, _ = db.LMove(ctx, k[0], k[2], "LEFT", "RIGHT")
				_, _ = db.RPopLPush(ctx, k[0], k[2])
				_, _ = db.LPopCount(ctx, k[0], 2)
				_, _, _ = db.LMPop(ctx, "RIGHT", 1, k[3], k[1])
				_, _ = db.LInsertAfter(ctx, k[2], "a", "ins")
				require.NoError(t, db.LSet(ctx, k[2], 0, "F"))
				_, _ = db.RPush(ctx, "nums", "3", "1", "2")
				_, err = db.SortStore(ctx, "nums", k[3], &kevy.SortArgs{Order: "DESC"})
				require.NoError(t, err)
				w := make(chan []string, 1)
				go func() {
					v, _ := db.BLPop(ctx, 0, "later", k[1])
					w <- v
				}()
				// Parked or not yet, the waiter gets the first element.
				_, _ = db.RPush(ctx, k[1], "served", "kept")
				assert.Equal(t, []string{k[1], "served"}, <-w)
				if rewrite {
					require.NoError(t, db.RewriteAOF(ctx))
					_, _ = db.RPush(ctx, k[0], "after-rewrite")
				}
				want := map[string][]string{}
				for _, key := range append(k, "nums") {
					want[key], err = db.LRange(ctx, key, 0, -1)
					require.NoError(t, err)
				}
				require.NoError(t, db.Close())

				db, err = kevy.Open(cfg)
				require.NoError(t, err)
				defer db.Close()
				for key, elems := range want {
					got, err := db.LRange(ctx, key, 0, -1)
					require.NoError(t, err)
					assert.Equal(t, elems, got, key)
				}
				assert.Equal(t, []string{"3", "2", "1"}, want[k[3]])
				assert.Equal(t, []string{"kept"}, want[k[1]])
			})
		}
	}
}
