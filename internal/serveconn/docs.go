package serveconn

import (
	"bytes"
	_ "embed"
	"errors"
	"strconv"
	"strings"
	"sync"

	"github.com/kevydb/kevy/resp"
	"github.com/kevydb/kevy/shard"
)

// COMMAND DOCS. redis-cli asks for it at start-up to build its hints and
// HELP text. commanddocs.resp is redis-server 7.0's own reply to COMMAND
// DOCS in RESP3 (regenerate with go test -run TestCommandDocsFile -update);
// the commands kevy does not serve are left out when it is answered.

//go:embed commanddocs.resp
var commandDocsRaw []byte

// node is a RESP3 value with its type kept: kind is the RESP3 type byte
// ('%' map, '~' set, '*' array, '$' bulk, '+' simple, ':' integer, '_'
// null). Maps hold keys and values in turn in elems.
type node struct {
	kind  byte
	str   string
	n     int64
	elems []node
}

var (
	docsOnce sync.Once
	docsAll  map[string]*node // command name -> its doc map
	docsErr  error
)

func loadDocs() {
	docsOnce.Do(func() {
		top, rest, err := parseNode(commandDocsRaw, 0)
		if err == nil && (top.kind != '%' || len(bytes.TrimSpace(rest)) != 0) {
			err = errors.New("serveconn: commanddocs.resp is not one map")
		}
		if err != nil {
			docsErr = err
			return
		}
		docsAll = make(map[string]*node, len(top.elems)/2)
		for i := 0; i+1 < len(top.elems); i += 2 {
			docsAll[top.elems[i].str] = &top.elems[i+1]
		}
	})
}

// parseNode parses one RESP3 value from b.
func parseNode(b []byte, depth int) (node, []byte, error) {
	if depth > 32 {
		return node{}, nil, errors.New("serveconn: docs nested too deeply")
	}
	i := bytes.Index(b, []byte("\r\n"))
	if i < 1 {
		return node{}, nil, errors.New("serveconn: truncated docs")
	}
	kind, line, rest := b[0], string(b[1:i]), b[i+2:]
	switch kind {
	case '+', '-':
		return node{kind: '+', str: line}, rest, nil
	case '_':
		return node{kind: '_'}, rest, nil
	case ':':
		n, err := strconv.ParseInt(line, 10, 64)
		return node{kind: ':', n: n}, rest, err
	case '$':
		n, err := strconv.Atoi(line)
		if err != nil || n < 0 || n+2 > len(rest) {
			return node{}, nil, errors.New("serveconn: bad docs bulk")
		}
		return node{kind: '$', str: string(rest[:n])}, rest[n+2:], nil
	case '%', '~', '*':
		n, err := strconv.Atoi(line)
		if err != nil || n < 0 || n > len(rest) {
			return node{}, nil, errors.New("serveconn: bad docs aggregate")
		}
		if kind == '%' {
			n *= 2
		}
		out := node{kind: kind, elems: make([]node, 0, n)}
		for range n {
			var e node
			e, rest, err = parseNode(rest, depth+1)
			if err != nil {
				return node{}, nil, err
			}
			out.elems = append(out.elems, e)
		}
		return out, rest, nil
	}
	return node{}, nil, errors.New("serveconn: unexpected docs type")
}

// appendNode writes n in RESP3 (proto 3) or RESP2, where maps become flat
// arrays and sets arrays.
func appendNode(dst []byte, n *node, proto int) []byte {
	switch n.kind {
	case '+':
		return resp.AppendReply(dst, resp.StatusReply(n.str))
	case '$':
		return resp.AppendReply(dst, resp.BulkReply(n.str))
	case ':':
		return resp.AppendReply(dst, resp.IntReply(n.n))
	case '_':
		return resp.AppendReplyProto(dst, resp.NilReply, proto)
	}
	kind, cnt := n.kind, len(n.elems)
	if proto != 3 {
		kind = '*'
	} else if kind == '%' {
		cnt /= 2
	}
	dst = appendLen(dst, kind, cnt)
	for i := range n.elems {
		dst = appendNode(dst, &n.elems[i], proto)
	}
	return dst
}

// toReply converts n to a RESP2 reply.
func (n *node) toReply() resp.Reply {
	switch n.kind {
	case '+':
		return resp.StatusReply(n.str)
	case '$':
		return resp.BulkReply(n.str)
	case ':':
		return resp.IntReply(n.n)
	case '_':
		return resp.NilReply
	}
	out := make([]resp.Reply, len(n.elems))
	for i := range n.elems {
		out[i] = n.elems[i].toReply()
	}
	return resp.ArrayReply(out)
}

// liveDoc returns the docs of the live command name (a top-level name, or
// "container|sub"), with subcommands kevy lacks left out; nil when kevy
// does not serve it or Redis has no docs for it.
func liveDoc(name string) *node {
	loadDocs()
	name = strings.ToLower(name)
	parent, sub, isSub := strings.Cut(name, "|")
	cmd := shard.Lookup(parent)
	if cmd == nil {
		return nil
	}
	doc := docsAll[parent]
	if doc == nil {
		return nil
	}
	if isSub {
		if cmd.Subs[sub] == nil {
			return nil
		}
		subs := field(doc, "subcommands")
		if subs == nil {
			return nil
		}
		return field(subs, name)
	}
	if cmd.Subs == nil {
		return doc
	}
	// Keep the live subcommands only.
	out := &node{kind: doc.kind, elems: make([]node, 0, len(doc.elems))}
	for i := 0; i+1 < len(doc.elems); i += 2 {
		k, v := doc.elems[i], doc.elems[i+1]
		if k.str == "subcommands" {
			kept := node{kind: v.kind}
			for j := 0; j+1 < len(v.elems); j += 2 {
				_, s, _ := strings.Cut(v.elems[j].str, "|")
				if cmd.Subs[s] != nil {
					kept.elems = append(kept.elems, v.elems[j], v.elems[j+1])
				}
			}
			v = kept
		}
		out.elems = append(out.elems, k, v)
	}
	return out
}

// field returns the value of key in the map m, or nil.
func field(m *node, key string) *node {
	for i := 0; i+1 < len(m.elems); i += 2 {
		if m.elems[i].str == key {
			return &m.elems[i+1]
		}
	}
	return nil
}

// commandDocs builds COMMAND DOCS's reply for names (none: every live
// command) as a map node.
func commandDocs(names []string) *node {
	loadDocs()
	out := &node{kind: '%'}
	if docsErr != nil {
		return out
	}
	add := func(name string) {
		if d := liveDoc(name); d != nil {
			out.elems = append(out.elems, node{kind: '$', str: strings.ToLower(name)}, *d)
		}
	}
	if len(names) == 0 {
		for _, c := range shard.Commands() {
			add(c.Name)
		}
		return out
	}
	for _, n := range names {
		add(n)
	}
	return out
}

// AppendCommandDocs appends COMMAND DOCS's reply for names (none: every
// command kevy serves) in protocol proto.
func AppendCommandDocs(dst []byte, names []string, proto int) []byte {
	return appendNode(dst, commandDocs(names), proto)
}

// CommandDocs returns COMMAND DOCS's reply for names as a RESP2 reply, for
// embedded connections.
func CommandDocs(names []string) resp.Reply {
	return commandDocs(names).toReply()
}
