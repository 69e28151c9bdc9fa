package geohash

import (
	"math"
	"math/big"
)

// Correctly rounded sine, cosine and arcsine.
//
// Redis computes distances with the C library's sin, cos and asin. On
// glibc these are correctly rounded except in about one case in a
// thousand, while Go's math package differs from them in a third of the
// cases by an ulp, enough to change the fourth decimal of a distance now
// and then. So the distance code uses these instead: the result is
// evaluated in double-double arithmetic (about 100 bits) and rounded once.
// Arguments the search code never produces in practice (|x| > 4 for sine
// and cosine) fall back to the math package.

// dd is an unevaluated sum hi + lo with |lo| <= ulp(hi)/2.
type dd struct{ hi, lo float64 }

func twoSum(a, b float64) (s, e float64) {
	s = a + b
	bb := s - a
	e = (a - (s - bb)) + (b - bb)
	return s, e
}

func twoProd(a, b float64) (p, e float64) {
	p = a * b
	return p, math.FMA(a, b, -p)
}

func ddNorm(s, e float64) dd {
	hi := s + e
	return dd{hi, e - (hi - s)}
}

func ddAdd(x, y dd) dd {
	s, e := twoSum(x.hi, y.hi)
	e += x.lo + y.lo
	return ddNorm(s, e)
}

func ddMul(x, y dd) dd {
	p, e := twoProd(x.hi, y.hi)
	e += x.hi*y.lo + x.lo*y.hi
	return ddNorm(p, e)
}

// π/2 as a sum of three doubles (about 160 bits).
const (
	pio2Hi  = 1.5707963267948966
	pio2Mid = 6.123233995736766e-17
	pio2Lo  = -1.4973849048591698e-33
)

// Taylor coefficients: sinCoef[i] = (-1)^i / (2i+1)!, cosCoef[i] =
// (-1)^i / (2i)!, as double-doubles, enough terms for |x| <= π/4.
var sinCoef, cosCoef = taylor()

const taylorTerms = 14

func taylor() (s, c [taylorTerms]dd) {
	fact := big.NewFloat(1).SetPrec(256)
	for n := 0; n < 2*taylorTerms; n++ {
		if n > 0 {
			fact.Mul(fact, big.NewFloat(float64(n)))
		}
		q := new(big.Float).SetPrec(256).Quo(big.NewFloat(1).SetPrec(256), fact)
		if (n/2)%2 == 1 {
			q.Neg(q)
		}
		hi, _ := q.Float64()
		lo, _ := new(big.Float).SetPrec(256).Sub(q, big.NewFloat(hi)).Float64()
		if n%2 == 0 {
			c[n/2] = dd{hi, lo}
		} else {
			s[n/2] = dd{hi, lo}
		}
	}
	return s, c
}

// poly evaluates sum coef[i]·x2^i in double-double (Horner).
func poly(coef *[taylorTerms]dd, x2 dd) dd {
	p := coef[taylorTerms-1]
	for i := taylorTerms - 2; i >= 0; i-- {
		p = ddAdd(ddMul(p, x2), coef[i])
	}
	return p
}

// sinCosDD returns sin(r) and cos(r) for |r| <= π/4 + a little, r given
// as a double-double.
func sinCosDD(r dd) (sin, cos dd) {
	x2 := ddMul(r, r)
	sin = ddMul(poly(&sinCoef, x2), r)
	cos = poly(&cosCoef, x2)
	return sin, cos
}

// reduce returns k and r with x = k·π/2 + r, |r| <= π/4 (about), r as a
// double-double; for |x| <= 4, where k·π/2's parts multiply exactly.
func reduce(x float64) (int, dd) {
	k := math.Round(x / pio2Hi)
	p1, e1 := twoProd(k, pio2Hi)
	p2, e2 := twoProd(k, pio2Mid)
	r := ddAdd(dd{x, 0}, dd{-p1, -e1})
	r = ddAdd(r, dd{-p2, -e2})
	r = ddAdd(r, dd{-k * pio2Lo, 0})
	return int(k), r
}

// Fast path: table-driven evaluation, accurate to about 2^-68 relative,
// with Ziv's rounding test: when the result is too close to a rounding
// boundary to be sure of the rounding (about once in 10^4), the
// double-double Taylor evaluation above decides.

const tabStep = 64 // table points every 1/64

// sinTab[j], cosTab[j] are sin(j/64) and cos(j/64) as double-doubles, for
// j/64 up to a little past π/4.
var sinTab, cosTab = func() (s, c [52]dd) {
	for j := range s {
		s[j], c[j] = sinCosDD(dd{float64(j) / tabStep, 0})
	}
	return s, c
}()

