package acl

import (
	"errors"
	"slices"
	"sync"
	"time"
)

// ACL is a store's access control: its users, the default user, the ACL
// log and the ACL file. It is safe for concurrent use: changes take a
// mutex, checks only read a user's current state.
type ACL struct {
	mu          sync.Mutex
	users       map[string]*User // by name; always holds the default user
	def         *User
	allChannels bool   // acl-pubsub-default allchannels
	file        string // aclfile; "" for none
	requirePass string // requirepass as last set (CONFIG GET)
	log         aclLog
	clients     func(yield func(Client) bool) // the connections to kill when rules change
}

// Client is a connection as access control sees it, to close it when the
// user it runs as is deleted or loses a channel it is subscribed to.
// Every method must be safe to call from any goroutine.
type Client interface {
	// ACLUser returns the user the connection runs as.
	ACLUser() *User
	// ACLSubscriptions calls fn with each channel (pattern false) and
	// pattern (pattern true) the connection is subscribed to, until fn
	// returns false.
	ACLSubscriptions(fn func(name string, pattern bool) bool)
	// ACLKill closes the connection and logs it out; after its reply when
	// it is the connection running the ACL command.
	ACLKill(afterReply bool)
}

// Config configures an ACL.
type Config struct {
	// File is the ACL file (aclfile): loaded by New, ACL LOAD and
	// written by ACL SAVE. "" means none.
	File string
	// Clients lists the connections ACL changes may close (those whose
	// user is deleted, or whose subscriptions the new rules forbid). Nil:
	// none.
	Clients func(yield func(Client) bool)
}

// DefaultUserName is the name of the user every connection starts as.
const DefaultUserName = "default"

// New returns the access control of a store: the default user alone (on,
// nopass, every command, key and channel), then the users of cfg.File if
// set, as redis-server starts. A file that cannot be loaded is an error.
func New(cfg Config) (*ACL, error) {
	a := &ACL{users: map[string]*User{}, file: cfg.File, clients: cfg.Clients}
	a.log.maxLen = DefaultLogMaxLen
	a.def = &User{name: DefaultUserName}
	a.def.st.Store(defaultState())
	a.users[DefaultUserName] = a.def
	if cfg.File != "" {
		if msg := a.loadFile(nil); msg != "" {
			return nil, errors.New(msg)
		}
	}
	return a, nil
}

// defaultState is the default user's rules when no file says otherwise.
func defaultState() *userState {
	st := newState(false)
	for _, op := range []string{"+@all", "~*", "&*", "on", "nopass"} {
		st.apply(op, false)
	}
	return st.seal()
}

// Default returns the default user.
func (a *ACL) Default() *User { return a.def }

// User returns the user named name, or nil.
func (a *ACL) User(name string) *User {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.users[name]
}

// File returns the ACL file's path ("" for none).
func (a *ACL) File() string { return a.file }

// AuthRequired reports whether a new network connection must
// authenticate: the default user has a password, or is off (Redis's
// authRequired for a client not yet authenticated).
func (a *ACL) AuthRequired() bool {
	st := a.def.state()
	return st.flags&flagNoPass == 0 || st.flags&flagOff != 0
}

// DefaultNoPass reports whether the default user is nopass, the condition
// of protected mode.
func (a *ACL) DefaultNoPass() bool { return a.def.NoPass() }

// Authenticate returns the user name authenticates as with pass, or nil:
// the user must exist, be on, and be nopass or have pass among its
// passwords (ACLCheckUserCredentials).
func (a *ACL) Authenticate(name, pass string) *User {
	u := a.User(name)
	if u == nil {
		return nil
	}
	st := u.state()
	if st == nil || st.flags&flagOff != 0 || !st.checkPassword(pass) {
		return nil
	}
	return u
}

// SetRequirePass makes pass the default user's only password, or makes
// it nopass when pass is "" (requirepass, at startup and CONFIG SET).
func (a *ACL) SetRequirePass(pass string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.requirePass = pass
	st := a.def.state().clone()
	st.apply("resetpass", a.allChannels)
	if pass != "" {
		st.apply(">"+pass, a.allChannels)
	} else {
		st.apply("nopass", a.allChannels)
	}
	a.def.st.Store(st.seal())
}

// RequirePass returns requirepass as last set.
func (a *ACL) RequirePass() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.requirePass
}

// SetPubSubDefault sets acl-pubsub-default: whether new users and
// selectors get allchannels (true) or no channel (false, Redis 7's
// default).
func (a *ACL) SetPubSubDefault(allChannels bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.allChannels = allChannels
}

// PubSubDefault returns acl-pubsub-default.
func (a *ACL) PubSubDefault() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.allChannels
}

// SetLogMaxLen sets acllog-max-len: the next entry added drops the
// oldest ones beyond it.
func (a *ACL) SetLogMaxLen(n int) { a.log.setMaxLen(n) }

// LogMaxLen returns acllog-max-len.
func (a *ACL) LogMaxLen() int {
	a.log.mu.Lock()
	defer a.log.mu.Unlock()
	return a.log.maxLen
}

