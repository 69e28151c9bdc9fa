package shard

import "github.com/kevydb/kevy/resp"

// BatchItem is one command of a pipeline batch, run by an engine on the
// shard of its keys; the engine writes its reply in place.
type BatchItem struct {
	Cmd   *Command
	Args  []string
	Reply resp.Reply
}

// SingleShard returns the shard of a command whose keys all live on one
// shard (0 for a command without keys), and false when they span several.
// It is the routing test of pipelines.
func (r Router) SingleShard(cmd *Command, args []string) (int, bool) {
	if cmd.First > 0 && cmd.Last == cmd.First && cmd.KeysFn == nil {
		if len(args) > cmd.First {
			return r.Shard(args[cmd.First]), true
		}
		return 0, true
	}
	var buf [8]int
	ids := r.Shards(cmd, args, buf[:0])
	switch len(ids) {
	case 0:
		return 0, true
	case 1:
		return ids[0], true
	}
	return 0, false
}
