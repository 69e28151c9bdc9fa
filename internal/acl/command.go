package acl

import (
	"crypto/rand"
	"encoding/hex"
	"strconv"
	"strings"
	"time"

	"github.com/kevydb/kevy/resp"
	"github.com/kevydb/kevy/shard"
)

// The ACL command, with Redis 7.0's replies (aclCommand). Replies are
// RESP2 shapes; a RESP3 connection shapes GETUSER's and LOG's maps.

const msgNoFile = "ERR This Redis instance is not configured to use an ACL file. You may want to specify " +
	"users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis " +
	"configuration file set) in order to store users in the Redis configuration."

// Command answers the ACL command args (args[0] is "ACL", args[1] the
// subcommand, already resolved and arity-checked by the command table).
// self is the connection running it (nil for none): ACL WHOAMI names its
// user, and it is closed after its reply when the command deletes its
// user.
func (a *ACL) Command(args []string, self Client) resp.Reply {
	sub := lowerASCII(args[1])
	argc := len(args)
	switch {
	case sub == "setuser" && argc >= 3:
		name := args[2]
		if hasSpaces(name) {
			return resp.Err("ERR Usernames can't contain spaces or null characters")
		}
		if err := a.SetUser(name, args[3:], self); err != nil {
			return resp.Err("ERR " + noNewlines(err.Error()))
		}
		return resp.OK
	case sub == "deluser" && argc >= 3:
		n, err := a.DeleteUsers(args[2:], self)
		if err != nil {
			return resp.Err("ERR " + err.Error())
		}
		return resp.IntReply(int64(n))
	case sub == "getuser" && argc == 3:
		return a.getUser(args[2])
	case (sub == "list" || sub == "users") && argc == 2:
		users := a.sortedUsers()
		out := make([]string, 0, len(users))
		for _, u := range users {
			st := u.state()
			switch {
			case st == nil:
			case sub == "users":
				out = append(out, u.name)
			default:
				out = append(out, "user "+u.name+" "+st.describe())
			}
		}
		return resp.BulkArray(out)
	case sub == "whoami" && argc == 2:
		if self == nil {
			return resp.BulkReply(DefaultUserName)
		}
		return resp.BulkReply(self.ACLUser().name)
	case a.file == "" && (sub == "load" || sub == "save"):
		return resp.Err(msgNoFile)
	case sub == "load" && argc == 2:
		if msg := a.loadFile(self); msg != "" {
			return resp.Err("ERR " + noNewlines(msg))
		}
		return resp.OK
	case sub == "save" && argc == 2:
		if err := a.saveFile(); err != nil {
			return resp.Err("ERR There was an error trying to save the ACLs. Please check the server logs for more information")
		}
		return resp.OK
	case sub == "cat" && argc == 2:
		return resp.BulkArray(Categories)
	case sub == "cat" && argc == 3:
		m := categoryBit(cstr(args[2]))
		if m == 0 {
			return resp.Err("ERR Unknown category '" + noNewlines(truncate(cstr(args[2]), 128)) + "'")
		}
		return resp.BulkArray(categoryCommands(m))
	case sub == "genpass" && (argc == 2 || argc == 3):
		return genpass(args)
	case sub == "log" && (argc == 2 || argc == 3):
		count := int64(10)
		if argc == 3 {
			if equalFoldASCII(args[2], "reset") {
				a.log.reset()
				return resp.OK
			}
			n, ok := shard.ParseInt(args[2])
			if !ok {
				return shard.ErrNotInt
			}
			count = max(n, 0)
		}
		return a.log.reply(count, time.Now())
	case sub == "dryrun" && argc >= 4:
		return a.dryRun(args[2], args[3:])
	case sub == "help" && argc == 2:
		return shard.Help("ACL", helpLines)
	}
	return resp.Err("ERR unknown subcommand or wrong number of arguments for '" + noNewlines(truncate(cstr(args[1]), 128)) +
		"'. Try ACL HELP.")
}

var helpLines = []string{
	"CAT [<category>]",
	"    List all commands that belong to <category>, or all command categories",
	"    when no category is specified.",
	"DELUSER <username> [<username> ...]",
	"    Delete a list of users.",
	"DRYRUN <username> <command> [<arg> ...]",
	"    Returns whether the user can execute the given command without executing the command.",
	"GETUSER <username>",
	"    Get the user's details.",
	"GENPASS [<bits>]",
	"    Generate a secure 256-bit user password. The optional `bits` argument can",
	"    be used to specify a different size.",
	"LIST",
	"    Show users details in config file format.",
	"LOAD",
	"    Reload users from the ACL file.",
	"LOG [<count> | RESET]",
	"    Show the ACL log entries.",
	"SAVE",
	"    Save the current config to the ACL file.",
	"SETUSER <username> <attribute> [<attribute> ...]",
	"    Create or modify a user with the specified attributes.",
	"USERS",
	"    List all the registered usernames.",
	"WHOAMI",
	"    Return the current connection username.",
}

