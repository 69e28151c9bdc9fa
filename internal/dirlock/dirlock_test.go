package dirlock

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLock(t *testing.T) {
	dir := t.TempDir()
	l, err := Acquire(dir)
	require.NoError(t, err)
	_, err = Acquire(dir)
	assert.ErrorIs(t, err, ErrLocked)
	require.NoError(t, l.Unlock())
	require.NoError(t, l.Unlock())
	l2, err := Acquire(dir)
	require.NoError(t, err)
	require.NoError(t, l2.Unlock())
}
