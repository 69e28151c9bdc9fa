package aof

import (
	"bytes"
	"io"
	"log/slog"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/kevydb/kevy/resp"
	"github.com/stretchr/testify/require"
)

const shardDir = "/shard"

var aofDir = filepath.Join(shardDir, dirName)

// quiet is a logger that drops everything, for tests that expect warnings.
var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// openMem opens a log on m; opts.fs is set to m.
func openMem(t testing.TB, m *memFS, opts Options) *Log {
	t.Helper()
	opts.fs = m
	if opts.Logger == nil {
		opts.Logger = quiet
	}
	l, err := Open(shardDir, opts)
	require.NoError(t, err)
	return l
}

// replayAll replays l and returns the commands.
func replayAll(t testing.TB, l *Log) ([][]string, ReplayInfo) {
	t.Helper()
	var cmds [][]string
	info, err := l.Replay(func(argv []string) error {
		cmds = append(cmds, argv)
		return nil
	})
	require.NoError(t, err)
	return cmds, info
}

// reopen closes l and opens and replays the same memFS again.
func reopen(t testing.TB, l *Log, m *memFS, opts Options) (*Log, [][]string, ReplayInfo) {
	t.Helper()
	require.NoError(t, l.Close())
	l = openMem(t, m, opts)
	cmds, info := replayAll(t, l)
	return l, cmds, info
}

// encode returns the RESP encoding of cmds.
func encode(cmds ...[]string) []byte {
	var b []byte
	for _, c := range cmds {
		b = resp.AppendCommand(b, c...)
	}
	return b
}

// cmd builds a distinct test command.
func cmd(i int) []string {
	return []string{"SET", "key:" + string(rune('a'+i%26)), string(bytes.Repeat([]byte{byte('0' + i%10)}, i%7))}
}

func incrPath(seq int) string {
	return filepath.Join(aofDir, "appendonly.aof."+strconv.Itoa(seq)+".incr.aof")
}
