package server_test

import (
	"bytes"
	"errors"
	"net"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kevydb/kevy/internal/redistest"
	"github.com/kevydb/kevy/server"
)

// Differential tests against redis-server 7.0 with requirepass set: the
// limits before authentication, and the connection commands queued in
// MULTI (AUTH, HELLO, CLIENT SETNAME, CLIENT KILL of oneself). Both
// servers get the same bytes; what they send back until they close the
// connection, or answer the closing ECHO, must be the same bytes, client
// IDs aside.

const endMark = "$7\r\n__end__\r\n"

// exchange runs steps on a new connection to addr: each step is sent
// whole, "{ID}" replaced by the connection's client ID (asked for first,
// after AUTH, when a step needs it). It returns what the server sent
// after the ID query, up to the reply to a final AUTH and ECHO __end__ or
// the closing of the connection.
func exchange(t *testing.T, addr string, steps []string) string {
	t.Helper()
	nc, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer nc.Close()
	require.NoError(t, nc.SetDeadline(time.Now().Add(10*time.Second)))
	id := ""
	if strings.Contains(strings.Join(steps, ""), "{ID}") {
		_, err := nc.Write([]byte("AUTH secret\r\nCLIENT ID\r\n"))
		require.NoError(t, err)
		var got []byte
		buf := make([]byte, 64)
		for !regexp.MustCompile(`\+OK\r\n:\d+\r\n$`).Match(got) {
			n, err := nc.Read(buf)
			require.NoError(t, err)
			got = append(got, buf[:n]...)
		}
		id = regexp.MustCompile(`:(\d+)\r\n$`).FindStringSubmatch(string(got))[1]
	}
	for _, s := range steps {
		_, err := nc.Write([]byte(strings.ReplaceAll(s, "{ID}", id)))
		if err != nil {
			break // closed by the server: what it sent is read below
		}
	}
	_, _ = nc.Write([]byte("AUTH secret\r\nECHO __end__\r\n")) // may fail: closed already
	var out bytes.Buffer
	buf := make([]byte, 4096)
	for !bytes.HasSuffix(out.Bytes(), []byte(endMark)) {
		n, err := nc.Read(buf)
		out.Write(buf[:n])
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				t.Errorf("no end mark, no close; got %q", out.String())
			}
			out.WriteString("<closed>")
			break
		}
	}
	return regexp.MustCompile(`(\$2\r\nid\r\n:)\d+`).ReplaceAllString(out.String(), "${1}N")
}

func TestAuthAndMultiMatchRedis(t *testing.T) {
	rs := redistest.Start(t)
	rc := rs.Client(t)
	rc.MustDo(t, "CONFIG", "SET", "requirepass", "secret")
	_, _, kaddr := start(t, server.Config{RequirePass: "secret"}, nil)

	big := func(n int) string {
		return "*2\r\n$4\r\nECHO\r\n$" + strconv.Itoa(n) + "\r\n" + strings.Repeat("x", n) + "\r\n"
	}
	cases := []struct {
		name  string
		steps []string
	}{
		// Before authentication: at most 10 arguments and 16 KB bulks,
		// with Redis's errors, then the connection is closed.
		{"unauth multibulk", []string{"*11\r\n"}},
		{"unauth bulk", []string{"*2\r\n$4\r\nECHO\r\n$16385\r\n"}},
		{"unauth at the limits", []string{"*10\r\n" + strings.Repeat("$1\r\na\r\n", 10), big(16384)}},
		{"unauth after a command", []string{"PING\r\n*11\r\n"}},
		{"unauth inline", []string{"ECHO " + strings.Repeat("y", 20000) + "\r\n"}},
		{"auth then big", []string{"AUTH secret\r\n" + big(100000)}},
		{"hello auth then big", []string{"HELLO 2 AUTH default secret\r\n" + big(20000)}},
		{"wrong auth stays limited", []string{"AUTH nope\r\n*11\r\n"}},
		{"reset unauthenticates", []string{"AUTH secret\r\nRESET\r\n*11\r\n"}},
		{"huge bulk unauthenticated", []string{"*2\r\n$3\r\nSET\r\n$300000000\r\n" + strings.Repeat("z", 1000)}},

		// Connection commands queued in MULTI.
		{"auth in multi", []string{"AUTH secret\r\nMULTI\r\nAUTH secret\r\nAUTH wrong\r\nAUTH default secret\r\nAUTH a b c\r\nEXEC\r\nPING\r\n"}},
		{"hello 3 in multi", []string{"AUTH secret\r\nMULTI\r\nHELLO 3\r\nSET a 1\r\nHGETALL nokey\r\nZADD z 1.5 m\r\nZSCORE z m\r\nEXEC\r\nHGETALL nokey\r\nDEL z\r\n"}},
		{"hello 2 in multi", []string{"HELLO 3 AUTH default secret\r\nMULTI\r\nHGETALL nokey\r\nHELLO 2\r\nGET nokey\r\nEXEC\r\nGET nokey\r\n"}},
		{"hello setname in multi", []string{"AUTH secret\r\nMULTI\r\nHELLO 2 SETNAME nm\r\nCLIENT GETNAME\r\nEXEC\r\nCLIENT GETNAME\r\n"}},
		{"setname in multi", []string{"AUTH secret\r\nMULTI\r\nCLIENT SETNAME x1\r\nCLIENT SETNAME \"a b\"\r\nEXEC\r\nCLIENT GETNAME\r\n"}},
		{"kill self in multi", []string{"MULTI\r\nSET a 1\r\nCLIENT KILL ID {ID}\r\nGET a\r\nEXEC\r\nPING\r\n"}},
		{"kill self skipme yes", []string{"HELLO 3\r\nMULTI\r\nCLIENT KILL ID {ID} SKIPME yes\r\nEXEC\r\n"}},
		{"kill self skipme no", []string{"MULTI\r\nSET a 2\r\nCLIENT KILL ID {ID} SKIPME no\r\nSET b 1\r\nINCR c\r\nEXEC\r\nPING\r\n"}},
		{"kill self outside multi", []string{"CLIENT KILL ID {ID}\r\nCLIENT KILL ID {ID} SKIPME no\r\nPING\r\n"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			want := exchange(t, rs.Addr, tc.steps)
			got := exchange(t, kaddr, tc.steps)
			assert.Equal(t, want, got)
		})
	}
	// The writes queued with a CLIENT KILL of oneself ran on both.
	for _, addr := range []string{rs.Addr, kaddr} {
		got := exchange(t, addr, []string{"AUTH secret\r\nMGET a b c\r\n"})
		assert.Equal(t, "+OK\r\n*3\r\n$1\r\n2\r\n$1\r\n1\r\n$1\r\n1\r\n+OK\r\n"+endMark, got, addr)
	}
}