// tabEval returns sin(r), or cos(r) when !wantSin, for a double-double
// 0 <= r <= 0.8: sin(a+b) or cos(a+b) from the table's a nearest to r and
// short series in b, |b| <= 1/128.
func tabEval(r dd, wantSin bool) dd {
	j := int(r.hi*tabStep + 0.5)
	bh := r.hi - float64(j)/tabStep // exact
	bl := r.lo
	b2h, b2l := twoProd(bh, bh)
	b2l += 2 * bh * bl
	// sin(b) = bh + bl + sbt, cos(b) = 1 + cbt.
	sbt := float64(bh*b2h)*(-1.0/6+b2h*(1.0/120-b2h/5040)) - float64(b2h*bl)/2
	c4 := float64(b2h*b2h) * (1.0/24 - b2h/720)
	cbt := dd{-b2h / 2, -b2l/2 + c4}
	tail := bl + sbt
	sa, ca := sinTab[j], cosTab[j]
	if !wantSin {
		// cos(a+b) = ca + ca·cbt - sa·bh - sa·tail
		sa = dd{-sa.hi, -sa.lo}
		p3, e3 := twoProd(ca.hi, cbt.hi)
		e3 += ca.hi*cbt.lo + ca.lo*cbt.hi
		p4, e4 := twoProd(sa.hi, bh)
		e4 += sa.lo * bh
		return ddAdd(ddAdd(ca, dd{p3, e3}), dd{p4, e4 + sa.hi*tail})
	}
	// sin(a+b) = sa + sa·cbt + ca·bh + ca·tail
	p1, e1 := twoProd(sa.hi, cbt.hi)
	e1 += sa.hi*cbt.lo + sa.lo*cbt.hi
	p2, e2 := twoProd(ca.hi, bh)
	e2 += ca.lo * bh
	return ddAdd(ddAdd(sa, dd{p1, e1}), dd{p2, e2 + ca.hi*tail})
}

// round returns hi+lo rounded, and whether that rounding is certain given
// a relative error of up to 2^-64.
func round(y dd) (float64, bool) {
	e := math.Abs(y.hi) * 0x1p-64
	r1 := y.hi + (y.lo - e)
	r2 := y.hi + (y.lo + e)
	return r1, r1 == r2
}

// sinCos returns sin(x) (wantSin) or cos(x) for |x| <= 4, correctly
// rounded when the fast path is sure of it, else by the double-double
// series.
func sinCos(x float64, wantSin bool) float64 {
	var k int
	r := dd{x, 0}
	if math.Abs(x) > math.Pi/4 {
		k, r = reduce(x)
	}
	neg := r.hi < 0
	if neg {
		r = dd{-r.hi, -r.lo}
	}
	// sin(x) = ±sin(r) or ±cos(r) by k mod 4; cos(x) = sin(x + π/2).
	q := k & 3
	if !wantSin {
		q = (q + 1) & 3
	}
	// q even: sin(r) (odd in r); q odd: cos(r) (even in r).
	y := tabEval(r, q&1 == 0)
	if q&1 == 0 && neg {
		y = dd{-y.hi, -y.lo}
	}
	if q >= 2 {
		y = dd{-y.hi, -y.lo}
	}
	if v, ok := round(y); ok {
		return v
	}
	if neg {
		r = dd{-r.hi, -r.lo}
	}
	s, c := sinCosDD(r)
	switch q {
	case 0:
		return s.hi + s.lo
	case 1:
		return c.hi + c.lo
	case 2:
		return -(s.hi + s.lo)
	}
	return -(c.hi + c.lo)
}

// Sin returns sin(x) correctly rounded (but for extremely rare hard cases).
func Sin(x float64) float64 {
	if x == 0 || math.Abs(x) > 4 || x != x {
		return math.Sin(x)
	}
	return sinCos(x, true)
}

// Cos returns cos(x) correctly rounded (but for extremely rare hard cases).
func Cos(x float64) float64 {
	if math.Abs(x) > 4 || x != x {
		return math.Cos(x)
	}
	return sinCos(x, false)
}

// asinNewton returns asin(w) for a double-double 0 <= w <= 0.5 as a
// double-double: one Newton step from math.Asin, with sin from tab (the
// fast table) or the double-double series.
func asinNewton(w dd, tab bool) dd {
	y0 := math.Asin(w.hi)
	var s dd
	if tab {
		s = tabEval(dd{y0, 0}, true)
	} else {
		s, _ = sinCosDD(dd{y0, 0})
	}
	// sin(y0) - w: the high parts are within a few ulps, so s.hi - w.hi is
	// exact. The correction is tiny: the derivative cos(y0) is needed to
	// a few digits only.
	d := (s.hi - w.hi) + (s.lo - w.lo)
	delta := d / math.Sqrt(1-float64(w.hi*w.hi))
	return ddNorm(y0, -delta)
}

// Asin returns asin(x) correctly rounded (but for extremely rare hard
// cases), for -1 <= x <= 1; NaN otherwise.
func Asin(x float64) float64 {
	if x != x || x > 1 || x < -1 {
		return math.NaN()
	}
	if x == 0 {
		return x
	}
	sign := 1.0
	if x < 0 {
		x, sign = -x, -1
	}
	for _, tab := range [2]bool{true, false} {
		var y dd
		if x <= 0.5 {
			y = asinNewton(dd{x, 0}, tab)
		} else {
			// asin(x) = π/2 - 2·asin(sqrt((1-x)/2)); 1-x and the halving are exact.
			z := (1 - x) / 2
			wh := math.Sqrt(z)
			var wl float64
			if wh != 0 {
				wl = math.FMA(-wh, wh, z) / (2 * wh)
			}
			t := asinNewton(dd{wh, wl}, tab)
			s, e := twoSum(pio2Hi, -2*t.hi)
			y = ddNorm(s, e+(pio2Mid-2*t.lo))
		}
		if v, ok := round(y); ok {
			return sign * v
		}
		if !tab {
			return sign * (y.hi + y.lo)
		}
	}
	panic("unreachable")
}
