package acl

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// The ACL file (aclfile), in Redis's format: one user per line,
//
//	user <name> <rule> <rule> ...
//
// with the rules of ACL SETUSER separated by single spaces (a selector's
// rules inside its parentheses included), blank lines allowed and nothing
// else: no comments, no quoting. ACL SAVE writes each user as ACL LIST
// describes it, in name order.

// loadFile reads the ACL file and, if every line is valid, replaces the
// users with its own (ACL LOAD): the default user keeps its identity and
// takes the file's rules (or the default rules when the file has no
// default user); every other user of before is deleted and its
// connections closed, self after its reply. On any error nothing changes
// and the reply text lists every problem found, as Redis's does.
func (a *ACL) loadFile(self Client) string {
	data, err := os.ReadFile(a.file)
	if err != nil {
		return "Error loading ACLs, opening file '" + a.file + "': " + strerror(err)
	}
	users, errs := a.parseFile(string(data))
	if errs != "" {
		return errs + "WARNING: ACL errors detected, no change to the previously active ACL rules was performed"
	}
	a.mu.Lock()
	def := users[DefaultUserName]
	var defState *userState
	if def != nil {
		defState = def.state()
	} else {
		defState = defaultState()
	}
	users[DefaultUserName] = a.def
	var gone []*User
	for name, u := range a.users {
		if name != DefaultUserName {
			u.st.Store(nil)
			gone = append(gone, u)
		}
	}
	a.users = users
	a.def.st.Store(defState)
	a.mu.Unlock()
	a.killUsers(gone, self)
	return ""
}

// parseFile parses an ACL file's text into users; errs describes every
// problem, "" when there is none. It is ACLLoadFromFile's validation,
// message for message.
func (a *ACL) parseFile(text string) (users map[string]*User, errs string) {
	var b strings.Builder
	users = map[string]*User{}
	allChannels := a.PubSubDefault()
	for i, line := range strings.Split(text, "\n") {
		num := i + 1
		line = strings.Trim(line, " \t\r\n")
		if line == "" {
			continue
		}
		argv := strings.Split(line, " ")
		if cstr(argv[0]) != "user" || len(argv) < 2 {
			fmt.Fprintf(&b, "%s:%d should start with user keyword followed by the username. ", a.file, num)
			continue
		}
		name := argv[1]
		if hasSpaces(name) {
			fmt.Fprintf(&b, "'%s:%d: username '%s' contains invalid characters. ", a.file, num, cstr(name))
			continue
		}
		if users[name] != nil {
			fmt.Fprintf(&b, "WARNING: Duplicate user '%s' found on line %d. ", cstr(name), num)
			continue
		}
		st := newState(allChannels)
		u := &User{name: name}
		users[name] = u
		merged, bad := mergeSelectorArgs(argv[2:])
		if bad >= 0 {
			// Redis 7.0.15 crashes here; kevy reports the line.
			fmt.Fprintf(&b, "%s:%d: Unmatched parenthesis in selector definition.", a.file, num)
			continue
		}
		syntax := false
		for _, op := range merged {
			op = strings.Trim(op, "\t\r\n")
			e := st.apply(op, allChannels)
			switch {
			case e == errUnknown:
				fmt.Fprintf(&b, "%s:%d: Error in applying operation '%s': %s. ", a.file, num, cstr(op), e)
			case e != 0 && !syntax:
				fmt.Fprintf(&b, "%s:%d: %s. ", a.file, num, e)
				syntax = true
			}
		}
		u.st.Store(st.seal())
	}
	return users, b.String()
}

// strerror renders err as C's strerror does for its errno.
func strerror(err error) string {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		s := errno.Error()
		if s != "" {
			return strings.ToUpper(s[:1]) + s[1:]
		}
	}
	return err.Error()
}

// fileText is the ACL file ACL SAVE writes: every user as ACL LIST
// describes it.
func (a *ACL) fileText() string {
	var b strings.Builder
	for _, u := range a.sortedUsers() {
		if st := u.state(); st != nil {
			b.WriteString("user " + u.name + " " + st.describe() + "\n")
		}
	}
	return b.String()
}

// saveFile writes the users to the ACL file atomically: a temporary file
// beside it, synced, renamed over it, and the directory synced.
func (a *ACL) saveFile() error {
	tmp := a.file + ".tmp-" + strconv.Itoa(os.Getpid()) + "-" + strconv.FormatInt(time.Now().UnixMilli(), 10)
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	_, err = f.WriteString(a.fileText())
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, a.file)
	}
	if err != nil {
		_ = os.Remove(tmp) // best effort: the error reported is the write's
		return err
	}
	if d, derr := os.Open(filepath.Dir(a.file)); derr == nil {
		err = d.Sync()
		_ = d.Close() // read-only: nothing to lose
	}
	return err
}
