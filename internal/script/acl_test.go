package script_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kevydb/kevy/internal/script"
)

// aclCaller is memCaller under access control: it denies the keys in
// deny, as kevy's Caller does through the script user's ACL.
type aclCaller struct {
	memCaller
	deny   map[string]bool
	logged []bool // the logDenial of each denial
}

func (c *aclCaller) CheckACL(args []string, logDenial bool) (string, bool) {
	if len(args) > 1 && c.deny[args[1]] {
		c.logged = append(c.logged, logDenial)
		return "The user executing the script can't access at least one of the keys mentioned in the command arguments", false
	}
	return "", true
}

// TestACLChecker: a Caller's ACL check refuses redis.call and pcall with
// its text, before the read-only script's write check (Redis's order),
// and answers redis.acl_check_cmd without logging.
func TestACLChecker(t *testing.T) {
	rt := script.New(script.Options{})
	run := func(body string, readOnly bool) (string, *aclCaller) {
		t.Helper()
		s, errRep, ok := rt.Load(body)
		require.True(t, ok, errRep.Str)
		c := &aclCaller{memCaller: memCaller{m: map[string]string{"secret": "s", "open": "o"}},
			deny: map[string]bool{"secret": true}}
		r, err := rt.Eval(s, &script.Request{Ctx: context.Background(), Caller: c, ReadOnly: readOnly})
		require.NoError(t, err)
		if r.IsError() {
			return "-" + r.Str + " [" + s.SHA + "]", c
		}
		return r.Str, c
	}
	const denied = "The user executing the script can't access at least one of the keys mentioned in the command arguments"
	got, c := run(`return redis.call("GET", "secret")`, false)
	s, _, _ := rt.Load(`return redis.call("GET", "secret")`)
	assert.Equal(t, "-ERR "+denied+" script: "+s.SHA+", on @user_script:1. ["+s.SHA+"]", got)
	assert.Equal(t, []bool{true}, c.logged)
	got, _ = run(`return redis.pcall("GET", "secret")["err"]`, false)
	assert.Equal(t, "ERR "+denied, got)
	got, _ = run(`return redis.call("GET", "open")`, false)
	assert.Equal(t, "o", got)
	// A denied write in a read-only script: the ACL answers first.
	got, _ = run(`return redis.pcall("SET", "secret", "x")["err"]`, true)
	assert.Equal(t, "ERR "+denied, got)
	got, _ = run(`return redis.pcall("SET", "open", "x")["err"]`, true)
	assert.Equal(t, "ERR Write commands are not allowed from read-only scripts.", got)
	// redis.acl_check_cmd asks without logging.
	got, c = run(`return tostring(redis.acl_check_cmd("GET", "secret")) .. tostring(redis.acl_check_cmd("GET", "open"))`, false)
	assert.Equal(t, "falsetrue", got)
	assert.Equal(t, []bool{false}, c.logged)
}
