package deque

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// checkInvariants verifies the layout of d: sizes are powers of two, the
// mode matches the length rules, and every slot outside the live elements is
// cleared (so no removed string stays reachable).
func checkInvariants(t *testing.T, d *Deque) {
	t.Helper()
	require.GreaterOrEqual(t, d.n, 0)
	if d.blocks == nil {
		require.Zero(t, d.nblk)
		require.Nil(t, d.spare)
		require.LessOrEqual(t, d.n, len(d.buf))
		require.LessOrEqual(t, len(d.buf), blockSize)
		if len(d.buf) > 0 {
			require.Zero(t, len(d.buf)&(len(d.buf)-1), "ring size %d", len(d.buf))
			require.Less(t, d.head, len(d.buf))
		}
		if len(d.buf) > keepRing {
			require.Greater(t, d.n*4, len(d.buf), "ring of %d slots holds only %d", len(d.buf), d.n)
		}
		for k := d.n; k < len(d.buf); k++ {
			require.Empty(t, d.buf[(d.head+k)&(len(d.buf)-1)], "free ring slot not cleared")
		}
		return
	}
	require.Greater(t, d.n, smallMax, "block mode with a small deque")
	require.Zero(t, len(d.blocks)&(len(d.blocks)-1))
	require.LessOrEqual(t, d.nblk, len(d.blocks))
	require.Less(t, d.head, blockSize)
	// Exactly the blocks needed, no more.
	require.Equal(t, (d.head+d.n+blockSize-1)/blockSize, d.nblk, "blocks in use")
	for b := range len(d.blocks) {
		blk := d.blocks[(d.bhead+b)&(len(d.blocks)-1)]
		if b >= d.nblk {
			require.Nil(t, blk, "unused ring entry %d holds a block", b)
			continue
		}
		require.NotNil(t, blk)
		for s := range blockSize {
			p := b*blockSize + s
			if p < d.head || p >= d.head+d.n {
				require.Empty(t, blk[s], "free block slot not cleared")
			}
		}
	}
	if d.spare != nil {
		for _, v := range d.spare {
			require.Empty(t, v, "spare block not cleared")
		}
	}
	if len(d.blocks) > minBlockRing {
		require.Greater(t, d.nblk*4, len(d.blocks))
	}
}

// assertEqual checks that d holds exactly want, through every accessor.
func assertEqual(t *testing.T, want []string, d *Deque) {
	t.Helper()
	require.Equal(t, len(want), d.Len())
	for i, w := range want {
		v, ok := d.At(i)
		require.True(t, ok)
		require.Equal(t, w, v, "At(%d)", i)
	}
	var fwd []string
	d.Range(func(i int, v string) bool {
		require.Equal(t, len(fwd), i)
		fwd = append(fwd, v)
		return true
	})
	require.Equal(t, len(want), len(fwd))
	var rev []string
	d.RangeReverse(func(i int, v string) bool {
		require.Equal(t, len(want)-1-len(rev), i)
		rev = append(rev, v)
		return true
	})
	slices.Reverse(rev)
	require.Equal(t, len(want), len(rev))
	if len(want) > 0 {
		require.Equal(t, want, fwd)
		require.Equal(t, want, rev)
		f, _ := d.Front()
		b, _ := d.Back()
		require.Equal(t, want[0], f)
		require.Equal(t, want[len(want)-1], b)
	}
}

func TestEmpty(t *testing.T) {
	var d Deque
	for _, f := range []func() (string, bool){d.Front, d.Back, d.PopFront, d.PopBack} {
		v, ok := f()
		assert.False(t, ok)
		assert.Empty(t, v)
	}
	_, ok := d.At(0)
	assert.False(t, ok)
	_, ok = d.At(-1)
	assert.False(t, ok)
	assert.False(t, d.Set(0, "x"))
	_, ok = d.RemoveAt(0)
	assert.False(t, ok)
	assert.False(t, d.Insert(1, "x"))
	assert.False(t, d.Insert(-1, "x"))
	assert.Zero(t, d.Remove("x", 0))
	d.Trim(0, -1)
	d.Range(func(int, string) bool { t.Fatal("Range on empty deque"); return false })
	d.RangeReverse(func(int, string) bool { t.Fatal("RangeReverse on empty deque"); return false })
	assert.True(t, d.Insert(0, "a"))
	assertEqual(t, []string{"a"}, &d)
	checkInvariants(t, &d)
}

func TestOutOfRange(t *testing.T) {
	var d Deque
	for i := range 200 {
		d.PushBack(fmt.Sprint(i))
	}
	for _, i := range []int{-1, 200, 1 << 40, -1 << 40} {
		_, ok := d.At(i)
		assert.False(t, ok, "At(%d)", i)
		assert.False(t, d.Set(i, "x"), "Set(%d)", i)
		_, ok = d.RemoveAt(i)
		assert.False(t, ok, "RemoveAt(%d)", i)
	}
	assert.False(t, d.Insert(201, "x"))
	assert.Equal(t, 200, d.Len())
}

