package rdb

import (
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/kevydb/kevy/internal/redistest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// lzfStr appends s LZF-compressed (it must compress).
func (f *rawFile) lzfStr(s string) *rawFile {
	var z lzfCompressor
	c, ok := z.compress(nil, s, len(s))
	if !ok {
		panic("lzfStr: incompressible")
	}
	f.b = append(f.b, lenEnc<<6|encLZF)
	f.b = appendLen(f.b, uint64(len(c)))
	f.b = appendLen(f.b, uint64(len(s)))
	f.b = append(f.b, c...)
	return f
}

func (f *rawFile) expireMs(ms int64) *rawFile {
	f.b = binary.LittleEndian.AppendUint64(append(f.b, opExpireMs), uint64(ms))
	return f
}

func (f *rawFile) expireSec(s int32) *rawFile {
	f.b = binary.LittleEndian.AppendUint32(append(f.b, opExpire), uint32(s))
	return f
}

func pairs(fs []Field) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Name, f.Value)
	}
	return out
}

func zpairs(ms []Member) []string {
	var out []string
	for _, m := range ms {
		s := strconv.FormatFloat(m.Score, 'g', 17, 64)
		if m.Score == math.Trunc(m.Score) && math.Abs(m.Score) < 1e15 {
			s = strconv.FormatInt(int64(m.Score), 10)
		}
		out = append(out, m.Member, s)
	}
	return out
}

// legacyIntsList holds integers of every ziplist and listpack width, and
// strings of every length class.
var legacyIntsList = []string{
	"0", "12", "13", "-1", "127", "-128", "128", "4095", "-4096", "4096", "32767", "-32768",
	"32768", "8388607", "-8388608", "8388608", "2147483647", "-2147483648", "2147483648",
	"9223372036854775807", "-9223372036854775808", "x", strings.Repeat("s", 63), strings.Repeat("m", 64),
	strings.Repeat("l", 4095), strings.Repeat("L", 4096), strings.Repeat("h", 16383), strings.Repeat("H", 17000),
	"007", "-0", "",
}

