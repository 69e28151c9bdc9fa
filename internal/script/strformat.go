package script

import (
	"fmt"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// strFormat is Lua 5.1's string.format (lstrlib.c str_format) with C
// printf semantics: gopher-lua hands the format to Go's fmt, which differs
// in %d of a fraction, %x of a negative number, %c, %q, %s precision (bytes,
// not runes), and the spelling of infinities.
func strFormat(L *lua.LState) int {
	f := checkString(L, 1, "format")
	top := L.GetTop()
	arg := 1
	var b strings.Builder
	for i := 0; i < len(f); i++ {
		c := f[i]
		if c != '%' {
			b.WriteByte(c)
			continue
		}
		i++
		if i < len(f) && f[i] == '%' {
			b.WriteByte('%')
			continue
		}
		arg++
		if arg > top {
			argError(L, arg, "format", "no value")
		}
		// Scan the spec: flags, width (2 digits), precision (2 digits).
		start := i
		for i < len(f) && strings.IndexByte("-+ #0", f[i]) >= 0 {
			i++
		}
		if i-start > 5 {
			L.RaiseError("invalid format (repeated flags)")
		}
		flags := f[start:i]
		for n := 0; n < 2 && i < len(f) && isDigit(f[i]); n++ {
			i++
		}
		width := f[start+len(flags) : i]
		prec := ""
		if i < len(f) && f[i] == '.' {
			i++
			ps := i
			for n := 0; n < 2 && i < len(f) && isDigit(f[i]); n++ {
				i++
			}
			prec = "." + f[ps:i]
		}
		if i < len(f) && isDigit(f[i]) {
			L.RaiseError("invalid format (width or precision too long)")
		}
		conv := byte(0)
		if i < len(f) {
			conv = f[i]
		}
		spec := "%" + flags + width + prec
		switch conv {
		case 'c':
			n := checkNumber(L, arg, "format")
			b.WriteString(padBytes(string([]byte{byte(toInt64(n))}), flags, width))
		case 'd', 'i':
			n := checkNumber(L, arg, "format")
			b.WriteString(fmt.Sprintf(spec+"d", toInt64(n)))
		case 'o', 'u', 'x', 'X':
			n := uint64(toInt64(checkNumber(L, arg, "format")))
			verb := string(conv)
			if conv == 'u' {
				verb = "d"
			}
			b.WriteString(fmt.Sprintf(spec+verb, n))
		case 'e', 'E', 'f', 'g', 'G':
			n := checkNumber(L, arg, "format")
			if s, ok := nonFinite(n); ok {
				if conv == 'E' || conv == 'G' {
					s = strings.ToUpper(s)
				}
				if strings.Contains(flags, "+") && s[0] != '-' {
					s = "+" + s
				} else if strings.Contains(flags, " ") && s[0] != '-' {
					s = " " + s
				}
				b.WriteString(padBytes(s, strings.ReplaceAll(flags, "0", ""), width))
				break
			}
			b.WriteString(fmt.Sprintf(spec+string(conv), n))
		case 'q':
			b.WriteString(quoteLua(checkString(L, arg, "format")))
		case 's':
			s := checkString(L, arg, "format")
			if prec == "" && len(s) >= 100 {
				b.WriteString(s) // Lua keeps long strings whole
				break
			}
			if prec != "" {
				p := atoi(prec[1:])
				if p < len(s) {
					s = s[:p]
				}
			}
			b.WriteString(padBytes(s, flags, width))
		default:
			L.RaiseError("invalid option '%%%c' to 'format'", conv)
		}
	}
	L.Push(lua.LString(b.String()))
	return 1
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// padBytes pads s to width bytes, on the right with the '-' flag.
func padBytes(s, flags, width string) string {
	w := atoi(width)
	if len(s) >= w {
		return s
	}
	pad := strings.Repeat(" ", w-len(s))
	if strings.Contains(flags, "-") {
		return s + pad
	}
	return pad + s
}

// quoteLua is Lua 5.1's addquoted.
func quoteLua(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '"', '\\', '\n':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\r':
			b.WriteString(`\r`)
		case 0:
			b.WriteString(`\000`)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}