// TestModeTransitions walks the length across the ring/block boundaries from
// both ends and checks layout and contents at every step.
func TestModeTransitions(t *testing.T) {
	type end struct {
		name string
		push func(d *Deque, v string)
		pop  func(d *Deque) (string, bool)
	}
	ends := []end{
		{"back", (*Deque).PushBack, (*Deque).PopBack},
		{"front", (*Deque).PushFront, (*Deque).PopFront},
	}
	for _, in := range ends {
		for _, out := range ends {
			t.Run(in.name+"/"+out.name, func(t *testing.T) {
				var d Deque
				var model []string
				for i := range 3*blockSize + 5 {
					v := fmt.Sprint(i)
					in.push(&d, v)
					if in.name == "back" {
						model = append(model, v)
					} else {
						model = slices.Insert(model, 0, v)
					}
					checkInvariants(t, &d)
				}
				assert.NotNil(t, d.blocks)
				assertEqual(t, model, &d)
				for len(model) > 0 {
					v, ok := out.pop(&d)
					require.True(t, ok)
					if out.name == "back" {
						require.Equal(t, model[len(model)-1], v)
						model = model[:len(model)-1]
					} else {
						require.Equal(t, model[0], v)
						model = model[1:]
					}
					checkInvariants(t, &d)
				}
				assert.Nil(t, d.blocks, "an empty deque holds no blocks")
				assert.LessOrEqual(t, len(d.buf), keepRing)
				_, ok := out.pop(&d)
				assert.False(t, ok)
			})
		}
	}
}

func TestTrim(t *testing.T) {
	cases := []struct {
		n, start, stop int
	}{
		{10, 0, 9}, {10, 2, 5}, {10, -3, 4}, {10, 5, 100}, {10, 6, 5}, {10, 10, 20},
		{10, 0, -1}, {1000, 1, 998}, {1000, 500, 500}, {1000, 0, 40}, {1000, 900, 2000},
		{1000, 100, 900}, {129, 0, 127}, {129, 1, 128},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprint(tc.n, "/", tc.start, ":", tc.stop), func(t *testing.T) {
			var d Deque
			var model []string
			for i := range tc.n {
				d.PushBack(fmt.Sprint(i))
				model = append(model, fmt.Sprint(i))
			}
			d.Trim(tc.start, tc.stop)
			lo, hi := max(tc.start, 0), min(tc.stop, tc.n-1)
			want := []string{}
			if lo <= hi {
				want = model[lo : hi+1]
			}
			assertEqual(t, want, &d)
			checkInvariants(t, &d)
		})
	}
}

func TestRemove(t *testing.T) {
	base := []string{"a", "b", "a", "c", "a", "a", "d", "a"}
	cases := []struct {
		v     string
		count int
		want  []string
	}{
		{"a", 0, []string{"b", "c", "d"}},
		{"a", 2, []string{"b", "c", "a", "a", "d", "a"}},
		{"a", -2, []string{"a", "b", "a", "c", "a", "d"}},
		{"a", 100, []string{"b", "c", "d"}},
		{"a", -100, []string{"b", "c", "d"}},
		{"z", 0, base},
		{"d", -1, []string{"a", "b", "a", "c", "a", "a", "a"}},
	}
	for _, tc := range cases {
		for _, reps := range []int{1, 40} { // ring mode and block mode
			t.Run(fmt.Sprint(tc.v, tc.count, "x", reps), func(t *testing.T) {
				var d Deque
				var in, want []string
				for range reps {
					in = append(in, base...)
				}
				for _, v := range in {
					d.PushBack(v)
				}
				// Apply LREM to the model.
				limit := tc.count
				if limit < 0 {
					limit = -limit
				}
				if limit == 0 {
					limit = len(in)
				}
				removed := 0
				keep := make([]bool, len(in))
				order := make([]int, len(in))
				for i := range order {
					order[i] = i
					if tc.count < 0 {
						order[i] = len(in) - 1 - i
					}
				}
				for _, i := range order {
					keep[i] = !(in[i] == tc.v && removed < limit)
					if !keep[i] {
						removed++
					}
				}
				for i, v := range in {
					if keep[i] {
						want = append(want, v)
					}
				}
				if reps == 1 {
					require.Equal(t, tc.want, append([]string{}, want...))
				}
				assert.Equal(t, removed, d.Remove(tc.v, tc.count))
				if want == nil {
					want = []string{}
				}
				assertEqual(t, want, &d)
				checkInvariants(t, &d)
			})
		}
	}
}