// Log records a denial: the reason, where it happened, the object denied
// (the command's full name, the key, the channel, or for a failed AUTH
// the command's name as sent), the user (for AUTH, the name tried) and
// the connection's CLIENT LIST line.
func (a *ACL) Log(r Reason, ctx Context, object, username, clientInfo string) {
	a.log.add(&logEntry{count: 1, reason: r, context: ctx, object: object, username: username,
		ctime: time.Now(), cinfo: clientInfo})
}

// SetUser applies rules to the user name, creating it if needed, all or
// nothing (ACL SETUSER); the error has Redis's text, without "ERR ".
// Subscribers the new rules forbid a channel of are closed; self (which
// may be nil) is the connection running the command.
func (a *ACL) SetUser(name string, rules []string, self Client) error {
	merged, bad := mergeSelectorArgs(rules)
	if bad >= 0 {
		return errors.New("Unmatched parenthesis in acl selector starting at '" + cstr(rules[bad]) + "'.")
	}
	a.mu.Lock()
	u := a.users[name]
	var st *userState
	if u != nil {
		st = u.state().clone()
	} else {
		st = newState(a.allChannels)
	}
	for _, op := range merged {
		if e := st.apply(op, a.allChannels); e != 0 {
			a.mu.Unlock()
			return errors.New("Error in ACL SETUSER modifier '" + cstr(op) + "': " + e.String())
		}
	}
	st.seal()
	var old *userState
	if u == nil {
		u = &User{name: name}
		a.users[name] = u
	} else {
		old = u.state()
	}
	u.st.Store(st)
	a.mu.Unlock()
	if old != nil {
		a.killSubscribersIfNeeded(u, st, old, self)
	}
	return nil
}

// DeleteUsers deletes the named users and closes their connections
// (self after its reply), returning how many existed. Deleting the
// default user is an error, and then nothing is deleted.
func (a *ACL) DeleteUsers(names []string, self Client) (int, error) {
	if slices.Contains(names, DefaultUserName) {
		return 0, errors.New("The 'default' user cannot be removed")
	}
	a.mu.Lock()
	var gone []*User
	for _, n := range names {
		if u := a.users[n]; u != nil {
			delete(a.users, n)
			u.st.Store(nil)
			gone = append(gone, u)
		}
	}
	a.mu.Unlock()
	a.killUsers(gone, self)
	return len(gone), nil
}

// killUsers closes the connections of deleted users.
func (a *ACL) killUsers(gone []*User, self Client) {
	if len(gone) == 0 || a.clients == nil {
		return
	}
	for c := range a.clients {
		if slices.Contains(gone, c.ACLUser()) {
			c.ACLKill(c == self)
		}
	}
}

// killSubscribersIfNeeded closes the connections of u subscribed to a
// channel or pattern the new rules no longer allow
// (ACLKillPubsubClientsIfNeeded): nothing when a selector has
// allchannels, or when the new channel patterns include every old one.
func (a *ACL) killSubscribersIfNeeded(u *User, st, old *userState, self Client) {
	var upcoming []string
	for _, s := range st.selectors {
		if s.flags&selAllChannels != 0 {
			return
		}
		upcoming = append(upcoming, s.channels...)
	}
	superset := true
	for _, s := range old.selectors {
		if s.flags&selAllChannels != 0 {
			superset = false
			break
		}
		for _, c := range s.channels {
			if !slices.Contains(upcoming, c) {
				superset = false
			}
		}
	}
	if superset || a.clients == nil {
		return
	}
	for c := range a.clients {
		if c.ACLUser() != u {
			continue
		}
		kill := false
		c.ACLSubscriptions(func(name string, pattern bool) bool {
			kill = !channelAllowed(upcoming, name, pattern)
			return !kill
		})
		if kill {
			c.ACLKill(c == self)
		}
	}
}

// SubscriptionsAllowed reports whether a connection of u subscribed to
// the given channels and patterns may stay so under u's current rules:
// the check ACL SETUSER makes of every subscriber, for connections that
// make it themselves (embedded ones, when they next receive).
func (u *User) SubscriptionsAllowed(each func(fn func(name string, pattern bool) bool)) bool {
	st := u.state()
	if st == nil {
		return false
	}
	var upcoming []string
	for _, s := range st.selectors {
		if s.flags&selAllChannels != 0 {
			return true
		}
		upcoming = append(upcoming, s.channels...)
	}
	ok := true
	each(func(name string, pattern bool) bool {
		ok = channelAllowed(upcoming, name, pattern)
		return ok
	})
	return ok
}

// sortedUsers returns the users in Redis's order (its radix tree's:
// bytewise by name).
func (a *ACL) sortedUsers() []*User {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make([]*User, 0, len(a.users))
	for _, u := range a.users {
		out = append(out, u)
	}
	slices.SortFunc(out, func(x, y *User) int {
		switch {
		case x.name < y.name:
			return -1
		case x.name > y.name:
			return 1
		}
		return 0
	})
	return out
}
