package acl

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/kevydb/kevy/resp"
)

// User is an ACL user. Its rules are an immutable state swapped atomically
// by ACL SETUSER, so a connection reads them with one atomic load and no
// lock; a deleted user has no state. A User is safe for concurrent use.
type User struct {
	name string
	st   atomic.Pointer[userState]
}

// User flags, in the order ACL LIST writes them.
const (
	flagOn = 1 << iota
	flagOff
	flagNoPass
	flagSkipSanitize
	flagSanitize
)

var userFlagNames = []string{"on", "off", "nopass", "skip-sanitize-payload", "sanitize-payload"}

// userState is one version of a user's rules. It never changes once
// published.
type userState struct {
	flags     uint8
	passwords []string // SHA-256 hex digests, in the order they were added
	selectors []*selector
	// open: the root selector allows every command, key and channel, so
	// no check is needed (the default user's usual state).
	open bool

	descOnce sync.Once
	desc     string
}

// Name returns the user's name.
func (u *User) Name() string { return u.name }

func (u *User) state() *userState { return u.st.Load() }

// Deleted reports whether the user was deleted (ACL DELUSER, or replaced
// by ACL LOAD): connections authenticated as it must be closed.
func (u *User) Deleted() bool { return u.st.Load() == nil }

// Revision identifies the user's current rules: it changes with every
// ACL SETUSER of the user, and is nil once the user is deleted.
func (u *User) Revision() any {
	if st := u.st.Load(); st != nil {
		return st
	}
	return nil
}

// Unrestricted reports whether the user may run every command on every
// key and channel (its root selector has allcommands, allkeys and
// allchannels), so that no check is needed.
func (u *User) Unrestricted() bool {
	st := u.st.Load()
	return st != nil && st.open
}

// NoPass reports whether the user is nopass (any password authenticates).
func (u *User) NoPass() bool {
	st := u.st.Load()
	return st != nil && st.flags&flagNoPass != 0
}

// newState is a created user's rules: off, no password, and a root
// selector with no permission (all channels when acl-pubsub-default is
// allchannels).
func newState(allChannels bool) *userState {
	flags := uint8(selRoot)
	if allChannels {
		flags |= selAllChannels
	}
	return &userState{flags: flagOff, selectors: []*selector{newSelector(flags)}}
}

func (st *userState) clone() *userState {
	c := &userState{flags: st.flags, passwords: append([]string(nil), st.passwords...),
		selectors: make([]*selector, len(st.selectors))}
	for i, s := range st.selectors {
		c.selectors[i] = s.clone()
	}
	return c
}

// seal computes what checks read, before the state is published.
func (st *userState) seal() *userState {
	r := st.selectors[0]
	st.open = r.flags&(selAllCommands|selAllKeys|selAllChannels) == selAllCommands|selAllKeys|selAllChannels
	return st
}

// hashPassword is ACLHashPassword: the SHA-256 digest in lower-case hex.
func hashPassword(pass string) string {
	sum := sha256.Sum256([]byte(pass))
	return hex.EncodeToString(sum[:])
}

// validHash is ACLCheckPasswordHash.
func validHash(h string) bool {
	if len(h) != 64 {
		return false
	}
	for i := 0; i < len(h); i++ {
		if (h[i] < 'a' || h[i] > 'f') && (h[i] < '0' || h[i] > '9') {
			return false
		}
	}
	return true
}