// legacyFile builds a file of the given version holding, in the encodings
// Redis wrote before 7.0 (and that 7.0 still loads), the entries returned.
//
// Unless long, the strings too big for a small seed file are left out.
func legacyFile(version int, long bool) ([]byte, []*Entry) {
	const future = 4102444800 // 2100-01-01, seconds
	f := newRawFile(version)
	var es []*Entry
	add := func(e *Entry) { es = append(es, e) }
	if version >= 7 {
		f.byte(opAux).str("redis-ver").str("3.2.0")
	}
	f.byte(opSelectDB).len(0)

	const futureSec = 1893456000 // 2030-01-01: EXPIRETIME is an int32
	add(&Entry{Key: "str", Type: TypeString, Str: "value", ExpireAt: futureSec * 1000})
	f.expireSec(futureSec).key(typeString, "str").str("value")
	add(&Entry{Key: "str:int", Type: TypeString, Str: "-300"})
	f.key(typeString, "str:int").byte(lenEnc<<6|encInt16, 0xd4, 0xfe)
	add(&Entry{Key: "str:lzf", Type: TypeString, Str: strings.Repeat("abc", 50), ExpireAt: future*1000 + 5})
	f.expireMs(future*1000+5).key(typeString, "str:lzf").lzfStr(strings.Repeat("abc", 50))

	add(&Entry{Key: "list", Type: TypeList, List: []string{"a", "1", "b"}})
	f.key(typeList, "list").len(3).str("a").byte(0xc0, 1).str("b")
	add(&Entry{Key: "set", Type: TypeSet, Set: []string{"x", "y"}})
	f.key(typeSet, "set").len(2).str("x").str("y")
	add(&Entry{Key: "hash", Type: TypeHash, Hash: []Field{{"a", "1"}, {"b", "2"}}})
	f.key(typeHash, "hash").len(2).str("a").str("1").str("b").str("2")
	add(&Entry{Key: "zset:text", Type: TypeZSet, ZSet: []Member{{"a", 1.5}, {"b", math.Inf(1)}, {"c", math.Inf(-1)}, {"d", -3}}})
	f.key(typeZSet, "zset:text").len(4).str("a").byte(3).byte('1', '.', '5').
		str("b").byte(254).str("c").byte(255).str("d").byte(2, '-', '3')

	zm := []Field{{"f1", "v1"}, {"long", strings.Repeat("z", 300)}, {strings.Repeat("k", 260), ""}}
	add(&Entry{Key: "hash:zipmap", Type: TypeHash, Hash: zm})
	f.key(typeHashZipmap, "hash:zipmap").blob(buildZipmap(zm, 2))

	lp := legacyIntsList
	if !long {
		lp = slices.DeleteFunc(slices.Clone(lp), func(s string) bool { return len(s) > 300 })
	}
	add(&Entry{Key: "list:ziplist", Type: TypeList, List: lp})
	f.key(typeListZiplist, "list:ziplist").blob(buildZiplist(lp))

	for i, vals := range [][]int64{{-5, 0, 7, 32767}, {-100000, 1, 2147483647}, {math.MinInt64, 0, math.MaxInt64}} {
		k := "set:intset" + strconv.Itoa(i)
		var set []string
		for _, v := range vals {
			set = append(set, strconv.FormatInt(v, 10))
		}
		add(&Entry{Key: k, Type: TypeSet, Set: set})
		f.key(typeSetIntset, k).blob(buildIntset(vals))
	}

	zs := []Member{{"one", 1}, {"half", 0.5}, {"big", 1e300}, {"neg", -12345}, {"third", 1.0 / 3}}
	add(&Entry{Key: "zset:ziplist", Type: TypeZSet, ZSet: zs})
	f.key(typeZSetZiplist, "zset:ziplist").blob(buildZiplist(zpairs(zs)))

	hs := []Field{{"name", "kevy"}, {"n", "42"}, {"big", strings.Repeat("B", 500)}}
	add(&Entry{Key: "hash:ziplist", Type: TypeHash, Hash: hs})
	f.key(typeHashZiplist, "hash:ziplist").blob(buildZiplist(pairs(hs)))

	n1, n2 := []string{"a", "b", "1"}, []string{strings.Repeat("c", 100), "2", "d"}
	add(&Entry{Key: "list:quicklist", Type: TypeList, List: append(append([]string{}, n1...), n2...)})
	f.key(typeListQuicklist, "list:quicklist").len(2).blob(buildZiplist(n1)).lzfStr(string(buildZiplist(n2)))

	if version >= 10 {
		add(&Entry{Key: "list:quicklist2", Type: TypeList, List: append(append([]string{"solo"}, lp...), "plain")})
		f.key(typeListQuicklist2, "list:quicklist2").len(3).
			len(containerPacked).blob(buildListpack([]string{"solo"})).
			len(containerPacked).lzfStr(string(buildListpack(lp))).
			len(containerPlain).str("plain")
		add(&Entry{Key: "hash:listpack", Type: TypeHash, Hash: hs})
		f.key(typeHashListpack, "hash:listpack").blob(buildListpack(pairs(hs)))
		add(&Entry{Key: "zset:listpack", Type: TypeZSet, ZSet: zs})
		f.key(typeZSetListpack, "zset:listpack").blob(buildListpack(zpairs(zs)))
	}
	f.byte(opSelectDB).len(7)
	add(&Entry{DB: 7, Key: "db7", Type: TypeString, Str: "seven"})
	f.key(typeString, "db7").str("seven")
	return f.end(version), es
}

func TestLegacyEncodings(t *testing.T) {
	for _, v := range []int{1, 4, 6, 9, 10} {
		t.Run("v"+strconv.Itoa(v), func(t *testing.T) {
			data, want := legacyFile(v, true)
			got := mustReadAll(t, data)
			require.Equal(t, len(want), len(got))
			for i := range want {
				assert.Equal(t, want[i], got[i], want[i].Key)
			}
			// Re-encoding with the Writer round-trips.
			assert.Equal(t, got, mustReadAll(t, writeAll(t, WriterOptions{}, got)))
		})
	}
}

// TestRedisLoadsLegacyEncodings proves the hand-built legacy files are what
// Redis means by those encodings: redis-check-rdb accepts them and
// redis-server loads the same keyspace Reader decodes.
func TestRedisLoadsLegacyEncodings(t *testing.T) {
	redistest.Binary(t, "redis-server")
	for _, v := range []int{4, 9, 10} {
		t.Run("v"+strconv.Itoa(v), func(t *testing.T) {
			data, want := legacyFile(v, true)
			dir := t.TempDir()
			path := filepath.Join(dir, "dump.rdb")
			require.NoError(t, os.WriteFile(path, data, 0o644))
			checkRDB(t, path)
			srv := redistest.StartIn(t, dir)
			got := redisKeyspace(t, srv.Client(t), dbsOf(want))
			assert.Equal(t, keyspace(want), keyspace(got))
		})
	}
}
