package hll

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
)

// SelfTest is PFSELFTEST (Redis's pfselftestCommand): it checks that the
// dense registers read back what was written, 1000 times over random
// values, then adds ten million distinct elements to a dense and a sparse
// HLL side by side, checking at 1, 10, 100 ... elements that the sparse
// one is still sparse while small, that both estimate the same
// cardinality, and that the estimate is within six standard errors (one,
// at 10 elements). It returns nil or the failure, in Redis's words.
func SelfTest(sparseMax int) error {
	dense := make([]byte, DenseSize)
	copy(dense, "HYLL")
	regs := dense[HeaderSize:]
	var want [Registers]uint8
	for range 1000 {
		for i := range want {
			want[i] = uint8(rand.IntN(regMax + 1))
			denseSet(regs, i, want[i])
		}
		for i := range want {
			if v := denseGet(regs, i); v != want[i] {
				return fmt.Errorf("TESTFAILED Register %d should be %d but is %d", i, want[i], v)
			}
		}
	}

	clear(regs)
	sparse := New()
	relerr := 1.04 / math.Sqrt(Registers)
	checkpoint := uint64(1)
	seed := rand.Uint64()
	var ele [8]byte
	for j := uint64(1); j <= 10000000; j++ {
		binary.LittleEndian.PutUint64(ele[:], j^seed)
		e := string(ele[:])
		var err error
		if dense, _, err = Add(dense, e, sparseMax); err != nil {
			return err
		}
		if sparse, _, err = Add(sparse, e, sparseMax); err != nil {
			return err
		}
		if j != checkpoint {
			continue
		}
		if j < uint64(sparseMax/2) && IsDense(sparse) {
			return fmt.Errorf("TESTFAILED sparse encoding not used")
		}
		dc, _ := Count(dense)
		sc, _ := Count(sparse)
		if dc != sc {
			return fmt.Errorf("TESTFAILED dense/sparse disagree")
		}
		abserr := int64(checkpoint) - int64(dc)
		maxerr := uint64(math.Ceil(relerr * 6 * float64(checkpoint)))
		if j == 10 {
			maxerr = 1
		}
		if abserr < 0 {
			abserr = -abserr
		}
		if abserr > int64(maxerr) {
			return fmt.Errorf("TESTFAILED Too big error. card:%d abserr:%d", checkpoint, abserr)
		}
		checkpoint *= 10
	}
	return nil
}
