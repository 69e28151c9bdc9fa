package acl

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kevydb/kevy/internal/redistest"
	"github.com/kevydb/kevy/resp"
)

// aclPair runs ACL commands on an ACL and on redis-server.
type aclPair struct {
	t  *testing.T
	a  *ACL
	cl *redistest.Client
}

func newPair(t *testing.T) *aclPair {
	srv := redistest.Start(t)
	a, err := New(Config{})
	require.NoError(t, err)
	return &aclPair{t: t, a: a, cl: srv.Client(t)}
}

// do runs args on both and returns the replies (normalised).
func (p *aclPair) do(args ...string) (kevy, redis resp.Reply) {
	p.t.Helper()
	return normReply(p.a.Command(args, nil)), normReply(fromRedis(p.cl.MustDo(p.t, args...)))
}

func (p *aclPair) same(args ...string) {
	p.t.Helper()
	k, r := p.do(args...)
	assert.Equal(p.t, show(r), show(k), "%q", args)
}

func TestSetUserMatchesRedis(t *testing.T) {
	p := newPair(t)
	for _, rules := range [][]string{
		{"on", ">p1", ">p2", "~a*", "%R~b*", "%W~c*", "&ch*", "&x", "+@read", "-get", "+set", "+config|get", "+select|1", "+select|2", "(+get ~k*)", "(%R~z* &q resetchannels +@hash)"},
		{"+@all", "-@dangerous", "+keys", "-client|kill"},
		{"on", "nopass", "-@all", "+@read", "+@write"},
		{"+@all", "-@read"},
		{"-@all", "+@admin", "-@dangerous"},
		{"reset"},
		{"+@all", "-@all", "+get", "+config", "-config|set"},
		{"allcommands", "allkeys", "allchannels", "nocommands", "resetkeys"},
		{"%R~", "%RW", "~", "&", "(", "+get)", "(+set", "~a", "~b)", "clearselectors"},
	} {
		p.same(append([]string{"ACL", "SETUSER", "u"}, rules...)...)
		p.same("ACL", "LIST")
		p.same("ACL", "GETUSER", "u")
		p.same("ACL", "DELUSER", "u")
	}
}
