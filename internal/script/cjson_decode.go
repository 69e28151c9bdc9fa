package script

import (
	lua "github.com/yuin/gopher-lua"
)

// cjson.decode (json_decode and its tokenizer in lua_cjson.c). The C
// parser reads a NUL-terminated string, so a NUL byte ends the input
// wherever it is; the Go one reads past the end as NUL to match.

type jsonTokenType uint8

const (
	tObjBegin jsonTokenType = iota
	tObjEnd
	tArrBegin
	tArrEnd
	tString
	tNumber
	tBoolean
	tNull
	tColon
	tComma
	tEnd
	tWhitespace
	tError
	tUnknown
)

// jsonTokenNames are the names parse errors print for tokens.
var jsonTokenNames = [...]string{"T_OBJ_BEGIN", "T_OBJ_END", "T_ARR_BEGIN", "T_ARR_END",
	"T_STRING", "T_NUMBER", "T_BOOLEAN", "T_NULL", "T_COLON", "T_COMMA", "T_END",
	"T_WHITESPACE", "T_ERROR", "T_UNKNOWN"}

// jsonCharTokens is ch2token: what a token's first byte makes it.
var jsonCharTokens = func() (t [256]jsonTokenType) {
	for i := range t {
		t[i] = tError
	}
	t['{'], t['}'], t['['], t[']'], t[','], t[':'] = tObjBegin, tObjEnd, tArrBegin, tArrEnd, tComma, tColon
	t[0] = tEnd
	t[' '], t['\t'], t['\n'], t['\r'] = tWhitespace, tWhitespace, tWhitespace, tWhitespace
	for _, c := range "fiInNt\"+-0123456789" {
		t[c] = tUnknown
	}
	return t
}()

// jsonEscapeChars is escape2char: what the byte after a backslash stands
// for (0: an invalid escape; 'u': a unicode escape).
var jsonEscapeChars = func() (t [256]byte) {
	t['"'], t['\\'], t['/'], t['b'], t['t'] = '"', '\\', '/', '\b', '\t'
	t['n'], t['f'], t['r'], t['u'] = '\n', '\f', '\r', 'u'
	return t
}()

type jsonToken struct {
	typ   jsonTokenType
	index int     // where it starts (where the error is, for tError)
	str   string  // tString's value; tError's message
	num   float64 // tNumber
	b     bool    // tBoolean
}

type jsonDecoder struct {
	v     *vm
	L     *lua.LState
	cfg   jsonSettings
	s     string
	p     int
	depth int
	tmp   []byte
	work  int
}

func (v *vm) jsonDecode(L *lua.LState, cfg *jsonConfig) int {
	if L.GetTop() != 1 {
		libArgError(L, 1, "decode", "expected 1 argument")
	}
	s := libCheckString(L, 1, "decode")
	if len(s) >= 2 && (s[0] == 0 || s[1] == 0) {
		libError(L, "JSON parser does not support UTF-16 or UTF-32")
	}
	d := &jsonDecoder{v: v, L: L, cfg: cfg.get(), s: s}
	var tok jsonToken
	d.next(&tok)
	val := d.value(&tok, 1)
	d.next(&tok)
	if tok.typ != tEnd {
		d.fail("the end", &tok)
	}
	L.Push(val)
	return 1
}

// at is the byte at i, NUL past the end (the C string's terminator).
func (d *jsonDecoder) at(i int) byte {
	if i < len(d.s) {
		return d.s[i]
	}
	return 0
}

func (d *jsonDecoder) tokenError(tok *jsonToken, msg string) {
	tok.typ = tError
	tok.index = d.p
	tok.str = msg
}

// fail is json_throw_parse_error.
func (d *jsonDecoder) fail(expected string, tok *jsonToken) {
	found := jsonTokenNames[tok.typ]
	if tok.typ == tError {
		found = tok.str
	}
	libError(d.L, "Expected %s but found %s at character %d", expected, found, tok.index+1)
}

