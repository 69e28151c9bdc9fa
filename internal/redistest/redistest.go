// Package redistest starts a real redis-server for differential tests.
//
// Tests call [Start]; when redis-server is not installed the test is skipped,
// unless the environment sets KEVY_REQUIRE_REDIS=1 (as .ci/run does), in which
// case it fails: CI must never pass by skipping the reference.
package redistest

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Server is a redis-server child process bound to 127.0.0.1.
type Server struct {
	Addr string // host:port
	Dir  string // its working directory (dump.rdb, appendonlydir)
	Port int
	cmd  *exec.Cmd
}

// Binary returns the path of a Redis tool (redis-server, redis-check-rdb,
// redis-check-aof, redis-cli), skipping or failing t as [Start] does when it
// is missing.
func Binary(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("KEVY_REQUIRE_REDIS") == "1" {
			t.Fatalf("%s is required (KEVY_REQUIRE_REDIS=1) but not found: %v", name, err)
		}
		t.Skipf("%s not installed; skipping differential test", name)
	}
	return p
}

// Start runs redis-server with no persistence in a fresh temporary
// directory, plus any extra arguments ("--appendonly", "yes", ...), waits
// until it answers PING, and stops it when the test ends.
func Start(t testing.TB, extra ...string) *Server {
	t.Helper()
	return StartIn(t, t.TempDir(), extra...)
}

// StartIn is [Start] with an explicit working directory, for loading files
// that a test prepared (dump.rdb, appendonlydir/).
func StartIn(t testing.TB, dir string, extra ...string) *Server {
	t.Helper()
	bin := Binary(t, "redis-server")
	var lastErr error
	for attempt := 0; attempt < 5; attempt++ {
		port, err := freePort()
		if err != nil {
			t.Fatalf("redistest: free port: %v", err)
		}
		args := []string{
			"--port", strconv.Itoa(port), "--bind", "127.0.0.1",
			"--dir", dir, "--save", "", "--appendonly", "no",
			"--daemonize", "no", "--logfile", filepath.Join(dir, "redis.log"),
			"--protected-mode", "yes",
		}
		args = append(args, extra...)
		cmd := exec.Command(bin, args...)
		if err := cmd.Start(); err != nil {
			t.Fatalf("redistest: start redis-server: %v", err)
		}
		s := &Server{Addr: fmt.Sprintf("127.0.0.1:%d", port), Port: port, Dir: dir, cmd: cmd}
		if err := s.waitReady(10 * time.Second); err != nil {
			lastErr = err
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
			continue
		}
		t.Cleanup(s.Stop)
		return s
	}
	log, _ := os.ReadFile(filepath.Join(dir, "redis.log"))
	t.Fatalf("redistest: redis-server did not start: %v\n%s", lastErr, log)
	return nil
}

// Stop kills the server and waits for it. It is safe to call twice.
func (s *Server) Stop() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	_ = s.cmd.Process.Kill()
	_ = s.cmd.Wait()
	s.cmd = nil
}

