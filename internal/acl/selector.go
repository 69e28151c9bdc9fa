package acl

import (
	"strings"

	"github.com/kevydb/kevy/internal/glob"
)

// A selector is a set of permissions: the commands it allows, the keys and
// channels it lets them touch. Every user has a root selector (the rules
// given outside parentheses) and any number of others ("(...)"); a
// command is allowed when one selector allows it whole.

const (
	selRoot        = 1 << iota // the user's root selector
	selAllKeys                 // allkeys, ~*
	selAllChannels             // allchannels, &*
	selAllCommands             // allcommands, +@all (no command bit needs testing)
)

// Key pattern permissions.
const (
	permRead  = 1 << iota // %R~
	permWrite             // %W~
	permAll   = permRead | permWrite
)

type keyPattern struct {
	perm    uint8
	pattern string
	glob    glob.Pattern
}

type selector struct {
	flags     uint8
	allowed   bits
	firstArgs map[int][]string // allowed first arguments of otherwise denied commands
	keys      []keyPattern
	channels  []string
}

// errCode is why a rule was refused (Redis's errno values in ACLSetUser).
type errCode uint8

const (
	errSyntax          errCode = iota + 1 // EINVAL
	errUnknown                            // ENOENT
	errKeyAfterAll                        // EEXIST
	errChannelAfterAll                    // EISDIR
	errNoSuchPass                         // ENODEV
	errBadHash                            // EBADMSG
	errSubFirstArg                        // ECHILD
	errDuplicateUser                      // EALREADY
)

// String is ACLSetUserStringError's text.
func (e errCode) String() string {
	switch e {
	case errUnknown:
		return "Unknown command or category name in ACL"
	case errSyntax:
		return "Syntax error"
	case errKeyAfterAll:
		return "Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not " +
			"have any effect. Try 'resetkeys' to start with an empty list of patterns"
	case errChannelAfterAll:
		return "Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and does not " +
			"have any effect. Try 'resetchannels' to start with an empty list of channels"
	case errNoSuchPass:
		return "The password you are trying to remove from the user does not exist"
	case errBadHash:
		return "The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters"
	case errDuplicateUser:
		return "Duplicate user found. A user can only be defined once in config files"
	case errSubFirstArg:
		return "Allowing first-arg of a subcommand is not supported"
	}
	return "Wrong format"
}

func newSelector(flags uint8) *selector {
	return &selector{flags: flags, allowed: make(bits, theCatalogue().words)}
}

func (s *selector) clone() *selector {
	c := &selector{flags: s.flags, allowed: append(bits(nil), s.allowed...),
		keys: append([]keyPattern(nil), s.keys...), channels: append([]string(nil), s.channels...)}
	if s.firstArgs != nil {
		c.firstArgs = make(map[int][]string, len(s.firstArgs))
		for id, args := range s.firstArgs {
			c.firstArgs[id] = append([]string(nil), args...)
		}
	}
	return c
}

// cstr is s up to its first NUL byte: what C's string functions see of
// an argument.
func cstr(s string) string {
	if i := strings.IndexByte(s, 0); i >= 0 {
		return s[:i]
	}
	return s
}

// hasSpaces is ACLStringHasSpaces: C's isspace, or a NUL byte.
func hasSpaces(s string) bool {
	for i := 0; i < len(s); i++ {
		if isSpace(s[i]) || s[i] == 0 {
			return true
		}
	}
	return false
}

func isSpace(c byte) bool { return c == ' ' || c >= '\t' && c <= '\r' }

// setBit sets a command bit; clearing one drops allcommands.
func (s *selector) setBit(id int, on bool) {
	s.allowed.set(id, on)
	if !on {
		s.flags &^= selAllCommands
	}
}

// changePerm allows or denies a command and, for a container, all its
// subcommands; the command's allowed first arguments are forgotten
// (ACLChangeSelectorPerm).
func (s *selector) changePerm(id int, allow bool) {
	cat := theCatalogue()
	s.setBit(id, allow)
	delete(s.firstArgs, id)
	for _, sub := range cat.cmds[id].subs {
		s.setBit(sub, allow)
	}
}

// changeCategory allows or denies every command of a category, walking
// containers before their subcommands as Redis does.
func (s *selector) changeCategory(m catMask, allow bool) {
	cat := theCatalogue()
	var walk func(ids []int)
	walk = func(ids []int) {
		for _, id := range ids {
			if cat.cmds[id].cats&m != 0 {
				s.changePerm(id, allow)
			}
			walk(cat.cmds[id].subs)
		}
	}
	walk(cat.top)
}

func (s *selector) addFirstArg(id int, arg string) {
	for _, a := range s.firstArgs[id] {
		if equalFoldASCII(a, arg) {
			return
		}
	}
	if s.firstArgs == nil {
		s.firstArgs = map[int][]string{}
	}
	s.firstArgs[id] = append(s.firstArgs[id], arg)
}

