package shard

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/kevydb/kevy/rdb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// hashModel is the reference a Hash is checked against: the pairs in
// insertion order, and whether the hash must have left the listpack
// encoding for good.
type hashModel struct {
	order []string
	vals  map[string]string
	big   bool
}

func (m *hashModel) set(f, v string) bool {
	_, exists := m.vals[f]
	if !exists {
		m.order = append(m.order, f)
	}
	m.vals[f] = v
	if len(f) > hashMaxListpackValue || len(v) > hashMaxListpackValue || len(m.vals) > hashMaxListpackEntries {
		m.big = true
	}
	return !exists
}

func (m *hashModel) del(f string) bool {
	if _, ok := m.vals[f]; !ok {
		return false
	}
	delete(m.vals, f)
	m.order = slices.DeleteFunc(m.order, func(x string) bool { return x == f })
	return true
}

// check compares h with the model: contents, encoding, and for a listpack
// the insertion order Redis would return.
func (m *hashModel) check(t testing.TB, h *Hash) {
	t.Helper()
	require.Equal(t, len(m.vals), h.Len())
	want := "listpack"
	if m.big {
		want = "hashtable"
	}
	require.Equal(t, want, h.Encoding())
	bytes := 0
	var strs []string
	for f, v := range m.vals {
		bytes += hashFieldMem(f, v)
		strs = append(strs, f, v)
	}
	if h.ht != nil {
		require.Equal(t, bytes, h.ht.bytes, "accounted content bytes")
		require.Greater(t, h.MemUsage(), bytes)
	} else {
		require.Equal(t, packedLen(strs, nil), len(h.lp.b), "listpack bytes")
		require.Equal(t, hashBaseMem+allocSize(cap(h.lp.b)), h.MemUsage())
	}
	var got []string
	h.Range(func(f, v string) bool {
		require.Equal(t, m.vals[f], v, "field %q", f)
		got = append(got, f)
		return true
	})
	if m.big {
		want := slices.Clone(m.order)
		slices.Sort(want)
		slices.Sort(got)
		require.True(t, slices.Equal(want, got), "fields: want %q, got %q", want, got)
	} else {
		require.Equal(t, len(m.order), len(got))
		for i := range got {
			require.Equal(t, m.order[i], got[i], "listpack order at %d", i)
		}
	}
}

// hashOps applies a sequence of operations coded in data to a Hash and
// its model, checking every result.
func hashOps(t testing.TB, data []byte) {
	h := NewHash()
	m := &hashModel{vals: map[string]string{}}
	for i := 0; i+2 < len(data); i += 3 {
		op, a, b := data[i], data[i+1], data[i+2]
		f := "f" + strconv.Itoa(int(a%64))
		switch op % 5 {
		case 0, 1:
			v := strings.Repeat("v", int(b%70))
			require.Equal(t, m.set(f, v), h.Set(f, v, dflt))
		case 2:
			require.Equal(t, m.del(f), h.Delete(f))
		case 3:
			v, ok := h.Get(f)
			mv, mok := m.vals[f]
			require.Equal(t, mok, ok)
			require.Equal(t, mv, v)
		case 4: // a burst of new fields, to cross the entry limit
			for j := range int(b%4) * 50 {
				f := fmt.Sprintf("g%d-%d", i, j)
				require.Equal(t, m.set(f, "x"), h.Set(f, "x", dflt))
			}
		}
	}
	m.check(t, h)
}

func TestHashModel(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 50 {
		data := make([]byte, 3*r.IntN(400))
		for i := range data {
			data[i] = byte(r.IntN(256))
		}
		hashOps(t, data)
	}
}

func FuzzHashOps(f *testing.F) {
	f.Add([]byte{0, 1, 2, 2, 1, 0, 3, 1, 0})
	f.Add([]byte{0, 1, 65, 3, 1, 0, 2, 1, 0})
	f.Add([]byte{4, 0, 200, 2, 3, 0, 0, 5, 5})
	f.Fuzz(func(t *testing.T, data []byte) { hashOps(t, data) })
}

func TestHashConversionThresholds(t *testing.T) {
	h := NewHash()
	for i := range hashMaxListpackEntries {
		h.Set("f"+strconv.Itoa(i), "v", dflt)
	}
	assert.Equal(t, "listpack", h.Encoding())
	h.Set("f0", strings.Repeat("x", 64), dflt)
	assert.Equal(t, "listpack", h.Encoding())
	h.Set("one-more", "v", dflt)
	assert.Equal(t, "hashtable", h.Encoding())
	for i := range hashMaxListpackEntries {
		h.Delete("f" + strconv.Itoa(i))
	}
	assert.Equal(t, "hashtable", h.Encoding(), "a hash never converts back")
	assert.Equal(t, 1, h.Len())

	h = NewHash()
	h.tryConversion([]string{"f", strings.Repeat("y", 65)}, dflt)
	assert.Equal(t, "hashtable", h.Encoding())
}

