package hll

import (
	"bufio"
	"encoding/hex"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// goldenElements are the elements of each case of testdata/redis-7.0.15.txt.
func goldenElements(name string) []string {
	gen := func(prefix string, n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = prefix + strconv.Itoa(i)
		}
		return out
	}
	switch name {
	case "empty":
		return nil
	case "abc":
		return []string{"a", "b", "c"}
	case "n100":
		return gen("", 100)
	case "n1000":
		return gen("e", 1000)
	case "n5000":
		return gen("x", 5000)
	case "binary":
		return []string{"", "\x00", "\xff\xfe", "12345678", "123456789"}
	}
	panic(name)
}

// TestMatchesRedisBytes builds each golden HLL the way PFADD and PFCOUNT
// do and compares the bytes with redis-server's.
func TestMatchesRedisBytes(t *testing.T) {
	f, err := os.Open("testdata/redis-7.0.15.txt")
	require.NoError(t, err)
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	n := 0
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			continue
		}
		fs := strings.Fields(line)
		require.Len(t, fs, 4)
		name := fs[0]
		card, err := strconv.ParseUint(fs[1], 10, 64)
		require.NoError(t, err)
		before, err := hex.DecodeString(fs[2])
		require.NoError(t, err)
		after, err := hex.DecodeString(fs[3])
		require.NoError(t, err)
		t.Run(name, func(t *testing.T) {
			s := New()
			for _, e := range goldenElements(name) {
				s, _, err = Add(s, e, DefaultSparseMaxBytes)
				require.NoError(t, err)
			}
			Invalidate(s) // PFADD invalidates once it created or changed the HLL
			assert.Equal(t, hex.EncodeToString(before), hex.EncodeToString(s), "after PFADD")
			_, ok := Cached(s)
			assert.False(t, ok)
			got, err := Count(s)
			require.NoError(t, err)
			assert.Equal(t, card, got)
			SetCached(s, got)
			assert.Equal(t, hex.EncodeToString(after), hex.EncodeToString(s), "after PFCOUNT")
			c, ok := Cached(s)
			assert.True(t, ok)
			assert.Equal(t, card, c)
		})
		n++
	}
	require.NoError(t, sc.Err())
	require.Equal(t, 6, n)
}

// TestSparseToDenseAgree checks, over random element sets, that a sparse
// HLL and a dense one fed the same elements hold the same registers,
// estimate the same cardinality, and that the sparse one is promoted
// exactly when it would pass the limit.
func TestSparseToDenseAgree(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, limit := range []int{0, 20, 300, DefaultSparseMaxBytes, 10000} {
		sparse := New()
		dense, conv, err := ToDense(New())
		require.NoError(t, err)
		require.True(t, conv)
		for i := 0; i < 4000; i++ {
			e := strconv.FormatUint(r.Uint64(), 36)
			var ch1, ch2 bool
			sparse, ch1, err = Add(sparse, e, limit)
			require.NoError(t, err)
			dense, ch2, err = Add(dense, e, limit)
			require.NoError(t, err)
			assert.Equal(t, ch2, ch1, "element %d changes a register in one only", i)
			require.True(t, Valid(sparse))
			if !IsDense(sparse) {
				require.LessOrEqual(t, len(sparse), max(limit, len(New())), "sparse past the limit")
			}
			if i%500 == 0 || i == 3999 {
				ds, _, err := ToDense(sparse)
				require.NoError(t, err)
				assert.Equal(t, dense[HeaderSize:], ds[HeaderSize:])
				c1, err := Count(sparse)
				require.NoError(t, err)
				c2, _ := Count(dense)
				assert.Equal(t, c2, c1)
			}
		}
	}
}

