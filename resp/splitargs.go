package resp

// SplitArgs splits an inline command line into arguments the way
// redis-server does (sdssplitargs in sds.c), which is also how redis-cli
// and the AOF manifest split their lines:
//
//   - arguments are separated by blanks (space, tab, CR, LF, VT, FF);
//   - "double quotes" take the escapes \n \r \t \b \a, \xHH (two hex
//     digits) and \c for any other c, which stands for c itself;
//   - 'single quotes' take only \' as an escape;
//   - a closing quote must be followed by a blank or the end of the line;
//   - a NUL byte ends the line.
//
// It reports ok == false for unbalanced quotes or a closing quote followed by
// something else, where redis-server answers
// "Protocol error: unbalanced quotes in request".
func SplitArgs(line string) (args []string, ok bool) {
	var sp splitter
	var buf []byte
	buf, ok = sp.split(buf, []byte(line))
	if !ok {
		return nil, false
	}
	args = make([]string, len(sp.spans))
	for i, s := range sp.spans {
		args[i] = string(buf[s.off : s.off+s.n])
	}
	return args, true
}

// span is an argument's place in a buffer.
type span struct{ off, n int }

// splitter holds the reusable span list of the inline parser.
type splitter struct {
	spans []span
}

// isBlank is C isspace in the C locale.
func isBlank(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

func hexVal(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// split appends the unquoted arguments of line to buf and records their
// places in sp.spans.
func (sp *splitter) split(buf, line []byte) ([]byte, bool) {
	sp.spans = sp.spans[:0]
	for i, c := range line { // a NUL ends the C string
		if c == 0 {
			line = line[:i]
			break
		}
	}
	// at returns line[i], or 0 past the end (the C terminator).
	at := func(i int) byte {
		if i < len(line) {
			return line[i]
		}
		return 0
	}
	p := 0
	for {
		for p < len(line) && isBlank(line[p]) {
			p++
		}
		if p == len(line) {
			return buf, true
		}
		start := len(buf)
		const (
			plain = iota
			dquote
			squote
		)
		state := plain
	token:
		for {
			c := at(p)
			switch state {
			case dquote, squote:
				quote := byte('"')
				if state == squote {
					quote = '\''
				}
				switch {
				case state == dquote && c == '\\' && at(p+1) == 'x':
					hi, ok1 := hexVal(at(p + 2))
					lo, ok2 := hexVal(at(p + 3))
					if ok1 && ok2 {
						buf = append(buf, hi<<4|lo)
						p += 4
						continue
					}
					buf = append(buf, 'x')
					p += 2
				case state == dquote && c == '\\' && at(p+1) != 0:
					e := at(p + 1)
					switch e {
					case 'n':
						e = '\n'
					case 'r':
						e = '\r'
					case 't':
						e = '\t'
					case 'b':
						e = '\b'
					case 'a':
						e = '\a'
					}
					buf = append(buf, e)
					p += 2
				case state == squote && c == '\\' && at(p+1) == '\'':
					buf = append(buf, '\'')
					p += 2
				case c == quote:
					// A closing quote must be followed by a blank or the end.
					if n := at(p + 1); n != 0 && !isBlank(n) {
						return buf, false
					}
					p++
					break token
				case c == 0: // unterminated quotes
					return buf, false
				default:
					buf = append(buf, c)
					p++
				}
			default:
				switch c {
				case ' ', '\n', '\r', '\t':
					p++
					break token
				case 0:
					break token
				case '"':
					state = dquote
				case '\'':
					state = squote
				default:
					buf = append(buf, c)
				}
				p++
			}
		}
		sp.spans = append(sp.spans, span{start, len(buf) - start})
	}
}
