package shard

import (
	"math"
	"strconv"
	"time"

	"github.com/kevydb/kevy/resp"
)

// Server and connection commands that engines run: PING ECHO TIME FLUSHDB
// FLUSHALL SWAPDB COMMAND. SELECT, MULTI and their kind are connection
// state (RouteConn) and live with the connection, not here.

func init() {
	local := func(name string, h Handler) { Register(name, h).Route = RouteLocal }
	local("ping", cmdPing)
	local("echo", func(c *Ctx) resp.Reply { return resp.BulkReply(c.Args[1]) })
	local("time", cmdTime)
	Register("flushdb", cmdFlushDB).Route = RouteAll
	Register("flushall", cmdFlushAll).Route = RouteAll
	Register("swapdb", cmdSwapDB).Route = RouteAll

	local("command", cmdCommand)
	local("command|count", func(c *Ctx) resp.Reply { return resp.IntReply(int64(len(table))) })
	local("command|info", cmdCommandInfo)
	local("command|list", cmdCommandList)
	local("command|getkeys", cmdCommandGetKeys)
	local("command|help", func(c *Ctx) resp.Reply {
		return Help("COMMAND", []string{
			"(no subcommand)",
			"    Return details about all Redis commands.",
			"COUNT",
			"    Return the total number of commands in this Redis server.",
			"LIST",
			"    Return a list of all commands in this Redis server.",
			"INFO [<command-name> ...]",
			"    Return details about multiple Redis commands.",
			"    If no command names are given, documentation details for all",
			"    commands are returned.",
			"DOCS [<command-name> ...]",
			"    Return documentation details about multiple Redis commands.",
			"    If no command names are given, documentation details for all",
			"    commands are returned.",
			"GETKEYS <full-command>",
			"    Return the keys from a full Redis command.",
			"GETKEYSANDFLAGS <full-command>",
			"    Return the keys and the access flags from a full Redis command.",
		})
	})
}

func cmdPing(c *Ctx) resp.Reply {
	if len(c.Args) > 2 {
		return ArityError(c.Cmd.FullName)
	}
	if len(c.Args) == 2 {
		return resp.BulkReply(c.Args[1])
	}
	return resp.PongReply
}

func cmdTime(*Ctx) resp.Reply {
	now := time.Now()
	return resp.ArrayReply([]resp.Reply{
		resp.BulkReply(strconv.FormatInt(now.Unix(), 10)),
		resp.BulkReply(strconv.FormatInt(int64(now.Nanosecond()/1000), 10)),
	})
}

// flushArgsOK accepts FLUSHDB/FLUSHALL [SYNC|ASYNC].
func flushArgsOK(args []string) bool {
	return len(args) == 1 || (len(args) == 2 && (EqualFold(args[1], "sync") || EqualFold(args[1], "async")))
}

func cmdFlushDB(c *Ctx) resp.Reply {
	if !flushArgsOK(c.Args) {
		return ErrSyntax
	}
	c.Shards(func(ks *Keyspace) { ks.FlushDB(c.DB) })
	return resp.OK
}

func cmdFlushAll(c *Ctx) resp.Reply {
	if !flushArgsOK(c.Args) {
		return ErrSyntax
	}
	c.Shards(func(ks *Keyspace) { ks.FlushAll() })
	return resp.OK
}

// IntArg parses an argument as Redis's getIntFromObjectOrReply: an integer
// in the C int range. msg, when not empty, replaces the error texts.
func IntArg(arg, msg string) (int, resp.Reply, bool) {
	n, ok := ParseInt(arg)
	if !ok {
		if msg != "" {
			return 0, resp.Err("ERR " + msg), false
		}
		return 0, ErrNotInt, false
	}
	if n < math.MinInt32 || n > math.MaxInt32 {
		if msg != "" {
			return 0, resp.Err("ERR " + msg), false
		}
		return 0, resp.Err("ERR value is out of range, value must between -2147483648 and 2147483647"), false
	}
	return int(n), resp.Reply{}, true
}

