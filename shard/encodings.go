package shard

// Encodings are the limits of the compact encodings of small collections,
// Redis's encoding parameters (CONFIG SET hash-max-listpack-entries ...):
// a collection keeps its compact encoding while it is within them and
// converts to the general one beyond. Changing them converts nothing
// already stored; the next write that crosses a limit does, as in Redis.
type Encodings struct {
	// HashMaxListpackEntries and HashMaxListpackValue bound the listpack
	// hash: at most this many fields, no field or value longer than this
	// many bytes (hash-max-listpack-entries, -value).
	HashMaxListpackEntries int64
	HashMaxListpackValue   int64
	// SetMaxIntsetEntries bounds the intset: a set of integers only, at
	// most this many (set-max-intset-entries).
	SetMaxIntsetEntries int64
	// ZSetMaxListpackEntries and ZSetMaxListpackValue bound the listpack
	// sorted set: at most this many members, none longer than this many
	// bytes (zset-max-listpack-entries, -value).
	ZSetMaxListpackEntries int64
	ZSetMaxListpackValue   int64
	// ListMaxListpackSize bounds each packed node of a list: positive, at
	// most this many elements (and 8 KiB); -1 to -5, at most 4, 8, 16, 32
	// or 64 KiB (list-max-listpack-size). Redis 7.0 reports every list as
	// "quicklist" whatever its nodes.
	ListMaxListpackSize int64
}

// DefaultEncodings returns Redis 7.0's built-in limits (config.c; the
// sample redis.conf says 128 hash entries, the server uses 512).
func DefaultEncodings() Encodings {
	return Encodings{
		HashMaxListpackEntries: 512,
		HashMaxListpackValue:   64,
		SetMaxIntsetEntries:    512,
		ZSetMaxListpackEntries: 128,
		ZSetMaxListpackValue:   64,
		ListMaxListpackSize:    -2,
	}
}

// defaultEncodings is what collections built outside a keyspace (tests,
// tools) use.
var defaultEncodings = DefaultEncodings()

// SetEncodings replaces the encoding limits. Safe for concurrent use.
func (s *Settings) SetEncodings(e Encodings) { s.enc.Store(&e) }

// Encodings returns the encoding limits. Safe for concurrent use.
func (s *Settings) Encodings() Encodings { return *s.enc.Load() }

// enc returns the keyspace's encoding limits, shared and immutable.
func (ks *Keyspace) enc() *Encodings { return ks.settings.enc.Load() }

// enc returns the encoding limits of the store c runs in.
func (c *Ctx) enc() *Encodings { return c.anyKS().enc() }

// listNodeLimits returns the most elements and bytes a list node may hold
// under list-max-listpack-size size (quicklist.c's fill, with its 8 KiB
// safety limit for counts).
func listNodeLimits(size int64) (elems, bytes int) {
	const safety = 8192
	if size >= 0 {
		return int(max(min(size, 1<<30), 1)), safety
	}
	level := min(-size-1, 4)
	return 1 << 30, 4096 << level
}
