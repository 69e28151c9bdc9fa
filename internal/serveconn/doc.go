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
// A connection in normal mode is served by one goroutine: it blocks reading
// a command, then takes every further command already read (a pipeline)
// into the same batch, up to [MaxBatch], never waiting for more input.
// Consecutive ordinary commands of a batch go to the session as one
// Session.ExecPipeline call, which sends them to the shards as one message
// per shard; commands that concern the connection itself (HELLO, AUTH, QUIT,
// RESET, CLIENT LIST/INFO/KILL, COMMAND DOCS, EXEC, the SUBSCRIBE family)
// and blocking commands are handled in their place, so the replies keep the
// order of the requests. The replies of a batch are written, with one
// write, before anything more is read: a client that does not read its
// replies stops being read (backpressure).
//
// # Blocking commands
//
// While a blocking command (BLPOP and friends) waits, a pump goroutine
// reads the socket into an inbox (input.go), as Redis keeps reading a
// blocked client: a client that leaves, or passes the query buffer limit,
// cancels the command before anything is handed to it; what it pipelines
// meanwhile waits in the inbox, in order. An element a push popped for a
// client that left just then is given back to the store (block.go).
//
// # Subscriber mode
//
// A connection that subscribes runs on three goroutines while it has
// subscriptions: the pump reads the socket, the owner (the serving
// goroutine) runs the commands that arrive and receives messages
// (Session.Receive), and a writer drains an output queue whose size is
// counted against the pubsub class's limits. The owner is the only
// goroutine that touches the session and the parser. When the last
// subscription ends, the connection goes back to normal mode (async.go).
//
// # Limits
//
// The limits are Redis's, with Redis's defaults: proto-max-bulk-len and
// the argument count ([Config]), Redis 7.0's smaller ones before
// authentication, and client-query-buffer-limit and the normal, replica
// and pubsub classes of client-output-buffer-limit ([Limits]), held by the
// connection's [Registry] so that CONFIG SET changes them for every
// connection of a store. The query buffer counts everything a connection
// holds of its input: unparsed bytes, a large argument being read (into an
// allocation of its exact size, counted whole), and parsed commands not
// yet executed. Malformed input gets Redis's "-ERR Protocol error: ..."
// reply and the connection is closed; a connection over a buffer limit is
// closed without a reply, as Redis does. The idle timeout counts every
// byte read or written.
//
// # RESP3
//
// kevy's replies have RESP2 kinds. After HELLO 3 the connection reshapes
// them as Redis 7.0 does for RESP3 clients: maps for HGETALL, CONFIG GET and
// HELLO, sets for SMEMBERS and friends, doubles for sorted-set scores (with
// WITHSCORES pairs nested), verbatim strings for INFO and CLIENT LIST, nulls
// as "_", and pub/sub messages as pushes (">"). The table is in shape.go.
package serveconn
