package shard

import (
	"cmp"
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

// setOps applies a sequence of operations coded in data to a Set and a map
// model, checking every result, the encoding rules (intset while all
// members are integers and at most 512 of them; hash table for good after)
// and the intset's ascending order.
func setOps(t testing.TB, data []byte) {
	s := NewSet()
	model := map[string]bool{}
	big := false
	member := func(a, b byte) string {
		switch a % 4 {
		case 0:
			return "m" + strconv.Itoa(int(b))
		case 1:
			return strconv.Itoa(int(b) - 128)
		case 2:
			return strconv.Itoa(int(b)*1000 + int(a))
		}
		return "0" + strconv.Itoa(int(b)) // not canonical: a string
	}
	for i := 0; i+2 < len(data); i += 3 {
		op, a, b := data[i], data[i+1], data[i+2]
		m := member(a, b)
		switch op % 5 {
		case 0, 1:
			want := !model[m]
			model[m] = true
			if _, isInt := ParseInt(m); !isInt || len(model) > setMaxIntsetEntries {
				big = true
			}
			require.Equal(t, want, s.Add(m, dflt), "SADD %q", m)
		case 2:
			require.Equal(t, model[m], s.Remove(m), "SREM %q", m)
			delete(model, m)
		case 3:
			require.Equal(t, model[m], s.Has(m), "SISMEMBER %q", m)
		case 4: // a burst of integers, to cross the entry limit
			for j := range int(b%4) * 100 {
				m := strconv.Itoa(int(a)*100000 + j)
				model[m] = true
				if len(model) > setMaxIntsetEntries {
					big = true
				}
				s.Add(m, dflt)
			}
		}
	}
	require.Equal(t, len(model), s.Len())
	want := "intset"
	if big {
		want = "hashtable"
	}
	require.Equal(t, want, s.Encoding())
	if big {
		bytes := 0
		for m := range model {
			bytes += allocSize(len(m))
		}
		require.Equal(t, bytes, s.bytes, "accounted content bytes")
	} else {
		require.Equal(t, len(model)*int(s.w), len(s.is), "intset bytes")
	}
	require.Greater(t, s.MemUsage(), 0)
	got := s.members()
	if !big {
		require.True(t, slices.IsSortedFunc(got, func(x, y string) int {
			a, _ := ParseInt(x)
			b, _ := ParseInt(y)
			return cmp.Compare(a, b)
		}), "intset order")
	}
	for _, m := range got {
		require.True(t, model[m], "member %q", m)
	}
}

func TestSetModel(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for range 50 {
		data := make([]byte, 3*r.IntN(400))
		for i := range data {
			data[i] = byte(r.IntN(256))
		}
		setOps(t, data)
	}
}

func FuzzSetOps(f *testing.F) {
	f.Add([]byte{0, 1, 2, 2, 1, 2, 3, 1, 2})
	f.Add([]byte{0, 0, 7, 0, 3, 9, 3, 0, 7})
	f.Add([]byte{4, 9, 255, 4, 8, 255, 2, 9, 0})
	f.Fuzz(func(t *testing.T, data []byte) { setOps(t, data) })
}

func TestSetConversionThresholds(t *testing.T) {
	s := NewSet()
	for i := range setMaxIntsetEntries {
		s.Add(strconv.Itoa(i), dflt)
	}
	assert.Equal(t, "intset", s.Encoding())
	assert.False(t, s.Add("0", dflt))
	assert.True(t, s.Add("-1", dflt))
	assert.Equal(t, "hashtable", s.Encoding())
	for i := range setMaxIntsetEntries {
		s.Remove(strconv.Itoa(i))
	}
	assert.Equal(t, "hashtable", s.Encoding(), "a set never converts back")
	assert.True(t, s.Has("-1"))

	for _, m := range []string{"a", "1.0", "+1", "01", "-0", " 1", "9223372036854775808", ""} {
		s := NewSet()
		s.Add(m, dflt)
		assert.Equal(t, "hashtable", s.Encoding(), "%q is no intset member", m)
		assert.Equal(t, "hashtable", newSetFor(m).Encoding())
	}
	assert.Equal(t, "intset", newSetFor("-9223372036854775808").Encoding())
}

func TestSetDupAndEmit(t *testing.T) {
	for _, n := range []int{1, 64, 65, 600} {
		for _, prefix := range []string{"", "m"} {
			s := NewSet()
			for i := range n {
				s.Add(prefix+strconv.Itoa(i), dflt)
			}
			d := s.Dup().(*Set)
			assert.Equal(t, s.Encoding(), d.Encoding())
			d.Remove(prefix + "0")
			assert.True(t, s.Has(prefix+"0"), "a Dup is deep")

			got := NewSet()
			cmds := 0
			s.Emit("k", func(argv ...string) {
				cmds++
				require.Equal(t, []string{"SADD", "k"}, argv[:2])
				require.LessOrEqual(t, len(argv)-2, 64)
				for _, m := range argv[2:] {
					got.Add(m, dflt)
				}
			})
			assert.Equal(t, (n+63)/64, cmds)
			assert.ElementsMatch(t, s.members(), got.members())
		}
	}
}

func TestSetFromRDB(t *testing.T) {
	for _, tc := range []struct {
		members []string
		enc     string
	}{
		{[]string{"3", "1", "2"}, "intset"},
		{[]string{"1", "a"}, "hashtable"},
	} {
		obj, err := FromRDB[TypeSet](&rdb.Entry{Type: rdb.TypeSet, Set: tc.members}, dflt)
		require.NoError(t, err)
		assert.Equal(t, tc.enc, obj.Encoding())
		assert.Equal(t, len(tc.members), obj.Len())
	}
	big := &rdb.Entry{Type: rdb.TypeSet}
	for i := range 513 {
		big.Set = append(big.Set, strconv.Itoa(i))
	}
	obj, err := FromRDB[TypeSet](big, dflt)
	require.NoError(t, err)
	assert.Equal(t, "hashtable", obj.Encoding())
	_, err = FromRDB[TypeSet](&rdb.Entry{Type: rdb.TypeSet, Set: []string{"a", "a"}}, dflt)
	assert.Error(t, err)
	_, err = FromRDB[TypeSet](&rdb.Entry{Type: rdb.TypeSet}, dflt)
	assert.Error(t, err)
}

func TestSetEffectsReplay(t *testing.T) {
	for _, shards := range []int{1, 3} {
		t.Run(fmt.Sprintf("shards=%d", shards), func(t *testing.T) {
			s := newHSStore(t, shards)
			var b strings.Builder
			b.WriteString("SADD big")
			for i := range 2000 {
				fmt.Fprintf(&b, " m%d", i)
			}
			for _, line := range []string{
				"SADD a 1 2 3 4 5 6 7 8 9 10",
				"SADD b x y z 1 2",
				b.String(),
				"SREM a 10 11",
				"SPOP a",
				"SPOP a 2",   // few popped: one by one
				"SPOP b 4",   // few kept: a new set
				"SPOP big 3", // hash table, few popped
				"SPOP big 1990",
				"SADD c p q",
				"SPOP c 5", // everything: DEL
				"SADD s1 a b c",
				"SADD s2 b c d",
				"SMOVE s1 s2 a",
				"SMOVE s1 s3 b",
				"SMOVE s2 s2 b",
				"SINTERSTORE i1 s2 s3",
				"SUNIONSTORE u1 s1 s2 s3 a",
				"SDIFFSTORE d1 s2 s3",
				"SET str v",
				"SUNIONSTORE str s2",
				"SINTERSTORE u1 s1 missing",
				"SADD last only",
				"SREM last only",
			} {
				require.NotEqual(t, byte('-'), s.do(line)[0], line)
			}
			s.checkReplay()
			assert.Equal(t, ":0", s.do("EXISTS c"))
			assert.Equal(t, ":0", s.do("EXISTS u1"))
			assert.Equal(t, ":4", s.do("SCARD str"))
		})
	}
}

// TestSetEffectsStayOnTheirShards checks that cross-shard commands log each
// effect to the shard of the key it names, never naming another shard's
// keys.
func TestSetEffectsStayOnTheirShards(t *testing.T) {
	s := newHSStore(t, 4)
	r := s.router
	var keys []string
	used := map[int]bool{}
	for i := 0; len(keys) < 3; i++ {
		k := "k" + strconv.Itoa(i)
		if !used[r.Shard(k)] {
			used[r.Shard(k)] = true
			keys = append(keys, k)
		}
	}
	a, b, d := keys[0], keys[1], keys[2]
	for _, line := range []string{
		"SADD " + a + " 1 2 3",
		"SADD " + b + " 2 3 4",
		"SMOVE " + a + " " + b + " 1",
		"SINTERSTORE " + d + " " + a + " " + b,
		"SUNIONSTORE " + d + " " + a + " " + b,
		"SDIFFSTORE " + d + " " + b + " " + a,
	} {
		require.NotEqual(t, byte('-'), s.do(line)[0], line)
	}
	for i, ks := range s.shards {
		eff := string(ks.Effects())
		for _, k := range keys {
			if r.Shard(k) != i {
				assert.NotContains(t, eff, "\r\n"+k+"\r\n", "shard %d logs key %s of shard %d", i, k, r.Shard(k))
			}
		}
	}
	s.checkReplay()
}

func TestSetNotifications(t *testing.T) {
	s := newHSStore(t, 1)
	for _, tc := range []struct {
		cmd    string
		events []string
	}{
		{"SADD s a b", []string{"sadd s"}},
		{"SADD s a", nil},
		{"SREM s zz", nil},
		{"SREM s a", []string{"srem s"}},
		{"SMOVE s t b", []string{"srem s", "del s", "sadd t"}},
		{"SADD s x", []string{"sadd s"}},
		{"SADD t x", []string{"sadd t"}},
		{"SMOVE s t x", []string{"srem s", "del s"}}, // t already has x
		{"SMOVE t t x", nil},
		{"SPOP t 0", nil},
		{"SPOP t 1", []string{"spop t"}},
		{"SPOP t", []string{"spop t", "del t"}},
		{"SADD p 1 2 3", []string{"sadd p"}},
		{"SPOP p 5", []string{"spop p", "del p"}},
		{"SADD a 1 2", []string{"sadd a"}},
		{"SINTERSTORE d a a", []string{"sinterstore d"}},
		{"SUNIONSTORE d a", []string{"sunionstore d"}},
		{"SDIFFSTORE d a", []string{"sdiffstore d"}},
		{"SDIFFSTORE d a a", []string{"del d"}},
		{"SDIFFSTORE d a a", nil},
		{"SINTERSTORE d a nokey", nil},
		{"SINTER a a", nil},
	} {
		s.do(tc.cmd)
		assert.Equal(t, tc.events, s.takeEvents(), tc.cmd)
	}
}

func TestSetRandomCountLimit(t *testing.T) {
	s := newHSStore(t, 1)
	s.do("SADD s a")
	assert.Equal(t, "-ERR value is out of range", s.do("SRANDMEMBER s -4194305"))
	assert.Equal(t, "[]", s.do("SRANDMEMBER nokey -4194305"))
}

func TestSinterCardKeys(t *testing.T) {
	cmd := Lookup("sintercard")
	for _, tc := range []struct {
		args string
		want []int
	}{
		{"SINTERCARD 2 a b", []int{2, 3}},
		{"SINTERCARD 2 a b LIMIT 3", []int{2, 3}},
		{"SINTERCARD 1 a b", []int{2}},
		{"SINTERCARD 3 a b", nil},
		{"SINTERCARD 0 a", nil},
		{"SINTERCARD -1 a", nil},
		{"SINTERCARD x a", nil},
		{"SINTERCARD 1x a", []int{2}},
		{"SINTERCARD 99999999999999999999999 a", nil},
	} {
		assert.Equal(t, tc.want, cmd.Keys(strings.Fields(tc.args), nil), tc.args)
	}
	assert.Nil(t, cmd.Keys([]string{"SINTERCARD"}, nil))
}
