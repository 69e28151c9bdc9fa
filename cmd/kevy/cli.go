package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/kevydb/kevy"
	"github.com/kevydb/kevy/resp"
)

// kevy cli: a redis-cli-like prompt on a kevy server or an embedded store.

type cliOptions struct {
	host, pass, dir, user string
	port, db              int
	mem, raw, noRaw       bool
	histFile              string
}

func runCLI(args []string) error {
	fs := flag.NewFlagSet("cli", flag.ContinueOnError)
	o := &cliOptions{}
	fs.StringVar(&o.host, "h", "127.0.0.1", "server host")
	fs.IntVar(&o.port, "p", 6379, "server port")
	fs.StringVar(&o.pass, "a", "", "password (AUTH)")
	fs.StringVar(&o.user, "user", "", "user name for AUTH (with -a)")
	fs.IntVar(&o.db, "n", 0, "database number")
	fs.StringVar(&o.dir, "dir", "", "open this data directory in-process instead of connecting to a server")
	fs.BoolVar(&o.mem, "mem", false, "open an in-memory store in-process instead of connecting to a server")
	fs.BoolVar(&o.raw, "raw", false, "print replies raw (the default when stdout is not a terminal)")
	fs.BoolVar(&o.noRaw, "no-raw", false, "print replies formatted even when stdout is not a terminal")
	fs.StringVar(&o.histFile, "history", defaultHistFile(), "history file (\"\": none)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cl, closeFn, err := dialCLI(o)
	if err != nil {
		return err
	}
	defer closeFn()
	raw := o.raw || (!o.noRaw && !isTerminal(os.Stdout))
	if fs.NArg() > 0 {
		r, err := cl.do(fs.Args())
		if err != nil {
			return err
		}
		printReply(os.Stdout, r, raw) // an error reply exits 0, as with redis-cli 7.0
		if isSubscribe(fs.Args()[0]) {
			return cl.readPushes(os.Stdout, raw)
		}
		return nil
	}
	return repl(cl, o, raw)
}

// errSilent makes main exit with status 1 without printing anything more.
var errSilent = errors.New("")

func defaultHistFile() string {
	if h := os.Getenv("KEVYCLI_HISTFILE"); h != "" {
		if h == "/dev/null" {
			return ""
		}
		return h
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	return filepath.Join(home, ".kevycli_history")
}

// cliClient speaks RESP2 over a connection.
type cliClient struct {
	nc   net.Conn
	rd   *resp.Reader
	buf  []byte
	name string // for the prompt
	db   int
}

func dialCLI(o *cliOptions) (*cliClient, func(), error) {
	var nc net.Conn
	var name string
	closeFn := func() {}
	if o.dir != "" || o.mem {
		db, err := kevy.Open(kevy.Config{Dir: o.dir})
		if err != nil {
			return nil, nil, err
		}
		nc, err = kevy.Dialer(db)(context.Background(), "", "")
		if err != nil {
			return nil, nil, errors.Join(err, db.Close())
		}
		name = "kevy"
		if o.dir != "" {
			name = "kevy:" + o.dir
		}
		closeFn = func() {
			_ = nc.Close()
			if err := db.Close(); err != nil {
				fmt.Fprintln(os.Stderr, "kevy cli: closing the store:", err)
			}
		}
	} else {
		addr := net.JoinHostPort(o.host, strconv.Itoa(o.port))
		var err error
		nc, err = net.DialTimeout("tcp", addr, 5*time.Second)
		if err != nil {
			return nil, nil, fmt.Errorf("could not connect to %s: %w", addr, err)
		}
		name = addr
		closeFn = func() { _ = nc.Close() }
	}
	cl := &cliClient{nc: nc, rd: resp.NewReader(nc, resp.ReaderOptions{}), name: name}
	if o.pass != "" {
		args := []string{"AUTH", o.pass}
		if o.user != "" {
			args = []string{"AUTH", o.user, o.pass}
		}
		if r, err := cl.do(args); err != nil || r.Kind == resp.Error {
			closeFn()
			if err == nil {
				err = errors.New(r.Str)
			}
			return nil, nil, fmt.Errorf("AUTH failed: %w", err)
		}
	}
	if o.db != 0 {
		if r, err := cl.do([]string{"SELECT", strconv.Itoa(o.db)}); err != nil || r.Kind == resp.Error {
			closeFn()
			if err == nil {
				err = errors.New(r.Str)
			}
			return nil, nil, fmt.Errorf("SELECT failed: %w", err)
		}
		cl.db = o.db
	}
	return cl, closeFn, nil
}

// do sends one command and reads its reply.
func (c *cliClient) do(args []string) (resp.Reply, error) {
	c.buf = resp.AppendCommand(c.buf[:0], args...)
	if _, err := c.nc.Write(c.buf); err != nil {
		return resp.Reply{}, err
	}
	r, err := c.rd.ReadReply()
	if err == nil && r.Kind != resp.Error && strings.EqualFold(args[0], "select") && len(args) == 2 {
		c.db, _ = strconv.Atoi(args[1])
	}
	return r, err
}

// readPushes prints messages of a subscribed connection until it closes.
func (c *cliClient) readPushes(w io.Writer, raw bool) error {
	if !raw {
		fmt.Fprintln(w, "Reading messages... (press Ctrl-C to quit)")
	}
	for {
		r, err := c.rd.ReadReply()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		printReply(w, r, raw)
	}
}

func isSubscribe(name string) bool {
	switch strings.ToLower(name) {
	case "subscribe", "psubscribe":
		return true
	}
	return false
}

func (c *cliClient) prompt() string {
	if c.db != 0 {
		return fmt.Sprintf("%s[%d]> ", c.name, c.db)
	}
	return c.name + "> "
}

// repl runs the interactive prompt, or executes stdin line by line when it
// is not a terminal.
func repl(cl *cliClient, o *cliOptions, raw bool) error {
	interactive := isTerminal(os.Stdin)
	var ed *lineEditor
	var sc *bufio.Scanner
	if interactive {
		ed = newLineEditor(os.Stdin, os.Stdout, o.histFile)
		defer ed.close()
	} else {
		sc = bufio.NewScanner(os.Stdin)
		sc.Buffer(make([]byte, 64<<10), 512<<20)
	}
	for {
		var line string
		if interactive {
			l, err := ed.readLine(cl.prompt())
			if err != nil {
				if errors.Is(err, io.EOF) {
					return nil
				}
				return err
			}
			line = l
		} else {
			if !sc.Scan() {
				return sc.Err()
			}
			line = sc.Text()
		}
		args, ok := resp.SplitArgs(line)
		if !ok {
			fmt.Fprintln(os.Stdout, "Invalid argument(s)")
			continue
		}
		if len(args) == 0 {
			continue
		}
		if interactive {
			ed.addHistory(line)
		}
		switch strings.ToLower(args[0]) {
		case "quit", "exit":
			return nil
		case "clear":
			fmt.Fprint(os.Stdout, "\033[H\033[2J")
			continue
		}
		r, err := cl.do(args)
		if err != nil {
			return fmt.Errorf("connection lost: %w", err)
		}
		printReply(os.Stdout, r, raw)
		if isSubscribe(args[0]) && r.Kind != resp.Error {
			return cl.readPushes(os.Stdout, raw)
		}
	}
}

// printReply prints r as redis-cli does: formatted for a terminal, or raw.
func printReply(w io.Writer, r resp.Reply, raw bool) {
	if raw {
		fmt.Fprint(w, formatRaw(r)+"\n")
		return
	}
	fmt.Fprint(w, formatTTY(r, ""))
}

// formatTTY is redis-cli's formatting for a terminal.
func formatTTY(r resp.Reply, prefix string) string {
	switch r.Kind {
	case resp.Error:
		return "(error) " + r.Str + "\n"
	case resp.Status:
		return r.Str + "\n"
	case resp.Int:
		return "(integer) " + strconv.FormatInt(r.Int, 10) + "\n"
	case resp.Bulk:
		return quoteRepr(r.Str) + "\n"
	case resp.Nil, resp.NilArray:
		return "(nil)\n"
	}
	if len(r.Elems) == 0 {
		return "(empty array)\n"
	}
	idxlen := len(strconv.Itoa(len(r.Elems)))
	sub := prefix + strings.Repeat(" ", idxlen+2)
	var b strings.Builder
	for i, e := range r.Elems {
		if i > 0 {
			b.WriteString(prefix)
		}
		fmt.Fprintf(&b, "%*d) ", idxlen, i+1)
		b.WriteString(formatTTY(e, sub))
	}
	return b.String()
}

// formatRaw is redis-cli's raw formatting (--raw, or stdout not a terminal).
func formatRaw(r resp.Reply) string {
	switch r.Kind {
	case resp.Nil, resp.NilArray:
		return ""
	case resp.Error:
		return r.Str + "\n"
	case resp.Status, resp.Bulk:
		return r.Str
	case resp.Int:
		return strconv.FormatInt(r.Int, 10)
	}
	parts := make([]string, len(r.Elems))
	for i, e := range r.Elems {
		parts[i] = formatRaw(e)
	}
	return strings.Join(parts, "\n")
}

// quoteRepr quotes s as Redis's sdscatrepr does.
func quoteRepr(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch ch := s[i]; ch {
		case '\\', '"':
			b.WriteByte('\\')
			b.WriteByte(ch)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\a':
			b.WriteString(`\a`)
		case '\b':
			b.WriteString(`\b`)
		default:
			if ch >= 0x20 && ch < 0x7f {
				b.WriteByte(ch)
			} else {
				fmt.Fprintf(&b, `\x%02x`, ch)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}
