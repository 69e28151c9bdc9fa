package serveconn_test

import (
	"bufio"
	"net"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kevydb/kevy/internal/redistest"
	"github.com/kevydb/kevy/internal/serveconn"
)

// TestACLResp3MatchesRedis: ACL GETUSER and ACL LOG after HELLO 3, byte
// for byte with redis-server (a map whose flags are a set and whose
// selectors are maps; entries as maps with a double age), ages and client
// details aside.
func TestACLResp3MatchesRedis(t *testing.T) {
	real := redistest.Start(t)
	rc, err := net.Dial("tcp", real.Addr)
	require.NoError(t, err)
	defer rc.Close()
	redis := &raw3{t: t, nc: rc, br: bufio.NewReader(rc)}
	db := testStore(t)
	reg, release := serveconn.Acquire(db) // the store's: the ACL log's client-info comes from it
	defer release()
	s := serve(t, db, &serveconn.Config{Registry: reg})
	kevy := &raw3{t: t, nc: s.nc, br: bufio.NewReader(s.nc)}
	age := regexp.MustCompile(`,[0-9.e+-]+\r\n`)
	info := regexp.MustCompile(`id=\d+ addr=\S* laddr=\S* fd=\S+`)
	sizes := regexp.MustCompile(`(qbuf|qbuf-free|argv-mem|multi-mem|rbs|rbp|obl|oll|omem|tot-mem)=\d+`)
	both := func(args ...string) {
		t.Helper()
		want, got := redis.do(args...), kevy.do(args...)
		norm := func(s string) string {
			s = age.ReplaceAllString(s, ",AGE\r\n")
			s = info.ReplaceAllString(s, "id=N")
			return sizes.ReplaceAllString(s, "$1=N")
		}
		if args[1] == "LOG" {
			// The client-info bulks differ in length with the ids and
			// addresses: compare their normalised lines only.
			want, got = bulkLens.ReplaceAllString(norm(want), "$$N"), bulkLens.ReplaceAllString(norm(got), "$$N")
		}
		assert.Equal(t, want, got, "%q", args)
	}
	for _, c := range []*raw3{redis, kevy} {
		c.do("HELLO", "3")
		c.do("ACL", "SETUSER", "u", "on", ">p", "~a*", "%R~b", "&c", "-@all", "+@read", "(~x +@hash)", "(%W~y &z)")
		c.do("ACL", "SETUSER", "v", "on", "nopass", "-@all", "+get")
	}
	both("ACL", "GETUSER", "u")
	both("ACL", "GETUSER", "v")
	both("ACL", "GETUSER", "default")
	both("ACL", "GETUSER", "nosuch")
	for _, c := range []*raw3{redis, kevy} {
		c.do("AUTH", "v", "x")
		c.do("SET", "k", "v")
		c.do("AUTH", "default", "x")
	}
	both("ACL", "LOG")
	both("ACL", "LOG", "0")
}

var bulkLens = regexp.MustCompile(`\$\d+`)
