package benchkit

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
)

// Table writes the results as a text table: one row per (workload,
// goroutines), one column per target (median ns/op), then the ratio of each
// target to the base target (>1 means slower than the base).
func Table(w io.Writer, cells []*Cell, targets []string, base string) {
	type rowKey struct {
		w string
		g int
	}
	rows := map[rowKey]map[string]float64{}
	var order []rowKey
	for _, c := range cells {
		k := rowKey{c.Workload, c.Goroutines}
		if rows[k] == nil {
			rows[k] = map[string]float64{}
			order = append(order, k)
		}
		rows[k][c.Target] = c.Median()
	}
	fmt.Fprintf(w, "%-8s %4s", "op", "gor")
	for _, t := range targets {
		fmt.Fprintf(w, " %14s", t)
	}
	for _, t := range targets {
		if t != base {
			fmt.Fprintf(w, " %16s", t+"/"+base)
		}
	}
	fmt.Fprintln(w)
	for _, k := range order {
		fmt.Fprintf(w, "%-8s %4d", k.w, k.g)
		for _, t := range targets {
			fmt.Fprintf(w, " %11.1f ns", rows[k][t])
		}
		for _, t := range targets {
			if t != base {
				b := rows[k][base]
				r := math.NaN()
				if b > 0 {
					r = rows[k][t] / b
				}
				fmt.Fprintf(w, " %15.2fx", r)
			}
		}
		fmt.Fprintln(w)
	}
}

// SVG writes a grouped bar chart of median ns/op (log scale), one group per
// (workload, goroutines), one bar per target.
func SVG(w io.Writer, cells []*Cell, targets []string, title string) error {
	type rowKey struct {
		w string
		g int
	}
	rows := map[rowKey]map[string]float64{}
	var order []rowKey
	maxV, minV := 0.0, math.Inf(1)
	for _, c := range cells {
		k := rowKey{c.Workload, c.Goroutines}
		if rows[k] == nil {
			rows[k] = map[string]float64{}
			order = append(order, k)
		}
		v := c.Median()
		rows[k][c.Target] = v
		maxV = math.Max(maxV, v)
		if v > 0 {
			minV = math.Min(minV, v)
		}
	}
	sort.SliceStable(order, func(i, j int) bool { return false })
	colors := []string{"#2b6cb0", "#c05621", "#2f855a", "#6b46c1", "#b7791f", "#718096"}
	const (
		left, top, bottom = 70, 40, 90
		barW, gap         = 16, 22
		height            = 300
	)
	groupW := len(targets)*barW + gap
	width := left + len(order)*groupW + 160
	lo := math.Floor(math.Log10(math.Max(minV, 1)))
	hi := math.Ceil(math.Log10(math.Max(maxV, 10)))
	y := func(v float64) float64 {
		if v <= 0 {
			return float64(top + height)
		}
		f := (math.Log10(v) - lo) / (hi - lo)
		return float64(top+height) - f*height
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="11">`+"\n", width, top+height+bottom)
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="white"/>`+"\n")
	fmt.Fprintf(&b, `<text x="%d" y="20" font-size="14">%s</text>`+"\n", left, escape(title))
	for e := lo; e <= hi; e++ {
		yy := y(math.Pow(10, e))
		fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#ddd"/>`+"\n", left, width-160, yy, yy)
		fmt.Fprintf(&b, `<text x="%d" y="%.1f" text-anchor="end">%s</text>`+"\n", left-6, yy+4, nsLabel(math.Pow(10, e)))
	}
	fmt.Fprintf(&b, `<text transform="rotate(-90)" x="%d" y="14" text-anchor="middle">ns per operation (log)</text>`+"\n", -(top + height/2))
	for gi, k := range order {
		x0 := left + gi*groupW + gap/2
		for ti, t := range targets {
			v := rows[k][t]
			yy := y(v)
			fmt.Fprintf(&b, `<rect x="%d" y="%.1f" width="%d" height="%.1f" fill="%s"><title>%s %s x%d: %.1f ns</title></rect>`+"\n",
				x0+ti*barW, yy, barW-2, float64(top+height)-yy, colors[ti%len(colors)], escape(t), k.w, k.g, v)
		}
		fmt.Fprintf(&b, `<text transform="translate(%d,%d) rotate(45)">%s x%d</text>`+"\n", x0, top+height+14, k.w, k.g)
	}
	for ti, t := range targets {
		lx := width - 150
		ly := top + 10 + ti*18
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="12" height="12" fill="%s"/><text x="%d" y="%d">%s</text>`+"\n", lx, ly, colors[ti%len(colors)], lx+18, ly+10, escape(t))
	}
	b.WriteString("</svg>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func nsLabel(v float64) string {
	switch {
	case v >= 1e6:
		return fmt.Sprintf("%gms", v/1e6)
	case v >= 1e3:
		return fmt.Sprintf("%gµs", v/1e3)
	}
	return fmt.Sprintf("%gns", v)
}

func escape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}