func TestHashDupAndEmit(t *testing.T) {
	for _, n := range []int{1, 64, 65, 600} {
		h := NewHash()
		for i := range n {
			h.Set("f"+strconv.Itoa(i), "v"+strconv.Itoa(i), dflt)
		}
		d := h.Dup().(*Hash)
		assert.Equal(t, h.Encoding(), d.Encoding())
		d.Set("f0", "changed", dflt)
		d.Set("extra", "x", dflt)
		v, _ := h.Get("f0")
		assert.Equal(t, "v0", v, "a Dup is deep")
		assert.Equal(t, n, h.Len())

		got := NewHash()
		cmds := 0
		h.Emit("k", func(argv ...string) {
			cmds++
			require.Equal(t, "HSET", argv[0])
			require.Equal(t, "k", argv[1])
			require.Zero(t, len(argv)%2)
			require.LessOrEqual(t, (len(argv)-2)/2, 64)
			for i := 2; i < len(argv); i += 2 {
				got.Set(argv[i], argv[i+1], dflt)
			}
		})
		assert.Equal(t, (n+63)/64, cmds)
		if h.Encoding() == "listpack" {
			assert.Equal(t, h.pairs(), got.pairs(), "a listpack is rebuilt in its order")
		}
		assert.Equal(t, h.Len(), got.Len())
		h.Range(func(f, v string) bool {
			gv, ok := got.Get(f)
			assert.True(t, ok)
			assert.Equal(t, v, gv)
			return true
		})
	}
}

func TestHashFromRDB(t *testing.T) {
	small := &rdb.Entry{Type: rdb.TypeHash, Hash: []rdb.Field{{Name: "a", Value: "1"}, {Name: "b", Value: "2"}}}
	obj, err := FromRDB[TypeHash](small, dflt)
	require.NoError(t, err)
	assert.Equal(t, "listpack", obj.Encoding())
	assert.Equal(t, []string{"a", "1", "b", "2"}, obj.(*Hash).pairs())

	long := &rdb.Entry{Type: rdb.TypeHash, Hash: []rdb.Field{{Name: "a", Value: strings.Repeat("z", 65)}}}
	obj, err = FromRDB[TypeHash](long, dflt)
	require.NoError(t, err)
	assert.Equal(t, "hashtable", obj.Encoding())

	big := &rdb.Entry{Type: rdb.TypeHash}
	for i := range 513 {
		big.Hash = append(big.Hash, rdb.Field{Name: strconv.Itoa(i), Value: "v"})
	}
	obj, err = FromRDB[TypeHash](big, dflt)
	require.NoError(t, err)
	assert.Equal(t, "hashtable", obj.Encoding())
	assert.Equal(t, 513, obj.Len())

	_, err = FromRDB[TypeHash](&rdb.Entry{Type: rdb.TypeHash, Hash: []rdb.Field{{Name: "a"}, {Name: "a"}}}, dflt)
	assert.Error(t, err)
	_, err = FromRDB[TypeHash](&rdb.Entry{Type: rdb.TypeHash}, dflt)
	assert.Error(t, err)
}

func TestHashEffectsReplay(t *testing.T) {
	for _, shards := range []int{1, 3} {
		t.Run(fmt.Sprintf("shards=%d", shards), func(t *testing.T) {
			s := newHSStore(t, shards)
			for _, line := range []string{
				"HSET h a 1 b 2 c 3",
				"HMSET h d 4",
				"HSETNX h a 9",
				"HSETNX h e 5",
				"HINCRBY h a 10",
				"HINCRBY n x -3",
				"HINCRBYFLOAT h f 1.1",
				"HINCRBYFLOAT h f 2.2e3",
				"HDEL h b zz",
				"HSET gone x 1",
				"HDEL gone x",
				"HSET other k v",
				"PEXPIRE other 100000000",
				"RENAME other moved",
				"COPY h hcopy",
				"HSET hcopy extra 1",
			} {
				require.NotEqual(t, byte('-'), s.do(line)[0], line)
			}
			s.checkReplay()
			assert.Equal(t, `"2201.10000000000000009"`, s.do("HGET h f"), "long double arithmetic, as Redis")
		})
	}
}

func TestHashNotifications(t *testing.T) {
	s := newHSStore(t, 1)
	for _, tc := range []struct {
		cmd    string
		events []string
	}{
		{"HSET h a 1 b 2", []string{"hset h"}},
		{"HMSET h c 3", []string{"hset h"}},
		{"HSETNX h a 1", nil},
		{"HSETNX h z 1", []string{"hset h"}},
		{"HINCRBY h n 1", []string{"hincrby h"}},
		{"HINCRBYFLOAT h n 1", []string{"hincrbyfloat h"}},
		{"HINCRBY h a x", nil},
		{"HDEL h nofield", nil},
		{"HDEL h a b", []string{"hdel h"}},
		{"HDEL h c z n", []string{"hdel h", "del h"}},
		{"HGET h a", nil},
	} {
		s.do(tc.cmd)
		assert.Equal(t, tc.events, s.takeEvents(), tc.cmd)
	}
}