func cmdSwapDB(c *Ctx) resp.Reply {
	a, errRep, ok := IntArg(c.Args[1], "invalid first DB index")
	if !ok {
		return errRep
	}
	b, errRep, ok := IntArg(c.Args[2], "invalid second DB index")
	if !ok {
		return errRep
	}
	n := c.NumDBs()
	if a < 0 || a >= n || b < 0 || b >= n {
		return ErrDBRange
	}
	if a != b {
		c.Shards(func(ks *Keyspace) { ks.SwapDB(a, b) })
	}
	return resp.OK
}

// CommandInfo builds COMMAND INFO's reply for cmd: name, arity, flags,
// first key, last key, step, ACL categories, tips, key specs, subcommands.
func CommandInfo(cmd *Command) resp.Reply {
	statuses := func(ss []string) resp.Reply {
		out := make([]resp.Reply, len(ss))
		for i, s := range ss {
			out[i] = resp.StatusReply(s)
		}
		return resp.ArrayReply(out)
	}
	subs := []resp.Reply{}
	for _, s := range cmd.SubCommands() {
		subs = append(subs, CommandInfo(s))
	}
	return resp.ArrayReply([]resp.Reply{
		resp.BulkReply(cmd.FullName),
		resp.IntReply(int64(cmd.Arity)),
		statuses(cmd.InfoFlags().Names()),
		resp.IntReply(int64(cmd.First)),
		resp.IntReply(int64(cmd.Last)),
		resp.IntReply(int64(cmd.Step)),
		statuses(cmd.Categories),
		resp.BulkArray(append([]string{}, cmd.Tips...)),
		keySpecsReply(cmd.KeySpecs),
		resp.ArrayReply(subs),
	})
}

func cmdCommand(c *Ctx) resp.Reply {
	cmds := Commands()
	out := make([]resp.Reply, len(cmds))
	for i, cmd := range cmds {
		out[i] = CommandInfo(cmd)
	}
	return resp.ArrayReply(out)
}

func cmdCommandInfo(c *Ctx) resp.Reply {
	if len(c.Args) == 2 {
		return cmdCommand(c)
	}
	out := make([]resp.Reply, 0, len(c.Args)-2)
	for _, name := range c.Args[2:] {
		cmd := lookupFullName(name)
		if cmd == nil {
			out = append(out, resp.NilReply)
		} else {
			out = append(out, CommandInfo(cmd))
		}
	}
	return resp.ArrayReply(out)
}

// lookupFullName finds "get" or "config|get".
func lookupFullName(name string) *Command {
	name = lower(name)
	for i := 0; i < len(name); i++ {
		if name[i] == '|' {
			p := table[name[:i]]
			if p == nil {
				return nil
			}
			return p.Subs[name[i+1:]]
		}
	}
	return table[name]
}

func cmdCommandList(c *Ctx) resp.Reply {
	var names []string
	for _, cmd := range Commands() {
		names = append(names, cmd.FullName)
		for _, s := range cmd.SubCommands() {
			names = append(names, s.FullName)
		}
	}
	if len(c.Args) > 2 {
		return ErrSyntax // FILTERBY is not supported
	}
	return resp.BulkArray(names)
}

func cmdCommandGetKeys(c *Ctx) resp.Reply {
	// Redis's getKeysSubcommandImpl: look the command up (a container's
	// subcommand when there is a second word), then "has no keys" before
	// the arity check.
	args := c.Args[2:]
	cmd := Lookup(args[0])
	if cmd != nil && cmd.Subs != nil && len(args) >= 2 {
		cmd = cmd.Subs[lower(args[1])]
	}
	if cmd == nil {
		return resp.Err("ERR Invalid command specified")
	}
	if cmd.First == 0 && cmd.KeysFn == nil {
		return resp.Err("ERR The command has no key arguments")
	}
	if !cmd.CheckArity(len(args)) {
		return resp.Err("ERR Invalid number of arguments specified for command")
	}
	var keys []int
	if cmd.GetKeysFn != nil {
		keys = cmd.GetKeysFn(args, nil)
	} else {
		keys = cmd.Keys(args, nil)
	}
	if len(keys) == 0 {
		if cmd.Flags&FlagNoMandatoryKeys != 0 {
			return resp.EmptyArr
		}
		return resp.Err("ERR Invalid arguments specified for command")
	}
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = args[k]
	}
	return resp.BulkArray(out)
}
