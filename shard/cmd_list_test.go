package shard

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"testing"

	"github.com/kevydb/kevy/resp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Shard-level tests of the list commands and SORT, on the harness of
// hashset_harness_test.go: effects must rebuild the same data when each
// shard's log is replayed alone, and notifications must be Redis's.

// dumpAll describes every key of database 0 of every shard, sorted, with
// list elements in order.
func dumpAll(s *hsStore) []string {
	var out []string
	for i, ks := range s.shards {
		ks.DB(0).Range(func(e *Entry) bool {
			var items []string
			switch e.Type {
			case TypeString:
				items = []string{e.StrValue()}
			case TypeList:
				items = listElems(e.Obj.(*List))
			case TypeHash:
				e.Obj.(*Hash).Range(func(f, v string) bool {
					items = append(items, f+"="+v)
					return true
				})
				sort.Strings(items)
			case TypeSet:
				items = e.Obj.(*Set).members()
				sort.Strings(items)
			}
			out = append(out, fmt.Sprintf("shard%d %s %s exp=%d %q", i, e.Key, e.Type, e.ExpireAt, items))
			return true
		})
	}
	sort.Strings(out)
	return out
}

// replayAll applies the effects every shard of s logged to a fresh store
// of the same shape, each shard's log to its own keyspace alone as AOF
// loading does, MULTI/EXEC wrappers included.
func replayAll(t *testing.T, s *hsStore) *hsStore {
	fresh := newHSStore(t, len(s.shards))
	for i, ks := range s.shards {
		rd := resp.NewReader(bytes.NewReader(ks.Effects()), resp.ReaderOptions{})
		db := 0
		for {
			argv, err := rd.ReadCommand()
			if errors.Is(err, io.EOF) {
				break
			}
			require.NoError(t, err)
			switch {
			case EqualFold(argv[0], "multi"), EqualFold(argv[0], "exec"):
				continue
			case EqualFold(argv[0], "select"):
				n, ok := ParseInt(argv[1])
				require.True(t, ok)
				db = int(n)
				continue
			}
			cmd, errRep := Resolve(argv)
			require.NotNil(t, cmd, "effect %q: %s", argv, errRep.Str)
			c := &Ctx{}
			c.Bind(fresh.shards[i], len(s.shards))
			c.DB, c.Cmd, c.Loading, c.NoBlock = db, cmd, true, true
			c.SetArgs(argv)
			rep := cmd.Run(c)
			require.NotEqual(t, resp.Error, rep.Kind, "effect %q failed: %s", argv, rep.Str)
		}
	}
	return fresh
}

func TestListEffectsReplay(t *testing.T) {
	for _, shards := range []int{1, 4} {
		t.Run(fmt.Sprintf("shards=%d", shards), func(t *testing.T) {
			s := newHSStore(t, shards)
			for _, line := range []string{
				"RPUSH l a b c d e f g h",
				"LPUSH l x y",
				"LPUSHX l z",
				"RPUSHX nope z",
				"LPOP l",
				"RPOP l 2",
				"LSET l 1 Q",
				"LINSERT l BEFORE Q ins",
				"LREM l 1 c",
				"LTRIM l 1 -2",
				"LTRIM l 0 -1",
				"LMOVE l dst LEFT RIGHT",
				"LMOVE l dst RIGHT LEFT",
				"RPOPLPUSH l l",
				"LMOVE l l LEFT RIGHT",
				"RPUSH one only",
				"LMOVE one dst2 LEFT LEFT",
				"LMPOP 3 missing dst l RIGHT COUNT 2",
				"BLPOP missing l 0",
				"BRPOP l 0",
				"BLMOVE dst dst3 RIGHT RIGHT 0",
				"BRPOPLPUSH dst dst4 0",
				"BLMPOP 0 1 dst2 LEFT COUNT 5",
				"RPUSH s 3 1 2",
				"SORT s STORE sorted",
				"SET str v",
				"SORT s DESC STORE str",
				"SORT missing STORE sorted",
			} {
				require.NotEqual(t, byte('-'), s.do(line)[0], line)
			}
			assert.Equal(t, dumpAll(s), dumpAll(replayAll(t, s)))
			assert.Equal(t, `["3" "2" "1"]`, s.do("LRANGE str 0 -1"))
			assert.Equal(t, ":0", s.do("EXISTS sorted"))
		})
	}
}

