package shard

import "github.com/kevydb/kevy/internal/pack"

// The default encoding limits, as the tests of the data types use them.
var dflt = &defaultEncodings

const (
	hashMaxListpackEntries = 512
	hashMaxListpackValue   = 64
	setMaxIntsetEntries    = 512
	zsetMaxListpackEntries = 128
	zsetMaxListpackValue   = 64
)

// packedLen returns the bytes a listpack of the given strings and scores
// holds.
func packedLen(strs []string, scores []float64) int {
	n := 0
	for _, s := range strs {
		n += pack.Size(len(s))
	}
	for _, f := range scores {
		n += pack.ScoreSize(f)
	}
	return n
}