// next is json_next_token.
func (d *jsonDecoder) next(tok *jsonToken) {
	var c byte
	for {
		c = d.at(d.p)
		tok.typ = jsonCharTokens[c]
		if tok.typ != tWhitespace {
			break
		}
		d.p++
	}
	tok.index = d.p
	switch tok.typ {
	case tError:
		d.tokenError(tok, "invalid token")
		return
	case tEnd:
		return
	case tUnknown:
	default:
		d.p++
		return
	}
	rest := d.s[d.p:]
	switch {
	case c == '"':
		d.stringToken(tok)
	case c == '-' || isDigit(c):
		if d.cfg.decodeInvalid == 0 && d.invalidNumber() {
			d.tokenError(tok, "invalid number")
			return
		}
		d.numberToken(tok)
	case hasPrefix(rest, "true"):
		tok.typ, tok.b = tBoolean, true
		d.p += 4
	case hasPrefix(rest, "false"):
		tok.typ, tok.b = tBoolean, false
		d.p += 5
	case hasPrefix(rest, "null"):
		tok.typ = tNull
		d.p += 4
	case d.cfg.decodeInvalid != 0 && d.invalidNumber():
		d.numberToken(tok)
	default:
		d.tokenError(tok, "invalid token")
	}
}

func hasPrefix(s, prefix string) bool { return len(s) >= len(prefix) && s[:len(prefix)] == prefix }

// invalidNumber is json_is_invalid_number: numbers strtod reads but JSON
// does not allow (a leading '+' or zero, hexadecimal, inf, nan).
func (d *jsonDecoder) invalidNumber() bool {
	p := d.p
	c := d.at(p)
	if c == '+' {
		return true
	}
	if c == '-' {
		p++
		c = d.at(p)
	}
	if c == '0' {
		c2 := d.at(p + 1)
		return c2|0x20 == 'x' || isDigit(c2)
	}
	if c <= '9' || c >= 0x80 { // a C char is signed: bytes from 0x80 are below '9'
		return false
	}
	rest := d.s[p:]
	return hasPrefixFold(rest, "inf") || hasPrefixFold(rest, "nan")
}

func (d *jsonDecoder) numberToken(tok *jsonToken) {
	tok.typ = tNumber
	f, n := strtod(d.s[d.p:]) // no number has a NUL: strtod stops at one as C's does
	if n == 0 {
		d.tokenError(tok, "invalid number")
		return
	}
	tok.num = f
	d.p += n
}

// stringToken is json_next_string_token: the string's bytes as they are,
// with escapes translated.
func (d *jsonDecoder) stringToken(tok *jsonToken) {
	d.p++ // the opening quote
	d.tmp = d.tmp[:0]
	for {
		c := d.at(d.p)
		if c == '"' {
			break
		}
		if c == 0 {
			d.tokenError(tok, "unexpected end of string")
			return
		}
		if c == '\\' {
			c = jsonEscapeChars[d.at(d.p+1)]
			if c == 'u' {
				if d.unicodeEscape() {
					continue
				}
				d.tokenError(tok, "invalid unicode escape code")
				return
			}
			if c == 0 {
				d.tokenError(tok, "invalid escape code")
				return
			}
			d.p++
		}
		d.tmp = append(d.tmp, c)
		d.p++
	}
	d.p++ // the closing quote
	tok.typ = tString
	tok.str = string(d.tmp)
}

// hex4 is decode_hex4: four hex digits at i, or -1.
func (d *jsonDecoder) hex4(i int) int {
	n := 0
	for j := 0; j < 4; j++ {
		c := d.at(i + j)
		var digit int
		switch {
		case isDigit(c):
			digit = int(c - '0')
		case 'a' <= c|0x20 && c|0x20 <= 'f':
			digit = int(c|0x20-'a') + 10
		default:
			return -1
		}
		n = n<<4 | digit
	}
	return n
}

