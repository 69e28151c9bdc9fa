package bitops

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// bit returns bit i of b in Redis's numbering (0 = most significant bit of
// b[0]).
func bit(b []byte, i int) int { return int(b[i/8]>>(7-i%8)) & 1 }

func randBytes(r *rand.Rand, n int, density int) []byte {
	b := make([]byte, n)
	for i := range b {
		switch density {
		case 0:
		case 2:
			b[i] = 0xff
		default:
			b[i] = byte(r.Uint32())
		}
	}
	return b
}

// TestCountAndPos checks Count and Pos against bit-by-bit references over
// lengths around the word size and runs of zeros and ones.
func TestCountAndPos(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	for n := 0; n < 70; n++ {
		for density := 0; density < 3; density++ {
			b := randBytes(r, n, density)
			if n > 0 && density != 1 && r.IntN(2) == 0 {
				b[r.IntN(n)] ^= 1 << r.IntN(8) // one odd bit in a run
			}
			var want int64
			first := [2]int64{-1, -1}
			for i := 0; i < n*8; i++ {
				v := bit(b, i)
				want += int64(v)
				if first[v] < 0 {
					first[v] = int64(i)
				}
			}
			assert.Equal(t, want, Count(b))
			assert.Equal(t, first[1], Pos(b, 1), "Pos(%x, 1)", b)
			if first[0] < 0 {
				first[0] = int64(n) * 8 // zero padding on the right
			}
			assert.Equal(t, first[0], Pos(b, 0), "Pos(%x, 0)", b)
		}
	}
}

// TestGetSet round-trips integers of every width at every alignment and
// checks that neighbouring bits are left alone.
func TestGetSet(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 2))
	for width := 1; width <= 64; width++ {
		for off := uint64(0); off < 20; off++ {
			b := randBytes(r, 12, 1)
			orig := append([]byte(nil), b...)
			v := r.Uint64()
			if width < 64 {
				v &= 1<<width - 1
			}
			SetUnsigned(b, off, width, v)
			assert.Equal(t, v, GetUnsigned(b, off, width))
			for i := 0; i < len(b)*8; i++ {
				if uint64(i) < off || uint64(i) >= off+uint64(width) {
					require.Equal(t, bit(orig, i), bit(b, i), "width %d off %d: bit %d changed", width, off, i)
				}
			}
			sv := int64(v)
			if width < 64 && v&(1<<(width-1)) != 0 {
				sv = int64(v | math.MaxUint64<<width)
			}
			assert.Equal(t, sv, GetSigned(b, off, width))
			SetSigned(b, off, width, sv)
			assert.Equal(t, sv, GetSigned(b, off, width))
			assert.Equal(t, GetUnsigned(b, off, width), uint64(GetPadded(b, off, width, false)))
		}
	}
	assert.Equal(t, int64(0xfe), GetPadded([]byte{0x01, 0xfc}, 7, 8, false), "a field crossing a byte")
	assert.Equal(t, int64(0x80), GetPadded([]byte{0x01}, 7, 8, false), "zero padding past the end")
	assert.Equal(t, int64(-128), GetPadded([]byte{0x01}, 7, 8, true))
	assert.Equal(t, int64(0), GetPadded(nil, 1000, 64, true))
}

// bitfieldRef computes value+incr in exact arithmetic and applies a
// policy, for checking CheckSigned and CheckUnsigned.
func bitfieldRef(value, incr *big.Int, width int, signed bool, p Overflow) (of int, res *big.Int) {
	lo, hi := big.NewInt(0), new(big.Int).Lsh(big.NewInt(1), uint(width))
	hi.Sub(hi, big.NewInt(1))
	if signed {
		lo = new(big.Int).Neg(new(big.Int).Lsh(big.NewInt(1), uint(width-1)))
		hi = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), uint(width-1)), big.NewInt(1))
	}
	sum := new(big.Int).Add(value, incr)
	switch {
	case sum.Cmp(hi) > 0:
		of = 1
	case sum.Cmp(lo) < 0:
		of = -1
	default:
		return 0, sum
	}
	switch p {
	case Sat:
		if of > 0 {
			return of, hi
		}
		return of, lo
	case Wrap:
		mod := new(big.Int).Lsh(big.NewInt(1), uint(width))
		w := new(big.Int).Mod(sum, mod) // non-negative
		if signed && w.Cmp(hi) > 0 {
			w.Sub(w, mod)
		}
		return 1, w
	}
	return of, nil
}

