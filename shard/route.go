package shard

import (
	"math/bits"
	"slices"
	"strings"

	"github.com/cespare/xxhash/v2"
)

// Router maps keys to shards. A key's shard is
//
//	hi64(xxhash64(tag(key)) * n)
//
// (Lemire's multiply-shift reduction of the 64-bit hash onto n shards),
// where tag(key) is the Redis Cluster hash tag: the bytes between the first
// '{' and the first '}' after it, when that is non-empty, else the whole
// key. So "{user1}:a" and "{user1}:b" share a shard. The function is part of
// the on-disk format (a data directory records it) and never changes.
type Router struct {
	n uint64
}

// NewRouter returns the router for n shards (n >= 1).
func NewRouter(n int) Router {
	if n < 1 {
		n = 1
	}
	return Router{n: uint64(n)}
}

// N returns the number of shards.
func (r Router) N() int { return int(r.n) }

// Shard returns the shard of key.
func (r Router) Shard(key string) int {
	if r.n == 1 {
		return 0
	}
	hi, _ := bits.Mul64(xxhash.Sum64String(HashTag(key)), r.n)
	return int(hi)
}

// HashTag returns the part of key that decides its shard.
func HashTag(key string) string {
	i := strings.IndexByte(key, '{')
	if i < 0 {
		return key
	}
	j := strings.IndexByte(key[i+1:], '}')
	if j <= 0 {
		return key
	}
	return key[i+1 : i+1+j]
}

// Shards appends to dst the distinct shards of the command's keys in
// args, in ascending order, and returns it. A command with no keys yields
// an empty result.
func (r Router) Shards(cmd *Command, args []string, dst []int) []int {
	var kbuf [16]int
	keys := cmd.Keys(args, kbuf[:0])
	start := len(dst)
	for _, k := range keys {
		s := r.Shard(args[k])
		if !slices.Contains(dst[start:], s) {
			dst = append(dst, s)
		}
	}
	slices.Sort(dst[start:])
	return dst
}
