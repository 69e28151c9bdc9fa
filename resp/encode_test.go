package resp

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestAppendReply(t *testing.T) {
	tests := []struct {
		name  string
		r     Reply
		resp2 string
		resp3 string // empty: same as resp2
	}{
		{"ok", OK, "+OK\r\n", ""},
		{"empty status", StatusReply(""), "+\r\n", ""},
		{"error", Err("ERR syntax error"), "-ERR syntax error\r\n", ""},
		{"wrongtype", Err("WRONGTYPE Operation against a key holding the wrong kind of value"),
			"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", ""},
		{"error with newlines", Err("ERR a\r\nb\nc"), "-ERR a  b c\r\n", ""},
		{"status with CR", StatusReply("a\rb"), "+a b\r\n", ""},
		{"zero", Zero, ":0\r\n", ""},
		{"negative", IntReply(-42), ":-42\r\n", ""},
		{"min int", IntReply(-9223372036854775808), ":-9223372036854775808\r\n", ""},
		{"bulk", BulkReply("hello"), "$5\r\nhello\r\n", ""},
		{"empty bulk", BulkReply(""), "$0\r\n\r\n", ""},
		{"binary bulk", BulkReply("a\r\n\x00b"), "$5\r\na\r\n\x00b\r\n", ""},
		{"nil", NilReply, "$-1\r\n", "_\r\n"},
		{"nil array", NilArr, "*-1\r\n", "_\r\n"},
		{"empty array", EmptyArr, "*0\r\n", ""},
		{"nil elems array", Reply{Kind: Array}, "*0\r\n", ""},
		{"array", BulkArray([]string{"a", "bc"}), "*2\r\n$1\r\na\r\n$2\r\nbc\r\n", ""},
		{"nested", ArrayReply([]Reply{IntReply(1), ArrayReply([]Reply{NilReply, OK}), NilArr}),
			"*3\r\n:1\r\n*2\r\n$-1\r\n+OK\r\n*-1\r\n", "*3\r\n:1\r\n*2\r\n_\r\n+OK\r\n_\r\n"},
		{"invalid kind", Reply{}, "-ERR resp: invalid reply kind\r\n", ""},
		{"map", Reply{Kind: Map, Elems: []Reply{BulkReply("a"), IntReply(1)}},
			"*2\r\n$1\r\na\r\n:1\r\n", "%1\r\n$1\r\na\r\n:1\r\n"},
		{"set", Reply{Kind: Set, Elems: []Reply{BulkReply("a")}}, "*1\r\n$1\r\na\r\n", "~1\r\n$1\r\na\r\n"},
		{"double", Reply{Kind: Double, Str: "0.10000000000000001"},
			"$19\r\n0.10000000000000001\r\n", ",0.10000000000000001\r\n"},
		{"double inf", Reply{Kind: Double, Str: "inf"}, "$3\r\ninf\r\n", ",inf\r\n"},
		{"true", Reply{Kind: Bool, Int: 1}, ":1\r\n", "#t\r\n"},
		{"false", Reply{Kind: Bool}, ":0\r\n", "#f\r\n"},
		{"big number", Reply{Kind: BigNumber, Str: "12"}, "$2\r\n12\r\n", "(12\r\n"},
		{"verbatim", Reply{Kind: Verbatim, Str: "txt:hi"}, "$2\r\nhi\r\n", "=6\r\ntxt:hi\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.resp2, string(AppendReply(nil, tt.r)))
			assert.Equal(t, tt.resp2, string(AppendReplyProto(nil, tt.r, 2)))
			want3 := tt.resp3
			if want3 == "" {
				want3 = tt.resp2
			}
			assert.Equal(t, want3, string(AppendReplyProto(nil, tt.r, 3)))
			// Appending keeps what was there.
			assert.Equal(t, "x"+tt.resp2, string(AppendReply([]byte("x"), tt.r)))
		})
	}
}

func TestAppendCommand(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{nil, "*0\r\n"},
		{[]string{"PING"}, "*1\r\n$4\r\nPING\r\n"},
		{[]string{"SET", "key", "value"}, "*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n"},
		{[]string{"SET", "", "a\r\nb"}, "*3\r\n$3\r\nSET\r\n$0\r\n\r\n$4\r\na\r\nb\r\n"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			assert.Equal(t, tt.want, string(AppendCommand(nil, tt.args...)))
			bargs := make([][]byte, len(tt.args))
			for i, a := range tt.args {
				bargs[i] = []byte(a)
			}
			assert.Equal(t, tt.want, string(AppendCommandBytes(nil, bargs...)))
			assert.Equal(t, len(tt.want), CommandSize(tt.args...))
		})
	}
	long := strings.Repeat("v", 12345)
	assert.Equal(t, len(AppendCommand(nil, "SET", "k", long)), CommandSize("SET", "k", long))
}

func TestAppendAllocs(t *testing.T) {
	buf := make([]byte, 0, 4096)
	args := []string{"SET", "somekey", "somevalue"}
	bargs := [][]byte{[]byte("SET"), []byte("k"), []byte("v")}
	r := ArrayReply([]Reply{IntReply(12345), BulkReply("value"), NilReply, Err("ERR x\ny")})
	allocs := testing.AllocsPerRun(100, func() {
		buf = AppendCommand(buf[:0], args...)
		buf = AppendCommandBytes(buf, bargs...)
		buf = AppendReply(buf, r)
		buf = AppendReplyProto(buf, r, 3)
	})
	assert.Zero(t, allocs)
}
