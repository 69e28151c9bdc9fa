package kevy_test

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/kevydb/kevy"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func typeOf[T any]() reflect.Type { return reflect.TypeFor[T]() }

// familyPairs are the command families with their deferred twins. A new
// family is added here along with its two interfaces.
var familyPairs = []struct{ imm, def reflect.Type }{
	{typeOf[kevy.GenericCmdable](), typeOf[kevy.GenericPipeCmdable]()},
	{typeOf[kevy.StringCmdable](), typeOf[kevy.StringPipeCmdable]()},
	{typeOf[kevy.ListCmdable](), typeOf[kevy.ListPipeCmdable]()},
	{typeOf[kevy.HashCmdable](), typeOf[kevy.HashPipeCmdable]()},
	{typeOf[kevy.SetCmdable](), typeOf[kevy.SetPipeCmdable]()},
	{typeOf[kevy.SortedSetCmdable](), typeOf[kevy.SortedSetPipeCmdable]()},
	{typeOf[kevy.PubSubCmdable](), typeOf[kevy.PubSubPipeCmdable]()},
	{typeOf[kevy.ServerCmdable](), typeOf[kevy.ServerPipeCmdable]()},
}

// pipelineMakers are the methods of Cmdable that make or run pipelines
// rather than queue a command: they have no deferred twin.
var pipelineMakers = []string{"Pipeline", "Pipelined", "TxPipeline", "TxPipelined"}

// TestCmdableParity checks that the immediate and the deferred shapes of
// the typed API cannot drift: every family's two interfaces have the same
// methods with the same parameter lists, each deferred method returns one
// command object whose Result returns what the immediate method returns
// (or, for a method returning only an error, any command object), and
// the composites (Cmdable and PipeCmdable, StatefulCmdable and Pipeliner)
// hold the same commands.
func TestCmdableParity(t *testing.T) {
	for _, p := range familyPairs {
		t.Run(p.imm.Name(), func(t *testing.T) {
			for _, problem := range parityProblems(p.imm, p.def, nil) {
				t.Error(problem)
			}
		})
	}
	t.Run("Cmdable", func(t *testing.T) {
		for _, problem := range parityProblems(typeOf[kevy.Cmdable](), typeOf[kevy.PipeCmdable](), pipelineMakers) {
			t.Error(problem)
		}
	})
	t.Run("StatefulCmdable", func(t *testing.T) {
		skip := append(slices.Clone(pipelineMakers), "Len", "Discard", "Exec")
		for _, problem := range parityProblems(typeOf[kevy.StatefulCmdable](), typeOf[kevy.Pipeliner](), skip) {
			t.Error(problem)
		}
	})
	t.Run("families compose Cmdable", func(t *testing.T) {
		cmdable := typeOf[kevy.Cmdable]()
		var composed []string
		for _, p := range familyPairs {
			for m := range p.imm.Methods() {
				composed = append(composed, m.Name)
			}
		}
		for m := range cmdable.Methods() {
			if !slices.Contains(composed, m.Name) && !slices.Contains(pipelineMakers, m.Name) && m.Name != "Do" {
				t.Errorf("Cmdable.%s belongs to no family of familyPairs", m.Name)
			}
		}
	})
}

// TestParityCatchesDrift feeds parityProblems interfaces that drifted, so
// that the parity test is known to fail when they do.
func TestParityCatchesDrift(t *testing.T) {
	type imm interface {
		Get(key string) (string, error)
		Set(key, value string) error
		Scan(cursor uint64) ([]string, uint64, error)
		Only() error
	}
	type def interface {
		Get(key string, extra int) *kevy.StringCmd // a parameter more
		Set(key, value string) *kevy.StatusCmd
		Scan(cursor uint64) *kevy.StringSliceCmd // Result returns ([]string, error)
		Other() *kevy.IntCmd
	}
	problems := parityProblems(typeOf[imm](), typeOf[def](), nil)
	assert.ElementsMatch(t, []string{
		"Get: parameters (string) and (string, int) differ",
		"Scan: Result of *kevy.StringSliceCmd returns ([]string, error), the immediate method ([]string, uint64, error)",
		"Only: not deferred",
		"Other: deferred only",
	}, problems)
}

