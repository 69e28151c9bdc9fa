package kevy_test

import (
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kevydb/kevy"
	"github.com/kevydb/kevy/internal/redistest"
	"github.com/kevydb/kevy/resp"
	"github.com/kevydb/kevy/shard"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Tests of the differential fuzzer itself: its minimiser, its repro
// format, its comparison rules and the safety of what it generates.

func TestFzDDMin(t *testing.T) {
	items := make([]int, 200)
	for i := range items {
		items[i] = i
	}
	runs := 0
	needs := func(c []int) bool {
		runs++
		return slices.Contains(c, 17) && slices.Contains(c, 42) && slices.Contains(c, 199)
	}
	got := ddmin(items, needs, time.Now().Add(time.Minute))
	assert.Equal(t, []int{17, 42, 199}, got)
	assert.Less(t, runs, 200, "ddmin should not try one item at a time from the start")

	assert.Empty(t, ddmin(items, func([]int) bool { return true }, time.Now().Add(time.Minute)))
}

// TestFzCliQuote checks that redis-cli reads a repro line back into the
// same arguments: each line SETs a key to an awkward value, read back
// exactly over RESP.
func TestFzCliQuote(t *testing.T) {
	cli := redistest.Binary(t, "redis-cli")
	srv := redistest.Start(t)
	values := []string{"", "plain", "two words", "\x00\xff\r\n", `quote"and\back`, "'single'", "tab\tx", "\x7f\x01", "é"}
	var in strings.Builder
	for i, v := range values {
		in.WriteString(cliLine([]string{"SET", "k" + strconv.Itoa(i), v}) + "\n")
	}
	cmd := exec.Command(cli, "-p", strconv.Itoa(srv.Port))
	cmd.Stdin = strings.NewReader(in.String())
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	cl := srv.Client(t)
	for i, v := range values {
		assert.Equal(t, v, cl.MustDo(t, "GET", "k"+strconv.Itoa(i)).Str, "value %q", v)
	}
}

func TestFzCompareRules(t *testing.T) {
	b := resp.BulkReply
	arr := func(ss ...string) kevy.Reply { return resp.BulkArray(ss) }
	prior := &fzPrior{has: map[string]bool{"a": true, "b": true, "c": true}, values: map[string]string{"a": "1", "b": "2", "c": "3"}}
	for _, tc := range []struct {
		cmd       string
		want, got kevy.Reply
		cc        cmpCtx
		ok        bool
	}{
		{"SMEMBERS s", arr("a", "b"), arr("b", "a"), cmpCtx{}, true},
		{"SMEMBERS s", arr("a", "b"), arr("a", "c"), cmpCtx{}, false},
		{"LRANGE l 0 -1", arr("a", "b"), arr("b", "a"), cmpCtx{}, false},
		{"HGETALL h", arr("f", "1", "g", "2"), arr("g", "2", "f", "1"), cmpCtx{}, true},
		{"HGETALL h", arr("f", "1", "g", "2"), arr("f", "2", "g", "1"), cmpCtx{}, false},
		{"GET k", resp.Err("WRONGTYPE x"), resp.Err("WRONGTYPE y"), cmpCtx{}, false},
		{"SRANDMEMBER s 2", arr("a", "b"), arr("c", "a"), cmpCtx{prior: prior}, true},
		{"SRANDMEMBER s 2", arr("a", "b"), arr("a", "a"), cmpCtx{prior: prior}, false},
		{"SRANDMEMBER s -2", arr("a", "b"), arr("a", "a"), cmpCtx{prior: prior}, true},
		{"SRANDMEMBER s 2", arr("a", "b"), arr("a", "z"), cmpCtx{prior: prior}, false},
		{"SRANDMEMBER s 2", arr("a", "b"), arr("a"), cmpCtx{prior: prior}, false},
		{"HRANDFIELD h 1 WITHVALUES", arr("a", "1"), arr("b", "2"), cmpCtx{prior: prior}, true},
		{"HRANDFIELD h 1 WITHVALUES", arr("a", "1"), arr("b", "1"), cmpCtx{prior: prior}, false},
		{"SPOP s", b("a"), b("c"), cmpCtx{prior: prior}, true},
		{"SPOP s", b("a"), resp.NilReply, cmpCtx{prior: prior}, false},
		{"TTL k", resp.IntReply(100), resp.IntReply(99), cmpCtx{}, true},
		{"TTL k", resp.IntReply(100), resp.IntReply(90), cmpCtx{}, false},
		{"TTL k", resp.IntReply(-1), resp.IntReply(0), cmpCtx{}, false},
		{"PTTL k", resp.IntReply(100000), resp.IntReply(99000), cmpCtx{}, true},
		{"OBJECT ENCODING k", b("int"), b("embstr"), cmpCtx{}, false},
		{"OBJECT IDLETIME k", resp.IntReply(3), resp.IntReply(0), cmpCtx{}, true},
		{"SORT s BY nosort", arr("a", "b"), arr("b", "a"), cmpCtx{sortType: "set"}, true},
		{"SORT l BY nosort", arr("a", "b"), arr("b", "a"), cmpCtx{sortType: "list"}, false},
		{"SORT s BY nosort LIMIT 0 1", arr("a"), arr("b"), cmpCtx{sortType: "set"}, true},
		{"SORT s ALPHA", arr("", "\x00x", "b"), arr("\x00x", "", "b"), cmpCtx{}, true},
		{"SORT s ALPHA", arr("a", "b"), arr("b", "a"), cmpCtx{}, false},
		{"SORT s ALPHA LIMIT 0 1", arr(""), arr("\x00x"), cmpCtx{}, true},
		{"SORT s", arr("1", "2"), arr("2", "1"), cmpCtx{sortType: "set"}, false},
		{"ZRANGEBYLEX z - +", arr("a", "b"), arr("b"), cmpCtx{lexUndefined: true}, true},
		{"ZRANGEBYLEX z - +", arr("a", "b"), arr("b"), cmpCtx{}, false},
		{"CLIENT HELP", arr("head", "x", "y", "help"), arr("head", "y", "help"), cmpCtx{}, true},
		{"CLIENT HELP", arr("head", "x", "y", "help"), arr("head", "z", "help"), cmpCtx{}, false},
		{"EXEC", resp.ArrayReply([]kevy.Reply{b("x"), arr("a", "b")}), resp.ArrayReply([]kevy.Reply{b("x"), arr("b", "a")}),
			cmpCtx{queue: [][]string{{"GET", "k"}, {"SMEMBERS", "s"}}}, true},
		{"EXEC", resp.ArrayReply([]kevy.Reply{b("x")}), resp.ArrayReply([]kevy.Reply{b("y")}),
			cmpCtx{queue: [][]string{{"GET", "k"}}}, false},
		{"SET k v", resp.StatusReply("QUEUED"), resp.OK, cmpCtx{queued: true}, false},
	} {
		d := compareReplies(fields(tc.cmd), tc.want, tc.got, tc.cc)
		assert.Equal(t, tc.ok, d == "", "%s: redis %s, kevy %s: %s", tc.cmd, show(tc.want), show(tc.got), d)
	}
}

// TestFzGeneratorIsSafe checks the generator's promises over many
// programs: nothing that could hang either side or expire on its own
// timing, and every command one kevy knows (or a deliberate unknown).
func TestFzGeneratorIsSafe(t *testing.T) {
	okTimeouts := map[string]bool{"0.01": true, "-1": true, "-0.01": true, "x": true, "": true, "inf": true,
		"-inf": true, "nan": true, "1e30": true, "0.01x": true}
	for seed := uint64(1); seed <= 64; seed++ {
		for i, op := range fuzzProgram(seed, 2000) {
			a := op.args
			where := func() string {
				return "seed " + strconv.FormatUint(seed, 10) + " op " + strconv.Itoa(i) + ": " + op.String()
			}
			name := strings.ToUpper(a[0])
			switch name {
			case "BLPOP", "BRPOP", "BZPOPMIN", "BZPOPMAX", "BLMOVE", "BRPOPLPUSH":
				assert.True(t, okTimeouts[a[len(a)-1]], where())
			case "BLMPOP", "BZMPOP":
				if len(a) > 1 {
					assert.True(t, okTimeouts[a[1]], where())
				}
			case "SETEX", "EXPIRE", "PSETEX", "PEXPIRE":
				if len(a) > 2 {
					n, ok := shard.ParseInt(a[2])
					limit := int64(1000)
					if name[0] == 'P' {
						limit = 1000000
					}
					assert.False(t, ok && n > 0 && n < limit, where())
				}
			case "SRANDMEMBER", "HRANDFIELD", "ZRANDMEMBER", "SPOP":
				if len(a) > 2 {
					n, ok := shard.ParseInt(a[2])
					assert.False(t, ok && n < -1000 && n != -1<<63, where())
				}
			case "COMMAND":
				assert.True(t, len(a) >= 2 && (!strings.EqualFold(a[1], "INFO") || len(a) >= 3), where())
			case "NOSUCHCMD", "GETT", "Z":
				continue
			}
			if name == "SET" || name == "GETEX" {
				for j := 2; j+1 < len(a); j++ {
					n, ok := shard.ParseInt(a[j+1])
					switch strings.ToUpper(a[j]) {
					case "EX":
						assert.False(t, ok && n > 0 && n < 1000, where())
					case "PX":
						assert.False(t, ok && n > 0 && n < 1000000, where())
					case "EXAT":
						assert.False(t, name == "SET" && ok && n > 0 && n < 4102444800, where())
					}
				}
			}
			assert.NotNil(t, shard.Lookup(a[0]), where())
		}
	}
}
