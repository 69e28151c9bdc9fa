package rdb

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFunctionDumpRoundTrip(t *testing.T) {
	codes := []string{"#!lua name=a\nredis.register_function('a', function() return 1 end)", "#!lua name=b\n" + string(make([]byte, 300))}
	p := AppendFunctionDump(nil, codes)
	got, err := ParseFunctionDump(p)
	require.NoError(t, err)
	assert.Equal(t, codes, got)
	p[0] ^= 1
	_, err = ParseFunctionDump(p)
	assert.ErrorIs(t, err, ErrBadDumpPayload)
}

func FuzzParseFunctionDump(f *testing.F) {
	f.Add(AppendFunctionDump(nil, []string{"#!lua name=a\nredis.register_function('a', function() return 1 end)"}))
	f.Add(AppendFunctionDump(nil, nil))
	f.Add([]byte("short"))
	f.Fuzz(func(t *testing.T, p []byte) {
		codes, err := ParseFunctionDump(p)
		if err != nil {
			return
		}
		again, err := ParseFunctionDump(AppendFunctionDump(nil, codes))
		require.NoError(t, err)
		assert.Equal(t, codes, again)
	})
}
