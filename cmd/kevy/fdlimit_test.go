package main

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kevydb/kevy/resp"
)

// TestMain lets a test run this binary as kevy itself (see runKevy).
func TestMain(m *testing.M) {
	if os.Getenv("KEVY_TEST_RUN_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// fakeRlimit is an open-file limit whose hard limit only root may raise.
type fakeRlimit struct {
	cur, max uint64
	root     bool
	sets     [][2]uint64
}

func (f *fakeRlimit) get() (uint64, uint64, error) { return f.cur, f.max, nil }

func (f *fakeRlimit) set(cur, max uint64) error {
	f.sets = append(f.sets, [2]uint64{cur, max})
	if max > f.max && !f.root {
		return syscall.EPERM
	}
	f.cur, f.max = cur, max
	return nil
}

func TestFitMaxClients(t *testing.T) {
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	tests := []struct {
		name             string
		rl               fakeRlimit
		want             int
		wantCur, wantMax uint64
		logged           string
	}{
		{"enough", fakeRlimit{cur: 20000, max: 20000}, 10000, 20000, 20000, ""},
		{"soft raised to what is needed", fakeRlimit{cur: 1024, max: 1 << 20}, 10000, 10048, 1 << 20, "raised the open-file limit"},
		{"hard limit too low", fakeRlimit{cur: 256, max: 256}, 208, 256, 256, "maxclients reduced"},
		{"root raises the hard limit", fakeRlimit{cur: 256, max: 256, root: true}, 10000, 10048, 10048, "raised"},
		{"between", fakeRlimit{cur: 1000, max: 4000}, 3952, 4000, 4000, "maxclients reduced"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			logs.Reset()
			got, err := fitMaxClients(&tt.rl, 10000, reservedFDs(4), log)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.wantCur, tt.rl.cur)
			assert.Equal(t, tt.wantMax, tt.rl.max)
			assert.Contains(t, logs.String(), tt.logged)
		})
	}
	_, err := fitMaxClients(&fakeRlimit{cur: 40, max: 40}, 10000, reservedFDs(4), log)
	assert.ErrorContains(t, err, "the open-file limit (ulimit -n) of 40 is not enough to start")
}

// runKevy starts this test binary as "kevy args..." with a shell's ulimit
// -n applied first, and returns it with its address, once it serves.
func runKevy(t *testing.T, ulimit string, env []string, args ...string) (*exec.Cmd, string, *bytes.Buffer) {
	t.Helper()
	cmd := exec.Command("sh", append([]string{"-c", `ulimit -n ` + ulimit + ` && exec "$0" "$@"`, os.Args[0]}, args...)...)
	cmd.Env = append(append(os.Environ(), "KEVY_TEST_RUN_MAIN=1"), env...)
	stderr, err := cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	var logs bytes.Buffer
	sc := bufio.NewScanner(stderr)
	addrRe := regexp.MustCompile(`msg="kevy serving" addr=(\S+)`)
	for sc.Scan() {
		logs.WriteString(sc.Text() + "\n")
		if m := addrRe.FindStringSubmatch(sc.Text()); m != nil {
			go func() { _, _ = io.Copy(io.Discard, stderr) }()
			return cmd, m[1], &logs
		}
	}
	t.Fatalf("kevy serve did not start:\n%s", logs.String())
	return nil, "", nil
}

// freePort returns a loopback port that was free a moment ago (kevy
// serve's --port 0 means no plain listener, as Redis's port 0).
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// TestServeUnderLowFileLimit runs kevy serve under a real "ulimit -n 256":
// it lowers maxclients to fit, refuses the clients beyond with Redis's
// error, and SAVE and BGREWRITEAOF still work with every client connected.
func TestServeUnderLowFileLimit(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("counts Linux file descriptors")
	}
	dir := t.TempDir()
	cmd, addr, logs := runKevy(t, "256", []string{envRequirePass + "=s3cret"},
		"serve", "--port", strconv.Itoa(freePort(t)), "--dir", dir, "--shards", "4", "--maxclients", "220")
	// 220 clients and 48 descriptors for kevy need 268. Without the
	// privilege to raise the hard limit (CAP_SYS_RESOURCE), kevy lowers
	// maxclients to 256-48; with it, it raises the limit, as Redis does.
	maxClients := 256 - 32 - 4*4
	if exec.Command("sh", "-c", "ulimit -n 256 && ulimit -Hn 300").Run() == nil {
		maxClients = 220
		assert.Contains(t, logs.String(), "raised the open-file limit")
	} else {
		assert.Contains(t, logs.String(), "maxclients reduced to fit the open-file limit")
	}
	assert.Contains(t, logs.String(), "maxclients="+strconv.Itoa(maxClients))

	// The password is not on the command line.
	cmdline, err := os.ReadFile("/proc/" + strconv.Itoa(cmd.Process.Pid) + "/cmdline")
	require.NoError(t, err)
	assert.NotContains(t, string(cmdline), "s3cret")

	dial := func() (net.Conn, *resp.Reader) {
		nc, err := net.Dial("tcp", addr)
		require.NoError(t, err)
		t.Cleanup(func() { _ = nc.Close() })
		require.NoError(t, nc.SetDeadline(time.Now().Add(30*time.Second)))
		return nc, resp.NewReader(nc, resp.ReaderOptions{})
	}
	do := func(nc net.Conn, rd *resp.Reader, args ...string) resp.Reply {
		_, err := nc.Write(resp.AppendCommand(nil, args...))
		require.NoError(t, err)
		r, err := rd.ReadReply()
		require.NoError(t, err)
		return r
	}
	type conn struct {
		nc net.Conn
		rd *resp.Reader
	}
	var clients []conn
	for i := range maxClients {
		nc, rd := dial()
		require.Equal(t, resp.OK, do(nc, rd, "AUTH", "s3cret"), "client %d", i)
		clients = append(clients, conn{nc, rd})
	}
	// One more is refused, with Redis's error, and closed.
	nc, _ := dial()
	b, err := io.ReadAll(nc)
	require.NoError(t, err)
	assert.Equal(t, "-ERR max number of clients reached\r\n", string(b))

	c := clients[0]
	for i := range 100 {
		require.Equal(t, resp.OK, do(c.nc, c.rd, "SET", "k"+strconv.Itoa(i), strings.Repeat("v", 100)))
	}
	assert.Equal(t, resp.OK, do(c.nc, c.rd, "SAVE"))
	assert.Equal(t, resp.StatusReply("Background append only file rewriting started"), do(c.nc, c.rd, "BGREWRITEAOF"))
	require.Eventually(t, func() bool {
		info := do(c.nc, c.rd, "INFO", "persistence").Str
		return strings.Contains(info, "aof_rewrite_in_progress:0") && strings.Contains(info, "aof_rewrite_scheduled:0")
	}, 30*time.Second, 10*time.Millisecond)
	info := do(c.nc, c.rd, "INFO", "persistence").Str
	assert.Contains(t, info, "aof_last_bgrewrite_status:ok")
	assert.Contains(t, info, "rdb_last_bgsave_status:ok")
	assert.Equal(t, resp.IntReply(100), do(c.nc, c.rd, "DBSIZE"))
	assert.NotContains(t, logs.String(), "too many open files")

	// SIGTERM: a clean, prompt exit.
	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("kevy serve exited with %v", ee)
		}
		require.NoError(t, err)
	case <-time.After(20 * time.Second):
		t.Fatal("kevy serve did not stop on SIGTERM")
	}
}
