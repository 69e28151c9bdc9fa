package shard

import (
	"math"
	"strconv"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestEntryLayout pins the sizes the memory accounting and docs/memory.md
// rely on: an Entry of 56 bytes, so that with its dict node's link it
// fills a 64-byte allocation, and the collection structs in 48 bytes.
func TestEntryLayout(t *testing.T) {
	assert.Equal(t, uintptr(56), unsafe.Sizeof(Entry{}))
	assert.Equal(t, entryNodeMem, int(unsafe.Sizeof(Entry{}))+8)
	assert.LessOrEqual(t, unsafe.Sizeof(Hash{}), uintptr(hashBaseMem))
	assert.LessOrEqual(t, unsafe.Sizeof(Set{}), uintptr(setBaseMem))
	assert.LessOrEqual(t, unsafe.Sizeof(ZSet{}), uintptr(zsetBaseBytes))
	assert.LessOrEqual(t, unsafe.Sizeof(List{}), uintptr(listBaseMem))
	assert.Equal(t, uintptr(listNodeMem), unsafe.Sizeof(listNode{}))
	assert.Equal(t, uintptr(24), unsafe.Sizeof(hashField{}), "32-byte hash-table nodes")
}

// TestEntryValues checks the value union: strings, integers held inline
// (formatted back exactly, shared for 0 to 9999), collections by type.
func TestEntryValues(t *testing.T) {
	var e Entry
	for _, tc := range []struct {
		s     string
		isInt bool
	}{
		{"hello", false}, {"", false}, {"0", true}, {"7", true}, {"-1", true}, {"9999", true},
		{"10000", true}, {"-9223372036854775808", true}, {"9223372036854775807", true},
		{"9223372036854775808", false}, {"-0", false}, {"007", false}, {"+5", false}, {" 5", false},
		{"1e3", false}, {"12345678901234567890", false},
	} {
		e.flags = 0
		e.setStr(tc.s)
		assert.Equal(t, TypeString, e.Type)
		assert.Equal(t, tc.s, e.StrValue(), "%q", tc.s)
		assert.Equal(t, len(tc.s), e.StrLen(), "%q", tc.s)
		assert.Equal(t, tc.isInt, e.flags&entInt != 0, "%q held as an integer", tc.s)
		if tc.isInt {
			assert.Equal(t, "int", e.StringEncoding(), "%q", tc.s)
		}
	}
	e.setStr("3")
	e.flags |= entNoInt // an INCRBYFLOAT result
	assert.Equal(t, "3", e.StrValue())
	assert.Equal(t, "embstr", e.StringEncoding(), "Redis never int-encodes an INCRBYFLOAT result")
	e.flags = 0
	e.setInt(math.MinInt64)
	assert.Equal(t, strconv.FormatInt(math.MinInt64, 10), e.StrValue())
	assert.Equal(t, 20, e.StrLen())

	for i := range 10000 {
		e.setInt(int64(i))
		require.Equal(t, strconv.Itoa(i), e.StrValue())
	}
	allocs := testing.AllocsPerRun(100, func() { e.setInt(1234); _ = e.StrValue() })
	assert.Zero(t, allocs, "small integers are formatted without allocating")

	h := NewHash()
	e.SetObj(h)
	assert.Equal(t, TypeHash, e.Type)
	assert.Same(t, h, e.Obj().(*Hash))
	assert.Zero(t, e.flags&entInt)
	assert.Equal(t, "", e.StrValue())
	for _, o := range []Object{NewList(), NewSet(), NewZSet()} {
		e.SetObj(o)
		assert.Equal(t, o, e.Obj())
	}
	e.SetObj(nil)
	assert.Nil(t, e.Obj())

	// A string changed in place: its buffer, then a new value drops it.
	e.setStr("12")
	r := e.raw()
	r.grow(3)
	r.b[2] = '3'
	assert.Equal(t, "123", e.StrValue())
	assert.Equal(t, 3, e.StrLen())
	assert.Equal(t, "raw", e.StringEncoding())
	assert.Same(t, r, e.Obj().(*rawString))
	var d Entry
	copyValue(&d, &e)
	d.raw().b[0] = 'X'
	assert.Equal(t, "123", e.StrValue(), "COPY duplicates a buffer changed in place")
	assert.Equal(t, "X23", d.StrValue())
	e.setInt(5)
	assert.Nil(t, e.Obj())
	assert.Equal(t, "5", e.StrValue())
	assert.Equal(t, "int", e.StringEncoding())
}
