package server_test

import (
	"errors"
	"fmt"
	"net"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kevydb/kevy"
	"github.com/kevydb/kevy/internal/redistest"
	"github.com/kevydb/kevy/resp"
	"github.com/kevydb/kevy/server"
)

// Differential ACL tests: the same commands, on the same connections'
// twins, to `kevy serve` (package server) and to redis-server, with the
// replies compared after normalising what may legitimately differ
// (single-command rules' order, ages, client ids and addresses).

// aclPair is a kevy server and a redis-server.
type aclPair struct {
	t      *testing.T
	db     *kevy.Store
	kaddr  string
	raddr  string
	server *redistest.Server
}

// newACLPair starts both; storeCfg configures the kevy store and
// redisArgs redis-server.
func newACLPair(t *testing.T, storeCfg kevy.Config, redisArgs ...string) *aclPair {
	t.Helper()
	rs := redistest.Start(t, redisArgs...)
	storeCfg.Shards = 2
	db, err := kevy.Open(storeCfg)
	require.NoError(t, err)
	srv := server.New(db, server.Config{})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(l) }()
	t.Cleanup(func() {
		require.NoError(t, srv.Close())
		require.ErrorIs(t, <-done, server.ErrServerClosed)
		require.NoError(t, db.Close())
	})
	return &aclPair{t: t, db: db, kaddr: l.Addr().String(), raddr: rs.Addr, server: rs}
}

// dual is a connection to each server.
type dual struct {
	t    *testing.T
	k, r *client
}

func (p *aclPair) dial() *dual {
	return &dual{t: p.t, k: dial(p.t, p.kaddr), r: dial(p.t, p.raddr)}
}

func (c *client) send(args ...string) {
	c.t.Helper()
	_, err := c.nc.Write(resp.AppendCommand(nil, args...))
	require.NoError(c.t, err)
}

// read reads a reply; ok is false when the connection was closed.
func (c *client) read() (resp.Reply, bool) {
	c.t.Helper()
	require.NoError(c.t, c.nc.SetReadDeadline(time.Now().Add(10*time.Second)))
	r, err := c.rd.ReadReply()
	if err != nil {
		var ne net.Error
		require.False(c.t, errors.As(err, &ne) && ne.Timeout(), "no reply: %v", err)
		return resp.Reply{}, false
	}
	return r, true
}

// do sends args to both servers and checks that the replies agree; it
// returns the redis-server's.
func (d *dual) do(args ...string) resp.Reply {
	d.t.Helper()
	d.k.send(args...)
	d.r.send(args...)
	return d.readBoth(args)
}

// readBoth reads a reply from each and compares them.
func (d *dual) readBoth(args []string) resp.Reply {
	d.t.Helper()
	kr, kok := d.k.read()
	rr, rok := d.r.read()
	require.Equal(d.t, rok, kok, "%q: connection closed on one side only (redis %v, kevy %v)", args, !rok, !kok)
	assert.Equal(d.t, showNorm(args, rr), showNorm(args, kr), "%q", args)
	return rr
}

// closed checks that both servers closed the connection.
func (d *dual) closed() {
	d.t.Helper()
	_, kok := d.k.read()
	_, rok := d.r.read()
	assert.False(d.t, rok, "redis-server did not close")
	assert.False(d.t, kok, "kevy did not close")
}

// showNorm renders a reply to args for comparison.
func showNorm(args []string, r resp.Reply) string {
	name := strings.ToLower(strings.Join(args[:min(2, len(args))], " "))
	switch {
	case name == "acl log" && r.Kind == resp.Array:
		for i := range r.Elems {
			e := &r.Elems[i]
			for j := 0; j+1 < len(e.Elems); j += 2 {
				switch e.Elems[j].Str {
				case "age-seconds":
					e.Elems[j+1] = resp.BulkReply("AGE")
				case "client-info":
					e.Elems[j+1].Str = normClientInfo(e.Elems[j+1].Str)
				}
			}
		}
	case name == "acl cat" && len(args) == 3 && r.Kind == resp.Array:
		sort.Slice(r.Elems, func(i, j int) bool { return r.Elems[i].Str < r.Elems[j].Str })
	case name == "acl genpass" && r.Kind == resp.Bulk:
		r.Str = fmt.Sprintf("<%d hex chars>", len(r.Str))
	case name == "config get" && r.Kind == resp.Array && len(r.Elems)%2 == 0:
		// Redis's order is its hash table's: compare as a map.
		type kv struct{ k, v resp.Reply }
		pairs := make([]kv, 0, len(r.Elems)/2)
		for i := 0; i < len(r.Elems); i += 2 {
			pairs = append(pairs, kv{r.Elems[i], r.Elems[i+1]})
		}
		sort.Slice(pairs, func(i, j int) bool { return pairs[i].k.Str < pairs[j].k.Str })
		for i, p := range pairs {
			r.Elems[2*i], r.Elems[2*i+1] = p.k, p.v
		}
	case name == "client id":
		r.Int = 0
	case strings.HasPrefix(name, "hello") && r.Kind == resp.Array:
		for i := 0; i+1 < len(r.Elems); i += 2 {
			if r.Elems[i].Str == "id" {
				r.Elems[i+1].Int = 0
			}
		}
	case name == "client list" || name == "client info":
		var lines []string
		for _, l := range strings.Split(strings.TrimSuffix(r.Str, "\n"), "\n") {
			lines = append(lines, normClientInfo(l))
		}
		r.Str = strings.Join(lines, "\n")
	}
	return showRules(r)
}

var clientInfoKeep = regexp.MustCompile(`\b(name|db|sub|psub|multi|flags|cmd|user|resp)=\S*`)

// normClientInfo keeps the CLIENT LIST fields that do not depend on
// timing, addresses, ids or buffer sizes.
func normClientInfo(s string) string {
	return strings.Join(clientInfoKeep.FindAllString(s, -1), " ")
}

// showRules renders a reply, rule strings normalised.
func showRules(r resp.Reply) string {
	switch r.Kind {
	case resp.Status:
		return "+" + r.Str
	case resp.Error:
		return "-" + r.Str
	case resp.Int:
		return fmt.Sprintf(":%d", r.Int)
	case resp.Bulk:
		return fmt.Sprintf("%q", redistest.NormACLRules(r.Str))
	case resp.Nil:
		return "(nil)"
	case resp.NilArray:
		return "(nilarray)"
	case resp.Array:
		parts := make([]string, len(r.Elems))
		for i, e := range r.Elems {
			parts[i] = showRules(e)
		}
		return "[" + strings.Join(parts, " ") + "]"
	}
	return fmt.Sprintf("?%v", r)
}
