package kevy_test

// Scripts for the divergences from Redis that the differential fuzzer
// (fuzzdiff_test.go) found, one per fix, from its minimised repros.
// TestScriptsMatchRedis checks them against redis-server too.

func init() { scriptGroups["fuzz-found"] = fuzzFoundScripts }

var fuzzFoundScripts = map[string][]step{
	"INCRBYFLOAT results are never integer-encoded": {
		{"INCRBYFLOAT f 4", `"4"`},
		{"OBJECT ENCODING f", `"embstr"`},
		{"OBJECT REFCOUNT f", ":1"},
		{"SET f 4", "+OK"},
		{"OBJECT ENCODING f", `"int"`},
		{"OBJECT REFCOUNT f", ":2147483647"},
	},
	"COPY makes its own integer object": {
		{"SET s 5", "+OK"},
		{"COPY s t", ":1"},
		{"OBJECT ENCODING t", `"int"`},
		{"OBJECT REFCOUNT t", ":1"},
		{"OBJECT REFCOUNT s", ":2147483647"},
		{"INCR t", ":6"},
		{"OBJECT REFCOUNT t", ":2147483647"},
	},
	"SORT and SORT_RO convert a listpack sorted set for good": {
		{"ZADD z 1 a 2 b", ":2"},
		{"SORT z LIMIT", "-ERR syntax error"},
		{"OBJECT ENCODING z", `"listpack"`},
		{"SORT_RO z BY nosort", `["a" "b"]`},
		{"OBJECT ENCODING z", `"skiplist"`},
		{"ZADD z 3 c", ":1"},
		{"ZREM z a b", ":2"},
		{"OBJECT ENCODING z", `"skiplist"`},
		{"ZADD y 1 a", ":1"},
		{"SORT y STORE l", "-ERR One or more scores can't be converted into double"},
		{"OBJECT ENCODING y", `"skiplist"`},
		{"COPY y y2", ":1"},
		{"OBJECT ENCODING y2", `"skiplist"`},
	},
	"an empty MATCH pattern matches only the empty string": {
		{"SADD s 0 <empty>", ":2"},
		{"SSCAN s 0 MATCH <empty>", `["0" [""]]`},
		{"HSET h f v", ":1"},
		{"HSCAN h 0 MATCH <empty>", `["0" []]`},
		{"ZADD z 1 a 2 <empty>", ":2"},
		{"ZSCAN z 0 MATCH <empty>", `["0" ["" "2"]]`},
	},
	"SETRANGE past the largest string, without overflowing": {
		{"SETRANGE k 9223372036854775807 x", "-ERR string exceeds maximum allowed size (proto-max-bulk-len)"},
		{"SET k v", "+OK"},
		{"SETRANGE k 9223372036854775807 x", "-ERR string exceeds maximum allowed size (proto-max-bulk-len)"},
		{"SETRANGE k 536870912 <empty>", ":1"},
	},
	"blocking timeouts beyond long long are negative": {
		{"BLPOP l inf", "-ERR timeout is negative"},
		{"BRPOP l 1e30", "-ERR timeout is negative"},
		{"BZPOPMIN z 9300000000000000", "-ERR timeout is negative"},
		{"BLMPOP -inf 1 l LEFT", "-ERR timeout is negative"},
		{"BLPOP l nan", "-ERR timeout is not a float or out of range"},
	},
	"COMMAND GETKEYS: key order and error precedence": {
		{"COMMAND GETKEYS ZUNIONSTORE d 2 a b", `["d" "a" "b"]`},
		{"COMMAND GETKEYS ZDIFFSTORE d 1 a", `["d" "a"]`},
		{"COMMAND GETKEYS ZINTERSTORE d 02 a b", `["a" "b" "d"]`},
		{"COMMAND GETKEYS SWAPDB 0 1 x", "-ERR The command has no key arguments"},
		{"COMMAND GETKEYS OBJECT HELP", "-ERR The command has no key arguments"},
		{"COMMAND GETKEYS OBJECT NOPE k", "-ERR Invalid command specified"},
		{"COMMAND GETKEYS OBJECT ENCODING", "-ERR Invalid number of arguments specified for command"},
		{"COMMAND GETKEYS ZUNION x a", "-ERR Invalid arguments specified for command"},
	},
	"HELLO takes a strict integer": {
		{"HELLO -0", "-ERR Protocol version is not an integer or out of range"},
		{"HELLO +2", "-ERR Protocol version is not an integer or out of range"},
		{"HELLO 02", "-ERR Protocol version is not an integer or out of range"},
		{"HELLO 4", "-NOPROTO unsupported protocol version"},
	},
	"EXPIRETIME at the end of time": {
		{"SET k v", "+OK"},
		{"PEXPIREAT k 9223372036854775807", ":1"},
		{"EXPIRETIME k", ":9223372036854776"},
		{"PEXPIRETIME k", ":9223372036854775807"},
	},
}