// unicodeEscape is json_append_unicode_escape: \uXXXX, or a surrogate
// pair \uD8XX\uDCXX, appended as UTF-8. It reports false for a bad escape.
func (d *jsonDecoder) unicodeEscape() bool {
	cp := d.hex4(d.p + 2)
	if cp < 0 {
		return false
	}
	n := 6
	if cp&0xF800 == 0xD800 {
		if cp&0x400 != 0 || d.at(d.p+6) != '\\' || d.at(d.p+7) != 'u' {
			return false
		}
		lo := d.hex4(d.p + 8)
		if lo < 0 || lo&0xFC00 != 0xDC00 {
			return false
		}
		cp = ((cp&0x3FF)<<10 | lo&0x3FF) + 0x10000
		n = 12
	}
	switch {
	case cp <= 0x7F:
		d.tmp = append(d.tmp, byte(cp))
	case cp <= 0x7FF:
		d.tmp = append(d.tmp, byte(cp>>6|0xC0), byte(cp&0x3F|0x80))
	case cp <= 0xFFFF:
		d.tmp = append(d.tmp, byte(cp>>12|0xE0), byte(cp>>6&0x3F|0x80), byte(cp&0x3F|0x80))
	default:
		d.tmp = append(d.tmp, byte(cp>>18|0xF0), byte(cp>>12&0x3F|0x80), byte(cp>>6&0x3F|0x80), byte(cp&0x3F|0x80))
	}
	d.p += n
	return true
}

// descend is json_decode_descend: one level deeper, within
// decode_max_depth and the C stack the parser would use (used slots now,
// slots more).
func (d *jsonDecoder) descend(used, slots int) {
	d.depth++
	if d.depth <= int(d.cfg.decodeMaxDepth) && used+slots <= luaMaxCStack {
		return
	}
	libError(d.L, "Found too many nested data structures (%d) at character %d", d.depth, d.p)
}

// value is json_process_value for tok; used is how many Lua stack slots
// the C parser holds before pushing the value.
func (d *jsonDecoder) value(tok *jsonToken, used int) lua.LValue {
	if d.work++; d.work%workCheckEvery == 0 {
		checkRunContext(d.L)
	}
	switch tok.typ {
	case tString:
		return lua.LString(tok.str)
	case tNumber:
		return lua.LNumber(tok.num)
	case tBoolean:
		return lua.LBool(tok.b)
	case tObjBegin:
		return d.object(used)
	case tArrBegin:
		return d.array(used)
	case tNull:
		return d.v.null
	}
	d.fail("value", tok)
	return nil
}

func (d *jsonDecoder) object(used int) lua.LValue {
	d.descend(used, 3)
	t := d.L.NewTable()
	var tok jsonToken
	d.next(&tok)
	if tok.typ == tObjEnd {
		d.depth--
		return t
	}
	for {
		if tok.typ != tString {
			d.fail("object key string", &tok)
		}
		key := tok.str
		d.next(&tok)
		if tok.typ != tColon {
			d.fail("colon", &tok)
		}
		d.next(&tok)
		t.RawSetString(key, d.value(&tok, used+2))
		d.next(&tok)
		if tok.typ == tObjEnd {
			d.depth--
			return t
		}
		if tok.typ != tComma {
			d.fail("comma or object end", &tok)
		}
		d.next(&tok)
	}
}

func (d *jsonDecoder) array(used int) lua.LValue {
	d.descend(used, 2)
	t := d.L.NewTable()
	var tok jsonToken
	d.next(&tok)
	if tok.typ == tArrEnd {
		d.depth--
		return t
	}
	for i := 1; ; i++ {
		t.RawSetInt(i, d.value(&tok, used+1))
		d.next(&tok)
		if tok.typ == tArrEnd {
			d.depth--
			return t
		}
		if tok.typ != tComma {
			d.fail("comma or array end", &tok)
		}
		d.next(&tok)
	}
}
