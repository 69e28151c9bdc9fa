package shard

import (
	"strings"

	"github.com/kevydb/kevy/resp"
)

// Redis's error replies, with Redis 7.0's exact text (without the leading
// '-' of the wire format). Handlers return them as resp.Reply values.
const (
	MsgWrongType     = "WRONGTYPE Operation against a key holding the wrong kind of value"
	MsgSyntax        = "ERR syntax error"
	MsgNotInt        = "ERR value is not an integer or out of range"
	MsgNotFloat      = "ERR value is not a valid float"
	MsgOverflow      = "ERR increment or decrement would overflow"
	MsgNoSuchKey     = "ERR no such key"
	MsgDBRange       = "ERR DB index is out of range"
	MsgIndexRange    = "ERR index out of range"
	MsgNaNInf        = "ERR increment would produce NaN or Infinity"
	MsgSameObject    = "ERR source and destination objects are the same"
	MsgStringMax     = "ERR string exceeds maximum allowed size (proto-max-bulk-len)"
	MsgOffsetRange   = "ERR offset is out of range"
	MsgPositive      = "ERR value is out of range, must be positive"
	MsgNoAuthNeeded  = "ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?"
	MsgInvalidDBIdx  = "ERR invalid DB index"
	MsgTimeoutNotF   = "ERR timeout is not a float or out of range"
	MsgTimeoutNeg    = "ERR timeout is negative"
	MsgNotIntOrRange = "ERR value is out of range"
)

// Prebuilt error replies.
var (
	ErrWrongType = resp.Err(MsgWrongType)
	ErrSyntax    = resp.Err(MsgSyntax)
	ErrNotInt    = resp.Err(MsgNotInt)
	ErrNotFloat  = resp.Err(MsgNotFloat)
	ErrOverflow  = resp.Err(MsgOverflow)
	ErrNoSuchKey = resp.Err(MsgNoSuchKey)
	ErrDBRange   = resp.Err(MsgDBRange)
)

// ArityError is the reply for a wrong number of arguments; fullname is the
// command's lower-case full name ("get", "object|encoding").
func ArityError(fullname string) resp.Reply {
	return resp.Err("ERR wrong number of arguments for '" + fullname + "' command")
}

// ExpireTimeError is the reply for an invalid expire time.
func ExpireTimeError(fullname string) resp.Reply {
	return resp.Err("ERR invalid expire time in '" + fullname + "' command")
}

// UnknownCommand is Redis's reply to an unknown command: the name and the
// first arguments, each cut to what a C printf would show (up to a NUL byte
// and 128 bytes), newlines turned into spaces.
func UnknownCommand(args []string) resp.Reply {
	var b strings.Builder
	b.WriteString("ERR unknown command '")
	b.WriteString(ctrunc(args[0], 128))
	b.WriteString("', with args beginning with: ")
	n := 0
	for _, a := range args[1:] {
		if n >= 128 {
			break
		}
		s := ctrunc(a, 128-n)
		b.WriteByte('\'')
		b.WriteString(s)
		b.WriteString("' ")
		n += len(s) + 3
	}
	return resp.Err(noNewlines(b.String()))
}

// UnknownSubcommand is Redis's reply to an unknown subcommand of a container
// command such as OBJECT or CONFIG.
func UnknownSubcommand(container, sub string) resp.Reply {
	return resp.Err(noNewlines("ERR unknown subcommand '" + ctrunc(sub, 128) + "'. Try " + strings.ToUpper(container) + " HELP."))
}

// ctrunc cuts s the way printf("%.*s") sees a C string: at the first NUL
// byte and at max bytes.
func ctrunc(s string, max int) string {
	if i := strings.IndexByte(s, 0); i >= 0 {
		s = s[:i]
	}
	if len(s) > max {
		s = s[:max]
	}
	return s
}

func noNewlines(s string) string {
	if !strings.ContainsAny(s, "\r\n") {
		return s
	}
	b := []byte(s)
	for i, c := range b {
		if c == '\r' || c == '\n' {
			b[i] = ' '
		}
	}
	return string(b)
}
