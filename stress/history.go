package stress

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/kevydb/kevy/resp"
	"github.com/kevydb/kevy/shard"
)

// Histories: every worker records the operations it ran, with their
// invocation and response times and their replies; a round's history is
// their union. A failing history is saved as JSON, and can be checked
// again with TestReplay.

// Op is one operation of a history.
type Op struct {
	Client  int      `json:"client"`            // the worker that ran it
	Obj     string   `json:"obj"`               // the object it is checked against: k/db/key, g/db/group, a/db/group
	Args    []string `json:"args"`              // the command (for groups: the model's op, see model_groups.go)
	Call    int64    `json:"call"`              // invocation, ns since the round began (monotonic clock)
	Return  int64    `json:"ret"`               // response, ns; -1: never (a lost call that may still run)
	CallMs  int64    `json:"callMs"`            // wall clock at invocation, unix ms
	RetMs   int64    `json:"retMs"`             // wall clock at response, unix ms
	Reply   string   `json:"reply,omitempty"`   // canonical reply (reply.go)
	Unknown bool     `json:"unknown,omitempty"` // the reply does not say whether the command took effect
	Tx      bool     `json:"tx,omitempty"`      // it ran inside MULTI/EXEC with other keys
}

// History is one round's record.
type History struct {
	Test    string            `json:"test"`
	Engine  string            `json:"engine"`
	Shards  int               `json:"shards"`
	Seed    uint64            `json:"seed"`
	Round   int               `json:"round"`
	Started time.Time         `json:"started"`
	Init    map[string]kstate `json:"init,omitempty"` // objects' initial states (account balances)
	Ops     []Op              `json:"ops"`
	Notes   []string          `json:"notes,omitempty"` // invariant violations seen while running, panics
	Dir     string            `json:"dir,omitempty"`   // the data directory, for persistent rounds
	// ObjShards lists the shards of the multi-key objects' keys (single
	// keys' shards follow from their names and Shards).
	ObjShards map[string][]int `json:"objShards,omitempty"`
}

// recorder is one worker's log.
type recorder struct {
	start  time.Time
	client int
	ops    []Op
	inTx   bool // the ops being recorded ran in one MULTI/EXEC
}

// stamp is the moment a call began.
type stamp struct{ t, ms int64 }

func (r *recorder) begin() stamp {
	now := time.Now()
	return stamp{t: int64(now.Sub(r.start)), ms: now.UnixMilli()}
}

// end records an operation that began at s with reply rep. A lost call
// (the engine gave up waiting) is recorded as never returning, since the
// command may still run; a lost read is dropped, as it changes nothing.
// It returns the reply's fate.
func (r *recorder) end(obj string, args []string, s stamp, rep resp.Reply) fate {
	now := time.Now()
	op := Op{Client: r.client, Obj: obj, Args: args, Call: s.t, CallMs: s.ms,
		Return: int64(now.Sub(r.start)), RetMs: now.UnixMilli(), Tx: r.inTx}
	f := classify(rep)
	switch f {
	case fateLost, fateClosedSt:
		if isRead(obj, args) {
			return f
		}
		op.Return, op.RetMs, op.Unknown = -1, math.MaxInt64, true
	case fateMisconf:
		op.Unknown = true // refineMisconf narrows this down
		op.Reply = canon(rep)
		fig.diskFaults.Add(1)
	default:
		op.Reply = canon(normalize(args[0], rep))
	}
	r.ops = append(r.ops, op)
	return f
}

// isRead reports whether an op cannot change its object.
func isRead(obj string, args []string) bool {
	if !strings.HasPrefix(obj, keyObj) {
		return strings.EqualFold(args[0], "mget")
	}
	c := shard.Lookup(args[0])
	return c != nil && c.Flags&shard.FlagWrite == 0
}

// failDir returns where failing histories go: KEVY_STRESS_FAILDIR, or
// failures/ next to the package's sources (go test runs in the package
// directory).
func failDir() string {
	if d := os.Getenv("KEVY_STRESS_FAILDIR"); d != "" {
		return d
	}
	return "failures"
}

// save writes h as JSON under failDir and returns the file's path. When
// h.Dir is set, the data directory is copied next to it.
func (h *History) save() (string, error) {
	dir := failDir()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	name := fmt.Sprintf("%s-%s-%dshards-seed%d-round%d-%s", sanitize(h.Test), h.Engine, h.Shards, h.Seed,
		h.Round, time.Now().Format("20060102-150405.000"))
	path := filepath.Join(dir, name+".json")
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	b, err := json.Marshal(h)
	if err != nil {
		return "", err
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return "", err
	}
	if h.Dir != "" {
		if err := copyTree(h.Dir, filepath.Join(dir, name+".data")); err != nil {
			return path, fmt.Errorf("copying the data directory: %w", err)
		}
	}
	return path, nil
}

