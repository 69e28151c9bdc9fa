package kevy

import "github.com/kevydb/kevy/shard"

// ScriptPermit exposes the check the scripting engine makes before each
// redis.call (conn_acl.go), for tests until scripting calls it.
func (c *Conn) ScriptPermit(args ...string) (Reply, bool) {
	cmd, errRep := shard.Resolve(args)
	if cmd == nil {
		return errRep, false
	}
	return c.scriptPermit(cmd, args)
}
