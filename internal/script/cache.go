package script

import (
	"container/list"
	"sync"

	"github.com/kevydb/kevy/resp"
	lua "github.com/yuin/gopher-lua"
)

// Script is one compiled EVAL script. It is immutable and shared by every
// Lua state.
type Script struct {
	SHA   string // lower-case hex SHA1 of Body
	Body  string
	Flags Flags // from the #!lua shebang; FlagEvalCompat without one

	proto *lua.FunctionProto
	elem  *list.Element // in cache.lru
}

// cache holds compiled scripts by SHA, bounded by count and total body
// size; past either bound the least recently used scripts are evicted.
type cache struct {
	mu       sync.Mutex
	bySHA    map[string]*Script
	lru      list.List // front = most recently used
	bytes    int
	maxN     int
	maxBytes int
	gen      uint64 // bumped by flush: vms drop their closures
}

func (c *cache) get(sha string) *Script {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.bySHA[sha]
	if s != nil {
		c.lru.MoveToFront(s.elem)
	}
	return s
}

// add compiles body (unless cached) and caches it. The error is Redis's
// reply.
func (c *cache) add(body string) (*Script, resp.Reply, bool) {
	sha := SHA1(body)
	if s := c.get(sha); s != nil {
		return s, resp.Reply{}, true
	}
	flags, shebangLen, errReply, ok := ParseShebang(body)
	if !ok {
		return nil, errReply, false
	}
	proto, err := compile(body[shebangLen:], "user_script")
	if err != nil {
		return nil, resp.Err(noCRLF("ERR Error compiling script (new function): " + err.Error())), false
	}
	s := &Script{SHA: sha, Body: body, Flags: flags, proto: proto}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old := c.bySHA[sha]; old != nil { // compiled concurrently
		c.lru.MoveToFront(old.elem)
		return old, resp.Reply{}, true
	}
	s.elem = c.lru.PushFront(s)
	c.bySHA[sha] = s
	c.bytes += len(body)
	for (len(c.bySHA) > c.maxN || c.bytes > c.maxBytes) && c.lru.Len() > 1 {
		old := c.lru.Remove(c.lru.Back()).(*Script)
		delete(c.bySHA, old.SHA)
		c.bytes -= len(old.Body)
	}
	return s, resp.Reply{}, true
}

func (c *cache) exists(sha string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.bySHA[sha] != nil
}

func (c *cache) flush() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.bySHA = map[string]*Script{}
	c.lru.Init()
	c.bytes = 0
	c.gen++
}

func (c *cache) generation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

// stats returns the number of scripts and their total body size.
func (c *cache) stats() (n, bytes int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.bySHA), c.bytes
}