// loadHistory reads a history saved by save.
func loadHistory(path string) (*History, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	h, err := parseHistory(b)
	if err != nil {
		return nil, fmt.Errorf("stress: %s: %w", path, err)
	}
	return h, nil
}

// parseHistory decodes and validates a saved history, so that checking it
// cannot fail on malformed input.
func parseHistory(b []byte) (*History, error) {
	var h History
	if err := json.Unmarshal(b, &h); err != nil {
		return nil, err
	}
	if h.Shards < 1 || h.Shards > 1024 {
		return nil, fmt.Errorf("shards = %d", h.Shards)
	}
	for obj, st := range h.Init {
		if st.T > tZSet || (strings.HasPrefix(obj, acctObj) && st.T != tString) {
			return nil, fmt.Errorf("initial state of %s: %v", obj, st)
		}
	}
	for i, op := range h.Ops {
		if err := validOp(&h, op); err != nil {
			return nil, fmt.Errorf("op %d (%q on %s): %w", i, op.Args, op.Obj, err)
		}
	}
	return &h, nil
}

// replayHint says how to look at a saved history again.
func (h *History) replayHint(path string) string {
	return fmt.Sprintf("saved the history to %s\n"+
		"  check it again:  KEVY_STRESS_REPLAY=%s go test ./stress -run TestReplay -v\n"+
		"  rerun the round: KEVY_STRESS_SEED=%d KEVY_STRESS_ENGINES=%s KEVY_STRESS_SHARDS=%d go test -race ./stress -run '%s' -v",
		path, path, h.Seed, h.Engine, h.Shards, strings.SplitN(h.Test, "/", 2)[0])
}

func sanitize(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			return r
		}
		return '_'
	}, s)
}

// copyTree copies the regular files under src to dst.
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
}

// Validating a history read from a file (TestReplay): every operation must
// be one the model knows, with arguments of the shape it expects, so that
// checking it never panics on a porcupine goroutine.

// sampleStates are states of every type, to try a command's model on.
var sampleStates = []kstate{
	none,
	{T: tString, V: "1"},
	{T: tList, V: encList([]string{"a", "b"})},
	{T: tHash, V: encHash(map[string]string{"f0": "1"})},
	{T: tSet, V: encSet(map[string]bool{"m0": true})},
	{T: tZSet, V: encZSet(map[string]float64{"a": 1})},
	{T: tString, V: "x", Exp: 1},
}

func validOp(h *History, op Op) (err error) {
	if len(op.Args) == 0 {
		return errors.New("no command")
	}
	if op.Return < -1 || (op.Return >= 0 && op.Return < op.Call) {
		return errors.New("returns before it is called")
	}
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("the model cannot run it: %v", p)
		}
	}()
	switch {
	case strings.HasPrefix(op.Obj, keyObj):
		if cmd, _ := shard.Resolve(op.Args); cmd == nil {
			return errors.New("not a valid command")
		}
		if modelCmds[strings.ToLower(op.Args[0])] == nil {
			return errors.New("no model for the command")
		}
		for _, st := range sampleStates {
			apply(st, op.Args, op.CallMs, op.RetMs)
		}
	case strings.HasPrefix(op.Obj, groupObj):
		name := strings.ToUpper(op.Args[0])
		if len(op.Args) != 2 || (name != "MSET" && name != "MSETNX" && name != "DEL" && name != "MGET") {
			return errors.New("not a group operation")
		}
		if n, err := strconv.Atoi(op.Args[1]); (name == "DEL" || name == "MGET") && (err != nil || n < 0 || n > 64) {
			return errors.New("bad key count")
		}
	case strings.HasPrefix(op.Obj, acctObj):
		init, ok := h.Init[op.Obj]
		if !ok {
			return errors.New("account group without initial balances")
		}
		n := len(balances(init))
		want := map[string]int{"XFER": 4, "WXFER": 6}[strings.ToUpper(op.Args[0])]
		idx := []int{1, 2}
		switch {
		case strings.EqualFold(op.Args[0], "mget"):
			want = len(op.Args)
			idx = nil
			for i := 1; i < len(op.Args); i++ {
				idx = append(idx, i)
			}
		case want == 0:
			return errors.New("not an account operation")
		}
		if len(op.Args) != want {
			return errors.New("wrong number of arguments")
		}
		for _, i := range idx {
			if j, err := strconv.Atoi(op.Args[i]); err != nil || j < 0 || j >= n {
				return errors.New("account index out of range")
			}
		}
		applyAcct(init, op.Args)
	default:
		return errors.New("unknown kind of object")
	}
	return nil
}
