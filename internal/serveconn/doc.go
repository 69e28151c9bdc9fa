// Package serveconn serves one RESP connection on a kevy session: it reads
// commands with Redis's protocol rules and limits, runs them on the session
// (a *kevy.Conn), and writes the replies in RESP2 or, after HELLO 3, RESP3.
// The network server (package server) and the in-process dialer
// (kevy.Dialer) both serve their connections with it.
//
// The package does not import kevy (kevy imports it, for its Dialer); it sees
// the store through the [Session] interface, which *kevy.Conn satisfies.
//
// # Request path
//
// A connection is served by one goroutine while it is in normal mode: it
// blocks reading a command, then takes every further command already
// buffered (a pipeline) into the same batch, up to [MaxBatch]. Consecutive
// ordinary commands of a batch go to the session as one
// Session.ExecPipeline call, which sends them to the shards as one message
// per shard; commands that concern the connection itself (HELLO, AUTH, QUIT,
// RESET, CLIENT LIST/INFO/KILL, COMMAND DOCS, the SUBSCRIBE family) are
// handled in their place, so the replies keep the order of the requests.
// The replies of a batch are written with one write.
//
// A connection that subscribes switches, for the rest of its life, to three
// goroutines: a reader that parses commands, the owner that runs them and
// receives messages (Session.Receive), and a writer that drains an output
// queue whose size is counted against the pub/sub output buffer limit. The
// owner is the only goroutine that touches the session.
//
// # Limits
//
// The limits are Redis's, with Redis's defaults (see [Config]):
// proto-max-bulk-len, the multibulk count, client-query-buffer-limit, the
// client-output-buffer-limit classes normal and pubsub, and timeout.
// Malformed input gets Redis's "-ERR Protocol error: ..." reply and the
// connection is closed; a connection over a buffer limit is closed without a
// reply, as Redis does.
//
// # RESP3
//
// kevy's replies have RESP2 kinds. After HELLO 3 the connection reshapes
// them as Redis 7.0 does for RESP3 clients: maps for HGETALL, CONFIG GET and
// HELLO, sets for SMEMBERS and friends, doubles for sorted-set scores (with
// WITHSCORES pairs nested), verbatim strings for INFO and CLIENT LIST, nulls
// as "_", and pub/sub messages as pushes (">"). The table is in shape.go.
package serveconn
