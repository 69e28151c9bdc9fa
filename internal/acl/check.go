package acl

import "github.com/kevydb/kevy/shard"

// Permission checks (Redis's ACLCheckAllUserCommandPerm and friends).

// Reason is why a command was denied, with Redis's numbering (the order
// in which a denial is chosen among several selectors).
type Reason uint8

// The denial reasons.
const (
	Allowed       Reason = iota // ACL_OK
	DeniedCommand               // the command or subcommand
	DeniedKey                   // a key
	DeniedAuth                  // a failed AUTH (logged only)
	DeniedChannel               // a channel
)

// Pub/sub channel arguments (Redis's commands_with_channels in db.c).
const (
	chPublish = 1 << iota
	chSubscribe
	chUnsubscribe
	chPattern
)

type channelSpec struct {
	flags        uint8
	start, count int // count -1: every remaining argument
}

var channelSpecs = map[string]channelSpec{
	"subscribe":    {chSubscribe, 1, -1},
	"ssubscribe":   {chSubscribe, 1, -1},
	"unsubscribe":  {chUnsubscribe, 1, -1},
	"sunsubscribe": {chUnsubscribe, 1, -1},
	"psubscribe":   {chPattern | chSubscribe, 1, -1},
	"punsubscribe": {chPattern | chUnsubscribe, 1, -1},
	"publish":      {chPublish, 1, 1},
	"spublish":     {chPublish, 1, 1},
}

// needOf is the key permission a key's spec flags need.
func needOf(f shard.KeyFlags) uint8 {
	var n uint8
	if f&shard.KeyAccess != 0 {
		n |= permRead
	}
	if f&(shard.KeyInsert|shard.KeyDelete|shard.KeyUpdate) != 0 {
		n |= permWrite
	}
	return n
}

// check is ACLSelectorCheckCmd: the reason the selector denies cmd with
// args, and the position of the key or channel at fault; keys are the
// command's (userState.keys).
func (s *selector) check(cmd *shard.Command, args []string, keys []shard.KeyRef) (Reason, int) {
	if cmd.Flags&shard.FlagNoAuth == 0 && !s.allowsCommand(cmd.ID, cmd.Parent != nil, args) {
		return DeniedCommand, -1
	}
	if s.flags&selAllKeys == 0 && cmd.HasKeys() {
		for _, k := range keys {
			if !s.keyAllowed(args[k.Pos], needOf(k.Flags)) {
				return DeniedKey, k.Pos
			}
		}
	}
	if s.flags&selAllChannels == 0 {
		if spec, ok := channelSpecs[cmd.FullName]; ok && spec.flags&(chPublish|chSubscribe) != 0 {
			stop := len(args)
			if spec.count >= 0 {
				stop = min(spec.start+spec.count, len(args))
			}
			for i := spec.start; i < stop; i++ {
				if !channelAllowed(s.channels, args[i], spec.flags&chPattern != 0) {
					return DeniedChannel, i
				}
			}
		}
	}
	return Allowed, 0
}

// keys finds the keys of cmd in args when a selector will check them
// (Redis finds them when the first selector without allkeys needs them;
// the result is the same).
func (st *userState) keys(cmd *shard.Command, args []string, dst []shard.KeyRef) []shard.KeyRef {
	if !cmd.HasKeys() {
		return dst
	}
	for _, s := range st.selectors {
		if s.flags&selAllKeys == 0 {
			return cmd.KeyRefs(args, dst)
		}
	}
	return dst
}

// Check reports whether the user may run cmd with args: Allowed, or the
// reason of the denial and the position in args of the key or channel
// denied. A command is allowed when one selector allows it whole; when
// none does, the denial reported is the most specific one (a channel over
// a key over the command) and, among equal reasons, the one at the
// highest position, as Redis picks it. A deleted user is denied every
// command. Check does not allocate for commands of up to eight keys.
func (u *User) Check(cmd *shard.Command, args []string) (Reason, int) {
	st := u.st.Load()
	if st == nil {
		return DeniedCommand, 0
	}
	if st.open {
		return Allowed, 0
	}
	return st.check(cmd, args)
}

func (st *userState) check(cmd *shard.Command, args []string) (Reason, int) {
	var buf [8]shard.KeyRef
	keys := st.keys(cmd, args, buf[:0])
	relevant, last, local := DeniedCommand, 0, 0
	for _, s := range st.selectors {
		r, pos := s.check(cmd, args, keys)
		if r == Allowed {
			return Allowed, 0
		}
		if pos >= 0 {
			local = pos
		}
		if r > relevant || r == relevant && local > last {
			relevant, last = r, local
		}
	}
	return relevant, last
}

// FullKeyAccess reports whether one of the user's selectors allows cmd
// with args and gives read access to every key (allkeys, ~* or %R~*):
// what SORT needs to accept BY and GET patterns, which name keys no
// check sees (ACLUserCheckCmdWithUnrestrictedKeyAccess).
func (u *User) FullKeyAccess(cmd *shard.Command, args []string) bool {
	st := u.st.Load()
	if st == nil {
		return false
	}
	if st.open {
		return true
	}
	var buf [8]shard.KeyRef
	keys := st.keys(cmd, args, buf[:0])
	for _, s := range st.selectors {
		if r, _ := s.check(cmd, args, keys); r == Allowed && s.fullKeyAccess(permRead) {
			return true
		}
	}
	return false
}

// Message is the text of the NOPERM error Redis answers for a denied
// command (processCommand), without the "NOPERM " prefix.
func Message(r Reason, cmd *shard.Command) string {
	switch r {
	case DeniedCommand:
		return "this user has no permissions to run the '" + cmd.FullName + "' command"
	case DeniedKey:
		return "this user has no permissions to access one of the keys used as arguments"
	case DeniedChannel:
		return "this user has no permissions to access one of the channels used as arguments"
	}
	return "no permission"
}

// ExecMessage is the NOPERM text for a queued command that the rules,
// changed since it was queued, deny at EXEC.
func ExecMessage(r Reason) string {
	reason := "no permission"
	switch r {
	case DeniedCommand:
		reason = "no permission to execute the command or subcommand"
	case DeniedKey:
		reason = "no permission to touch the specified keys"
	case DeniedChannel:
		reason = "no permission to access one of the channels used as arguments"
	}
	return "ACLs rules changed between the moment the transaction was accumulated and the EXEC call. " +
		"This command is no longer allowed for the following reason: " + reason
}

// ScriptMessage is the error a script's redis.call gets for a denied
// command (scriptVerifyACL).
func ScriptMessage(r Reason) string {
	switch r {
	case DeniedCommand:
		return "The user executing the script can't run this command or subcommand"
	case DeniedKey:
		return "The user executing the script can't access at least one of the keys mentioned in the command arguments"
	case DeniedChannel:
		return "The user executing the script can't publish to the channel mentioned in the command"
	}
	return "The user executing the script lacking the permissions for the command"
}