// TestLMoveAcrossShardsLogsEachShardItsOwnKey pins the effects of an LMOVE
// whose keys live on different shards: each shard logs only its own key.
func TestLMoveAcrossShardsLogsEachShardItsOwnKey(t *testing.T) {
	s := newHSStore(t, 4)
	src, dst := "src", "dst"
	for i := 0; s.router.Shard(src) == s.router.Shard(dst); i++ {
		dst = fmt.Sprintf("dst%d", i)
	}
	s.do("RPUSH " + src + " a b")
	for _, ks := range s.shards {
		ks.ClearEffects()
	}
	require.Equal(t, `"b"`, s.do("LMOVE "+src+" "+dst+" RIGHT LEFT"))
	srcLog := string(s.shards[s.router.Shard(src)].Effects())
	dstLog := string(s.shards[s.router.Shard(dst)].Effects())
	assert.Contains(t, srcLog, "RPOP\r\n$3\r\nsrc")
	assert.NotContains(t, srcLog, dst)
	assert.Contains(t, dstLog, "LPUSH\r\n$"+fmt.Sprint(len(dst))+"\r\n"+dst+"\r\n$1\r\nb")
	assert.NotContains(t, dstLog, src)
}

func TestListNotifications(t *testing.T) {
	s := newHSStore(t, 1)
	for _, tc := range []struct {
		cmd    string
		events []string
	}{
		{"RPUSH l a b c", []string{"rpush l"}},
		{"LPUSH l z", []string{"lpush l"}},
		{"LPUSHX missing a", nil},
		{"LSET l 0 y", []string{"lset l"}},
		{"LINSERT l AFTER y x", []string{"linsert l"}},
		{"LINSERT l AFTER nope x", nil},
		{"LREM l 1 x", []string{"lrem l"}},
		{"LREM l 1 nope", nil},
		{"LTRIM l 0 -1", []string{"ltrim l"}},
		{"LPOP l", []string{"lpop l"}},
		{"RPOP l 0", nil},
		{"LMOVE l d RIGHT LEFT", []string{"lpush d", "rpop l"}},
		{"LMOVE l d LEFT RIGHT", []string{"rpush d", "lpop l"}},
		{"LMOVE l d LEFT RIGHT", []string{"rpush d", "lpop l", "del l"}},
		{"LMPOP 1 d LEFT COUNT 5", []string{"lpop d", "del d"}},
		{"RPUSH l a", []string{"rpush l"}},
		{"BLPOP l 0", []string{"lpop l", "del l"}},
		{"RPUSH l a b", []string{"rpush l"}},
		{"LTRIM l 5 6", []string{"ltrim l", "del l"}},
		{"RPUSH l 2 1", []string{"rpush l"}},
		{"SORT l STORE out", []string{"sortstore out"}},
		{"SORT l STORE out", []string{"sortstore out"}},
		{"SORT missing STORE out", []string{"del out"}},
		{"SORT missing STORE out", nil},
	} {
		s.takeEvents()
		require.NotEqual(t, byte('-'), s.do(tc.cmd)[0], tc.cmd)
		assert.Equal(t, tc.events, s.takeEvents(), tc.cmd)
	}
}

