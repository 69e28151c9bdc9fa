package kevy_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kevydb/kevy"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// pipeCase is one typed call, made every way the API offers: immediately
// on a Conn (the reference) and on the Store, and queued through
// Store.Pipelined and Store.TxPipelined. Every way must give the same
// values and the same error. The method is called by name through
// reflect on each receiver, so each way gets exactly the same arguments.
type pipeCase struct {
	setup  string // command lines separated by ";", run on a flushed store before each way
	method string
	args   []any // after ctx; numbers convert to the parameter's numeric type, nil is its zero value
	// want is what the reference call must return: "" no error, "nil" the
	// error Nil, or else a part of the error's text.
	want   string
	sorted bool // a []string result is a set: compared sorted
	approx bool // durations and times are compared to within a second
}

// pipeCases are the cases by family, filled by pipeline_<family>_test.go.
var pipeCases = map[string][]pipeCase{}

// TestPipelineMatchesImmediate runs every case every way, on every
// variant, and compares the results.
func TestPipelineMatchesImmediate(t *testing.T) {
	families := make([]string, 0, len(pipeCases))
	for f := range pipeCases {
		families = append(families, f)
	}
	slices.Sort(families)
	forEach(t, func(t *testing.T, db *kevy.Store) {
		for _, family := range families {
			t.Run(family, func(t *testing.T) {
				for i, tc := range pipeCases[family] {
					t.Run(fmt.Sprintf("%s#%d", tc.method, i), func(t *testing.T) {
						checkPipeCase(t, db, tc)
					})
				}
			})
		}
	})
}

// TestPipelineCasesCoverEveryCommand fails when a typed method has no
// case: a new method gets its twin checked by adding one.
func TestPipelineCasesCoverEveryCommand(t *testing.T) {
	covered := map[string]bool{}
	for _, cases := range pipeCases {
		for _, tc := range cases {
			covered[tc.method] = true
		}
	}
	for m := range reflect.TypeFor[kevy.StatefulCmdable]().Methods() {
		if !slices.Contains(pipelineMakers, m.Name) {
			assert.True(t, covered[m.Name], "no pipeCase calls %s", m.Name)
		}
	}
}

func checkPipeCase(t *testing.T, db *kevy.Store, tc pipeCase) {
	ctx := context.Background()
	prepare := func() {
		t.Helper()
		require.NoError(t, db.FlushAll(ctx))
		for line := range strings.SplitSeq(tc.setup, ";") {
			if strings.TrimSpace(line) == "" {
				continue
			}
			r := db.Exec(ctx, fields(line)...)
			require.NotEqual(t, kevy.ReplyError, r.Kind, "setup %q: %s", line, r.Str)
		}
	}

	prepare()
	c := db.Conn()
	defer c.Close()
	want := callImmediate(ctx, c, tc)
	werr, _ := want[len(want)-1].(error)
	checkWant(t, tc, werr)

	if _, ok := reflect.TypeOf(db).MethodByName(tc.method); ok {
		prepare()
		assertSameResults(t, tc, "Store", want, callImmediate(ctx, db, tc))
	}
	ways := []struct {
		name string
		run  func(context.Context, func(kevy.Pipeliner) error) ([]kevy.Cmder, error)
	}{
		{"Pipelined", db.Pipelined},
		{"TxPipelined", db.TxPipelined},
	}
	for _, w := range ways {
		prepare()
		var cmd kevy.Cmder
		cmds, err := w.run(ctx, func(p kevy.Pipeliner) error {
			cmd = callDeferred(ctx, p, tc)
			return nil
		})
		require.Len(t, cmds, 1, w.name)
		assert.Same(t, cmd, cmds[0], w.name)
		assertSameResults(t, tc, w.name, want, cmdResults(cmd, len(want)))
		if w.name == "TxPipelined" && err != nil && strings.HasPrefix(err.Error(), "EXECABORT") {
			continue // a command that could not be queued aborted the transaction, as in Redis
		}
		assert.Equal(t, cmd.Err(), err, "%s returns the command's error", w.name)
	}
}