// parityProblems compares an immediate interface with its deferred twin,
// ignoring the methods named in skip.
func parityProblems(imm, def reflect.Type, skip []string) []string {
	var problems []string
	cmder := typeOf[kevy.Cmder]()
	errType := typeOf[error]()
	for m := range imm.Methods() {
		if slices.Contains(skip, m.Name) {
			continue
		}
		d, ok := def.MethodByName(m.Name)
		if !ok {
			problems = append(problems, m.Name+": not deferred")
			continue
		}
		if !sameParams(m.Type, d.Type) {
			problems = append(problems, fmt.Sprintf("%s: parameters %s and %s differ", m.Name, params(m.Type), params(d.Type)))
			continue
		}
		if d.Type.NumOut() != 1 || d.Type.Out(0).Kind() != reflect.Pointer || !d.Type.Out(0).Implements(cmder) {
			problems = append(problems, m.Name+": the deferred method does not return one command object")
			continue
		}
		outs := results(m.Type)
		if len(outs) == 0 || outs[len(outs)-1] != errType {
			problems = append(problems, m.Name+": the immediate method does not return an error last")
			continue
		}
		if len(outs) == 1 {
			continue // error only: any command object carries it (Err)
		}
		cmd := d.Type.Out(0)
		result, ok := cmd.MethodByName("Result")
		if !ok {
			problems = append(problems, fmt.Sprintf("%s: %s has no Result", m.Name, cmd))
			continue
		}
		if got := results(result.Type)[:]; !slices.Equal(got, outs) {
			problems = append(problems, fmt.Sprintf("%s: Result of %s returns %s, the immediate method %s",
				m.Name, cmd, typeList(got), typeList(outs)))
		}
	}
	for m := range def.Methods() {
		if slices.Contains(skip, m.Name) {
			continue
		}
		if _, ok := imm.MethodByName(m.Name); !ok {
			problems = append(problems, m.Name+": deferred only")
		}
	}
	return problems
}

// sameParams compares two method types' parameters (receivers are not in
// an interface's method types).
func sameParams(a, b reflect.Type) bool {
	if a.NumIn() != b.NumIn() || a.IsVariadic() != b.IsVariadic() {
		return false
	}
	for i := range a.NumIn() {
		if a.In(i) != b.In(i) {
			return false
		}
	}
	return true
}

func results(f reflect.Type) []reflect.Type {
	out := make([]reflect.Type, f.NumOut())
	for i := range out {
		out[i] = f.Out(i)
	}
	return out
}

func params(f reflect.Type) string {
	in := make([]reflect.Type, f.NumIn())
	for i := range in {
		in[i] = f.In(i)
	}
	return typeList(in)
}

func typeList(ts []reflect.Type) string {
	names := make([]string, len(ts))
	for i, t := range ts {
		names[i] = t.String()
	}
	return "(" + strings.Join(names, ", ") + ")"
}

// TestImplementations pins, at run time too, who implements what: the
// compile-time assertions in each family's file are the first line.
func TestImplementations(t *testing.T) {
	for _, p := range familyPairs {
		assert.True(t, typeOf[*kevy.Store]().Implements(p.imm), "Store %s", p.imm)
		assert.True(t, typeOf[*kevy.Conn]().Implements(p.imm), "Conn %s", p.imm)
		assert.True(t, typeOf[*kevy.Tx]().Implements(p.imm), "Tx %s", p.imm)
		assert.True(t, typeOf[*kevy.Pipeline]().Implements(p.def), "Pipeline %s", p.def)
	}
	require.True(t, typeOf[*kevy.Pipeline]().Implements(typeOf[kevy.Pipeliner]()))
	assert.False(t, typeOf[*kevy.Store]().Implements(typeOf[kevy.StatefulCmdable]()), "a Store has no connection state to change")
}

func TestDo(t *testing.T) {
	ctx := context.Background()
	forEach(t, func(t *testing.T, db *kevy.Store) {
		v, err := db.Do(ctx, "SET", "k", 42)
		require.NoError(t, err)
		assert.Equal(t, "OK", v)
		v, err = db.Do(ctx, "GET", []byte("k"))
		require.NoError(t, err)
		assert.Equal(t, "42", v)
		v, err = db.Do(ctx, "INCRBY", "k", int64(8))
		require.NoError(t, err)
		assert.Equal(t, int64(50), v)
		v, err = db.Do(ctx, "INCRBYFLOAT", "k", 0.5)
		require.NoError(t, err)
		assert.Equal(t, "50.5", v)
		v, err = db.Do(ctx, "SET", "b", true)
		require.NoError(t, err)
		v, _ = db.Do(ctx, "MGET", "b", "nope")
		assert.Equal(t, []any{"1", nil}, v)
		_, err = db.Do(ctx, "GET", "nope")
		assert.ErrorIs(t, err, kevy.Nil)
		_, err = db.Do(ctx, "NOSUCH")
		var rerr kevy.Error
		require.ErrorAs(t, err, &rerr)
		assert.Equal(t, "ERR unknown command 'NOSUCH', with args beginning with: ", err.Error())
		_, err = db.Do(ctx, "GET", struct{}{})
		assert.Error(t, err)
	})
}
