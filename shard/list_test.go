package shard

import (
	"bytes"
	"io"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/kevydb/kevy/internal/pack"
	"github.com/kevydb/kevy/rdb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// listMem is what MemUsage must report for l, walking its nodes; it also
// checks the nodes' counts and limits.
func listMem(t testing.TB, l *List) int {
	n := listBaseMem + allocSize(cap(l.nodes)*listNodeMem)
	total := 0
	elems, bytes := l.limits()
	for k := range l.nodes {
		nd := &l.nodes[k]
		n += allocSize(cap(nd.p.b))
		c := 0
		for i := int(nd.off); i < len(nd.p.b); c++ {
			_, _, i = pack.BiAt(nd.p.b, i)
		}
		switch {
		case nd.n <= 0:
			t.Fatalf("node %d is empty", k)
		case int(nd.n) > elems:
			t.Fatalf("node %d holds %d elements, more than %d", k, nd.n, elems)
		case nd.n > 1 && len(nd.p.b)-int(nd.off) > bytes:
			t.Fatalf("node %d holds %d bytes, more than %d", k, len(nd.p.b)-int(nd.off), bytes)
		case int(nd.n) != c:
			t.Fatalf("node %d counts %d elements, holds %d", k, nd.n, c)
		}
		total += c
	}
	if l.n != total {
		t.Fatalf("list counts %d elements, its nodes hold %d", l.n, total)
	}
	return n
}

// listElems returns the elements of l, first to last.
func listElems(l *List) []string {
	out := []string{}
	l.Range(func(_ int, v string) bool {
		out = append(out, v)
		return true
	})
	return out
}

// listOps applies operations coded in data to a List and to a slice model,
// checking contents and the running memory estimate after every one. It
// returns the greatest length the list reached.
func listOps(t testing.TB, data []byte, fill int64) (maxLen int) {
	enc := defaultEncodings
	enc.ListMaxListpackSize = fill
	l := newList(&enc)
	var m []string
	for i := 0; i+2 < len(data); i += 3 {
		op, a, b := data[i], int(data[i+1]), int(data[i+2])
		v := strings.Repeat(string(rune('a'+a%4)), b%9)
		switch op % 9 {
		case 0:
			l.PushFront(v)
			m = slices.Insert(m, 0, v)
		case 1:
			l.PushBack(v)
			m = append(m, v)
		case 2, 3:
			left := op%9 == 2
			got, ok := l.Pop(left)
			require.Equal(t, len(m) > 0, ok)
			if ok {
				want := m[len(m)-1]
				if left {
					want, m = m[0], m[1:]
				} else {
					m = m[:len(m)-1]
				}
				require.Equal(t, want, got)
			}
		case 4:
			idx := int64(a) - 128
			ok := l.Set(idx, v)
			j := idx
			if j < 0 {
				j += int64(len(m))
			}
			require.Equal(t, j >= 0 && j < int64(len(m)), ok)
			if ok {
				m[j] = v
			}
		case 5:
			at := a % (len(m) + 1)
			l.Insert(at, v)
			m = slices.Insert(m, at, v)
		case 6:
			count := int64(b%7) - 3
			n := l.Remove(v, count)
			removed := 0
			if count >= 0 {
				m = slices.DeleteFunc(m, func(x string) bool {
					if x == v && (count == 0 || removed < int(count)) {
						removed++
						return true
					}
					return false
				})
			} else {
				for j := len(m) - 1; j >= 0 && removed < int(-count); j-- {
					if m[j] == v {
						m = slices.Delete(m, j, j+1)
						removed++
					}
				}
			}
			require.Equal(t, removed, n)
		case 7:
			from, to, ok := listRange(int64(a)-128, int64(b)-128, len(m))
			if !ok {
				from, to = 1, 0
			}
			l.Trim(from, to)
			if ok {
				m = slices.Clone(m[from : to+1])
			} else {
				m = nil
			}
		case 8:
			require.Equal(t, slices.Index(m, v), l.Index(v))
		}
		require.Equal(t, len(m), l.Len())
		require.Equal(t, listMem(t, l), l.MemUsage(), "after op %d", op%9)
		maxLen = max(maxLen, len(m))
	}
	require.Equal(t, append([]string{}, m...), listElems(l))
	return maxLen
}

func TestListModel(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	data := make([]byte, 0, 60000)
	for len(data) < cap(data) {
		op := byte(r.IntN(9))
		if (op == 6 || op == 7) && r.IntN(20) != 0 || op >= 2 && op <= 3 && r.IntN(2) == 0 {
			op = byte(r.IntN(2)) // mostly pushes, few trims: the list grows
		}
		data = append(data, op, byte(r.Uint32()), byte(r.Uint32()))
	}
	for _, fill := range []int64{-2, 4, 1, -1} {
		assert.Greater(t, listOps(t, data, fill), 300, "the list must span several nodes")
	}
}

func FuzzListOps(f *testing.F) {
	f.Add([]byte{0, 1, 2, 1, 3, 4, 2, 0, 0, 3, 0, 0})
	f.Add([]byte{1, 0, 5, 1, 1, 5, 6, 0, 3, 7, 129, 127, 4, 127, 2, 5, 1, 1, 8, 1, 1})
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, fill := range []int64{-2, 3} {
			listOps(t, data, fill)
		}
	})
}

func TestListDupEmitEncoding(t *testing.T) {
	for _, n := range []int{1, 64, 65, 300} {
		l := NewList()
		for i := range n {
			l.PushBack("e" + strconv.Itoa(i))
		}
		assert.Equal(t, "quicklist", l.Encoding(), "Redis 7.0 reports quicklist for every list")
		d := l.Dup().(*List)
		d.PushFront("extra")
		assert.Equal(t, n, l.Len(), "a copy is independent")
		assert.Equal(t, listMem(t, d), d.MemUsage())
		assert.Equal(t, listMem(t, l), l.MemUsage())

		rebuilt := NewList()
		cmds := 0
		l.Emit("k", func(argv ...string) {
			cmds++
			require.Equal(t, []string{"RPUSH", "k"}, argv[:2])
			require.LessOrEqual(t, len(argv)-2, 64)
			for _, v := range argv[2:] {
				rebuilt.PushBack(v)
			}
		})
		assert.Equal(t, (n+63)/64, cmds)
		assert.Equal(t, listElems(l), listElems(rebuilt))
	}
}

func TestListRDBRoundTrip(t *testing.T) {
	l := NewList()
	for i := range 1000 {
		l.PushBack(strconv.Itoa(i * 7919))
	}
	l.PushBack("")
	l.PushBack(strings.Repeat("x", 70000))
	var buf bytes.Buffer
	w := rdb.NewWriter(&buf, rdb.WriterOptions{})
	require.NoError(t, w.SelectDB(0))
	require.NoError(t, ToRDB[TypeList](w, "k", l, 4102444800000))
	require.NoError(t, w.Close())

	r := rdb.NewReader(&buf)
	e, err := r.Next()
	require.NoError(t, err)
	assert.Equal(t, "k", e.Key)
	assert.Equal(t, int64(4102444800000), e.ExpireAt)
	obj, err := FromRDB[TypeList](e, dflt)
	require.NoError(t, err)
	assert.Equal(t, listElems(l), listElems(obj.(*List)))
	assert.Equal(t, listMem(t, obj.(*List)), obj.(*List).MemUsage())
	_, err = r.Next()
	assert.ErrorIs(t, err, io.EOF)

	_, err = FromRDB[TypeList](&rdb.Entry{Type: rdb.TypeList}, dflt)
	assert.Error(t, err, "an empty list is corrupt")
}
