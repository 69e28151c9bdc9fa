package faults

import (
	"github.com/kevydb/kevy/resp"
	"github.com/kevydb/kevy/shard"
)

// Splitting a multi-key command by shard: what a coordinator that does not
// hold every shard for the whole command (EarlyRelease, SkipLock) ends up
// doing. The result is each shard's part run atomically on its own, so
// the whole command is not atomic across shards.

// merge says how the per-shard replies of a split command combine.
type merge uint8

const (
	mergeOK    merge = iota + 1 // MSET: +OK
	mergeArray                  // MGET: the elements back in key order
	mergeSum                    // DEL, UNLINK, EXISTS, TOUCH: the sum
)

var splittable = map[string]merge{
	"mset": mergeOK, "mget": mergeArray,
	"del": mergeSum, "unlink": mergeSum, "exists": mergeSum, "touch": mergeSum,
}

// RunSplit runs cmd one shard at a time: run is called for each shard its
// keys fall on, in ascending shard order, with the command cut down to that
// shard's keys, and the replies are merged as the whole command's would
// be. ok is false, and run is never called, when cmd is not one of the
// commands that split (MSET, MGET, DEL, UNLINK, EXISTS, TOUCH) or its
// arguments do not have their shape; the caller then runs it normally.
func RunSplit(r shard.Router, cmd *shard.Command, args []string, run func(shard int, args []string) (resp.Reply, error)) (rep resp.Reply, ok bool, err error) {
	how := splittable[cmd.FullName]
	step := max(cmd.Step, 1)
	if how == 0 || !cmd.CheckArity(len(args)) || (len(args)-1)%step != 0 {
		return resp.Reply{}, false, nil
	}
	keys := cmd.Keys(args, nil)
	byShard := map[int][]int{} // shard -> indexes into keys
	var order []int
	for i, pos := range keys {
		sh := r.Shard(args[pos])
		if _, seen := byShard[sh]; !seen {
			order = append(order, sh)
		}
		byShard[sh] = append(byShard[sh], i)
	}
	sortInts(order)
	out := make([]resp.Reply, len(keys))
	var sum int64
	for _, sh := range order {
		sub := []string{args[0]}
		for _, i := range byShard[sh] {
			sub = append(sub, args[keys[i]:keys[i]+step]...)
		}
		part, err := run(sh, sub)
		if err != nil {
			return resp.Reply{}, true, err
		}
		switch {
		case part.Kind == resp.Error:
			return part, true, nil
		case how == mergeArray && len(part.Elems) == len(byShard[sh]):
			for j, i := range byShard[sh] {
				out[i] = part.Elems[j]
			}
		case how == mergeSum:
			sum += part.Int
		}
	}
	switch how {
	case mergeArray:
		return resp.ArrayReply(out), true, nil
	case mergeSum:
		return resp.IntReply(sum), true, nil
	}
	return resp.OK, true, nil
}

// sortInts sorts a short slice in place (insertion sort: a handful of
// shards).
func sortInts(a []int) {
	for i := 1; i < len(a); i++ {
		for j := i; j > 0 && a[j] < a[j-1]; j-- {
			a[j], a[j-1] = a[j-1], a[j]
		}
	}
}
