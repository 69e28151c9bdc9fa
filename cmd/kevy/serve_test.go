package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kevydb/kevy/internal/redistest"
	"github.com/kevydb/kevy/internal/testpki"
	"github.com/kevydb/kevy/resp"
)

// startServe runs "kevy serve" in-process on a free loopback port with the
// given extra flags and returns its port; the test stops it (graceful
// shutdown) and checks that serve returned cleanly.
func startServe(t *testing.T, flags ...string) int {
	t.Helper()
	fs := newServeFlagSet()
	o := serveFlags(fs)
	require.NoError(t, fs.Parse(append([]string{"--port", "0", "--shards", "2", "--quiet"}, flags...)))
	o.anyPort = true
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	var logs bytes.Buffer
	go func() { done <- serve(ctx, o, &syncWriter{w: &logs}, func(a listening) { ready <- a.plain }) }()
	var addr string
	select {
	case addr = <-ready:
	case err := <-done:
		cancel()
		t.Fatalf("serve: %v", err)
	}
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			assert.NoError(t, err)
			if t.Failed() {
				t.Logf("kevy serve log:\n%s", logs.String())
			}
		case <-time.After(20 * time.Second):
			t.Error("serve did not stop")
		}
	})
	_, port, err := net.SplitHostPort(addr)
	require.NoError(t, err)
	p, err := strconv.Atoi(port)
	require.NoError(t, err)
	return p
}

