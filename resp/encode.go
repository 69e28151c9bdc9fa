package resp

import "strconv"

// AppendReply appends r to dst in RESP2, byte for byte as redis-server
// writes it to a RESP2 client, and returns the extended buffer. It allocates
// only when dst must grow.
//
// Status and Error texts must not contain CR or LF; like redis-server's
// addReplyErrorFormat, AppendReply writes any it finds as spaces so the
// output always parses. A Reply with an invalid Kind is written as the error
// "-ERR resp: invalid reply kind".
func AppendReply(dst []byte, r Reply) []byte {
	return appendReply(dst, &r, false)
}

// AppendReplyProto appends r in protocol version proto: 2 for RESP2 (the
// same as [AppendReply]) and 3 for RESP3, where Nil and NilArray are both
// the null "_\r\n". Any other value of proto means RESP2.
//
// The RESP3 kinds are written as RESP3 types under proto 3 and, under
// RESP2, in the form redis-server falls back to: Map as "*2N" with keys and
// values in turn, Set as "*N", Double and BigNumber as bulk strings of
// their text, Bool as :1/:0, Verbatim as a bulk string without its "fmt:"
// prefix.
func AppendReplyProto(dst []byte, r Reply, proto int) []byte {
	return appendReply(dst, &r, proto == 3)
}

func appendReply(dst []byte, r *Reply, resp3 bool) []byte {
	switch r.Kind {
	case Status:
		return appendLine(append(dst, '+'), r.Str)
	case Error:
		return appendLine(append(dst, '-'), r.Str)
	case Int:
		dst = strconv.AppendInt(append(dst, ':'), r.Int, 10)
		return append(dst, '\r', '\n')
	case Bulk:
		return appendBulk(dst, r.Str)
	case Nil:
		if resp3 {
			return append(dst, "_\r\n"...)
		}
		return append(dst, "$-1\r\n"...)
	case Array:
		dst = strconv.AppendInt(append(dst, '*'), int64(len(r.Elems)), 10)
		dst = append(dst, '\r', '\n')
		for i := range r.Elems {
			dst = appendReply(dst, &r.Elems[i], resp3)
		}
		return dst
	case NilArray:
		if resp3 {
			return append(dst, "_\r\n"...)
		}
		return append(dst, "*-1\r\n"...)
	case Map, Set:
		n, c := len(r.Elems), byte('*')
		if resp3 {
			c = '~'
			if r.Kind == Map {
				c, n = '%', n/2
			}
		}
		dst = strconv.AppendInt(append(dst, c), int64(n), 10)
		dst = append(dst, '\r', '\n')
		for i := range r.Elems {
			dst = appendReply(dst, &r.Elems[i], resp3)
		}
		return dst
	case Double, BigNumber:
		if !resp3 {
			return appendBulk(dst, r.Str)
		}
		c := byte(',')
		if r.Kind == BigNumber {
			c = '('
		}
		return appendLine(append(dst, c), r.Str)
	case Bool:
		if resp3 {
			if r.Int != 0 {
				return append(dst, "#t\r\n"...)
			}
			return append(dst, "#f\r\n"...)
		}
		if r.Int != 0 {
			return append(dst, ":1\r\n"...)
		}
		return append(dst, ":0\r\n"...)
	case Verbatim:
		if resp3 {
			dst = strconv.AppendInt(append(dst, '='), int64(len(r.Str)), 10)
			dst = append(dst, '\r', '\n')
			dst = append(dst, r.Str...)
			return append(dst, '\r', '\n')
		}
		if len(r.Str) >= 4 {
			return appendBulk(dst, r.Str[4:])
		}
		return appendBulk(dst, r.Str)
	}
	return append(dst, "-ERR resp: invalid reply kind\r\n"...)
}

// appendLine appends s with CR and LF mapped to spaces, then CRLF.
func appendLine(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if s[i] == '\r' || s[i] == '\n' {
			dst = append(dst, s[:i]...)
			for ; i < len(s); i++ {
				c := s[i]
				if c == '\r' || c == '\n' {
					c = ' '
				}
				dst = append(dst, c)
			}
			return append(dst, '\r', '\n')
		}
	}
	dst = append(dst, s...)
	return append(dst, '\r', '\n')
}

func appendBulk[S string | []byte](dst []byte, s S) []byte {
	dst = strconv.AppendInt(append(dst, '$'), int64(len(s)), 10)
	dst = append(dst, '\r', '\n')
	dst = append(dst, s...)
	return append(dst, '\r', '\n')
}

// AppendCommand appends args as one multibulk command,
// "*N\r\n$len\r\narg\r\n...", the form redis-server and redis-cli send and
// the form of every record in the append-only file. It allocates only when
// dst must grow.
func AppendCommand(dst []byte, args ...string) []byte {
	dst = strconv.AppendInt(append(dst, '*'), int64(len(args)), 10)
	dst = append(dst, '\r', '\n')
	for _, a := range args {
		dst = appendBulk(dst, a)
	}
	return dst
}

// AppendCommandBytes is [AppendCommand] for byte-slice arguments.
func AppendCommandBytes(dst []byte, args ...[]byte) []byte {
	dst = strconv.AppendInt(append(dst, '*'), int64(len(args)), 10)
	dst = append(dst, '\r', '\n')
	for _, a := range args {
		dst = appendBulk(dst, a)
	}
	return dst
}

// CommandSize returns the number of bytes [AppendCommand] appends for args,
// so a caller can grow its buffer once.
func CommandSize(args ...string) int {
	n := 1 + intLen(int64(len(args))) + 2
	for _, a := range args {
		n += 1 + intLen(int64(len(a))) + 2 + len(a) + 2
	}
	return n
}

// intLen returns the number of bytes of n in decimal, for n >= 0.
func intLen(n int64) int {
	l := 1
	for n >= 10 {
		n /= 10
		l++
	}
	return l
}
