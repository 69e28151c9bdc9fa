// Package script is kevy's Lua runtime: EVAL scripts and FUNCTION
// libraries run as Redis 7.0 runs them, on github.com/yuin/gopher-lua
// (Lua 5.1, the language Redis embeds). It knows nothing of shards or
// engines: the engine wires the scripting commands to it and implements
// [Caller] for redis.call.
//
// # The contract the engine implements
//
//   - EVAL/EVAL_RO: parse numkeys with [ParseEvalNumKeys], [Runtime.Load]
//     the body (the error reply is Redis's: shebang errors, "Error
//     compiling script"), then [Runtime.Eval]. EVALSHA: [Runtime.Lookup],
//     [NoScript] when nil. SCRIPT LOAD/EXISTS/FLUSH: Load, Exists, Flush.
//   - FUNCTION LOAD/DELETE/LIST/FLUSH/DUMP/RESTORE/STATS: the [Registry] of
//     [Runtime.Functions]. FCALL/FCALL_RO: [ParseNumKeys],
//     [Registry.Function] ("ERR Function not found" when nil),
//     [Runtime.FCall]. Persistence: [Registry.Codes] gives every library's
//     source for the RDB function records and the AOF base (rdb's
//     AppendFunctionDump/ParseFunctionDump hold the payload format),
//     [Registry.LoadAll] with RestoreReplace loads them back.
//   - The run is atomic: the engine holds every shard the script may touch
//     for the whole of Eval/FCall, and its Caller runs each command there.
//     [Caller.Lookup] gives the command-table facts the runtime checks
//     before each redis.call, in Redis's order and with its texts: unknown
//     command, arity, noscript, a write from a read-only run ("Write
//     commands are not allowed from read-only scripts."), OOM before the
//     first write. The runtime owns these checks because their texts and
//     order are scripting's; the command table stays the engine's.
//     [Caller.Call] returns the reply in the protocol the script chose with
//     redis.setresp (RESP3 kinds for 3), as the command would answer a
//     client of that protocol.
//   - Access control: a Caller that implements [ACLChecker] is asked
//     whether the script's user may run each command, after the noscript
//     check and before the write and OOM checks, as Redis does, and
//     answers redis.acl_check_cmd (kevy's Conn provides the check, with
//     the "lua" context of ACL LOG: conn_acl.go). SORT's refusal of BY and
//     GET patterns to a user without full key access is the Caller's, when
//     Call runs SORT.
//   - Request.OOM says used memory exceeded maxmemory when the run
//     started; Request.ReadOnly marks EVAL_RO/EVALSHA_RO/FCALL_RO. The
//     checks Redis makes before a run (write flag under *_RO, allow-oom)
//     are [Prepare], which Eval and FCall call first.
//   - BUSY, SCRIPT KILL, FUNCTION KILL: the engine runs each script under a
//     context made with context.WithCancelCause. After
//     busy-reply-threshold it answers other callers BUSY; on SCRIPT KILL it
//     checks [Request.Written] (UNKILLABLE when true, as Redis) and cancels
//     with [ErrKilled], which makes the run stop at its next Lua
//     instruction (a script cannot pcall its way out: every further
//     instruction raises again) and reply Redis's "Script killed by user
//     with SCRIPT KILL..." error. A context that ends for another reason
//     (the embedded caller's) stops the run the same way and Eval returns
//     its error besides the reply.
//   - Replies may carry the RESP3 kinds of package resp (Map, Set, Double,
//     Bool, BigNumber, Verbatim): the engine writes them with
//     resp.AppendReplyProto in the client's protocol, which gives Redis's
//     RESP2 forms for RESP2 clients.
//
// # What is bounded
//
//   - The script cache: at most Options.MaxScripts scripts (default
//     DefaultMaxScripts) and Options.MaxScriptBytes of bodies (default
//     DefaultMaxScriptBytes); past either, the least recently used scripts
//     are evicted (EVALSHA then answers NOSCRIPT, and go-redis's Script.Run
//     falls back to EVAL). Redis 7.0 never evicts; SCRIPT FLUSH empties it.
//   - Lua states: each run takes one from a pool (at most
//     Options.MaxIdleVMs idle ones are kept), so runs on different shards
//     proceed in parallel. Compiled prototypes are shared by all states;
//     each state keeps its closures of cached scripts (cleared on flush) and
//     of at most 1024 libraries.
//   - A run: call depth 20000 ("stack overflow", as Lua 5.1), a 4M-slot
//     value stack, strings built by string.rep, struct.pack, cjson.encode
//     and cmsgpack.pack at most 512 MB, a return value nested at most 3998
//     deep ("reached lua stack limit", as Redis), FUNCTION LOAD's run of a
//     library 500 ms. A return value may also not expand far beyond its
//     size in Lua (a table holding itself twice would expand into 2^3998
//     replies): past 2^20 replies it may have at most 4 times as many as
//     the values it reaches, and 1 GB of strings in all, or the reply is
//     an error (Redis has no such bound and would run out of memory). cjson and cmsgpack keep Redis's own limits (nesting
//     depths, and the 8000 Lua stack slots their C code may use, with
//     Redis's errors past them) and check the run's context as they go, so
//     SCRIPT KILL stops an encoder walking a table that holds itself. A Go
//     panic inside the VM becomes an error reply and the state is
//     discarded. The Lua heap itself is not bounded (neither is Redis's):
//     a script that builds an enormous table is stopped by the engine's
//     context, as a slow one is. One single step is not: gopher-lua keeps
//     every positive integer key below 2^26 in a table's array part, so
//     t[2^26 - 1] = 1 (or cmsgpack.unpack of a map with such a key)
//     allocates 1 GB and fills it before the context is looked at again;
//     Lua 5.1 puts such a key in the hash part.
//
// # Sandbox
//
// Redis locks its globals and every table reachable from them with a
// read-only flag patched into its Lua; gopher-lua has none, so scripts see
// read-only proxies (see vm.go). The globals are exactly Redis 7.0's;
// creating one raises "Attempt to modify a readonly table", reading a
// missing one "Script attempted to access nonexistent global variable".
// Nothing a script can reach is writable, so nothing is reset between runs
// but KEYS and ARGV, as in Redis 7.0. math.random is Redis's lrand48,
// shared by all runs of a Runtime as Redis's is by all scripts.
//
// The libraries Redis bundles are all there: bit, struct, cjson (Lua CJSON
// 2.1.0) and cmsgpack (lua-cmsgpack 0.4.0), written in Go to give the C
// versions' outputs and errors. The cjson settings (encode_max_depth,
// encode_number_precision...) are state a script can change, as in Redis:
// EVAL scripts share one set until [Runtime.Flush] (SCRIPT FLUSH gives
// Redis a new Lua state), functions another.
//
// # Known differences from Redis
//
//   - Errors raised by the Lua VM itself carry gopher-lua's texts ("cannot
//     perform add operation between number and nil" for Lua 5.1's "attempt
//     to perform arithmetic on a nil value"; syntax errors other than
//     "unexpected symbol"). Every error text Redis itself produces matches.
//   - Tables iterate in insertion order, not Lua 5.1's hash order: pairs(),
//     map and set replies, the objects cjson.encode writes and the maps
//     cmsgpack.pack writes may list keys in another order than Redis
//     (arrays, and a table's array part before its other keys, agree).
//     Library functions in FUNCTION LIST are in registration order (Redis:
//     dict order).
//   - Numbers converted to strings implicitly by other string functions
//     than tostring, .., string.format and table.concat (string.len(1e15))
//     use gopher-lua's formatting.
//   - Library-level locals of a function library are per Lua state, not
//     shared by all FCALLs as in Redis's single Lua state.
//   - A script is compiled as a nested vararg function (see compile.go),
//     so at its top level "arg" is a local holding nil where Redis, whose
//     scripts are main chunks, raises the missing-global error.
//   - cjson.decode("nan(123)") keeps no NaN payload (glibc's strtod
//     does), which only cmsgpack.pack of the result would show.
//   - LZF-compressed FUNCTION DUMP payloads restore both ways but are not
//     byte-identical to Redis's (Redis's compressor starts from an
//     uninitialised hash table); uncompressed ones are.
package script
