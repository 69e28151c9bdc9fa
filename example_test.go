package kevy_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/kevydb/kevy"
)

func Example() {
	ctx := context.Background()
	db, err := kevy.Open(kevy.Config{})
	if err != nil {
		panic(err)
	}
	defer db.Close()

	db.Set(ctx, "greeting", "hello", 0)
	v, _ := db.Get(ctx, "greeting")
	fmt.Println(v)

	n, _ := db.Incr(ctx, "hits")
	fmt.Println(n)

	fmt.Println(db.Exec(ctx, "SET", "k", "v", "NX", "GET").Kind)
	// Output:
	// hello
	// 1
	// nil
}

func ExampleOpen() {
	db, err := kevy.Open(kevy.Config{Shards: 4, Engine: kevy.EngineLocked})
	if err != nil {
		panic(err)
	}
	defer db.Close()
	fmt.Println(db.Config().Shards, db.Config().Databases, db.Config().Engine)
	// Output: 4 16 locked
}

func ExampleStore_Get() {
	ctx := context.Background()
	db, _ := kevy.Open(kevy.Config{})
	defer db.Close()

	_, err := db.Get(ctx, "missing")
	fmt.Println(errors.Is(err, kevy.Nil))

	db.Set(ctx, "session", "abc", time.Hour)
	v, _ := db.Get(ctx, "session")
	ttl, _ := db.TTL(ctx, "session")
	fmt.Println(v, ttl)
	// Output:
	// true
	// abc 1h0m0s
}

func ExampleStore_Subscribe() {
	ctx := context.Background()
	db, _ := kevy.Open(kevy.Config{})
	defer db.Close()

	sub := db.Subscribe(ctx, "news")
	defer sub.Close()
	confirmation, _ := sub.Receive(ctx)
	fmt.Printf("%+v\n", confirmation)

	n, _ := db.Publish(ctx, "news", "kevy 1.0 is out")
	fmt.Println("receivers:", n)
	msg := <-sub.Channel()
	fmt.Println(msg.Channel, msg.Payload)
	// Output:
	// &{Kind:subscribe Channel:news Count:1}
	// receivers: 1
	// news kevy 1.0 is out
}

func ExampleStore_Watch() {
	ctx := context.Background()
	db, _ := kevy.Open(kevy.Config{})
	defer db.Close()
	db.Set(ctx, "balance", "100", 0)

	// Withdraw 30 unless the balance changed under us; retry if it did.
	for {
		err := db.Watch(ctx, func(tx *kevy.Tx) error {
			balance, err := tx.Get(ctx, "balance")
			if err != nil {
				return err
			}
			var b int
			fmt.Sscan(balance, &b)
			_, err = tx.TxPipelined(ctx, func(p kevy.Pipeliner) error {
				p.Set(ctx, "balance", fmt.Sprint(b-30), 0)
				return nil
			})
			return err
		}, "balance")
		if errors.Is(err, kevy.TxFailedErr) {
			continue
		}
		break
	}
	v, _ := db.Get(ctx, "balance")
	fmt.Println(v)
	// Output: 70
}

func ExampleConn_ExecPipeline() {
	ctx := context.Background()
	db, _ := kevy.Open(kevy.Config{})
	defer db.Close()
	c := db.Conn()
	defer c.Close()

	replies := c.ExecPipeline(ctx,
		[]string{"SET", "a", "1"},
		[]string{"INCR", "a"},
		[]string{"GET", "a"},
	)
	for _, r := range replies {
		fmt.Println(r.Kind, r.Str, r.Int)
	}
	// Output:
	// status OK 0
	// integer  2
	// bulk 2 0
}

func ExampleStore_Pipelined() {
	ctx := context.Background()
	db, _ := kevy.Open(kevy.Config{})
	defer db.Close()

	var online *kevy.IntCmd
	var user *kevy.MapStringStringCmd
	var top *kevy.ZSliceCmd
	_, err := db.Pipelined(ctx, func(p kevy.Pipeliner) error {
		p.HSet(ctx, "user:1", "name", "ann", "visits", 1)
		online = p.SAdd(ctx, "online", "user:1", "user:2")
		p.ZAdd(ctx, "board", kevy.Z{Score: 7, Member: "ann"}, kevy.Z{Score: 9, Member: "bob"})
		user = p.HGetAll(ctx, "user:1")
		top = p.ZRevRangeWithScores(ctx, "board", 0, 0)
		return nil
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(online.Val(), user.Val()["name"], top.Val())
	// Output: 2 ann [{9 bob}]
}

// countVisit is application code that queues commands: it takes the
// Pipeliner interface, so a test can hand it a fake.
func countVisit(ctx context.Context, p kevy.Pipeliner, page string) *kevy.IntCmd {
	p.Expire(ctx, "visits:"+page, 24*time.Hour)
	return p.Incr(ctx, "visits:"+page)
}

// fakePipeliner records what is queued. It embeds the interface, so it
// implements every method; only the ones countVisit calls are overridden.
type fakePipeliner struct {
	kevy.Pipeliner
	queued []string
}

func (f *fakePipeliner) Incr(_ context.Context, key string) *kevy.IntCmd {
	f.queued = append(f.queued, "INCR "+key)
	return &kevy.IntCmd{}
}

func (f *fakePipeliner) Expire(_ context.Context, key string, d time.Duration) *kevy.BoolCmd {
	f.queued = append(f.queued, fmt.Sprint("EXPIRE ", key, " ", d))
	return &kevy.BoolCmd{}
}

func ExamplePipeliner() {
	ctx := context.Background()
	db, _ := kevy.Open(kevy.Config{})
	defer db.Close()

	// With a Store: a pipeline built now and run by Exec.
	p := db.Pipeline()
	visits := countVisit(ctx, p, "home")
	if _, err := p.Exec(ctx); err != nil {
		panic(err)
	}
	fmt.Println(visits.Val())

	// In a test: a fake that records the commands.
	fake := &fakePipeliner{}
	countVisit(ctx, fake, "home")
	fmt.Println(fake.queued)
	// Output:
	// 1
	// [EXPIRE visits:home 24h0m0s INCR visits:home]
}