// TestBlockingHandlersBlock checks what the blocking handlers ask the
// engine for when nothing can be popped, and that NoBlock (MULTI) gives
// the immediate replies Redis gives.
func TestBlockingHandlersBlock(t *testing.T) {
	ks := New(Options{})
	run := func(noBlock bool, args ...string) (resp.Reply, *BlockSpec) {
		cmd, _ := Resolve(args)
		require.NotNil(t, cmd)
		c := &Ctx{}
		c.Bind(ks, 1)
		c.Cmd, c.NoBlock = cmd, noBlock
		c.SetArgs(args)
		c.SetNow(1_000_000)
		rep := cmd.Run(c)
		return rep, c.Blocked()
	}
	for _, tc := range []struct {
		args    []string
		keys    []string
		multi   resp.Reply
		timeout int64
	}{
		{[]string{"BLPOP", "a", "b", "0"}, []string{"a", "b"}, resp.NilArr, 0},
		{[]string{"BRPOP", "a", "1.5"}, []string{"a"}, resp.NilArr, 1_001_500},
		{[]string{"BLMOVE", "a", "b", "LEFT", "RIGHT", "0.0001"}, []string{"a"}, resp.NilReply, 1_000_001},
		{[]string{"BRPOPLPUSH", "a", "b", "2"}, []string{"a"}, resp.NilReply, 1_002_000},
		{[]string{"BLMPOP", "0", "3", "a", "b", "c", "LEFT", "COUNT", "2"}, []string{"a", "b", "c"}, resp.NilArr, 0},
	} {
		name := strings.Join(tc.args, " ")
		rep, b := run(false, tc.args...)
		require.NotNil(t, b, name)
		assert.Equal(t, resp.Kind(0), rep.Kind, name)
		assert.Equal(t, tc.keys, b.Keys, name)
		assert.Equal(t, TypeList, b.Want, name)
		assert.Equal(t, tc.timeout, b.Deadline, name)
		assert.Equal(t, resp.NilArr, b.Timeout, "a timed-out wait replies a null array: "+name)
		rep, b = run(true, tc.args...)
		assert.Nil(t, b, name)
		assert.Equal(t, tc.multi, rep, name)
	}
}

func TestSortKeys(t *testing.T) {
	for _, tc := range []struct {
		line string
		want []int
	}{
		{"SORT k", []int{1}},
		{"SORT k STORE d", []int{1, 3}},
		{"SORT k LIMIT 0 1 STORE d", []int{1, 6}},
		{"SORT k BY store STORE d", []int{1, 5}},
		{"SORT k GET # STORE a STORE b", []int{1, 7}},
		{"SORT k STORE", []int{1}},
		{"SORT k LIMIT store x STORE d", []int{1, 6}},
	} {
		assert.Equal(t, tc.want, sortKeys(strings.Fields(tc.line), nil), tc.line)
	}
}

func TestListKeysFns(t *testing.T) {
	for _, tc := range []struct {
		line string
		want []int
	}{
		{"LMPOP 2 a b LEFT", []int{2, 3}},
		{"LMPOP 3 a b LEFT", []int{2, 3, 4}},
		{"LMPOP 4 a b LEFT", nil},
		{"LMPOP 0 a LEFT", nil},
		{"LMPOP x a LEFT", nil},
		{"LMPOP", nil},
		{"BLMPOP 0 2 a b LEFT", []int{3, 4}},
		{"BLMPOP 0 -1 a LEFT", nil},
		{"BLMPOP 0 99999999999999999999 a LEFT", nil},
	} {
		args := strings.Fields(tc.line)
		cmd := Lookup(args[0])
		assert.Equal(t, tc.want, cmd.Keys(args, nil), tc.line)
	}
}

func TestSortStrtod(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want float64
		ok   bool
	}{
		{"", 0, true},
		{"  ", 0, false},
		{" 5", 5, true},
		{"5 ", 0, false},
		{"1.5", 1.5, true},
		{"-0x10", -16, true},
		{"1e2", 100, true},
		{"inf", 0, true},
		{"nan", 0, false},
		{"1e400", 0, false},
		{"1e-400", 0, false},
		{"1e-310", 0, false},
		{"0x1p-1074", 5e-324, true},
		{"2.2250738585072014e-308", 2.2250738585072014e-308, true},
		{"7\x00junk", 7, true},
		{"\x00", 0, true},
		{"abc", 0, false},
	} {
		got, ok := sortStrtod(tc.in)
		assert.Equal(t, tc.ok, ok, "%q", tc.in)
		if ok && tc.in != "inf" {
			assert.Equal(t, tc.want, got, "%q", tc.in)
		}
	}
}

func FuzzSortArgs(f *testing.F) {
	f.Add("BY w_* GET # GET h_*->f LIMIT 0 2 DESC ALPHA STORE d")
	f.Add("BY nosort LIMIT -1 -1 GET *->")
	f.Add("GET # STORE")
	f.Fuzz(func(t *testing.T, line string) {
		s := newHSStore(t, 2)
		s.do("RPUSH l 3 1 b 2")
		s.do("MSET w_1 x w_3 2 h_1 y")
		s.do("HSET h_b f 1")
		args := append([]string{"SORT", "l"}, strings.Fields(line)...)
		s.run(args...) // must not panic
		args[0] = "SORT_RO"
		s.run(args...)
	})
}