func (s *Server) waitReady(d time.Duration) error {
	deadline := time.Now().Add(d)
	var err error
	for time.Now().Before(deadline) {
		var c *Client
		c, err = Dial(s.Addr)
		if err == nil {
			var r string
			r, err = c.line("PING")
			c.Close()
			if err == nil && r == "+PONG" {
				return nil
			}
			if err == nil {
				err = fmt.Errorf("PING answered %q", r)
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	return err
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// Client is a minimal RESP2 client for tests: it sends a command and returns
// the raw reply, parsed into a tree of Go values. It is not safe for
// concurrent use.
type Client struct {
	conn net.Conn
	r    *bufio.Reader
}

// Dial connects to addr.
func Dial(addr string) (*Client, error) {
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return nil, err
	}
	return &Client{conn: c, r: bufio.NewReader(c)}, nil
}

// Client returns a connection to s, closed when the test ends.
func (s *Server) Client(t testing.TB) *Client {
	t.Helper()
	c, err := Dial(s.Addr)
	if err != nil {
		t.Fatalf("redistest: dial: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// Close closes the connection.
func (c *Client) Close() error { return c.conn.Close() }

// line sends a command and returns the first reply line (for PING).
func (c *Client) line(args ...string) (string, error) {
	if err := c.send(args); err != nil {
		return "", err
	}
	_ = c.conn.SetReadDeadline(time.Now().Add(2 * time.Second))
	l, err := c.r.ReadString('\n')
	return strings.TrimRight(l, "\r\n"), err
}

func (c *Client) send(args []string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "*%d\r\n", len(args))
	for _, a := range args {
		fmt.Fprintf(&b, "$%d\r\n%s\r\n", len(a), a)
	}
	_ = c.conn.SetWriteDeadline(time.Now().Add(10 * time.Second))
	_, err := c.conn.Write([]byte(b.String()))
	return err
}

// Value is a decoded RESP2 reply. Exactly one field is meaningful, chosen by
// Type: '+' Str, '-' Str, ':' Int, '$' Str (Null when the bulk is $-1), '*'
// Array (Null when the array is *-1).
type Value struct {
	Type  byte
	Str   string
	Int   int64
	Array []Value
	Null  bool
}

// Do sends one command and reads its reply.
func (c *Client) Do(args ...string) (Value, error) {
	if err := c.send(args); err != nil {
		return Value{}, err
	}
	_ = c.conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	return c.read()
}

// Receive reads the next reply without sending anything: a message pushed
// to a subscribed connection. It waits at most d.
func (c *Client) Receive(d time.Duration) (Value, error) {
	_ = c.conn.SetReadDeadline(time.Now().Add(d))
	return c.read()
}

// Send writes a command without reading its reply (for SUBSCRIBE, whose
// replies are read with Receive).
func (c *Client) Send(args ...string) error { return c.send(args) }

// MustDo is Do that fails the test on an I/O error. Redis error replies are
// returned as values of Type '-', not as failures.
func (c *Client) MustDo(t testing.TB, args ...string) Value {
	t.Helper()
	v, err := c.Do(args...)
	if err != nil {
		t.Fatalf("redistest: %q: %v", args, err)
	}
	return v
}

func (c *Client) read() (Value, error) {
	l, err := c.r.ReadString('\n')
	if err != nil {
		return Value{}, err
	}
	if len(l) < 3 || l[len(l)-2] != '\r' {
		return Value{}, fmt.Errorf("redistest: bad reply line %q", l)
	}
	l = l[:len(l)-2]
	v := Value{Type: l[0]}
	body := l[1:]
	switch l[0] {
	case '+', '-':
		v.Str = body
	case ':':
		v.Int, err = strconv.ParseInt(body, 10, 64)
	case '$':
		n, err := strconv.Atoi(body)
		if err != nil {
			return v, err
		}
		if n < 0 {
			v.Null = true
			return v, nil
		}
		buf := make([]byte, n+2)
		if _, err := ioReadFull(c.r, buf); err != nil {
			return v, err
		}
		v.Str = string(buf[:n])
	case '*':
		n, err := strconv.Atoi(body)
		if err != nil {
			return v, err
		}
		if n < 0 {
			v.Null = true
			return v, nil
		}
		v.Array = make([]Value, 0, n)
		for i := 0; i < n; i++ {
			e, err := c.read()
			if err != nil {
				return v, err
			}
			v.Array = append(v.Array, e)
		}
	default:
		return v, fmt.Errorf("redistest: unknown reply type %q", l)
	}
	return v, err
}

func ioReadFull(r *bufio.Reader, buf []byte) (int, error) {
	n := 0
	for n < len(buf) {
		m, err := r.Read(buf[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// NormACLRules puts the single-command rules of an ACL rule string (ACL
// LIST, ACL GETUSER's "commands", an ACL file line) in name order.
// redis-server writes them in its command table's hash order, which a
// random seed changes from one process to the next; the rules that start
// each selector's commands (+@all or -@all, then the categories, in
// Redis's deterministic best-fit order) keep their places.
func NormACLRules(s string) string {
	var out, singles []string
	flush := func() {
		sort.SliceStable(singles, func(i, j int) bool {
			return strings.TrimLeft(singles[i], "+-") < strings.TrimLeft(singles[j], "+-")
		})
		out = append(out, singles...)
		singles = nil
	}
	for _, w := range strings.Split(s, " ") {
		bare := strings.TrimSuffix(w, ")")
		single := len(bare) > 1 && (bare[0] == '+' || bare[0] == '-') && bare[1] != '@'
		switch {
		case single && bare == w:
			singles = append(singles, w)
		case single:
			singles = append(singles, bare)
			flush()
			out[len(out)-1] += ")"
		default:
			flush()
			out = append(out, w)
		}
	}
	flush()
	return strings.Join(out, " ")
}
