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
// HELLO 3 will later need Kinds this package does not have yet, each with a
// RESP2 fallback redis-server also uses: Map ("%N" with N pairs; RESP2
// "*2N"), Set ("~N"; RESP2 "*N"), Double (",3.14"; RESP2 a bulk string),
// Bool ("#t"/"#f"; RESP2 :1/:0), BigNumber ("("; RESP2 bulk), Verbatim
// ("=N\r\ntxt:..."; RESP2 bulk without the "txt:") and Push (">N", for
// pub/sub messages; RESP2 "*N").
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
