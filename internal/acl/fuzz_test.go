package acl

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// FuzzACLFile feeds ACL files to ACL LOAD: nothing panics, a file that
// loads is saved as text that loads again into the same users (ACL SAVE
// and ACL LOAD round-trip), and a file that does not load changes
// nothing.
func FuzzACLFile(f *testing.F) {
	for _, seed := range []string{
		"user default on nopass ~* &* +@all\n",
		"user alice on #" + strings.Repeat("ab", 32) + " ~app:* resetchannels &news.* -@all +@read +select|0 (~tmp:* +set)\n",
		"user bob off nopass %R~r:* %W~w:* +@all -@dangerous (\n",
		"user  x\nuser\nfoo\n\n\r\nuser a on (~a +get) (%R~b\n",
		"user a on \"quoted\" \x00 >pw <pw !x #y\n",
		"user a on +@all -@read +get +config|get -config|set +client +acl|whoami\n",
	} {
		f.Add(seed)
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, text string) {
		file := filepath.Join(dir, "f.acl")
		require.NoError(t, os.WriteFile(file, []byte(text), 0o600))
		a, err := New(Config{})
		require.NoError(t, err)
		a.file = file
		before := a.fileText()
		if msg := a.loadFile(nil); msg != "" {
			assert.Equal(t, before, a.fileText(), "a failed load changed the users")
			return
		}
		for _, u := range a.sortedUsers() {
			if !roundTrips(u.state()) {
				return
			}
		}
		saved := a.fileText()
		require.NoError(t, os.WriteFile(file, []byte(saved), 0o600))
		b, err := New(Config{File: file})
		require.NoError(t, err, "the saved file does not load:\n%s", saved)
		assert.Equal(t, saved, b.fileText())
	})
}

// FuzzSetUser applies random rules: nothing panics, and a user's
// description (ACL LIST) applied to a new user describes it the same —
// unless a pattern holds a quote, a backslash or a parenthesis, which
// Redis writes as they are and cannot read back inside a selector (kevy
// does the same).
func FuzzSetUser(f *testing.F) {
	for _, seed := range []string{
		"on >p ~a* %R~b* &c* +@read -get +config|get +select|1 (+get ~k*)",
		"+@all -@dangerous +keys -client|kill",
		"reset allkeys allchannels nocommands +@hash",
		"( +get ~a) (~b +set clearselectors",
		"%RW~x %WR~x %R~ %W resetpass nopass #" + strings.Repeat("0", 64),
		"-@all +@read +@write -@string +incr +@pubsub -publish",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, rules string) {
		a, err := New(Config{})
		require.NoError(t, err)
		if a.SetUser("u", strings.Split(rules, " "), nil) != nil {
			return
		}
		st := a.User("u").state()
		desc := st.describe()
		if !roundTrips(st) {
			return
		}
		require.NoError(t, a.SetUser("v", strings.Split(desc, " "), nil), "description %q", desc)
		assert.Equal(t, desc, a.User("v").state().describe())
	})
}

// roundTrips reports whether a user's description reads back: no pattern
// holds what a selector's parser takes for quoting or nesting.
func roundTrips(st *userState) bool {
	for _, s := range st.selectors {
		for _, k := range s.keys {
			if strings.ContainsAny(k.pattern, "\"'\\()") {
				return false
			}
		}
		for _, c := range s.channels {
			if strings.ContainsAny(c, "\"'\\()") {
				return false
			}
		}
	}
	return true
}
