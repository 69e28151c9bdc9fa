package acl

import (
	"strings"
	"sync"

	"github.com/kevydb/kevy/shard"
)

// The commands rules can name: every command and subcommand of Redis 7.0
// (shard.Catalog), whether kevy implements it or not, so that an ACL file
// written for Redis loads, and category rules, ACL CAT and the rule
// strings of ACL LIST come out as Redis's. A command's ID indexes the
// bits of a selector; one more bit, after the last command, records that
// the selector was given +@all ("future commands", Redis's reserved bit),
// which decides whether ACL LIST describes it from +@all or from -@all.

// Categories are Redis 7.0's ACL categories, in ACL CAT's order.
var Categories = []string{"keyspace", "read", "write", "set", "sortedset", "list", "hash", "string",
	"bitmap", "hyperloglog", "geo", "stream", "pubsub", "admin", "fast", "slow", "blocking",
	"dangerous", "connection", "transaction", "scripting"}

type catMask uint32

// categoryBit returns the bit of the category name (without "@", any
// case), or 0.
func categoryBit(name string) catMask {
	for i, c := range Categories {
		if equalFoldASCII(c, name) {
			return 1 << i
		}
	}
	return 0
}

type command struct {
	name   string // full name, lower case
	parent int    // -1 for a top-level command
	subs   []int  // sorted by name
	cats   catMask
}

type catalogue struct {
	cmds   []command
	top    []int          // the top-level commands, sorted by name
	byName map[string]int // by full name
	future int            // the reserved bit
	words  int            // uint64 words of a command bitmap
}

var theCatalogue = sync.OnceValue(func() *catalogue {
	entries := shard.Catalog()
	c := &catalogue{cmds: make([]command, len(entries)), byName: make(map[string]int, len(entries))}
	for _, e := range entries {
		var m catMask
		for _, name := range e.Categories {
			m |= categoryBit(strings.TrimPrefix(name, "@"))
		}
		c.cmds[e.ID] = command{name: e.FullName, parent: e.Parent, cats: m}
		c.byName[e.FullName] = e.ID
	}
	for _, e := range entries {
		if e.Parent < 0 {
			c.top = append(c.top, e.ID)
		} else {
			c.cmds[e.Parent].subs = append(c.cmds[e.Parent].subs, e.ID)
		}
	}
	c.future = len(entries)
	c.words = (c.future + 1 + 63) / 64
	return c
})

// lookup finds a command by name as Redis's ACLLookupCommand does: "name"
// or "container|sub", without case; -1 when there is none.
func (c *catalogue) lookup(name string) int {
	name = lowerASCII(name)
	base, sub, hasSub := strings.Cut(name, "|")
	if hasSub && strings.Contains(sub, "|") {
		return -1
	}
	id, ok := c.byName[base]
	if !ok {
		return -1
	}
	if !hasSub {
		return id
	}
	if len(c.cmds[id].subs) == 0 {
		return -1
	}
	sid, ok := c.byName[name]
	if !ok {
		return -1
	}
	return sid
}

// bits is a command bitmap.
type bits []uint64

func (b bits) has(id int) bool { return b[id>>6]&(1<<(id&63)) != 0 }

func (b bits) set(id int, on bool) {
	if on {
		b[id>>6] |= 1 << (id & 63)
	} else {
		b[id>>6] &^= 1 << (id & 63)
	}
}

func (b bits) fill(on bool) {
	var w uint64
	if on {
		w = ^uint64(0)
	}
	for i := range b {
		b[i] = w
	}
}

func (b bits) equal(o bits) bool {
	for i := range b {
		if b[i] != o[i] {
			return false
		}
	}
	return true
}

// lowerASCII lowers ASCII letters only, as C's tolower in the C locale.
func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if 'A' <= b[j] && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// equalFoldASCII is C's strcasecmp == 0.
func equalFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}
