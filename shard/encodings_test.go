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

// packedLen returns the bytes a listpack holds: of the field-value pairs
// strs (f, v, f, v ...) when scores is nil, else of the member-score pairs
// of strs and scores.
func packedLen(strs []string, scores []float64) int {
	n := 0
	if scores == nil {
		for i := 0; i+1 < len(strs); i += 2 {
			n += pack.PairSize(len(strs[i]), len(strs[i+1]))
		}
		return n
	}
	for i, s := range strs {
		n += pack.ScorePairSize(len(s), scores[i])
	}
	return n
}
