package resp

import (
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReadReply(t *testing.T) {
	tests := []struct {
		in   string
		want Reply
		err  string // "torn" for io.ErrUnexpectedEOF, else a ProtocolError text
	}{
		{in: "+OK\r\n", want: OK},
		{in: "+\r\n", want: StatusReply("")},
		{in: "-ERR x y\r\n", want: Err("ERR x y")},
		{in: ":-12\r\n", want: IntReply(-12)},
		{in: "$3\r\nabc\r\n", want: BulkReply("abc")},
		{in: "$0\r\n\r\n", want: BulkReply("")},
		{in: "$-1\r\n", want: NilReply},
		{in: "*-1\r\n", want: NilArr},
		{in: "*0\r\n", want: Reply{Kind: Array, Elems: []Reply{}}},
		{in: "*2\r\n:1\r\n*1\r\n$-1\r\n", want: ArrayReply([]Reply{One, ArrayReply([]Reply{NilReply})})},
		// RESP3, folded into RESP2 kinds.
		{in: "_\r\n", want: NilReply},
		{in: "#t\r\n", want: One},
		{in: "#f\r\n", want: Zero},
		{in: ",3.14\r\n", want: BulkReply("3.14")},
		{in: ",inf\r\n", want: BulkReply("inf")},
		{in: "(12345678901234567890\r\n", want: BulkReply("12345678901234567890")},
		{in: "=8\r\ntxt:abcd\r\n", want: BulkReply("abcd")},
		{in: "!5\r\nERR x\r\n", want: Err("ERR x")},
		{in: "%1\r\n+a\r\n:1\r\n", want: ArrayReply([]Reply{StatusReply("a"), One})},
		{in: "~1\r\n+a\r\n", want: ArrayReply([]Reply{StatusReply("a")})},
		{in: ">2\r\n+message\r\n+x\r\n", want: ArrayReply([]Reply{StatusReply("message"), StatusReply("x")})},
		{in: "|1\r\n+key\r\n+val\r\n:7\r\n", want: IntReply(7)},

		{in: "", err: "eof"},
		{in: "+OK", err: "torn"},
		{in: "+OK\r", err: "torn"},
		{in: "$3\r\nab", err: "torn"},
		{in: "*2\r\n:1\r\n", err: "torn"},
		{in: "+OK\n", err: "resp: invalid reply line"},
		{in: "\r\n", err: "resp: invalid reply line"},
		{in: "?\r\n", err: "resp: unexpected reply type byte"},
		{in: ":x\r\n", err: "resp: invalid integer reply"},
		{in: ":01\r\n", err: "resp: invalid integer reply"},
		{in: "$-2\r\n", err: "resp: invalid bulk length"},
		{in: "=-1\r\n", err: "resp: invalid bulk length"},
		{in: "$1\r\nab\r\n", err: "resp: bulk string not followed by CRLF"},
		{in: "*-2\r\n", err: "resp: invalid aggregate length"},
		{in: "%-1\r\n", err: "resp: invalid aggregate length"},
		{in: "_x\r\n", err: "resp: invalid null reply"},
		{in: "#x\r\n", err: "resp: invalid boolean reply"},
		{in: ",\r\n", err: "resp: invalid number reply"},
		{in: "=2\r\nab\r\n", err: "resp: invalid verbatim string"},
		{in: strings.Repeat("*1\r\n", maxReplyDepth+2) + ":1\r\n", err: "resp: reply nested too deeply"},
		{in: "+" + strings.Repeat("a", DefaultMaxInlineLen+1) + "\r\n", err: "resp: reply line too long"},
	}
	for _, tt := range tests {
		name := tt.in
		if len(name) > 30 {
			name = name[:30]
		}
		t.Run(name, func(t *testing.T) {
			for _, bytewise := range []bool{false, true} {
				var src io.Reader = strings.NewReader(tt.in)
				if bytewise {
					src = iotest.OneByteReader(src)
				}
				rd := NewReader(src, ReaderOptions{})
				got, err := rd.ReadReply()
				switch tt.err {
				case "":
					require.NoError(t, err)
					assert.Equal(t, tt.want, got)
					_, err = rd.ReadReply()
					assert.ErrorIs(t, err, io.EOF)
					assert.Equal(t, int64(len(tt.in)), rd.InputOffset())
				case "eof":
					assert.ErrorIs(t, err, io.EOF)
				case "torn":
					assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
					assert.Equal(t, int64(0), rd.Offset())
				default:
					assert.EqualError(t, err, tt.err)
					assert.ErrorIs(t, err, ErrProtocol)
				}
			}
		})
	}
}

func TestReadReplyLimits(t *testing.T) {
	rd := NewReader(strings.NewReader("$4\r\nabcd\r\n"), ReaderOptions{MaxBulkLen: 3})
	_, err := rd.ReadReply()
	assert.EqualError(t, err, "resp: invalid bulk length")
	rd = NewReader(strings.NewReader("*3\r\n"), ReaderOptions{MaxMultibulkLen: 2})
	_, err = rd.ReadReply()
	assert.EqualError(t, err, "resp: invalid aggregate length")
}

func TestReadReplyKeepRESP3(t *testing.T) {
	in := "%1\r\n$1\r\na\r\n~1\r\n:1\r\n,0.5\r\n#t\r\n#f\r\n(12\r\n=6\r\ntxt:hi\r\n_\r\n"
	want := []Reply{
		{Kind: Map, Elems: []Reply{BulkReply("a"), {Kind: Set, Elems: []Reply{One}}}},
		{Kind: Double, Str: "0.5"},
		{Kind: Bool, Int: 1},
		{Kind: Bool},
		{Kind: BigNumber, Str: "12"},
		{Kind: Verbatim, Str: "txt:hi"},
		NilReply,
	}
	x := NewReader(strings.NewReader(in), ReaderOptions{KeepRESP3: true})
	var out []byte
	for _, w := range want {
		r, err := x.ReadReply()
		require.NoError(t, err)
		assert.Equal(t, w, r)
		out = AppendReplyProto(out, r, 3)
	}
	assert.Equal(t, in, string(out), "RESP3 kinds re-encode to the bytes read")
}