// checkWant checks the reference call's error against the case's intent.
func checkWant(t *testing.T, tc pipeCase, err error) {
	t.Helper()
	switch tc.want {
	case "":
		assert.NoError(t, err)
	case "nil":
		assert.ErrorIs(t, err, kevy.Nil)
	default:
		assert.ErrorContains(t, err, tc.want)
	}
	if err != nil {
		assert.NotContains(t, err.Error(), "unexpected", "a reply of a shape the method does not expect")
	}
}

// callImmediate calls tc.method on recv and returns its results, the
// error last (a nil error as nil).
func callImmediate(ctx context.Context, recv any, tc pipeCase) []any {
	outs := callByName(ctx, recv, tc)
	res := make([]any, len(outs))
	for i, o := range outs {
		res[i] = o.Interface()
	}
	return res
}

// callDeferred queues tc.method on p and returns its command object.
func callDeferred(ctx context.Context, p kevy.Pipeliner, tc pipeCase) kevy.Cmder {
	return callByName(ctx, p, tc)[0].Interface().(kevy.Cmder)
}

// cmdResults returns what a command object holds, shaped as the immediate
// method's n results: Result's values, or just Err for a method that
// returns only an error.
func cmdResults(cmd kevy.Cmder, n int) []any {
	if n == 1 {
		return []any{cmd.Err()}
	}
	outs := reflect.ValueOf(cmd).MethodByName("Result").Call(nil)
	res := make([]any, len(outs))
	for i, o := range outs {
		res[i] = o.Interface()
	}
	return res
}

func callByName(ctx context.Context, recv any, tc pipeCase) []reflect.Value {
	m := reflect.ValueOf(recv).MethodByName(tc.method)
	if !m.IsValid() {
		panic(fmt.Sprintf("%T has no method %s", recv, tc.method))
	}
	ft := m.Type()
	in := []reflect.Value{reflect.ValueOf(ctx)}
	for i, a := range tc.args {
		pt := ft.In(min(i+1, ft.NumIn()-1))
		if ft.IsVariadic() && i+1 >= ft.NumIn()-1 {
			pt = ft.In(ft.NumIn() - 1).Elem()
		}
		v := reflect.ValueOf(a)
		switch {
		case !v.IsValid():
			v = reflect.Zero(pt)
		case v.Type() != pt && isNumber(v.Kind()) && isNumber(pt.Kind()):
			v = v.Convert(pt)
		}
		in = append(in, v)
	}
	return m.Call(in)
}

func isNumber(k reflect.Kind) bool {
	return k >= reflect.Int && k <= reflect.Float64
}

// assertSameResults compares another way's results with the reference's.
func assertSameResults(t *testing.T, tc pipeCase, way string, want, got []any) {
	t.Helper()
	require.Len(t, got, len(want), way)
	for i := range want {
		w, g := want[i], got[i]
		if tc.sorted {
			w, g = sortedStrings(w), sortedStrings(g)
		}
		if tc.approx && closeEnough(w, g) {
			continue
		}
		assert.Equal(t, w, g, "%s: result %d of %s%v", way, i, tc.method, tc.args)
	}
}

func sortedStrings(v any) any {
	if s, ok := v.([]string); ok {
		s = slices.Clone(s)
		slices.Sort(s)
		return s
	}
	return v
}

// closeEnough reports whether two durations or times are within a second.
func closeEnough(a, b any) bool {
	switch a := a.(type) {
	case time.Duration:
		b, ok := b.(time.Duration)
		return ok && (a-b).Abs() <= time.Second
	case time.Time:
		b, ok := b.(time.Time)
		return ok && a.Sub(b).Abs() <= time.Second
	}
	return false
}

