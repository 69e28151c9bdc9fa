// Package glob implements Redis's glob-style pattern matching: the exact
// semantics of stringmatchlen in Redis 7.0's util.c, used by KEYS, SCAN
// MATCH, PSUBSCRIBE and PUBSUB CHANNELS (case-sensitive) and by CONFIG GET,
// COMMAND LIST FILTERBY PATTERN and FUNCTION LIST LIBRARYNAME (nocase).
//
// # Syntax
//
//	element  matches
//	-------  -------
//	*        any run of bytes, including none
//	?        exactly one byte
//	[abc]    one byte from the set; [^abc] one byte not in it
//	[a-z]    a byte range; a reversed range [z-a] is the same as [a-z]
//	\x       the byte x itself, outside and inside brackets
//
// Everything else matches itself. Matching works on bytes, not runes, and is
// binary safe (NUL bytes are ordinary bytes).
//
// # Redis's corner cases, reproduced on purpose
//
//   - The empty string is matched only by the empty pattern: "*" does not
//     match "", so PSUBSCRIBE * does not receive a PUBLISH to channel "".
//   - A "[" with no closing "]" takes the rest of the pattern as its set, so
//     "[" alone matches nothing and "[^" matches any one byte.
//   - Inside brackets, "x-y" is a range whenever two more bytes follow the x,
//     even if the last one is "]": "[a-]" is the range from ']' to 'a', and
//     the set is then unterminated. A "\" escapes the next byte, so "[\]]"
//     is the set {']'}; a "\" at the very end of the pattern (or of an
//     unterminated set) stands for itself.
//   - Range ends and the tested byte compare as C's signed char, as on the
//     amd64 builds Redis ships: bytes 0x80–0xFF sort below 0x00, so "[a-\xff]"
//     is the range -1..'a' and matches 0xFF and 0x00–'a', not 0x80–0xFE.
//   - With nocase, a range is ordered first and lower-cased after, with glibc's
//     tolower in the C locale (which maps the negative chars -128..-2 to
//     128..254 and leaves -1 alone); an escaped byte inside brackets is always
//     compared case-sensitively.
//
// # Pathological patterns
//
// Redis 7.0.15 matches recursively (one C stack frame per '*') with the
// CVE-2022-36021 fix: once the text after the last '*' fails at every
// position, no earlier '*' is retried. It has no nesting limit (Redis 7.2.6
// and 7.4.1 added one that makes patterns with more than 1000 stars fail).
// This package gives Redis 7.0.15's answers, computed iteratively: it keeps
// only the most recent '*' as a backtrack point, which is exact for glob
// patterns because every other element matches exactly one byte. Time is
// O(len(pattern) × len(s)) in the worst case, memory is constant, and no
// pattern can exhaust the stack.
//
// # API
//
// [Match] and [MatchNoCase] interpret the pattern on every call. [Compile]
// and [CompileNoCase] turn it into a [Pattern] whose [Pattern.Match] is
// faster when one pattern is tested against many strings (KEYS, SCAN MATCH,
// a PSUBSCRIBE pattern against every PUBLISH): each bracket set becomes a
// 256-bit table, and literal, prefix*, *suffix and *infix* patterns take a
// strings-package fast path. [IsLiteral] and [Pattern.Literal] tell when a
// pattern matches exactly one string, so a key lookup can replace a scan.
// No function allocates except Compile and CompileNoCase.
package glob