// categoryCommands returns the commands of a category (ACL CAT
// category): every command and subcommand of Redis 7.0 in it, sorted by
// name (Redis lists them in its hash table's order).
func categoryCommands(m catMask) []string {
	cat := theCatalogue()
	out := []string{}
	var walk func(ids []int)
	walk = func(ids []int) {
		for _, id := range ids {
			if cat.cmds[id].cats&m != 0 {
				out = append(out, cat.cmds[id].name)
			}
			walk(cat.cmds[id].subs)
		}
	}
	walk(cat.top)
	return out
}

const genpassMaxBits = 4096

func genpass(args []string) resp.Reply {
	bits := int64(256)
	if len(args) == 3 {
		n, ok := shard.ParseInt(args[2])
		if !ok {
			return shard.ErrNotInt
		}
		bits = n
	}
	if bits <= 0 || bits > genpassMaxBits {
		return resp.Err("ERR ACL GENPASS argument must be the number of bits for the output password, " +
			"a positive number up to " + strconv.Itoa(genpassMaxBits))
	}
	chars := (bits + 3) / 4
	buf := make([]byte, (chars+1)/2)
	if _, err := rand.Read(buf); err != nil {
		return resp.Err("ERR " + err.Error())
	}
	return resp.BulkReply(hex.EncodeToString(buf)[:chars])
}

// getUser is ACL GETUSER's reply: flags, passwords, the root selector's
// commands, keys and channels, then the other selectors.
func (a *ACL) getUser(name string) resp.Reply {
	u := a.User(name)
	if u == nil {
		return resp.NilReply
	}
	st := u.state()
	if st == nil {
		return resp.NilReply
	}
	out := []resp.Reply{
		resp.BulkReply("flags"), resp.BulkArray(append([]string{}, st.flagNames()...)),
		resp.BulkReply("passwords"), resp.BulkArray(append([]string{}, st.passwords...)),
	}
	out = append(out, selectorFields(st.selectors[0])...)
	sels := make([]resp.Reply, 0, len(st.selectors)-1)
	for _, s := range st.selectors[1:] {
		sels = append(sels, resp.ArrayReply(selectorFields(s)))
	}
	out = append(out, resp.BulkReply("selectors"), resp.ArrayReply(sels))
	return resp.ArrayReply(out)
}

func selectorFields(s *selector) []resp.Reply {
	return []resp.Reply{
		resp.BulkReply("commands"), resp.BulkReply(s.describeCommands()),
		resp.BulkReply("keys"), resp.BulkReply(s.keysString()),
		resp.BulkReply("channels"), resp.BulkReply(s.channelsString()),
	}
}

// dryRun is ACL DRYRUN: whether the user could run the command, without
// running it. Only the commands kevy implements can be tried.
func (a *ACL) dryRun(name string, args []string) resp.Reply {
	u := a.User(name)
	if u == nil {
		return resp.Err("ERR User '" + noNewlines(cstr(name)) + "' not found")
	}
	cmd := shard.Lookup(args[0])
	if cmd != nil && cmd.Subs != nil && len(args) >= 2 {
		cmd = cmd.Subs[lowerASCII(args[1])]
	}
	if cmd == nil {
		return resp.Err("ERR Command '" + noNewlines(cstr(args[0])) + "' not found")
	}
	if !cmd.CheckArity(len(args)) {
		return resp.Err("ERR wrong number of arguments for '" + cmd.FullName + "' command")
	}
	r, pos := u.Check(cmd, args)
	switch r {
	case Allowed:
		return resp.OK
	case DeniedCommand:
		return resp.BulkReply("This user has no permissions to run the '" + cmd.FullName + "' command")
	case DeniedKey:
		return resp.BulkReply("This user has no permissions to access the '" + cstr(args[pos]) + "' key")
	default:
		return resp.BulkReply("This user has no permissions to access the '" + cstr(args[pos]) + "' channel")
	}
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// noNewlines replaces CR and LF with spaces, as Redis does in error
// replies that quote the client's input.
func noNewlines(s string) string {
	if !strings.ContainsAny(s, "\r\n") {
		return s
	}
	b := []byte(s)
	for i, c := range b {
		if c == '\r' || c == '\n' {
			b[i] = ' '
		}
	}
	return string(b)
}
