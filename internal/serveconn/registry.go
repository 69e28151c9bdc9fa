package serveconn

import (
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kevydb/kevy/internal/acl"
)

// Registry is the list of a store's client connections, for CLIENT LIST,
// CLIENT KILL and INFO's clients section. It is safe for concurrent use.
// Servers of one store share its registry through [Acquire].
type Registry struct {
	mu      sync.Mutex
	clients map[int64]*Client
	tls     []TLSParams // see tls.go

	limits     atomic.Pointer[Limits]
	acl        atomic.Pointer[acl.ACL] // the store's access control (kevy.Open sets it)
	maxClients atomic.Int64
	received   atomic.Int64 // total_connections_received
	rejected   atomic.Int64 // rejected_connections
}

// NewRegistry returns an empty registry with the default limits.
func NewRegistry() *Registry {
	r := &Registry{clients: map[int64]*Client{}}
	l := DefaultLimits()
	r.limits.Store(&l)
	return r
}

// Limits returns the buffer limits the registry's connections enforce.
func (r *Registry) Limits() Limits { return *r.limits.Load() }

// SetLimits changes the buffer limits; connections apply them from their
// next check on (as CONFIG SET does in Redis).
func (r *Registry) SetLimits(l Limits) { r.limits.Store(&l) }

// SetACL records the store's access control, which CLIENT KILL USER and
// protected mode consult.
func (r *Registry) SetACL(a *acl.ACL) { r.acl.Store(a) }

// ACL returns the store's access control, or nil when none was set.
func (r *Registry) ACL() *acl.ACL { return r.acl.Load() }

// userExists reports whether the store has a user named name (only
// "default" without an ACL).
func userExists(reg *Registry, name string) bool {
	if reg != nil {
		if a := reg.ACL(); a != nil {
			return a.User(name) != nil
		}
	}
	return name == acl.DefaultUserName
}

// Stats are the figures INFO reports about clients.
type Stats struct {
	Connected  int   // connected_clients
	PubSub     int   // clients in subscriber mode (pubsub_clients in later Redis)
	Blocked    int   // blocked_clients
	MaxClients int64 // maxclients (0 when no server set it)
	Received   int64 // total_connections_received
	Rejected   int64 // rejected_connections
	MaxInput   int   // client_recent_max_input_buffer (bytes)
	MaxOutput  int64 // client_recent_max_output_buffer (bytes)
}

// Stats returns the registry's figures.
func (r *Registry) Stats() Stats {
	st := Stats{MaxClients: r.maxClients.Load(), Received: r.received.Load(), Rejected: r.rejected.Load()}
	r.mu.Lock()
	defer r.mu.Unlock()
	st.Connected = len(r.clients)
	for _, c := range r.clients {
		c.mu.Lock()
		if c.sub+c.psub > 0 {
			st.PubSub++
		}
		if c.blocked {
			st.Blocked++
		}
		st.MaxInput = max(st.MaxInput, c.qbuf)
		st.MaxOutput = max(st.MaxOutput, c.omem)
		c.mu.Unlock()
	}
	return st
}

// SetMaxClients records the maxclients a server enforces, for INFO.
func (r *Registry) SetMaxClients(n int) { r.maxClients.Store(int64(n)) }

// Rejected counts a connection refused before it was served (maxclients,
// protected mode).
func (r *Registry) Rejected() { r.rejected.Add(1) }

// Len returns the number of connections.
func (r *Registry) Len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.clients)
}

func (r *Registry) add(c *Client) {
	r.received.Add(1)
	r.mu.Lock()
	r.clients[c.ID] = c
	r.mu.Unlock()
}

func (r *Registry) remove(c *Client) {
	r.mu.Lock()
	if r.clients[c.ID] == c {
		delete(r.clients, c.ID)
	}
	r.mu.Unlock()
}