// apply applies one rule to the state (Redis's ACLSetUser); allChannels
// is acl-pubsub-default, which "reset" and new selectors follow.
func (st *userState) apply(op string, allChannels bool) errCode {
	if op == "" {
		return 0
	}
	word := cstr(op)
	switch {
	case equalFoldASCII(word, "on"):
		st.flags = st.flags&^flagOff | flagOn
	case equalFoldASCII(word, "off"):
		st.flags = st.flags&^flagOn | flagOff
	case equalFoldASCII(word, "skip-sanitize-payload"):
		st.flags = st.flags&^flagSanitize | flagSkipSanitize
	case equalFoldASCII(word, "sanitize-payload"):
		st.flags = st.flags&^flagSkipSanitize | flagSanitize
	case equalFoldASCII(word, "nopass"):
		st.flags |= flagNoPass
		st.passwords = nil
	case equalFoldASCII(word, "resetpass"):
		st.flags &^= flagNoPass
		st.passwords = nil
	case op[0] == '>' || op[0] == '#':
		var h string
		if op[0] == '>' {
			h = hashPassword(op[1:])
		} else {
			if !validHash(op[1:]) {
				return errBadHash
			}
			h = op[1:]
		}
		if !containsString(st.passwords, h) {
			st.passwords = append(st.passwords, h)
		}
		st.flags &^= flagNoPass
	case op[0] == '<' || op[0] == '!':
		var h string
		if op[0] == '<' {
			h = hashPassword(op[1:])
		} else {
			if !validHash(op[1:]) {
				return errBadHash
			}
			h = op[1:]
		}
		i := indexString(st.passwords, h)
		if i < 0 {
			return errNoSuchPass
		}
		st.passwords = append(st.passwords[:i:i], st.passwords[i+1:]...)
	case op[0] == '(' && op[len(op)-1] == ')':
		s := newSelector(0)
		if allChannels {
			s.flags |= selAllChannels
		}
		args, ok := resp.SplitArgs(op[1 : len(op)-1])
		if !ok {
			args = nil // Redis's sdssplitargs fails and gives no rule
		}
		for _, a := range args {
			if e := s.set(a); e != 0 {
				return e
			}
		}
		st.selectors = append(st.selectors, s)
	case equalFoldASCII(word, "clearselectors"):
		st.selectors = st.selectors[:1]
	case equalFoldASCII(word, "reset"):
		st.flags &^= flagNoPass
		st.passwords = nil
		r := st.selectors[0]
		r.set("resetkeys")
		r.set("resetchannels")
		if allChannels {
			r.set("allchannels")
		}
		st.flags = st.flags&^(flagOn|flagSkipSanitize) | flagOff | flagSanitize
		st.selectors = st.selectors[:1]
		r.set("-@all")
	default:
		return st.selectors[0].set(op)
	}
	return 0
}

func containsString(list []string, s string) bool { return indexString(list, s) >= 0 }

func indexString(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

// checkPassword reports whether pass is one of the state's passwords (or
// the user is nopass), comparing digests in constant time.
func (st *userState) checkPassword(pass string) bool {
	if st.flags&flagNoPass != 0 {
		return true
	}
	h := hashPassword(pass)
	ok := false
	for _, p := range st.passwords {
		if subtle.ConstantTimeCompare([]byte(h), []byte(p)) == 1 {
			ok = true
		}
	}
	return ok
}

// describe is the user's rules as ACL LIST and ACL SAVE write them:
// flags, password digests, the root selector, then each other selector in
// parentheses (ACLDescribeUser).
func (st *userState) describe() string {
	st.descOnce.Do(func() {
		var b strings.Builder
		for i, n := range userFlagNames {
			if st.flags&(1<<i) != 0 {
				b.WriteString(n + " ")
			}
		}
		for _, p := range st.passwords {
			b.WriteString("#" + p + " ")
		}
		for i, s := range st.selectors {
			if i == 0 {
				b.WriteString(s.describe())
			} else {
				b.WriteString(" (" + s.describe() + ")")
			}
		}
		st.desc = b.String()
	})
	return st.desc
}

// flagNames lists the user's flags for ACL GETUSER.
func (st *userState) flagNames() []string {
	var out []string
	for i, n := range userFlagNames {
		if st.flags&(1<<i) != 0 {
			out = append(out, n)
		}
	}
	return out
}

// mergeSelectorArgs joins the rules of a selector written across several
// arguments ("(~a*", "+get)") into one, as Redis's
// ACLMergeSelectorArguments; bad is the index of an unclosed selector's
// first argument, or -1.
func mergeSelectorArgs(ops []string) (merged []string, bad int) {
	open := -1
	var cur string
	for j, op := range ops {
		if op != "" && op[0] == '(' && op[len(op)-1] != ')' {
			cur, open = op, j
			continue
		}
		if open >= 0 {
			cur += " " + op
			if op != "" && op[len(op)-1] == ')' {
				open = -1
				merged = append(merged, cur)
			}
			continue
		}
		merged = append(merged, op)
	}
	if open >= 0 {
		return nil, open
	}
	return merged, -1
}
