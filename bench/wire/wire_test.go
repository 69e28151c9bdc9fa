package wire

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tidwall/redcon"

	"github.com/kevydb/kevy"
	"github.com/kevydb/kevy/resp"
	"github.com/kevydb/kevy/server"
)

// serveRedcon serves db with redcon's wire layer: one kevy.Conn per client,
// the commands redcon has buffered run as one ExecPipeline (as kevy's own
// server does), replies encoded by kevy's resp package and written through
// redcon's buffered writer. Only the wire layer differs from package server.
func serveRedcon(t testing.TB, db *kevy.Store) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := redcon.NewServer("", func(conn redcon.Conn, cmd redcon.Command) {
		c := conn.Context().(*kevy.Conn)
		cmds := [][]string{argv(cmd)}
		for _, more := range conn.ReadPipeline() {
			cmds = append(cmds, argv(more))
		}
		var out []byte
		if len(cmds) == 1 {
			out = resp.AppendReply(out, c.Exec(context.Background(), cmds[0]...))
		} else {
			for _, r := range c.ExecPipeline(context.Background(), cmds...) {
				out = resp.AppendReply(out, r)
			}
		}
		conn.WriteRaw(out)
	}, func(conn redcon.Conn) bool {
		conn.SetContext(db.Conn())
		return true
	}, func(conn redcon.Conn, _ error) {
		if c, ok := conn.Context().(*kevy.Conn); ok {
			_ = c.Close()
		}
	})
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	return l.Addr().String()
}

func argv(cmd redcon.Command) []string {
	out := make([]string, len(cmd.Args))
	for i, a := range cmd.Args {
		out[i] = string(a)
	}
	return out
}

func serveKevy(t testing.TB, db *kevy.Store) string {
	t.Helper()
	srv := server.New(db, server.Config{MaxClients: 100000})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	return l.Addr().String()
}

func TestRedconVariantWorks(t *testing.T) {
	db, err := kevy.Open(kevy.Config{})
	require.NoError(t, err)
	defer db.Close()
	for _, addr := range []string{serveRedcon(t, db), serveKevy(t, db)} {
		c := redis.NewClient(&redis.Options{Addr: addr, Protocol: 2, DisableIdentity: true})
		ctx := context.Background()
		require.NoError(t, c.Set(ctx, "k", "v", 0).Err())
		assert.Equal(t, "v", c.Get(ctx, "k").Val())
		cmds, err := c.Pipelined(ctx, func(p redis.Pipeliner) error {
			for range 100 {
				p.Incr(ctx, "n")
			}
			return nil
		})
		require.NoError(t, err)
		assert.Len(t, cmds, 100)
		require.NoError(t, c.Close())
	}
}

var rps = regexp.MustCompile(`([A-Z_]+)(?: \(10 keys\))?: ([0-9.]+) requests per second`)

// benchmark runs redis-benchmark against addr and returns requests per
// second by test name.
func benchmark(t *testing.T, addr string, tests string, pipeline, n, clients int) map[string]float64 {
	t.Helper()
	host, port, _ := net.SplitHostPort(addr)
	cmd := exec.Command("redis-benchmark", "-h", host, "-p", port, "-t", tests, "-n", strconv.Itoa(n),
		"-c", strconv.Itoa(clients), "-P", strconv.Itoa(pipeline), "-q", "-r", "100000")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	res := map[string]float64{}
	for _, line := range strings.Split(strings.ReplaceAll(string(out), "\r", "\n"), "\n") {
		if strings.Contains(line, "rror") {
			t.Errorf("redis-benchmark: %s", line)
		}
		if m := rps.FindStringSubmatch(line); m != nil && !strings.Contains(line, "rps=") {
			v, _ := strconv.ParseFloat(m[2], 64)
			res[m[1]] = v
		}
	}
	return res
}

// TestCompareServers runs redis-benchmark against kevy's server, the redcon
// variant and redis-server on this machine, one after the other, with and
// without pipelining, and prints the table. It takes about a minute; run
// it with KEVY_WIRE_BENCH=1 (KEVY_WIRE_N sets the requests per test).
func TestCompareServers(t *testing.T) {
	if os.Getenv("KEVY_WIRE_BENCH") != "1" {
		t.Skip("set KEVY_WIRE_BENCH=1 to run the server comparison")
	}
	if _, err := exec.LookPath("redis-benchmark"); err != nil {
		t.Skip("redis-benchmark not installed")
	}
	n := 200000
	if v, err := strconv.Atoi(os.Getenv("KEVY_WIRE_N")); err == nil {
		n = v
	}
	tests := "set,get,incr,lpush,lpop,sadd,hset,zadd,mset"
	if v := os.Getenv("KEVY_WIRE_TESTS"); v != "" {
		tests = v
	}
	db, err := kevy.Open(kevy.Config{})
	require.NoError(t, err)
	defer db.Close()
	targets := []struct{ name, addr string }{
		{"kevy (own resp)", serveKevy(t, db)},
		{"kevy (redcon)", serveRedcon(t, db)},
	}
	if addr := startRedis(t); addr != "" {
		targets = append(targets, struct{ name, addr string }{"redis-server", addr})
	}
	rounds := 3
	if v, err := strconv.Atoi(os.Getenv("KEVY_WIRE_ROUNDS")); err == nil && v > 0 {
		rounds = v
	}
	for _, p := range []int{1, 16} {
		// Rounds interleave the targets; the table shows medians.
		runs := make([][]map[string]float64, len(targets))
		for range rounds {
			for i, tg := range targets {
				runs[i] = append(runs[i], benchmark(t, tg.addr, tests, p, n, 50))
			}
		}
		results := make([]map[string]float64, len(targets))
		for i := range targets {
			results[i] = medians(runs[i])
		}
		fmt.Printf("\nredis-benchmark -c 50 -n %d -P %d -r 100000, median of %d rounds (requests/s; ratio to redis-server)\n", n, p, rounds)
		fmt.Printf("| test |")
		for _, tg := range targets {
			fmt.Printf(" %s |", tg.name)
		}
		fmt.Printf("\n|---|%s\n", strings.Repeat("---|", len(targets)))
		for _, test := range strings.Split(strings.ToUpper(tests), ",") {
			base := results[len(results)-1][test]
			fmt.Printf("| %s |", test)
			for i := range targets {
				v := results[i][test]
				if base > 0 && i < len(targets)-1 {
					fmt.Printf(" %.0f (%.2f) |", v, v/base)
				} else {
					fmt.Printf(" %.0f |", v)
				}
			}
			fmt.Println()
		}
	}
}

// startRedis runs redis-server on a free loopback port for the test.
func startRedis(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		return ""
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	dir := t.TempDir()
	cmd := exec.Command(bin, "--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--dir", dir,
		"--save", "", "--appendonly", "no")
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	for range 250 {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return addr
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("redis-server did not start")
	return ""
}

// medians returns, per test, the median of the runs.
func medians(runs []map[string]float64) map[string]float64 {
	out := map[string]float64{}
	for k := range runs[0] {
		var vs []float64
		for _, r := range runs {
			vs = append(vs, r[k])
		}
		sort.Float64s(vs)
		out[k] = vs[len(vs)/2]
	}
	return out
}
