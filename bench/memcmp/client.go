package memcmp

import (
	"bufio"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/kevydb/kevy/resp"
)

// Client is a pipelining RESP2 client of one server, enough for loading
// data and reading INFO.
type Client struct {
	conn net.Conn
	w    *bufio.Writer
	r    *resp.Reader
	buf  []byte
}

// Dial connects to addr.
func Dial(addr string) (*Client, error) {
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return nil, err
	}
	return &Client{conn: c, w: bufio.NewWriterSize(c, 1<<16),
		r: resp.NewReader(c, resp.ReaderOptions{MaxBulkLen: 1 << 30})}, nil
}

// Close closes the connection.
func (c *Client) Close() error { return c.conn.Close() }

// send buffers one command.
func (c *Client) send(argv []string) error {
	b := append(c.buf[:0], '*')
	b = strconv.AppendInt(b, int64(len(argv)), 10)
	b = append(b, '\r', '\n')
	for _, a := range argv {
		b = append(b, '$')
		b = strconv.AppendInt(b, int64(len(a)), 10)
		b = append(b, '\r', '\n')
		b = append(b, a...)
		b = append(b, '\r', '\n')
	}
	c.buf = b
	_, err := c.w.Write(b)
	return err
}

// Do sends one command and reads its reply.
func (c *Client) Do(argv ...string) (resp.Reply, error) {
	if err := c.send(argv); err != nil {
		return resp.Reply{}, err
	}
	if err := c.w.Flush(); err != nil {
		return resp.Reply{}, err
	}
	r, err := c.r.ReadReply()
	if err == nil && r.Kind == resp.Error {
		err = fmt.Errorf("%v: %s", argv, r.Str)
	}
	return r, err
}

// Load sends every command of gen, pipelined in batches of batch
// commands, and fails on the first error reply.
func (c *Client) Load(gen func(emit func(argv []string)), batch int) (int, error) {
	pending, total := 0, 0
	var err error
	drain := func() {
		if err == nil {
			err = c.w.Flush()
		}
		for ; pending > 0 && err == nil; pending-- {
			var r resp.Reply
			r, err = c.r.ReadReply()
			if err == nil && r.Kind == resp.Error {
				err = fmt.Errorf("error reply: %s", r.Str)
			}
		}
	}
	gen(func(argv []string) {
		if err != nil {
			return
		}
		if err = c.send(argv); err != nil {
			return
		}
		pending++
		total++
		if pending == batch {
			drain()
		}
	})
	drain()
	return total, err
}

// Info returns the fields of INFO section.
func (c *Client) Info(section string) (map[string]string, error) {
	r, err := c.Do("INFO", section)
	if err != nil {
		return nil, err
	}
	m := map[string]string{}
	for _, line := range strings.Split(r.Str, "\r\n") {
		if k, v, ok := strings.Cut(line, ":"); ok {
			m[k] = v
		}
	}
	return m, nil
}

// InfoInt returns one integer field of INFO section.
func (c *Client) InfoInt(section, field string) (int64, error) {
	m, err := c.Info(section)
	if err != nil {
		return 0, err
	}
	v, ok := m[field]
	if !ok {
		return 0, fmt.Errorf("INFO %s has no %s", section, field)
	}
	return strconv.ParseInt(v, 10, 64)
}
