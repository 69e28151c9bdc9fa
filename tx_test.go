package kevy_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"testing"

	"github.com/kevydb/kevy"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sync/errgroup"
)

// TestTxTransfersKeepTotal moves value between accounts that live on
// different shards inside MULTI/EXEC while readers sum all accounts with
// MGET inside MULTI/EXEC: every observation must see the same total.
func TestTxTransfersKeepTotal(t *testing.T) {
	ctx := context.Background()
	const accounts, initial = 8, 1000
	keys := make([]string, accounts)
	for i := range keys {
		keys[i] = "acct:" + strconv.Itoa(i)
	}
	forEach(t, func(t *testing.T, db *kevy.Store) {
		for _, k := range keys {
			require.NoError(t, db.Set(ctx, k, strconv.Itoa(initial), 0))
		}
		var g errgroup.Group
		for w := 0; w < 6; w++ {
			g.Go(func() error {
				c := db.Conn()
				defer c.Close()
				for i := 0; i < 150; i++ {
					from, to := keys[(w+i)%accounts], keys[(w*3+i*5+1)%accounts]
					if from == to {
						continue
					}
					rs := c.ExecPipeline(ctx, []string{"MULTI"}, []string{"DECRBY", from, "7"},
						[]string{"INCRBY", to, "7"}, []string{"EXEC"})
					if rs[3].Kind != kevy.ReplyArray {
						return fmt.Errorf("EXEC: %v", rs[3])
					}
				}
				return nil
			})
		}
		for r := 0; r < 3; r++ {
			g.Go(func() error {
				c := db.Conn()
				defer c.Close()
				for i := 0; i < 150; i++ {
					lines := [][]string{{"MULTI"}, append([]string{"MGET"}, keys...), {"EXEC"}}
					rs := c.ExecPipeline(ctx, lines...)
					vals := rs[2].Elems[0].Elems
					sum := 0
					for _, v := range vals {
						n, _ := strconv.Atoi(v.Str)
						sum += n
					}
					if sum != accounts*initial {
						return fmt.Errorf("observed total %d, want %d", sum, accounts*initial)
					}
				}
				return nil
			})
		}
		require.NoError(t, g.Wait())
	})
}

// TestWatchIncrRetry is the classic INCR through WATCH/MULTI/EXEC with
// contention: the final count is exact.
func TestWatchIncrRetry(t *testing.T) {
	ctx := context.Background()
	forEach(t, func(t *testing.T, db *kevy.Store) {
		const workers, per = 8, 40
		var g errgroup.Group
		var mu sync.Mutex
		retries := 0
		for w := 0; w < workers; w++ {
			g.Go(func() error {
				for i := 0; i < per; i++ {
					for {
						err := db.Watch(ctx, func(tx *kevy.Tx) error {
							v, err := tx.Get(ctx, "counter")
							if err != nil && !errors.Is(err, kevy.Nil) {
								return err
							}
							n, _ := strconv.Atoi(v)
							_, err = tx.TxPipelined(ctx, func(p kevy.Pipeliner) error {
								p.Set(ctx, "counter", strconv.Itoa(n+1), 0)
								return nil
							})
							return err
						}, "counter")
						if errors.Is(err, kevy.TxFailedErr) {
							mu.Lock()
							retries++
							mu.Unlock()
							continue
						}
						if err != nil {
							return err
						}
						break
					}
				}
				return nil
			})
		}
		require.NoError(t, g.Wait())
		v, err := db.Get(ctx, "counter")
		require.NoError(t, err)
		assert.Equal(t, strconv.Itoa(workers*per), v)
		t.Logf("retries: %d", retries)
	})
}

func TestPipelineOrderAndReplies(t *testing.T) {
	ctx := context.Background()
	forEach(t, func(t *testing.T, db *kevy.Store) {
		c := db.Conn()
		defer c.Close()
		var lines [][]string
		for i := 0; i < 64; i++ {
			lines = append(lines, []string{"INCR", "p" + strconv.Itoa(i%5)})
		}
		lines = append(lines, []string{"MSET", "x", "1", "y", "2"}, []string{"GET", "x"}, []string{"NOSUCH"},
			[]string{"SELECT", "1"}, []string{"GET", "x"}, []string{"SET", "x", "db1"}, []string{"GET", "x"})
		rs := c.ExecPipeline(ctx, lines...)
		require.Len(t, rs, len(lines))
		for i := 0; i < 64; i++ {
			assert.Equal(t, int64(i/5+1), rs[i].Int, "INCR #%d", i)
		}
		assert.Equal(t, "OK", rs[64].Str)
		assert.Equal(t, "1", rs[65].Str)
		assert.Equal(t, kevy.ReplyError, rs[66].Kind)
		assert.Equal(t, "OK", rs[67].Str)
		assert.Equal(t, kevy.ReplyNil, rs[68].Kind)
		assert.Equal(t, "db1", rs[70].Str)
		assert.Equal(t, 1, c.DB())

		cmds, err := db.Pipelined(ctx, func(p kevy.Pipeliner) error {
			p.Set(ctx, "a", "1", 0)
			p.Incr(ctx, "a")
			p.Get(ctx, "a")
			return nil
		})
		require.NoError(t, err)
		require.Len(t, cmds, 3)
		assert.Equal(t, int64(2), cmds[1].(*kevy.IntCmd).Val())
		assert.Equal(t, "2", cmds[2].(*kevy.StringCmd).Val())

		_, err = db.Pipelined(ctx, func(p kevy.Pipeliner) error {
			p.Get(ctx, "missing")
			return nil
		})
		assert.ErrorIs(t, err, kevy.Nil)

		cmds, err = db.TxPipelined(ctx, func(p kevy.Pipeliner) error {
			p.Incr(ctx, "a")
			p.Do(ctx, "INCRBY", "a", 10)
			return nil
		})
		require.NoError(t, err)
		n, _ := cmds[1].(*kevy.Cmd).Int64()
		assert.Equal(t, int64(13), n)
	})
}

func TestTxWatchedKeyExpired(t *testing.T) {
	ctx := context.Background()
	forEach(t, func(t *testing.T, db *kevy.Store) {
		c := db.Conn()
		defer c.Close()
		require.NoError(t, db.Set(ctx, "k", "v", 0))
		assert.Equal(t, "OK", c.Exec(ctx, "WATCH", "k").Str)
		// Another connection deletes it: EXEC must fail.
		_, err := db.Del(ctx, "k")
		require.NoError(t, err)
		c.Exec(ctx, "MULTI")
		c.Exec(ctx, "SET", "k", "mine")
		assert.Equal(t, kevy.ReplyNilArray, c.Exec(ctx, "EXEC").Kind)
	})
}
