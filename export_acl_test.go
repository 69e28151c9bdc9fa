package kevy

import "github.com/kevydb/kevy/shard"

// ScriptACL and ScriptSort expose the checks the scripting engine makes
// for a script's commands (conn_acl.go), for tests until the engine calls
// them.
func (c *Conn) ScriptACL(logDenial bool, args ...string) (string, bool) {
	return c.scriptACL(args, logDenial)
}

func (c *Conn) ScriptSort(args ...string) (Reply, bool) {
	cmd, errRep := shard.Resolve(args)
	if cmd == nil {
		return errRep, false
	}
	return c.scriptSort(cmd, args)
}
