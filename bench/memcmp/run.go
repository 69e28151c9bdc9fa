package memcmp

import (
	"fmt"
	"io"
	"strconv"
	"time"
)

// Measurement is what one server holds after loading one dataset.
type Measurement struct {
	Server   string
	Dataset  string
	RSS      int64 // growth of the process's resident set while loading, after settling
	RSSPurge int64 // the same after MEMORY PURGE (jemalloc's purge; kevy: a GC that returns memory to the OS)
	Used     int64 // growth of INFO used_memory
	Usage    int64 // MEMORY USAGE of the dataset's sample key
	HeapLive int64 // kevy only: growth of the live Go heap (INFO kevy_go_heap_live); -1 otherwise
	Load     time.Duration
}

// Options tune a run.
type Options struct {
	Settle time.Duration // wait after loading before measuring; 0 = 2s
	Batch  int           // commands per pipelined batch; 0 = 1000
	Log    io.Writer     // progress; nil = none
}

// Measure starts a fresh server with start, loads ds into it and measures
// it, then stops it.
func Measure(name string, start func() (*Server, error), ds Dataset, o Options) (Measurement, error) {
	if o.Settle == 0 {
		o.Settle = 2 * time.Second
	}
	if o.Batch == 0 {
		o.Batch = 1000
	}
	m := Measurement{Server: name, Dataset: ds.Name, HeapLive: -1}
	srv, err := start()
	if err != nil {
		return m, err
	}
	defer srv.Stop()
	c, err := Dial(srv.Addr)
	if err != nil {
		return m, err
	}
	defer c.Close()
	rss0, used0, heap0, err := snapshot(c, srv)
	if err != nil {
		return m, err
	}
	t0 := time.Now()
	n, err := c.Load(ds.Gen, o.Batch)
	if err != nil {
		return m, fmt.Errorf("%s: loading %s: %w", name, ds.Name, err)
	}
	m.Load = time.Since(t0)
	if o.Log != nil {
		fmt.Fprintf(o.Log, "%s: %s: %d commands in %v\n", name, ds.Name, n, m.Load.Round(time.Millisecond))
	}
	if err := checkKeys(c, ds.Keys); err != nil {
		return m, fmt.Errorf("%s: %s: %w", name, ds.Name, err)
	}
	time.Sleep(o.Settle)
	rss1, used1, heap1, err := snapshot(c, srv)
	if err != nil {
		return m, err
	}
	m.RSS, m.Used = rss1-rss0, used1-used0
	if heap0 >= 0 {
		m.HeapLive = heap1 - heap0
	}
	r, err := c.Do("MEMORY", "USAGE", ds.Sample)
	if err != nil {
		return m, err
	}
	m.Usage = r.Int
	if _, err := c.Do("MEMORY", "PURGE"); err != nil {
		return m, err
	}
	time.Sleep(o.Settle / 4)
	rss2, err := srv.RSS()
	if err != nil {
		return m, err
	}
	m.RSSPurge = rss2 - rss0
	return m, nil
}

// snapshot reads the RSS, used_memory and (kevy only) the live Go heap.
func snapshot(c *Client, srv *Server) (rss, used, heap int64, err error) {
	info, err := c.Info("all")
	if err != nil {
		return 0, 0, 0, err
	}
	if used, err = strconv.ParseInt(info["used_memory"], 10, 64); err != nil {
		return 0, 0, 0, fmt.Errorf("used_memory: %w", err)
	}
	heap = -1
	if v, ok := info["kevy_go_heap_live"]; ok {
		if heap, err = strconv.ParseInt(v, 10, 64); err != nil {
			return 0, 0, 0, err
		}
	}
	rss, err = srv.RSS()
	return rss, used, heap, err
}

// checkKeys verifies that the server holds want keys.
func checkKeys(c *Client, want int) error {
	r, err := c.Do("DBSIZE")
	if err != nil {
		return err
	}
	if r.Int != int64(want) {
		return fmt.Errorf("DBSIZE %d after loading, want %d", r.Int, want)
	}
	return nil
}

// Table writes measurements of two servers side by side, in Markdown:
// per dataset the figures of base (redis-server) and other (kevy) and
// other ÷ base.
func Table(w io.Writer, descs map[string]string, base, other []Measurement) {
	fmt.Fprintln(w, "| data | RSS redis | RSS kevy | ÷ | RSS after purge redis | kevy | ÷ | used_memory redis | kevy | ÷ | MEMORY USAGE redis | kevy | ÷ | kevy live heap |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	for i := range base {
		b, o := base[i], other[i]
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %d | %d | %s | %s |\n",
			descs[b.Dataset],
			mb(b.RSS), mb(o.RSS), ratio(o.RSS, b.RSS),
			mb(b.RSSPurge), mb(o.RSSPurge), ratio(o.RSSPurge, b.RSSPurge),
			mb(b.Used), mb(o.Used), ratio(o.Used, b.Used),
			b.Usage, o.Usage, ratio(o.Usage, b.Usage),
			mb(o.HeapLive))
	}
}

func mb(n int64) string {
	if n < 0 {
		return "–"
	}
	return fmt.Sprintf("%.1f MB", float64(n)/1e6)
}

func ratio(a, b int64) string {
	if b <= 0 {
		return "–"
	}
	return fmt.Sprintf("%.2f×", float64(a)/float64(b))
}