func TestRangeFromAndStop(t *testing.T) {
	var d Deque
	for i := range 300 {
		d.PushBack(fmt.Sprint(i))
	}
	var got []int
	d.RangeFrom(250, func(i int, v string) bool {
		assert.Equal(t, fmt.Sprint(i), v)
		got = append(got, i)
		return len(got) < 5
	})
	assert.Equal(t, []int{250, 251, 252, 253, 254}, got)
	got = nil
	d.RangeReverseFrom(130, func(i int, v string) bool {
		assert.Equal(t, fmt.Sprint(i), v)
		got = append(got, i)
		return len(got) < 4
	})
	assert.Equal(t, []int{130, 129, 128, 127}, got)
	n := 0
	d.RangeFrom(-5, func(i int, _ string) bool { assert.Equal(t, n, i); n++; return true })
	assert.Equal(t, 300, n)
	d.RangeFrom(300, func(int, string) bool { t.Fatal("RangeFrom past the end"); return false })
	n = 0
	d.RangeReverseFrom(1000, func(i int, _ string) bool { assert.Equal(t, 299-n, i); n++; return true })
	assert.Equal(t, 300, n)
	d.RangeReverseFrom(-1, func(int, string) bool { t.Fatal("RangeReverseFrom before the start"); return false })
}

func TestClearReleases(t *testing.T) {
	var d Deque
	for i := range 1000 {
		d.PushFront(fmt.Sprint(i))
	}
	d.Clear()
	assert.Zero(t, d.Len())
	assert.Nil(t, d.blocks)
	assert.Nil(t, d.buf)
	assert.Nil(t, d.spare)
	d.PushBack("x")
	assertEqual(t, []string{"x"}, &d)
}

// TestModel runs random operations against a slice.
func TestModel(t *testing.T) {
	for seed := range uint64(6) {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 1))
			var d Deque
			var model []string
			steps := 30000
			if testing.Short() {
				steps = 8000
			}
			// target drifts so the length wanders across both modes.
			target := 0
			for step := range steps {
				if step%500 == 0 {
					target = rng.IntN(700)
				}
				grow := len(model) < target
				v := fmt.Sprint(step)
				switch op := rng.IntN(100); {
				case op < 22 && grow || op < 10:
					d.PushBack(v)
					model = append(model, v)
				case op < 44 && grow || op < 20:
					d.PushFront(v)
					model = slices.Insert(model, 0, v)
				case op < 55:
					got, ok := d.PopFront()
					require.Equal(t, len(model) > 0, ok)
					if ok {
						require.Equal(t, model[0], got)
						model = model[1:]
					}
				case op < 66:
					got, ok := d.PopBack()
					require.Equal(t, len(model) > 0, ok)
					if ok {
						require.Equal(t, model[len(model)-1], got)
						model = model[:len(model)-1]
					}
				case op < 72:
					i := rng.IntN(len(model) + 1)
					require.True(t, d.Insert(i, v))
					model = slices.Insert(model, i, v)
				case op < 78:
					if len(model) == 0 {
						continue
					}
					i := rng.IntN(len(model))
					got, ok := d.RemoveAt(i)
					require.True(t, ok)
					require.Equal(t, model[i], got)
					model = slices.Delete(model, i, i+1)
				case op < 86:
					if len(model) == 0 {
						continue
					}
					i := rng.IntN(len(model))
					require.True(t, d.Set(i, v))
					model[i] = v
				case op < 88:
					start, stop := rng.IntN(len(model)+2)-1, rng.IntN(len(model)+2)-1
					if grow {
						start, stop = rng.IntN(3), len(model)-rng.IntN(3)
					}
					d.Trim(start, stop)
					lo, hi := max(start, 0), min(stop, len(model)-1)
					if lo > hi {
						model = nil
					} else {
						model = slices.Clone(model[lo : hi+1])
					}
				case op < 90:
					if len(model) == 0 {
						continue
					}
					x := model[rng.IntN(len(model))]
					count := rng.IntN(5) - 2
					want := lremModel(model, x, count)
					require.Equal(t, len(model)-len(want), d.Remove(x, count))
					model = want
				default:
					if len(model) == 0 {
						continue
					}
					i := rng.IntN(len(model))
					got, ok := d.At(i)
					require.True(t, ok)
					require.Equal(t, model[i], got)
				}
				require.Equal(t, len(model), d.Len())
				if step%101 == 0 {
					checkInvariants(t, &d)
				}
				if step%1009 == 0 {
					assertEqual(t, append([]string{}, model...), &d)
				}
			}
			checkInvariants(t, &d)
			assertEqual(t, append([]string{}, model...), &d)
		})
	}
}

// lremModel applies LREM to a copy of s.
func lremModel(s []string, v string, count int) []string {
	out := slices.Clone(s)
	limit := count
	if count < 0 {
		limit = -count
	}
	if count == 0 {
		limit = len(s)
	}
	if count >= 0 {
		for i := 0; i < len(out) && limit > 0; {
			if out[i] == v {
				out = slices.Delete(out, i, i+1)
				limit--
				continue
			}
			i++
		}
		return out
	}
	for i := len(out) - 1; i >= 0 && limit > 0; i-- {
		if out[i] == v {
			out = slices.Delete(out, i, i+1)
			limit--
		}
	}
	return out
}
