package shard

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRawStringGrow: growing zeroes the new bytes, also those within the
// capacity that a shorter value left behind, and leaves room to spare.
func TestRawStringGrow(t *testing.T) {
	r := &rawString{b: []byte("abc")}
	r.grow(2)
	assert.Equal(t, "abc", string(r.b), "grow never shrinks")
	r.grow(10)
	assert.Equal(t, "abc\x00\x00\x00\x00\x00\x00\x00", string(r.b))
	assert.GreaterOrEqual(t, cap(r.b), 20, "room to spare below 1 MiB")
	r.b[9] = 'x'
	r.b = r.b[:5] // an HLL merge shortened the value
	r.grow(10)
	assert.Equal(t, byte(0), r.b[9], "stale bytes within the capacity are cleared")
	r.grow(2 << 20)
	assert.Equal(t, 2<<20+1<<20, cap(r.b), "1 MiB to spare past 1 MiB")
	r.grow(MaxStringLen)
	assert.Equal(t, MaxStringLen, cap(r.b), "never more than proto-max-bulk-len of room")
}

// TestEntryStringForms: an entry reads the same through StrValue, StrLen
// and strView whichever form holds its value, and Dup copies the bytes.
func TestEntryStringForms(t *testing.T) {
	e := &Entry{Type: TypeString}
	e.setStr("hello")
	assert.Equal(t, "embstr", e.StringEncoding())
	r := e.raw()
	assert.Equal(t, "raw", e.StringEncoding())
	assert.Equal(t, "", e.Str)
	r.b[0] = 'j'
	assert.Equal(t, "jello", e.StrValue())
	assert.Equal(t, 5, e.StrLen())
	assert.Equal(t, "jello", string(e.strView()))
	v := e.StrValue()
	r.b[1] = 'a'
	assert.Equal(t, "jello", v, "a value read earlier does not change")
	d := r.Dup().(*rawString)
	d.b[0] = 'x'
	assert.Equal(t, "jallo", e.StrValue(), "a copy is independent")
	require.Equal(t, allocSize(cap(r.b)), r.MemUsage())
	e.setStr("12")
	assert.Nil(t, e.Obj)
	assert.Equal(t, "int", e.StringEncoding())
}