// sorted returns the clients in id order.
func (r *Registry) sorted() []*Client {
	r.mu.Lock()
	out := make([]*Client, 0, len(r.clients))
	for _, c := range r.clients {
		out = append(out, c)
	}
	r.mu.Unlock()
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// List returns CLIENT LIST's text for the clients matching keep (nil:
// all), one line per client, each ending in "\n".
func (r *Registry) List(keep func(*Client) bool) string {
	var b strings.Builder
	now := time.Now()
	for _, c := range r.sorted() {
		if keep == nil || keep(c) {
			c.appendInfo(&b, now)
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// ClientInfo returns the CLIENT LIST line of the client with the given id
// (without the newline), its cmd= and user= fields showing cmd and user
// when they are not "" (the command being run and the user running it,
// which the registry learns only after the command ran); "" when there is
// no such client.
func (r *Registry) ClientInfo(id int64, cmd, user string) string {
	c := r.Get(id)
	if c == nil {
		return ""
	}
	c.mu.Lock()
	if cmd == "" {
		cmd = c.cmd
	}
	if user == "" {
		user = c.user
	}
	now := time.Now()
	st := ClientState{ID: c.ID, Addr: c.Addr, LAddr: c.LAddr, Name: c.name, Cmd: cmd, User: user,
		Age: int64(now.Sub(c.Created) / time.Second), LastCmdAge: int64(now.Sub(c.last) / time.Second),
		DB: c.db, Sub: c.sub, PSub: c.psub, Multi: c.multi, Proto: c.proto, QBuf: c.qbuf, OMem: c.omem,
		Blocked: c.blocked}
	c.mu.Unlock()
	return InfoLine(st)
}

// Get returns the client with the given id, or nil.
func (r *Registry) Get(id int64) *Client {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.clients[id]
}

// The registries of stores, shared by every server and dialer of a store
// while any of them is in use.
var (
	sharedMu sync.Mutex
	shared   = map[any]*sharedReg{}
)

type sharedReg struct {
	reg  *Registry
	refs int
}

// Acquire returns the registry of the store identified by key (the
// *kevy.Store), creating it on first use, and a function that releases it:
// the registry is dropped when its last user released it.
func Acquire(key any) (*Registry, func()) {
	sharedMu.Lock()
	defer sharedMu.Unlock()
	s := shared[key]
	if s == nil {
		s = &sharedReg{reg: NewRegistry()}
		shared[key] = s
	}
	s.refs++
	var once sync.Once
	return s.reg, func() {
		once.Do(func() {
			sharedMu.Lock()
			defer sharedMu.Unlock()
			if s.refs--; s.refs == 0 && shared[key] == s {
				delete(shared, key)
			}
		})
	}
}

// Lookup returns the registry of the store identified by key, or nil when
// no server or dialer of it is in use.
func Lookup(key any) *Registry {
	sharedMu.Lock()
	defer sharedMu.Unlock()
	if s := shared[key]; s != nil {
		return s.reg
	}
	return nil
}

// Client is one connection as the registry shows it. Its state is updated
// by the connection's goroutine after each batch of commands and read under
// mu by others.
type Client struct {
	ID      int64
	Addr    string // peer address, as CLIENT LIST's addr=
	LAddr   string // local address, laddr=
	Created time.Time

	conn       *Conn
	closeAfter atomic.Bool // CLIENT KILL of itself: close after the reply

	mu      sync.Mutex
	name    string
	user    string
	db      int
	sub     int
	psub    int
	multi   int // queued commands in MULTI; -1 outside
	cmd     string
	last    time.Time
	proto   int
	qbuf    int
	omem    int64
	blocked bool
}

// Name returns the client's name (CLIENT SETNAME).
func (c *Client) Name() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.name
}

// User returns the name of the ACL user the client runs as.
func (c *Client) User() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.user
}

// PubSub reports whether the client is in subscriber mode.
func (c *Client) PubSub() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.sub+c.psub > 0
}

// CloseAfterReply asks the client's connection to close once the reply
// being written is done, as Redis does when a client kills itself (CLIENT
// KILL ... SKIPME no): a transaction's reply ends there.
func (c *Client) CloseAfterReply() { c.closeAfter.Store(true) }

func (c *Client) setBlocked(on bool) {
	c.mu.Lock()
	c.blocked = on
	c.mu.Unlock()
}

// Kill closes the client's connection at once.
func (c *Client) Kill() {
	if c.conn != nil {
		c.conn.Kill()
	}
}

// ClientState is what a CLIENT LIST line shows of a connection.
type ClientState struct {
	ID, LastCmdAge, Age    int64 // age and idle in seconds
	Addr, LAddr, Name, Cmd string
	User                   string // "" shows as "default"
	DB, Sub, PSub, Multi   int    // Multi: queued commands, -1 outside MULTI
	Proto, QBuf            int
	OMem                   int64
	Blocked                bool
}

func (c *Client) appendInfo(b *strings.Builder, now time.Time) {
	c.mu.Lock()
	st := ClientState{ID: c.ID, Addr: c.Addr, LAddr: c.LAddr, Name: c.name, Cmd: c.cmd, User: c.user,
		Age: int64(now.Sub(c.Created) / time.Second), LastCmdAge: int64(now.Sub(c.last) / time.Second),
		DB: c.db, Sub: c.sub, PSub: c.psub, Multi: c.multi, Proto: c.proto, QBuf: c.qbuf, OMem: c.omem,
		Blocked: c.blocked}
	c.mu.Unlock()
	b.WriteString(InfoLine(st))
}

// InfoLine formats st as a CLIENT LIST line (without the newline), with
// Redis 7.0's fields; those kevy has no equivalent for are constant.
func InfoLine(st ClientState) string {
	flags := ""
	if st.Sub+st.PSub > 0 {
		flags += "P"
	}
	if st.Multi >= 0 {
		flags += "x"
	}
	if st.Blocked {
		flags += "b"
	}
	if flags == "" {
		flags = "N"
	}
	cmd := st.Cmd
	if cmd == "" {
		cmd = "NULL"
	}
	if st.Proto == 0 {
		st.Proto = 2
	}
	if st.User == "" {
		st.User = acl.DefaultUserName
	}
	var b strings.Builder
	b.WriteString("id=" + strconv.FormatInt(st.ID, 10))
	b.WriteString(" addr=" + st.Addr + " laddr=" + st.LAddr + " fd=-1 name=" + st.Name)
	b.WriteString(" age=" + strconv.FormatInt(st.Age, 10) + " idle=" + strconv.FormatInt(st.LastCmdAge, 10))
	b.WriteString(" flags=" + flags + " db=" + strconv.Itoa(st.DB))
	b.WriteString(" sub=" + strconv.Itoa(st.Sub) + " psub=" + strconv.Itoa(st.PSub) + " ssub=0")
	b.WriteString(" multi=" + strconv.Itoa(st.Multi))
	b.WriteString(" qbuf=" + strconv.Itoa(st.QBuf) + " qbuf-free=0 argv-mem=0 multi-mem=0 rbs=0 rbp=0")
	b.WriteString(" obl=0 oll=0 omem=" + strconv.FormatInt(st.OMem, 10) + " tot-mem=0 events=r")
	b.WriteString(" cmd=" + cmd + " user=" + st.User + " redir=-1 resp=" + strconv.Itoa(st.Proto))
	return b.String()
}
