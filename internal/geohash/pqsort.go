package geohash

// PartialSort orders s so that positions lo..hi (inclusive) hold what a
// full sort would put there, with Redis's pqsort (Bentley and McIlroy's
// quicksort from "Engineering a Sort Function", recursing only into the
// parts that overlap lo..hi). GEORADIUS ... COUNT sorts its candidates
// this way, so elements that compare equal come out in the order this
// algorithm leaves them, which is what the replies must reproduce.
func PartialSort[T any](s []T, cmp func(a, b *T) int, lo, hi int) {
	pqsort(s, 0, len(s), cmp, lo, hi)
}

func pqsort[T any](s []T, base, n int, cmp func(a, b *T) int, lo, hi int) {
	swap := func(i, j int) { s[i], s[j] = s[j], s[i] }
	vecswap := func(i, j, n int) {
		for k := 0; k < n; k++ {
			swap(i+k, j+k)
		}
	}
	med3 := func(a, b, c int) int {
		if cmp(&s[a], &s[b]) < 0 {
			if cmp(&s[b], &s[c]) < 0 {
				return b
			}
			if cmp(&s[a], &s[c]) < 0 {
				return c
			}
			return a
		}
		if cmp(&s[b], &s[c]) > 0 {
			return b
		}
		if cmp(&s[a], &s[c]) < 0 {
			return a
		}
		return c
	}
	// outside reports whether the part [first, last] misses lo..hi.
	outside := func(first, last int) bool {
		return (lo < first && hi < first) || (lo > last && hi > last)
	}
	for {
		if n < 7 {
			for pm := base + 1; pm < base+n; pm++ {
				for pl := pm; pl > base && cmp(&s[pl-1], &s[pl]) > 0; pl-- {
					swap(pl, pl-1)
				}
			}
			return
		}
		pm := base + n/2
		if n > 7 {
			pl := base
			pn := base + n - 1
			if n > 40 {
				d := n / 8
				pl = med3(pl, pl+d, pl+2*d)
				pm = med3(pm-d, pm, pm+d)
				pn = med3(pn-2*d, pn-d, pn)
			}
			pm = med3(pl, pm, pn)
		}
		swap(base, pm)
		pa, pb := base+1, base+1
		pc, pd := base+n-1, base+n-1
		for {
			for pb <= pc {
				r := cmp(&s[pb], &s[base])
				if r > 0 {
					break
				}
				if r == 0 {
					swap(pa, pb)
					pa++
				}
				pb++
			}
			for pb <= pc {
				r := cmp(&s[pc], &s[base])
				if r < 0 {
					break
				}
				if r == 0 {
					swap(pc, pd)
					pd--
				}
				pc--
			}
			if pb > pc {
				break
			}
			swap(pb, pc)
			pb++
			pc--
		}
		pn := base + n
		r := min(pa-base, pb-pa)
		vecswap(base, pb-r, r)
		r = min(pd-pc, pn-pd-1)
		vecswap(pb, pn-r, r)
		if r = pb - pa; r > 1 && !outside(base, base+r-1) {
			pqsort(s, base, r, cmp, lo, hi)
		}
		if r = pd - pc; r > 1 {
			base, n = pn-r, r
			if !outside(base, base+n-1) {
				continue
			}
		}
		return
	}
}

// MergeSort sorts s as glibc's qsort does for the arrays GEORADIUS sorts
// (its msort: a top-down merge sort taking from the left run while
// cmp <= 0). For a consistent cmp that is any stable sort; a NaN distance
// makes Redis's comparator inconsistent, and then only the same algorithm
// gives the same order.
func MergeSort[T any](s []T, cmp func(a, b *T) int) {
	if len(s) < 2 {
		return
	}
	msort(s, make([]T, len(s)), cmp)
}

func msort[T any](b, tmp []T, cmp func(a, b *T) int) {
	n := len(b)
	if n <= 1 {
		return
	}
	n1 := n / 2
	b1, b2 := b[:n1], b[n1:]
	msort(b1, tmp, cmp)
	msort(b2, tmp, cmp)
	i, j, k := 0, 0, 0
	for i < len(b1) && j < len(b2) {
		if cmp(&b1[i], &b2[j]) <= 0 {
			tmp[k] = b1[i]
			i++
		} else {
			tmp[k] = b2[j]
			j++
		}
		k++
	}
	k += copy(tmp[k:], b1[i:])
	copy(b, tmp[:k]) // what is left of b2 is already in place
}