// redisCLI runs redis-cli against port with args and stdin; it returns
// stdout.
func redisCLI(t *testing.T, port int, stdin string, args ...string) string {
	t.Helper()
	bin := redistest.Binary(t, "redis-cli")
	cmd := exec.Command(bin, append([]string{"-p", strconv.Itoa(port)}, args...)...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	require.NoError(t, cmd.Run(), "redis-cli %v: %s", args, errb.String())
	return out.String()
}

// The scripts run through redis-cli (stdin is a pipe, so redis-cli runs
// each line and prints raw replies) against kevy serve and against
// redis-server; the outputs must be identical.
var cliScripts = []struct{ name, script string }{
	{"strings", `SET greeting hello
GET greeting
APPEND greeting " world"
GETRANGE greeting 0 4
STRLEN greeting
SET n 10
INCR n
INCRBY n -3
INCRBYFLOAT n 1.5
GET n
MSET a 1 b 2 c 3
MGET a b nosuch c
SETNX a x
GETDEL a
GET a
SET k v NX
SET k v XX GET
DEL k b c
EXISTS k b c`},
	{"quoting", `SET "key with spaces" "value with \"quotes\""
GET "key with spaces"
SET 'single' 'it''s'
SET bin "\x00\x01\xff\n"
STRLEN bin
ECHO "tab\there"
ECHO 'unbalanced`},
	{"errors", `NOSUCHCOMMAND a b
GET
SET a 1
INCR a
LPUSH a x
HSET a f
SELECT 99
EXPIRE a notanumber`},
	{"keys and ttl", `SET k v
EXPIRE k 100
TTL k
PERSIST k
TTL k
TYPE k
RENAME k k2
EXISTS k k2
SELECT 2
SET other 1
DBSIZE
SELECT 0
DBSIZE
FLUSHALL
DBSIZE`},
	{"hashes", `HSET h f1 v1 f2 v2
HGET h f1
HMGET h f1 nosuch f2
HLEN h
HINCRBY h n 5
HEXISTS h f2
HDEL h f1 f2 nosuch
HGETALL h`},
	{"sets", `SADD s a b c a
SCARD s
SISMEMBER s b
SMISMEMBER s a x
SREM s a
SCARD s`},
	{"transactions", `MULTI
SET t 1
INCR t
GET t
EXEC
MULTI
NOSUCH
EXEC
DISCARD
EXEC`},
	{"connection", `PING
PING hi
ECHO hello
CLIENT SETNAME tester
CLIENT GETNAME
CLIENT SETNAME "bad name"
AUTH x
HELLO 4
RESET
CLIENT GETNAME`},
}

func TestRedisCliScripts(t *testing.T) {
	kevyPort := startServe(t)
	real := redistest.Start(t)
	for _, sc := range cliScripts {
		t.Run(sc.name, func(t *testing.T) {
			redisCLI(t, kevyPort, "FLUSHALL\n")
			redisCLI(t, real.Port, "FLUSHALL\n")
			got := redisCLI(t, kevyPort, sc.script+"\n")
			want := redisCLI(t, real.Port, sc.script+"\n")
			assert.Equal(t, want, got)
		})
	}
}

func TestRedisCliArgsAndFormatting(t *testing.T) {
	port := startServe(t)
	real := redistest.Start(t)
	setup := "RPUSH l a b c\nSET s \"x\\ny\"\nHSET h f v\nSET n 1\n"
	redisCLI(t, port, setup)
	redisCLI(t, real.Port, setup)
	for _, args := range [][]string{
		{"GET", "s"}, {"GET", "nosuch"}, {"LRANGE", "l", "0", "-1"}, {"STRLEN", "n"},
		{"LRANGE", "nosuch", "0", "-1"}, {"NOSUCH"}, {"PING"}, {"MGET", "s", "nosuch", "n"},
	} {
		// --no-raw: redis-cli's terminal format, which kevy cli mirrors.
		want := redisCLI(t, real.Port, "", append([]string{"--no-raw"}, args...)...)
		got := redisCLI(t, port, "", append([]string{"--no-raw"}, args...)...)
		assert.Equal(t, want, got, "%v", args)
		o := &cliOptions{host: "127.0.0.1", port: port}
		cl, closeFn, err := dialCLI(o)
		require.NoError(t, err)
		r, err := cl.do(args)
		require.NoError(t, err)
		closeFn()
		var b bytes.Buffer
		printReply(&b, r, false)
		assert.Equal(t, want, b.String(), "kevy cli %v", args)
		raw := redisCLI(t, real.Port, "", args...)
		b.Reset()
		printReply(&b, r, true)
		assert.Equal(t, raw, b.String(), "kevy cli --raw %v", args)
	}
}

func TestRedisCliPipeMassInsertion(t *testing.T) {
	port := startServe(t)
	const n = 20000
	var buf []byte
	for i := range n {
		buf = resp.AppendCommand(buf, "SET", "key:"+strconv.Itoa(i), strconv.Itoa(i))
	}
	buf = resp.AppendCommand(buf, "RPUSH", "list", "a", "b")
	out := redisCLI(t, port, string(buf), "--pipe")
	assert.Contains(t, out, fmt.Sprintf("errors: 0, replies: %d", n+1))
	assert.Equal(t, strconv.Itoa(n+1)+"\n", redisCLI(t, port, "", "DBSIZE"))
	assert.Equal(t, "4242\n", redisCLI(t, port, "", "GET", "key:4242"))
	// Inline commands through --pipe work too.
	out = redisCLI(t, port, "SET inline 1\r\nINCR inline\r\n", "--pipe")
	assert.Contains(t, out, "errors: 0, replies: 2")
}

func TestRedisBenchmark(t *testing.T) {
	bin := redistest.Binary(t, "redis-benchmark")
	port := startServe(t, "--requirepass", "pw")
	n := "2000"
	if testing.Short() {
		n = "500"
	}
	cmd := exec.Command(bin, "-p", strconv.Itoa(port), "-a", "pw", "-t", "set,get,lpush,lpop,sadd,hset,zadd",
		"-P", "16", "-n", n, "-c", "10", "-q")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	require.NoError(t, cmd.Run(), out.String())
	text := out.String()
	for _, line := range strings.Split(text, "\n") {
		if strings.Contains(line, "rror") && !strings.Contains(line, "unknown command") {
			t.Errorf("redis-benchmark error: %s", line)
		}
		if strings.Contains(line, "unknown command") {
			t.Logf("a type has not landed yet: %s", line)
		}
	}
	for _, test := range []string{"SET", "GET", "SADD", "HSET"} {
		assert.Contains(t, text, test+": ", text)
	}
	assert.Equal(t, "OK\n", redisCLI(t, port, "", "-a", "pw", "--no-auth-warning", "SET", "after", "1"))
}

func TestServeRefusesBadFlags(t *testing.T) {
	fs := newServeFlagSet()
	o := serveFlags(fs)
	require.NoError(t, fs.Parse([]string{"--engine", "nope", "--port", "0"}))
	err := serve(context.Background(), o, io.Discard, nil)
	assert.ErrorContains(t, err, "unknown engine")
	fs = newServeFlagSet()
	o = serveFlags(fs)
	require.NoError(t, fs.Parse([]string{"--appendfsync", "sometimes", "--port", "0"}))
	assert.ErrorContains(t, serve(context.Background(), o, io.Discard, nil), "appendfsync")
	assert.Equal(t, "127.0.0.1", o.bind) // loopback unless told
}

func TestServeDataDirSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	func() {
		fs := newServeFlagSet()
		o := serveFlags(fs)
		require.NoError(t, fs.Parse([]string{"--port", "0", "--dir", dir, "--appendfsync", "always", "--quiet"}))
		o.anyPort = true
		ctx, cancel := context.WithCancel(context.Background())
		ready := make(chan string, 1)
		done := make(chan error, 1)
		go func() { done <- serve(ctx, o, io.Discard, func(a listening) { ready <- a.plain }) }()
		addr := <-ready
		_, port, _ := net.SplitHostPort(addr)
		p, _ := strconv.Atoi(port)
		assert.Equal(t, "OK\n", redisCLI(t, p, "", "SET", "durable", "yes"))
		cancel()
		require.NoError(t, <-done)
	}()
	p := startServe(t, "--dir", dir)
	assert.Equal(t, "yes\n", redisCLI(t, p, "", "GET", "durable"))
}

