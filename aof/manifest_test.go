package aof

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseManifest(t *testing.T) {
	redisExample := "file appendonly.aof.2.base.rdb seq 2 type b\n" +
		"file appendonly.aof.1.incr.aof seq 1 type h\n" +
		"file appendonly.aof.2.incr.aof seq 2 type h\n" +
		"file appendonly.aof.3.incr.aof seq 3 type h\n" +
		"file appendonly.aof.4.incr.aof seq 4 type i\n" +
		"file appendonly.aof.5.incr.aof seq 5 type i\n"
	m, err := parseManifest("m", []byte(redisExample))
	require.NoError(t, err)
	assert.Equal(t, &aofInfo{"appendonly.aof.2.base.rdb", 2, 'b'}, m.base)
	assert.Len(t, m.history, 3)
	assert.Equal(t, []aofInfo{{"appendonly.aof.4.incr.aof", 4, 'i'}, {"appendonly.aof.5.incr.aof", 5, 'i'}}, m.incrs)
	assert.Equal(t, int64(2), m.baseSeq)
	assert.Equal(t, int64(5), m.incrSeq)
	assert.Equal(t, redisExample, string(m.marshal()))

	tests := []struct {
		name, in string
		want     []aofInfo // base first, then incr files
		err      string
	}{
		{name: "comments and CRLF, keys in any order and case", in: "# comment\nTYPE i SEQ 7 FILE a.aof\r\n",
			want: []aofInfo{{"a.aof", 7, 'i'}}},
		{name: "extra keys ignored", in: "file a seq 1 type i size 99\n", want: []aofInfo{{"a", 1, 'i'}}},
		{name: "quoted name", in: "file \"a b\" seq 1 type i\n", want: []aofInfo{{"a b", 1, 'i'}}},
		{name: "long comment", in: "#" + strings.Repeat("x", 2000) + "\nfile a seq 1 type i\n", err: "invalid format"},
		{name: "empty", in: "", err: "empty manifest"},
		{name: "blank line", in: "file a seq 1 type i\n\n", err: "invalid format"},
		{name: "no newline", in: "file a seq 1 type i", err: "not terminated"},
		{name: "too long", in: "file " + strings.Repeat("a", 1100) + " seq 1 type i\n", err: "too long"},
		{name: "odd fields", in: "file a seq 1 type\n", err: "invalid format"},
		{name: "missing seq", in: "file a sq 1 type i\n", err: "invalid format"},
		{name: "zero seq", in: "file a seq 0 type i\n", err: "invalid format"},
		{name: "path", in: "file ../a seq 1 type i\n", err: "can't be a path"},
		{name: "two bases", in: "file a seq 1 type b\nfile b seq 2 type b\n", err: "duplicate base"},
		{name: "seq order", in: "file a seq 2 type i\nfile b seq 2 type i\n", err: "non-monotonic"},
		{name: "unknown type", in: "file a seq 1 type x\n", err: "unknown file type"},
		{name: "unbalanced quotes", in: "file \"a seq 1 type i\n", err: "invalid format"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := parseManifest("/d/appendonly.aof.manifest", []byte(tt.in))
			if tt.err != "" {
				var ce *CorruptError
				require.ErrorAs(t, err, &ce)
				assert.ErrorIs(t, err, ErrCorrupt)
				assert.Equal(t, "/d/appendonly.aof.manifest", ce.Path)
				assert.Contains(t, err.Error(), tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, m.files())
		})
	}
}

func TestAtoll(t *testing.T) {
	for in, want := range map[string]int64{"12": 12, " 7x": 7, "-3": -3, "+4": 4, "x": 0, "": 0, "99999999999999999999": 9223372036854775807} {
		assert.Equal(t, want, atoll(in), in)
	}
}