// set applies one selector rule (Redis's ACLSetSelector).
func (s *selector) set(op string) errCode {
	cat := theCatalogue()
	word := cstr(op)
	if word == "" {
		return errSyntax
	}
	switch {
	case equalFoldASCII(word, "allkeys") || equalFoldASCII(word, "~*"):
		s.flags |= selAllKeys
		s.keys = nil
	case equalFoldASCII(word, "resetkeys"):
		s.flags &^= selAllKeys
		s.keys = nil
	case equalFoldASCII(word, "allchannels") || equalFoldASCII(word, "&*"):
		s.flags |= selAllChannels
		s.channels = nil
	case equalFoldASCII(word, "resetchannels"):
		s.flags &^= selAllChannels
		s.channels = nil
	case equalFoldASCII(word, "allcommands") || equalFoldASCII(word, "+@all"):
		s.allowed.fill(true)
		s.flags |= selAllCommands
		s.firstArgs = nil
	case equalFoldASCII(word, "nocommands") || equalFoldASCII(word, "-@all"):
		s.allowed.fill(false)
		s.flags &^= selAllCommands
		s.firstArgs = nil
	case op[0] == '~' || op[0] == '%':
		return s.addKeyPattern(op)
	case op[0] == '&':
		if s.flags&selAllChannels != 0 {
			return errChannelAfterAll
		}
		pat := op[1:]
		if hasSpaces(pat) {
			return errSyntax
		}
		for _, c := range s.channels {
			if c == pat {
				return 0
			}
		}
		s.channels = append(s.channels, pat)
		s.flags &^= selAllChannels
	case op[0] == '+' && len(word) > 1 && word[1] != '@' || word == "+":
		return s.allowCommand(word[1:])
	case op[0] == '-' && len(word) > 1 && word[1] != '@' || word == "-":
		id := cat.lookup(word[1:])
		if id < 0 {
			return errUnknown
		}
		s.changePerm(id, false)
	case (op[0] == '+' || op[0] == '-') && len(word) > 1 && word[1] == '@':
		m := categoryBit(word[2:])
		if m == 0 {
			return errUnknown
		}
		s.changeCategory(m, op[0] == '+')
	default:
		return errSyntax
	}
	return 0
}

// addKeyPattern applies ~pattern and %R~ / %W~ / %RW~ pattern.
func (s *selector) addKeyPattern(op string) errCode {
	if s.flags&selAllKeys != 0 {
		return errKeyAfterAll
	}
	perm, off := uint8(permAll), 1
	if op[0] == '%' {
		perm = 0
		for ; off < len(op); off++ {
			switch c := op[off]; {
			case (c == 'R' || c == 'r') && perm&permRead == 0:
				perm |= permRead
			case (c == 'W' || c == 'w') && perm&permWrite == 0:
				perm |= permWrite
			case c == '~':
				off++
				goto done
			default:
				return errSyntax
			}
		}
	done:
		if perm == 0 {
			return errSyntax
		}
	}
	pat := op[off:]
	if hasSpaces(pat) {
		return errSyntax
	}
	for i := range s.keys {
		if s.keys[i].pattern == pat {
			s.keys[i].perm |= perm
			return 0
		}
	}
	s.keys = append(s.keys, keyPattern{perm: perm, pattern: pat, glob: glob.Compile(pat)})
	s.flags &^= selAllKeys
	return 0
}

// allowCommand applies +command, +container|sub and +command|firstarg.
func (s *selector) allowCommand(name string) errCode {
	cat := theCatalogue()
	i := strings.LastIndexByte(name, '|')
	if i < 0 {
		id := cat.lookup(name)
		if id < 0 {
			return errUnknown
		}
		s.changePerm(id, true)
		return 0
	}
	base, sub := name[:i], name[i+1:]
	id := cat.lookup(base)
	switch {
	case id < 0:
		return errUnknown
	case cat.cmds[id].parent >= 0:
		return errSubFirstArg
	case sub == "":
		return errSyntax
	}
	if len(cat.cmds[id].subs) > 0 {
		sid := cat.lookup(name)
		if sid < 0 {
			return errUnknown
		}
		s.changePerm(sid, true)
		return 0
	}
	s.addFirstArg(id, sub)
	return 0
}

// allowsCommand reports whether the selector lets cmd run with args as
// far as the command itself goes (bits and first arguments).
func (s *selector) allowsCommand(id int, hasParent bool, args []string) bool {
	if s.flags&selAllCommands != 0 || s.allowed.has(id) {
		return true
	}
	if len(args) < 2 {
		return false
	}
	idx := 1
	if hasParent {
		idx = 2
	}
	if idx >= len(args) {
		return false
	}
	for _, a := range s.firstArgs[id] {
		if equalFoldASCII(cstr(args[idx]), a) {
			return true
		}
	}
	return false
}

// keyAllowed is ACLSelectorCheckKey: a key used with ACCESS needs a read
// pattern, with INSERT, UPDATE or DELETE a write pattern, otherwise any
// pattern that matches.
func (s *selector) keyAllowed(key string, need uint8) bool {
	if s.flags&selAllKeys != 0 {
		return true
	}
	for i := range s.keys {
		p := &s.keys[i]
		if p.perm&need == need && p.glob.Match(key) {
			return true
		}
	}
	return false
}

// fullKeyAccess is ACLSelectorHasUnrestrictedKeyAccess for the access
// need: allkeys, or a "*" pattern with that permission.
func (s *selector) fullKeyAccess(need uint8) bool {
	if s.flags&selAllKeys != 0 {
		return true
	}
	for i := range s.keys {
		if s.keys[i].perm&need == need && s.keys[i].pattern == "*" {
			return true
		}
	}
	return false
}

// channelAllowed is ACLCheckChannelAgainstList: a channel is matched by
// the patterns, a subscription pattern must equal one literally.
func channelAllowed(patterns []string, name string, isPattern bool) bool {
	for _, p := range patterns {
		if isPattern && p == name || !isPattern && glob.Match(p, name) {
			return true
		}
	}
	return false
}