// TestOverflow checks the overflow policies against exact arithmetic,
// for increments and for out-of-range SET values (incr 0).
func TestOverflow(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	edges := []int64{0, 1, -1, 2, -2, 127, -128, 255, 256, math.MaxInt64, math.MinInt64, math.MaxInt64 - 1, math.MinInt64 + 1}
	pick := func() int64 {
		if r.IntN(3) == 0 {
			return edges[r.IntN(len(edges))]
		}
		return r.Int64() >> r.IntN(64)
	}
	for i := 0; i < 50000; i++ {
		width := 1 + r.IntN(64)
		p := Overflow(r.IntN(2)) // Wrap or Sat; Fail reports as Sat does
		incr := pick()
		if i%4 == 0 {
			incr = 0 // a SET of an arbitrary value
		}
		// Signed: the stored value is in range unless incr is 0 (SET).
		v := pick()
		if incr != 0 && width < 64 {
			v = v & (1<<width - 1)
			if v&(1<<(width-1)) != 0 {
				v |= -1 << width
			}
		}
		of, res := CheckSigned(v, incr, width, p)
		wantOf, want := bitfieldRef(big.NewInt(v), big.NewInt(incr), width, true, p)
		if maxv := int64(1)<<(width-1) - 1; width < 64 && incr == 0 && int64(uint64(maxv)-uint64(v)) < 0 {
			// Redis's quirk: for a SET value so negative that max-value
			// overflows int64, its test "incr > max-value" holds, so the
			// value counts as an overflow (SAT gives the maximum).
			wantOf, want = 1, big.NewInt(maxv)
			if p == Wrap {
				_, want = bitfieldRef(big.NewInt(v), big.NewInt(0), width, true, Wrap)
			}
		}
		if p == Wrap && wantOf != 0 {
			wantOf = 1
		}
		require.Equal(t, wantOf, of, "signed v=%d incr=%d width=%d p=%d", v, incr, width, p)
		if of != 0 {
			require.Equal(t, want.Int64(), res, "signed v=%d incr=%d width=%d p=%d", v, incr, width, p)
		}
		if width == 64 {
			continue
		}
		// Unsigned (up to 63 bits).
		uv := uint64(pick())
		if incr != 0 {
			uv &= 1<<width - 1
		}
		uof, ures := CheckUnsigned(uv, incr, width, p)
		wantOf, want = bitfieldRef(new(big.Int).SetUint64(uv), big.NewInt(incr), width, false, p)
		if p == Wrap && wantOf != 0 {
			wantOf = 1
		}
		require.Equal(t, wantOf, uof, "unsigned v=%d incr=%d width=%d p=%d", uv, incr, width, p)
		if uof != 0 {
			require.Equal(t, want.Uint64(), ures, "unsigned v=%d incr=%d width=%d p=%d", uv, incr, width, p)
		}
	}
}

// TestApply checks the operations byte by byte over sources of unequal
// lengths (shorter ones read as zeros past their end).
func TestApply(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 4))
	for _, op := range []Op{And, Or, Xor, Not} {
		for k := 0; k < 50; k++ {
			nsrc := 1 + r.IntN(4)
			if op == Not {
				nsrc = 1
			}
			srcs := make([][]byte, nsrc)
			maxLen := 0
			for i := range srcs {
				srcs[i] = randBytes(r, r.IntN(40), 1)
				maxLen = max(maxLen, len(srcs[i]))
			}
			dst := make([]byte, maxLen)
			Apply(op, dst, srcs)
			for j := 0; j < maxLen; j++ {
				at := func(s []byte) byte {
					if j < len(s) {
						return s[j]
					}
					return 0
				}
				want := at(srcs[0])
				for _, s := range srcs[1:] {
					switch op {
					case And:
						want &= at(s)
					case Or:
						want |= at(s)
					case Xor:
						want ^= at(s)
					}
				}
				if op == Not {
					want = ^want
				}
				require.Equal(t, want, dst[j], "op %d byte %d", op, j)
			}
		}
	}
}