// syncWriter serializes writes to w.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

// startServeListening runs "kevy serve" in-process with flags as given
// (no free-port knob) and returns where it listens.
func startServeListening(t *testing.T, flags ...string) listening {
	t.Helper()
	fs := newServeFlagSet()
	o := serveFlags(fs)
	require.NoError(t, fs.Parse(append([]string{"--shards", "2", "--quiet"}, flags...)))
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan listening, 1)
	done := make(chan error, 1)
	go func() { done <- serve(ctx, o, io.Discard, func(a listening) { ready <- a }) }()
	var at listening
	select {
	case at = <-ready:
	case err := <-done:
		cancel()
		t.Fatalf("serve: %v", err)
	}
	t.Cleanup(func() {
		cancel()
		assert.NoError(t, <-done)
	})
	return at
}

// TestServeTLSWithRedisCLI: redis-cli --tls works against kevy serve's TLS
// port, with client certificates, while --port 0 turns the plain port
// off; and ACL users authenticate over it.
func TestServeTLSWithRedisCLI(t *testing.T) {
	dir := t.TempDir()
	ca := testpki.NewCA(t, dir, "test")
	srv, cli := ca.Server("server"), ca.Client("client")
	port := freePort(t)
	at := startServeListening(t, "--port", "0", "--tls-port", strconv.Itoa(port), "--tls-cert-file", srv.CertFile,
		"--tls-key-file", srv.KeyFile, "--tls-ca-cert-file", ca.CertFile)
	assert.Equal(t, "", at.plain)
	assert.Equal(t, "127.0.0.1:"+strconv.Itoa(port), at.tls)
	tlsArgs := []string{"--tls", "--cacert", ca.CertFile, "--cert", cli.CertFile, "--key", cli.KeyFile}
	assert.Equal(t, "OK\n", redisCLI(t, port, "", append(tlsArgs, "SET", "k", "secure")...))
	assert.Equal(t, "secure\n", redisCLI(t, port, "", append(tlsArgs, "GET", "k")...))
	assert.Equal(t, "OK\n", redisCLI(t, port, "", append(tlsArgs, "ACL", "SETUSER", "u", "on", ">pw", "~k", "+get")...))
	assert.Equal(t, "secure\n", redisCLI(t, port, "", append(tlsArgs, "--user", "u", "--pass", "pw", "--no-auth-warning", "GET", "k")...))
	assert.Equal(t, "NOPERM this user has no permissions to run the 'set' command\n\n",
		redisCLI(t, port, "", append(tlsArgs, "--user", "u", "--pass", "pw", "--no-auth-warning", "SET", "k", "v")...))
	// Without a client certificate the handshake fails.
	out, err := exec.Command(redistest.Binary(t, "redis-cli"), "-p", strconv.Itoa(port), "--tls",
		"--cacert", ca.CertFile, "PING").CombinedOutput()
	assert.Error(t, err)
	assert.NotContains(t, string(out), "PONG")
}

func TestServeRefusesNoListener(t *testing.T) {
	fs := newServeFlagSet()
	o := serveFlags(fs)
	require.NoError(t, fs.Parse([]string{"--port", "0"}))
	assert.ErrorContains(t, serve(context.Background(), o, io.Discard, nil), "nothing to listen on")
	fs = newServeFlagSet()
	o = serveFlags(fs)
	require.NoError(t, fs.Parse([]string{"--aclfile", "x.acl", "--requirepass", "pw"}))
	assert.ErrorContains(t, serve(context.Background(), o, io.Discard, nil), "--aclfile and a requirepass")
	fs = newServeFlagSet()
	o = serveFlags(fs)
	require.NoError(t, fs.Parse([]string{"--tls-port", "1", "--tls-auth-clients", "maybe"}))
	assert.ErrorContains(t, serve(context.Background(), o, io.Discard, nil), "--tls-auth-clients")
}