// TestPipelinerExecDiscardLen covers the queue's own methods, on a
// pipeline made by Store.Pipeline and one made by Conn.TxPipeline.
func TestPipelinerExecDiscardLen(t *testing.T) {
	ctx := context.Background()
	forEach(t, func(t *testing.T, db *kevy.Store) {
		p := db.Pipeline()
		cmds, err := p.Exec(ctx)
		assert.NoError(t, err)
		assert.Nil(t, cmds, "nothing queued: nothing runs")

		p.Set(ctx, "a", "1", 0)
		p.Incr(ctx, "a")
		assert.Equal(t, 2, p.Len())
		p.Discard()
		assert.Zero(t, p.Len())
		_, err = db.Get(ctx, "a")
		assert.ErrorIs(t, err, kevy.Nil, "discarded commands never run")

		incr := p.Incr(ctx, "a")
		get := p.Get(ctx, "a")
		cmds, err = p.Exec(ctx)
		require.NoError(t, err)
		assert.Equal(t, []kevy.Cmder{incr, get}, cmds)
		assert.Zero(t, p.Len(), "Exec empties the queue")
		assert.Equal(t, int64(1), incr.Val())
		assert.Equal(t, "1", get.Val())

		c := db.Conn()
		defer c.Close()
		require.NoError(t, c.Select(ctx, 2))
		tx := c.TxPipeline()
		tx.Set(ctx, "b", "x", 0)
		sel := tx.Select(ctx, 3)
		tx.Set(ctx, "b", "y", 0)
		_, err = tx.Exec(ctx)
		require.NoError(t, err)
		assert.Equal(t, "OK", sel.Val())
		assert.Equal(t, 3, c.DB(), "SELECT in the transaction changed the connection's database")
		v, err := c.Get(ctx, "b")
		require.NoError(t, err)
		assert.Equal(t, "y", v)
		require.NoError(t, c.Select(ctx, 2))
		v, err = c.Get(ctx, "b")
		require.NoError(t, err)
		assert.Equal(t, "x", v)
	})
}

// TestPipelineArgumentErrors: a command whose arguments cannot be
// converted fails as the immediate call does, without running; the
// others of a pipeline still run, while a transaction is aborted whole.
func TestPipelineArgumentErrors(t *testing.T) {
	ctx := context.Background()
	forEach(t, func(t *testing.T, db *kevy.Store) {
		var set, bad *kevy.StatusCmd
		_, err := db.Pipelined(ctx, func(p kevy.Pipeliner) error {
			bad = p.MSet(ctx, "k", struct{}{})
			set = p.Set(ctx, "k", "v", 0)
			return nil
		})
		assert.ErrorContains(t, err, "can't marshal struct {}")
		assert.Equal(t, err, bad.Err())
		assert.Equal(t, kevy.Reply{}, bad.Reply(), "never sent")
		assert.NoError(t, set.Err())
		v, _ := db.Get(ctx, "k")
		assert.Equal(t, "v", v)

		var incr *kevy.IntCmd
		_, err = db.TxPipelined(ctx, func(p kevy.Pipeliner) error {
			incr = p.Incr(ctx, "n")
			p.ZPopMin(ctx, "z", 1, 2)
			return nil
		})
		assert.ErrorContains(t, err, "EXECABORT")
		assert.ErrorContains(t, incr.Err(), "EXECABORT")
		_, err = db.Get(ctx, "n")
		assert.ErrorIs(t, err, kevy.Nil, "the transaction did not run")
	})
}

// TestPipelineOnClosedConn: a pipeline on a closed Conn fails with the
// error the immediate call gets.
func TestPipelineOnClosedConn(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t, kevy.Config{Shards: 2})
	c := db.Conn()
	require.NoError(t, c.Close())
	_, want := c.Get(ctx, "k")
	require.Error(t, want)
	var get *kevy.StringCmd
	_, err := c.Pipelined(ctx, func(p kevy.Pipeliner) error {
		get = p.Get(ctx, "k")
		return nil
	})
	assert.Equal(t, want, err)
	assert.Equal(t, want, get.Err())
}

// TestUnboundPipeline: a Pipeline not made by a Store fails at Exec.
func TestUnboundPipeline(t *testing.T) {
	var p kevy.Pipeline
	get := p.Get(context.Background(), "k")
	_, err := p.Exec(context.Background())
	assert.Error(t, err)
	assert.Equal(t, err, get.Err())
}

// TestPipelinedFnError: an error from fn runs nothing.
func TestPipelinedFnError(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t, kevy.Config{})
	boom := errors.New("boom")
	cmds, err := db.Pipelined(ctx, func(p kevy.Pipeliner) error {
		p.Set(ctx, "k", "v", 0)
		return boom
	})
	assert.Equal(t, boom, err)
	assert.Len(t, cmds, 1)
	_, err = db.Get(ctx, "k")
	assert.ErrorIs(t, err, kevy.Nil)
}
