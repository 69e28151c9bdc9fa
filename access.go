package kevy

import (
	"context"
	"strings"
	"sync"

	"github.com/kevydb/kevy/internal/acl"
	"github.com/kevydb/kevy/internal/serveconn"
	"github.com/kevydb/kevy/resp"
	"github.com/kevydb/kevy/shard"
)

// Access control: the store's ACL (package internal/acl), the ACL command,
// and the configuration parameters requirepass, aclfile, acllog-max-len
// and acl-pubsub-default. Connections check every command against the
// ACL in conn_acl.go.

// access is a store's ACL and the network connections ACL changes may
// close.
type access struct {
	acl *acl.ACL

	mu     sync.Mutex
	served map[*Conn]struct{} // Conns of network clients (RequireAuth)
}

// newAccess creates the store's ACL, loading cfg.ACLFile.
func newAccess(cfg Config) (*access, error) {
	a := &access{served: map[*Conn]struct{}{}}
	var err error
	a.acl, err = acl.New(acl.Config{File: cfg.ACLFile, Clients: a.clients})
	if err != nil {
		return nil, Error("kevy: aclfile " + cfg.ACLFile + ": " + err.Error())
	}
	return a, nil
}

// clients yields the served connections, for the ACL to close those whose
// user is deleted or loses a channel they are subscribed to. Embedded
// connections are not listed: they notice by themselves (conn_acl.go).
func (a *access) clients(yield func(acl.Client) bool) {
	a.mu.Lock()
	list := make([]*Conn, 0, len(a.served))
	for c := range a.served {
		list = append(list, c)
	}
	a.mu.Unlock()
	for _, c := range list {
		if !yield(aclClient{c}) {
			return
		}
	}
}

func (a *access) addServed(c *Conn) {
	a.mu.Lock()
	a.served[c] = struct{}{}
	a.mu.Unlock()
}

func (a *access) dropServed(c *Conn) {
	a.mu.Lock()
	delete(a.served, c)
	a.mu.Unlock()
}

func init() {
	registerConn("acl", nil)
	for _, sub := range []string{"setuser", "getuser", "deluser", "users", "list", "whoami", "cat", "genpass",
		"dryrun", "log", "save", "load", "help"} {
		registerConn("acl|"+sub, (*Conn).cmdACL)
	}
}

// cmdACL runs the ACL command.
func (c *Conn) cmdACL(_ context.Context, args []string) resp.Reply {
	var self acl.Client
	if c.client.ID != 0 {
		self = aclClient{c}
	}
	return c.s.access.acl.Command(args, self)
}

// redacted returns args with the secrets Redis hides from the slow log
// replaced by "(redacted)": AUTH's arguments, HELLO's AUTH user and
// password, ACL SETUSER's name and rules, CONFIG SET requirepass's value.
func redacted(cmd *shard.Command, args []string) []string {
	var hide func(i int) bool
	switch cmd.FullName {
	case "auth":
		hide = func(i int) bool { return i >= 1 }
	case "acl|setuser":
		hide = func(i int) bool { return i >= 2 }
	case "hello":
		secret := map[int]bool{}
		for i := 2; i < len(args); i++ {
			switch {
			case strings.EqualFold(args[i], "auth") && i+2 < len(args):
				secret[i+1], secret[i+2] = true, true
				i += 2
			case strings.EqualFold(args[i], "setname") && i+1 < len(args):
				i++
			}
		}
		if len(secret) == 0 {
			return args
		}
		hide = func(i int) bool { return secret[i] }
	case "config|set":
		hide = func(i int) bool { return i >= 3 && i%2 == 1 && strings.EqualFold(args[i-1], "requirepass") }
	default:
		return args
	}
	out := make([]string, len(args))
	for i, a := range args {
		if hide(i) {
			a = "(redacted)"
		}
		out[i] = a
	}
	return out
}

// setRegistryACL gives the store's connection registry its ACL, for
// CLIENT KILL USER and protected mode (package server).
func (s *Store) setRegistryACL() {
	if reg := s.obs.net.registry(s); reg != nil {
		reg.SetACL(s.access.acl)
	}
}

// aclClientInfo is the CLIENT LIST line of a connection for the ACL log,
// as Redis writes it when cmd is refused: the registry's for a network
// connection, else the embedded one's, with the command (EXEC for those
// a transaction runs) and the current user.
func (c *Conn) aclClientInfo(cmd *shard.Command) string {
	name := ""
	if cmd != nil {
		name = cmd.FullName
	}
	if c.auth.inExec {
		name = "exec"
	}
	user := c.currentUser().Name()
	if c.auth.served {
		if reg := serveconn.Lookup(c.s); reg != nil {
			if line := reg.ClientInfo(c.client.ID, name, user); line != "" {
				return line
			}
		}
	}
	sub, psub := 0, 0
	if c.sub != nil {
		sub, psub = len(c.sub.channels), len(c.sub.patterns)
	}
	multi := -1
	if c.tx.active {
		multi = len(c.tx.queue)
	}
	return serveconn.InfoLine(serveconn.ClientState{ID: c.client.ID, Name: c.client.Name, DB: c.db,
		Sub: sub, PSub: psub, Multi: multi, Cmd: name, Proto: 2, User: user})
}
