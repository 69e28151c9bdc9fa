package resp

import "bytes"

// ReadReply reads the next reply. It accepts RESP2 and RESP3 and folds the
// RESP3-only types into the RESP2 kinds the way redis-server itself
// downgrades them for a RESP2 client: null "_" is Nil, a boolean is Int 1 or
// 0, a double or big number is a Bulk of its text, a verbatim string is a
// Bulk without its "txt:" prefix, a blob error "!" is an Error, a map "%"
// is an Array of its keys and values in turn, a set "~" or push ">" is an
// Array, and an attribute "|" is read and dropped. With
// [ReaderOptions].KeepRESP3 the RESP3 types keep their own kinds instead.
//
// At a clean end of input it returns io.EOF, in the middle of a reply
// io.ErrUnexpectedEOF, and for malformed input a *ProtocolError.
func (x *Reader) ReadReply() (Reply, error) {
	if x.fatal != nil {
		return Reply{}, x.fatal
	}
	if x.r == len(x.buf) {
		if err := x.fill(); err != nil {
			x.start = x.base + int64(x.r)
			return Reply{}, err
		}
	}
	x.start = x.base + int64(x.r)
	r, err := x.reply(0)
	if err != nil {
		if temporary(err) && x.fatal == nil {
			x.rerr = err // unlike a command, a reply does not resume
		}
		return Reply{}, err
	}
	x.end = x.base + int64(x.r)
	return r, nil
}

func (x *Reader) reply(depth int) (Reply, error) {
	if depth > maxReplyDepth {
		return Reply{}, x.perr("resp: reply nested too deeply")
	}
	line, err := x.replyLine()
	if err != nil {
		return Reply{}, err
	}
	kind, body := line[0], line[1:] // line is only valid until the next fill
	switch kind {
	case '+':
		return Reply{Kind: Status, Str: string(body)}, nil
	case '-':
		return Reply{Kind: Error, Str: string(body)}, nil
	case ':':
		n, ok := parseInt(body)
		if !ok {
			return Reply{}, x.perr("resp: invalid integer reply")
		}
		return Reply{Kind: Int, Int: n}, nil
	case '_':
		if len(body) != 0 {
			return Reply{}, x.perr("resp: invalid null reply")
		}
		return Reply{Kind: Nil}, nil
	case '#':
		switch string(body) {
		case "t":
			if x.opt.KeepRESP3 {
				return Reply{Kind: Bool, Int: 1}, nil
			}
			return One, nil
		case "f":
			if x.opt.KeepRESP3 {
				return Reply{Kind: Bool}, nil
			}
			return Zero, nil
		}
		return Reply{}, x.perr("resp: invalid boolean reply")
	case ',', '(':
		if len(body) == 0 {
			return Reply{}, x.perr("resp: invalid number reply")
		}
		if x.opt.KeepRESP3 {
			if kind == ',' {
				return Reply{Kind: Double, Str: string(body)}, nil
			}
			return Reply{Kind: BigNumber, Str: string(body)}, nil
		}
		return Reply{Kind: Bulk, Str: string(body)}, nil
	case '$', '=', '!':
		n, ok := parseInt(body)
		if !ok || n < -1 || n > x.opt.MaxBulkLen || (n == -1 && kind != '$') {
			return Reply{}, x.perr("resp: invalid bulk length")
		}
		if n == -1 {
			return Reply{Kind: Nil}, nil
		}
		s, err := x.replyBulk(int(n))
		if err != nil {
			return Reply{}, err
		}
		switch kind {
		case '=':
			if len(s) < 4 || s[3] != ':' {
				return Reply{}, x.perr("resp: invalid verbatim string")
			}
			if x.opt.KeepRESP3 {
				return Reply{Kind: Verbatim, Str: s}, nil
			}
			return Reply{Kind: Bulk, Str: s[4:]}, nil
		case '!':
			return Reply{Kind: Error, Str: s}, nil
		}
		return Reply{Kind: Bulk, Str: s}, nil
	case '*', '%', '~', '>', '|':
		return x.aggregate(kind, body, depth)
	}
	return Reply{}, x.perr("resp: unexpected reply type byte")
}

func (x *Reader) aggregate(kind byte, body []byte, depth int) (Reply, error) {
	n, ok := parseInt(body)
	if !ok || n < -1 || (n == -1 && kind != '*') || n > x.opt.MaxMultibulkLen {
		return Reply{}, x.perr("resp: invalid aggregate length")
	}
	if n == -1 {
		return Reply{Kind: NilArray}, nil
	}
	if kind == '%' || kind == '|' {
		n *= 2
	}
	elems := make([]Reply, 0, min(n, 1024))
	for ; n > 0; n-- {
		e, err := x.reply(depth + 1)
		if err != nil {
			return Reply{}, err
		}
		elems = append(elems, e)
	}
	if kind == '|' { // attributes annotate the reply that follows
		return x.reply(depth)
	}
	if x.opt.KeepRESP3 {
		switch kind {
		case '%':
			return Reply{Kind: Map, Elems: elems}, nil
		case '~':
			return Reply{Kind: Set, Elems: elems}, nil
		}
	}
	return Reply{Kind: Array, Elems: elems}, nil
}

// replyLine consumes a CRLF-terminated line and returns it without the
// CRLF; it is valid until the next fill.
func (x *Reader) replyLine() ([]byte, error) {
	scanned := 0
	for {
		avail := x.buf[x.r:]
		lim := min(len(avail), x.opt.MaxInlineLen+2)
		if i := bytes.IndexByte(avail[scanned:lim], '\n'); i >= 0 {
			i += scanned
			if i < 2 || avail[i-1] != '\r' {
				return nil, x.perr("resp: invalid reply line")
			}
			x.r += i + 1
			return avail[:i-1], nil
		}
		if len(avail) > x.opt.MaxInlineLen+1 {
			return nil, x.perr("resp: reply line too long")
		}
		scanned = lim
		if err := x.fill(); err != nil {
			return nil, torn(err)
		}
	}
}

// replyBulk consumes n bytes and a CRLF.
func (x *Reader) replyBulk(n int) (string, error) {
	if err := x.need(n + 2); err != nil {
		return "", err
	}
	b := x.buf[x.r : x.r+n+2]
	if b[n] != '\r' || b[n+1] != '\n' {
		return "", x.perr("resp: bulk string not followed by CRLF")
	}
	x.r += n + 2
	return string(b[:n]), nil
}
