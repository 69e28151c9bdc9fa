package script

import (
	"context"
	"testing"

	"github.com/kevydb/kevy/resp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReplyExpansionAllowed checks the expansion bound past the free
// allowance (lowered here to keep the test small): large tables, a table
// repeated four times and many small tables convert; a table repeated
// beyond four times its size does not.
func TestReplyExpansionAllowed(t *testing.T) {
	rt := New(Options{})
	rt.maxReplyFreeElems = 1 << 10
	for _, c := range []struct {
		body string
		n    int // elements of the reply, -1 for the error
	}{
		{`local t = {} for i = 1, 5000 do t[i] = i end return t`, 5000},
		{`local a = {} for i = 1, 1000 do a[i] = i end return {a, a, a, a}`, 4},
		{`local t = {} for i = 1, 2000 do t[i] = {i} end return t`, 2000},
		{`local a = {} for i = 1, 1000 do a[i] = i end local t = {} for i = 1, 20 do t[i] = a end return t`, -1},
		{`local t = {} t[1] = t t[2] = t return t`, -1},
	} {
		s, _, ok := rt.Load(c.body)
		require.True(t, ok)
		r, err := rt.Eval(s, &Request{Ctx: context.Background(), Caller: nopCaller{}})
		require.NoError(t, err)
		if c.n < 0 {
			assert.Equal(t, resp.Err(msgReplyTooLarge), r, c.body)
			continue
		}
		assert.Len(t, r.Elems, c.n, c.body)
	}
}

// nopCaller knows no command.
type nopCaller struct{}

func (nopCaller) Lookup([]string) CommandInfo   { return CommandInfo{} }
func (nopCaller) Call([]string, int) resp.Reply { return resp.NilReply }
