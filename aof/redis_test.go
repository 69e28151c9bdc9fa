package aof

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/kevydb/kevy/internal/redistest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// openOS opens and replays the log in dir on the real file system.
func openOS(t *testing.T, dir string) *Log {
	t.Helper()
	l, err := Open(dir, Options{Logger: quiet})
	require.NoError(t, err)
	_, err = l.Replay(func([]string) error { return nil })
	require.NoError(t, err)
	return l
}

func checkAOF(t *testing.T, dir string) (string, error) {
	t.Helper()
	bin := redistest.Binary(t, "redis-check-aof")
	out, err := exec.Command(bin, filepath.Join(dir, dirName, manifestName)).CombinedOutput()
	return string(out), err
}

// TestRedisLoadsOurDirectory writes a log with a rewrite in the middle,
// has redis-check-aof validate it and redis-server load it, lets
// redis-server append to it, and replays the result.
func TestRedisLoadsOurDirectory(t *testing.T) {
	redistest.Binary(t, "redis-server")
	dir := t.TempDir()
	l := openOS(t, dir)
	l.AppendCommand("SET", "gone", "x")
	l.AppendCommand("SET", "s", "before")
	l.AppendCommand("RPUSH", "l", "a", "b\r\n", "")
	require.NoError(t, l.Commit())

	rw, err := l.StartRewrite(BaseAOF)
	require.NoError(t, err)
	l.AppendCommand("DEL", "gone")
	require.NoError(t, l.Commit())
	_, err = rw.Write(encode([]string{"SET", "gone", "x"}, []string{"SET", "s", "before"}, []string{"RPUSH", "l", "a", "b\r\n", ""}))
	require.NoError(t, err)
	require.NoError(t, l.FinishRewrite(rw))

	l.AppendCommand("MULTI")
	l.AppendCommand("INCR", "n")
	l.AppendCommand("HSET", "h", "f", "v")
	l.AppendCommand("EXEC")
	l.AppendCommand("SET", "s", "after")
	l.AppendCommand("PEXPIREAT", "s", "99999999999999")
	require.NoError(t, l.Commit())
	require.NoError(t, l.Close())

	out, err := checkAOF(t, dir)
	require.NoError(t, err, out)
	assert.Contains(t, out, "All AOF files and manifest are valid")

	srv := redistest.StartIn(t, dir, "--appendonly", "yes", "--appenddirname", dirName)
	c := srv.Client(t)
	assert.Equal(t, "after", c.MustDo(t, "GET", "s").Str)
	assert.True(t, c.MustDo(t, "GET", "gone").Null)
	assert.Equal(t, "1", c.MustDo(t, "GET", "n").Str)
	assert.Equal(t, "v", c.MustDo(t, "HGET", "h", "f").Str)
	assert.Equal(t, int64(3), c.MustDo(t, "LLEN", "l").Int)
	assert.Equal(t, "b\r\n", c.MustDo(t, "LINDEX", "l", "1").Str)
	assert.Equal(t, int64(99999999999999), c.MustDo(t, "PEXPIRETIME", "s").Int)
	c.MustDo(t, "SET", "from", "redis")
	srv.Stop() // SIGKILL: the write reached the OS before the reply

	l, err = Open(dir, Options{Logger: quiet})
	require.NoError(t, err)
	var got [][]string
	_, err = l.Replay(func(argv []string) error { got = append(got, argv); return nil })
	require.NoError(t, err)
	require.NotEmpty(t, got)
	assert.Equal(t, []string{"SET", "from", "redis"}, got[len(got)-1])
	require.NoError(t, l.Close())
}

// TestRedisLoadsFreshDirectory: a log that never had a rewrite (a manifest
// with one incr file and no base) is valid for Redis too.
func TestRedisLoadsFreshDirectory(t *testing.T) {
	redistest.Binary(t, "redis-server")
	dir := t.TempDir()
	l := openOS(t, dir)
	l.AppendCommand("SET", "k", "v")
	require.NoError(t, l.Close())
	out, err := checkAOF(t, dir)
	require.NoError(t, err, out)
	srv := redistest.StartIn(t, dir, "--appendonly", "yes")
	assert.Equal(t, "v", srv.Client(t).MustDo(t, "GET", "k").Str)
}

// TestRedisCheckAOFAgreesOnTornTails: redis-check-aof rejects a directory
// whose last file has a torn record; after Replay truncates it, it passes.
func TestRedisCheckAOFAgreesOnTornTails(t *testing.T) {
	redistest.Binary(t, "redis-check-aof")
	dir := t.TempDir()
	l := openOS(t, dir)
	l.AppendCommand("SET", "a", "1")
	l.AppendCommand("MULTI")
	l.AppendCommand("SET", "b", "2")
	require.NoError(t, l.Commit())
	require.NoError(t, l.Close())

	out, err := checkAOF(t, dir)
	assert.Error(t, err, out)
	assert.Contains(t, out, "Reached EOF before reading EXEC for MULTI")

	l, err = Open(dir, Options{Logger: quiet})
	require.NoError(t, err)
	_, info := replayAll(t, l)
	assert.True(t, info.DiscardedMulti)
	require.NoError(t, l.Close())
	out, err = checkAOF(t, dir)
	require.NoError(t, err, out)

	// A record cut in the middle.
	p := filepath.Join(dir, dirName, "appendonly.aof.1.incr.aof")
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_APPEND, 0)
	require.NoError(t, err)
	_, err = f.Write([]byte("*2\r\n$3\r\nDEL\r\n$1\r"))
	require.NoError(t, err)
	require.NoError(t, f.Close())
	out, err = checkAOF(t, dir)
	assert.Error(t, err, out)
	l, err = Open(dir, Options{Logger: quiet})
	require.NoError(t, err)
	got, info := replayAll(t, l)
	assert.True(t, info.Truncated)
	assert.Equal(t, [][]string{{"SET", "a", "1"}}, got)
	require.NoError(t, l.Close())
	out, err = checkAOF(t, dir)
	require.NoError(t, err, out)
}

// TestReplayRedisWrittenDirectory replays a directory redis-server wrote,
// with timestamp annotations and a MULTI block.
func TestReplayRedisWrittenDirectory(t *testing.T) {
	dir := t.TempDir()
	srv := redistest.StartIn(t, dir, "--appendonly", "yes", "--aof-use-rdb-preamble", "no",
		"--aof-timestamp-enabled", "yes", "--appendfsync", "always")
	c := srv.Client(t)
	c.MustDo(t, "SET", "a", "1")
	c.MustDo(t, "MULTI")
	c.MustDo(t, "INCR", "n")
	c.MustDo(t, "RPUSH", "l", "x")
	c.MustDo(t, "EXEC")
	srv.Stop()

	l, err := Open(dir, Options{Logger: quiet})
	require.NoError(t, err)
	got, info := replayAll(t, l)
	assert.False(t, info.Truncated)
	assert.Equal(t, [][]string{{"SELECT", "0"}, {"SET", "a", "1"}, {"MULTI"}, {"INCR", "n"}, {"RPUSH", "l", "x"}, {"EXEC"}}, got)
	require.NoError(t, l.Close())
}
