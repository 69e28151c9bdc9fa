package kevy_test

func init() { scriptGroups["pubsub"] = pubsubScripts }

var pubsubScripts = map[string][]step{
	"PUBLISH/PUBSUB": {
		{"PUBLISH nobody hello", ":0"},
		{"PUBSUB CHANNELS", "[]"},
		{"PUBSUB CHANNELS a*", "[]"},
		{"PUBSUB NUMSUB a b", `["a" :0 "b" :0]`},
		{"PUBSUB NUMSUB", "[]"},
		{"PUBSUB NUMPAT", ":0"},
		{"PUBSUB", "-ERR wrong number of arguments for 'pubsub' command"},
		{"PUBSUB FOO", "-ERR unknown subcommand 'FOO'. Try PUBSUB HELP."},
		{"PUBSUB CHANNELS a b", "-ERR unknown subcommand or wrong number of arguments for 'CHANNELS'. Try PUBSUB HELP."},
		{"PUBLISH a", "-ERR wrong number of arguments for 'publish' command"},
	},
	"subscriber mode": {
		{"UNSUBSCRIBE", `["unsubscribe" (nil) :0]`},
		{"PUNSUBSCRIBE", `["punsubscribe" (nil) :0]`},
		{"SUBSCRIBE a", `["subscribe" "a" :1]`},
		{"PSUBSCRIBE p*", `["psubscribe" "p*" :2]`},
		{"PING", `["pong" ""]`},
		{"PING x", `["pong" "x"]`},
		{"GET a", "-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context"},
		{"SUBSCRIBE a", `["subscribe" "a" :2]`},
		{"UNSUBSCRIBE b", `["unsubscribe" "b" :2]`},
		{"UNSUBSCRIBE a", `["unsubscribe" "a" :1]`},
		{"UNSUBSCRIBE", `["unsubscribe" (nil) :1]`},
		{"PUNSUBSCRIBE", `["punsubscribe" "p*" :0]`},
		{"PING", "+PONG"},
	},
}