// TestMergeAndCountRegisters: the union of HLLs counts like one HLL fed
// every element.
func TestMergeAndCountRegisters(t *testing.T) {
	a, b, all := New(), New(), New()
	var err error
	for i := 0; i < 3000; i++ {
		e := "k" + strconv.Itoa(i)
		if i%2 == 0 {
			a, _, err = Add(a, e, DefaultSparseMaxBytes)
		} else {
			b, _, err = Add(b, e, 100)
		}
		require.NoError(t, err)
		all, _, err = Add(all, e, DefaultSparseMaxBytes)
		require.NoError(t, err)
	}
	var regs [Registers]uint8
	require.NoError(t, Merge(&regs, a))
	require.NoError(t, Merge(&regs, b))
	want, err := Count(all)
	require.NoError(t, err)
	assert.Equal(t, want, CountRegisters(&regs))
	assert.InDelta(t, 3000, float64(want), 3000*0.05)
}

// TestCorruptSparse: opcodes that do not cover exactly 16384 registers are
// reported, never a panic, and writes stop where Redis stops.
func TestCorruptSparse(t *testing.T) {
	hdr := "HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80"
	for _, body := range []string{"", "\x7f", "\x7f\xfe", "\x7f\xff\x80", "\x7f\xff\x7f", "\x3f", "\xff\xff\xff", "\x7f\xfc\x83"} {
		s := []byte(hdr + body)
		require.True(t, Valid(s))
		_, err := Count(s)
		assert.ErrorIs(t, err, ErrCorrupt, "%q", body)
		_, _, err = ToDense(s)
		assert.ErrorIs(t, err, ErrCorrupt, "%q", body)
		var regs [Registers]uint8
		assert.ErrorIs(t, Merge(&regs, s), ErrCorrupt, "%q", body)
		_ = Decode(s)
		for i := 0; i < 200; i++ {
			s, _, _ = Add(s, strconv.Itoa(i), DefaultSparseMaxBytes)
		}
	}
	// A header that is not an HLL.
	for _, s := range []string{"", "HYLL", "HYLX\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00", "HYLL\x02\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00",
		"HYLL\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"} {
		assert.False(t, Valid([]byte(s)), "%q", s)
	}
}

// TestDecode renders opcodes as PFDEBUG DECODE.
func TestDecode(t *testing.T) {
	assert.Equal(t, "Z:16384", Decode(New()))
	s, _, err := Add(New(), "a", DefaultSparseMaxBytes)
	require.NoError(t, err)
	assert.Equal(t, "Z:12711 v:2,1 Z:3672", Decode(s)) // redis-server: PFADD k a; PFDEBUG DECODE k
	assert.Equal(t, "z:2 v:1,4 Z:2", Decode([]byte("HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01\x83\x40\x01")))
}

// TestSelfTest runs PFSELFTEST's checks.
func TestSelfTest(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("ten million additions, single-threaded: too slow under -short or -race")
	}
	require.NoError(t, SelfTest(DefaultSparseMaxBytes))
}

// FuzzHLL feeds arbitrary strings with an HLL header to every function:
// none may panic, and what they build stays a valid HLL.
func FuzzHLL(f *testing.F) {
	f.Add([]byte("HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x7f\xff"), "a", uint16(3000))
	f.Add([]byte("HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x7f\xfe\x80\x7f"), "b", uint16(20))
	f.Add([]byte("HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x7f"), "", uint16(0))
	f.Fuzz(func(t *testing.T, s []byte, ele string, limit uint16) {
		if !Valid(s) {
			return
		}
		_, _ = Count(s)
		var regs [Registers]uint8
		_ = Merge(&regs, s)
		_ = Decode(s)
		d, _, err := ToDense(s)
		if err == nil && !Valid(d) {
			t.Fatalf("ToDense made an invalid HLL from %q", s)
		}
		s2, _, err := Add(append([]byte(nil), s...), ele, int(limit))
		if err == nil && !Valid(s2) {
			t.Fatalf("Add made an invalid HLL from %q", s)
		}
		for i := 0; i < Registers; i += 997 {
			s2, _, _ = Set(s2, i, uint8(i%64), int(limit))
		}
	})
}
