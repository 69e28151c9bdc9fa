package aof

import (
	"io"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func manifestText(m *memFS) string { return string(m.file(filepath.Join(aofDir, manifestName))) }

func TestRewrite(t *testing.T) {
	m := newMemFS()
	l := openMem(t, m, Options{})
	replayAll(t, l)
	l.AppendCommand("SET", "a", "1")
	l.AppendCommand("SET", "a", "2")
	require.NoError(t, l.Commit())
	l.AppendCommand("SET", "b", "1") // buffered: StartRewrite commits it to the old file

	rw, err := l.StartRewrite(BaseAOF)
	require.NoError(t, err)
	assert.Equal(t, "file appendonly.aof.1.incr.aof seq 1 type i\nfile appendonly.aof.2.incr.aof seq 2 type i\n", manifestText(m))
	assert.Len(t, m.file(incrPath(1)), len(encode([]string{"SET", "a", "1"}, []string{"SET", "a", "2"}, []string{"SET", "b", "1"})))
	_, err = l.StartRewrite(BaseAOF)
	assert.ErrorIs(t, err, ErrRewriteInProgress)

	// The shard keeps appending, to the new incr file, while the base is written.
	l.AppendCommand("SET", "c", "1")
	require.NoError(t, l.Commit())
	assert.Equal(t, encode([]string{"SET", "c", "1"}), m.file(incrPath(2)))
	base := encode([]string{"SET", "a", "2"}, []string{"SET", "b", "1"})
	_, err = rw.Write(base)
	require.NoError(t, err)
	assert.Equal(t, int64(len(base)), rw.Size())
	assert.Equal(t, []string{"temp-rewriteaof-2.aof"}, m.names(aofDir, "temp-"))

	require.NoError(t, l.FinishRewrite(rw))
	assert.Equal(t, "file appendonly.aof.1.base.aof seq 1 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n", manifestText(m))
	assert.Equal(t, []string{"appendonly.aof.1.base.aof", "appendonly.aof.2.incr.aof", "appendonly.aof.manifest"}, m.names(aofDir, ""))
	incr2 := int64(len(encode([]string{"SET", "c", "1"})))
	assert.Equal(t, int64(len(base))+incr2, l.BaseSize())
	assert.Equal(t, int64(len(base))+incr2, l.Size())
	assert.Error(t, l.FinishRewrite(rw), "finished already")

	l.AppendCommand("SET", "d", "1")
	require.NoError(t, l.Commit())
	assert.Equal(t, int64(len(base))+incr2+int64(len(encode([]string{"SET", "d", "1"}))), l.Size())
	l, got, info := reopen(t, l, m, Options{})
	assert.Equal(t, [][]string{{"SET", "a", "2"}, {"SET", "b", "1"}, {"SET", "c", "1"}, {"SET", "d", "1"}}, got)
	assert.Equal(t, 2, info.Files)
	assert.Equal(t, int64(len(base)), l.BaseSize(), "after Open: the base's size, as Redis")

	// A second rewrite, to RDB this time.
	rw, err = l.StartRewrite(BaseRDB)
	require.NoError(t, err)
	_, err = rw.Write([]byte("REDIS0010-fake"))
	require.NoError(t, err)
	require.NoError(t, l.FinishRewrite(rw))
	assert.Equal(t, "file appendonly.aof.2.base.rdb seq 2 type b\nfile appendonly.aof.3.incr.aof seq 3 type i\n", manifestText(m))
	assert.Equal(t, []string{"appendonly.aof.2.base.rdb", "appendonly.aof.3.incr.aof", "appendonly.aof.manifest"}, m.names(aofDir, ""))
	require.NoError(t, l.Close())
	l = openMem(t, m, Options{LoadBase: func(r io.Reader) error {
		b, err := io.ReadAll(r)
		assert.Equal(t, "REDIS0010-fake", string(b))
		return err
	}})
	got, info = replayAll(t, l)
	assert.Empty(t, got)
	assert.True(t, info.BaseRDB)
	require.NoError(t, l.Close())
}

func TestAbortRewrite(t *testing.T) {
	m := newMemFS()
	l := openMem(t, m, Options{})
	replayAll(t, l)
	l.AppendCommand("SET", "a", "1")
	rw, err := l.StartRewrite(BaseAOF)
	require.NoError(t, err)
	_, err = rw.Write([]byte("partial"))
	require.NoError(t, err)
	l.AppendCommand("SET", "b", "1")
	require.NoError(t, l.Commit())
	require.NoError(t, l.AbortRewrite(rw))
	assert.Empty(t, m.names(aofDir, "temp-"))
	assert.Error(t, l.AbortRewrite(rw))

	// Another rewrite keeps only the incr files from its own switch.
	rw, err = l.StartRewrite(BaseAOF)
	require.NoError(t, err)
	assert.Equal(t, "file appendonly.aof.1.incr.aof seq 1 type i\nfile appendonly.aof.2.incr.aof seq 2 type i\nfile appendonly.aof.3.incr.aof seq 3 type i\n", manifestText(m))
	_, err = rw.Write(encode([]string{"SET", "a", "1"}, []string{"SET", "b", "1"}))
	require.NoError(t, err)
	require.NoError(t, l.FinishRewrite(rw))
	assert.Equal(t, "file appendonly.aof.1.base.aof seq 1 type b\nfile appendonly.aof.3.incr.aof seq 3 type i\n", manifestText(m))

	// Close abandons a rewrite in progress.
	_, err = l.StartRewrite(BaseAOF)
	require.NoError(t, err)
	require.NoError(t, l.Close())
	assert.Empty(t, m.names(aofDir, "temp-"))
	l = openMem(t, m, Options{})
	got, _ := replayAll(t, l)
	assert.Equal(t, [][]string{{"SET", "a", "1"}, {"SET", "b", "1"}}, got)
	require.NoError(t, l.Close())
}

// TestOpenFinishesHistoryRemoval: a manifest still listing history files
// (a crash between the two manifest writes of FinishRewrite) is cleaned up
// on Open, as redis-server does at startup.
func TestOpenFinishesHistoryRemoval(t *testing.T) {
	m := newMemFS()
	m.setFile(filepath.Join(aofDir, manifestName), []byte(
		"file appendonly.aof.2.base.aof seq 2 type b\n"+
			"file appendonly.aof.1.base.aof seq 1 type h\n"+
			"file appendonly.aof.1.incr.aof seq 1 type h\n"+
			"file appendonly.aof.2.incr.aof seq 2 type i\n"))
	m.setFile(filepath.Join(aofDir, "appendonly.aof.2.base.aof"), encode([]string{"SET", "a", "1"}))
	m.setFile(filepath.Join(aofDir, "appendonly.aof.1.base.aof"), []byte("old"))
	// appendonly.aof.1.incr.aof is already gone.
	m.setFile(incrPath(2), encode([]string{"SET", "b", "1"}))
	l := openMem(t, m, Options{})
	assert.Equal(t, "file appendonly.aof.2.base.aof seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n", manifestText(m))
	assert.Nil(t, m.file(filepath.Join(aofDir, "appendonly.aof.1.base.aof")))
	got, _ := replayAll(t, l)
	assert.Equal(t, [][]string{{"SET", "a", "1"}, {"SET", "b", "1"}}, got)
	require.NoError(t, l.Close())
}

// TestOpenAddsIncr: a manifest with a base only (possible in a directory
// Redis wrote) gets a new incr file to append to.
func TestOpenAddsIncr(t *testing.T) {
	m := newMemFS()
	m.setFile(filepath.Join(aofDir, manifestName), []byte("file appendonly.aof.5.base.aof seq 5 type b\n"))
	m.setFile(filepath.Join(aofDir, "appendonly.aof.5.base.aof"), encode([]string{"SET", "a", "1"}))
	l := openMem(t, m, Options{})
	assert.Equal(t, "file appendonly.aof.5.base.aof seq 5 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n", manifestText(m))
	got, _ := replayAll(t, l)
	assert.Equal(t, [][]string{{"SET", "a", "1"}}, got)
	l.AppendCommand("SET", "b", "2")
	require.NoError(t, l.Commit())
	l, got, _ = reopen(t, l, m, Options{})
	assert.Equal(t, [][]string{{"SET", "a", "1"}, {"SET", "b", "2"}}, got)
	require.NoError(t, l.Close())
}
