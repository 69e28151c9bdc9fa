// Package server serves a kevy store over the Redis protocol, so that any
// Redis client (redis-cli, redis-benchmark, go-redis, clients in other
// languages) can use it.
//
//	db, _ := kevy.Open(kevy.Config{Dir: "data"})
//	srv := server.New(db, server.Config{RequirePass: "secret"})
//	go srv.ListenAndServe()   // 127.0.0.1:6379
//	...
//	srv.Shutdown(ctx)         // stop accepting, finish commands, close
//	db.Close()
//
// Each client gets its own *kevy.Conn, so SELECT, MULTI/EXEC/WATCH, pub/sub
// and CLIENT state are per connection as in Redis. The protocol is RESP2,
// and RESP3 after HELLO 3.
//
// # Safety by default
//
// The zero Config is Redis's defaults: it binds 127.0.0.1 only; protected
// mode refuses clients from other addresses while no password is set;
// before AUTH a command may have 10 arguments and 16 KB bulks;
// proto-max-bulk-len is 512 MB, client-query-buffer-limit 1 GB, the pub/sub
// output buffer limit 32 MB hard and 8 MB for 60 s soft, maxclients 10000.
// The buffer limits are the store's, shared by its servers and changed by
// CONFIG SET. Malformed input is answered with Redis's protocol error and
// the connection closed; no input can crash the server. A client blocked
// in BLPOP and friends that disconnects is gone at once (see
// docs/security.md for the whole picture).
//
// # Users and TLS
//
// Access control is the store's (Redis 7.0's ACL: ACL SETUSER, an ACL
// file in kevy.Config.ACLFile, requirepass as RequirePass or CONFIG SET);
// every client starts as the default user. Config.TLS serves TLS with
// crypto/tls, on its own port beside the plain one or alone (Port < 0),
// with client certificates as Redis's tls-auth-clients; CONFIG SET
// tls-cert-file rotates the certificate for new connections.
//
// # Concurrency
//
// A Server is safe for concurrent use. Closing it does not close the store.
package server

import (
	"context"
	"crypto/tls"
	"errors"
	"log/slog"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/kevydb/kevy"
	"github.com/kevydb/kevy/internal/serveconn"
)

// OutputLimit is one class of Redis's client-output-buffer-limit: a client
// whose pending output reaches Hard bytes, or stays at or above Soft bytes
// for longer than SoftSeconds, is disconnected. In a Config, zero fields
// mean the class's default and negative ones no limit.
type OutputLimit = serveconn.OutputLimit

// Config configures a Server. Every zero value is Redis's default.
type Config struct {
	// Bind is the address to listen on; "" means 127.0.0.1 (loopback
	// only). Use "0.0.0.0" or "::" to accept remote clients, together with
	// RequirePass.
	Bind string
	// Port is the TCP port; zero means 6379; a negative port means no
	// plain TCP listener for ListenAndServe (Redis's port 0), which then
	// serves TLS only.
	Port int
	// TLS, when set, configures TLS (Redis's tls-* parameters):
	// ListenAndServe listens on TLS.Port too, ServeTLS serves a listener
	// over TLS, and CONFIG SET tls-cert-file and the others change it for
	// new connections. Nil: no TLS.
	TLS *TLS
	// RequirePass, when set, becomes the password of the store's default
	// user, as CONFIG SET requirepass does (it is the store's, shared by
	// all its servers); "" leaves the store's users as they are (by
	// default: no password).
	RequirePass string
	// ProtectedModeOff disables protected mode. With protected mode on (the
	// zero value) and a default user without a password (no RequirePass,
	// no password in the store's ACL), clients that do not connect from a
	// loopback address are refused with Redis's DENIED error.
	ProtectedModeOff bool
	// MaxClients bounds the connected clients; zero means 10000. A client
	// over the bound gets "ERR max number of clients reached". Each client
	// takes a file descriptor: kevy serve lowers it to fit the process's
	// open-file limit; a program embedding a Server should do the same.
	MaxClients int
	// IdleTimeout closes clients that neither sent nor received a byte
	// for longer (Redis's timeout); zero means never. Subscribed and
	// blocked clients are exempt.
	IdleTimeout time.Duration
	// MaxBulkLen is proto-max-bulk-len; zero means 512 MB.
	MaxBulkLen int64
	// MaxMultibulkLen bounds the arguments of one command; zero means
	// Redis 7.0's INT_MAX.
	MaxMultibulkLen int64
	// QueryBufferLimit is client-query-buffer-limit: what a client may
	// hold of its input, read and not yet executed (parsed commands
	// included); zero means 1 GB.
	QueryBufferLimit int64
	// NormalOutput is the output limit of ordinary clients; zero: none
	// (normal clients are not read while they do not read their replies).
	NormalOutput OutputLimit
	// PubSubOutput is the output limit of subscribed clients, and bounds
	// the messages waiting for them; zero: 32 MB hard, 8 MB for 60
	// seconds soft.
	PubSubOutput OutputLimit
	// Logger receives connection notices (limits, refusals); nil: the
	// store's logger.
	Logger *slog.Logger
}

// limits applies the buffer limits cfg sets (its non-zero fields) to
// cur, the store's current ones (Redis's defaults, or what CONFIG SET
// made them).
func (cfg Config) limits(cur serveconn.Limits) serveconn.Limits {
	if n := cfg.QueryBufferLimit; n > 0 {
		cur.QueryBuffer = n
	}
	set := func(dst *OutputLimit, o OutputLimit) {
		pick := func(dst *int64, v int64) {
			switch {
			case v > 0:
				*dst = v
			case v < 0:
				*dst = 0
			}
		}
		pick(&dst.Hard, o.Hard)
		pick(&dst.Soft, o.Soft)
		s := int64(dst.SoftSeconds)
		pick(&s, int64(o.SoftSeconds))
		dst.SoftSeconds = time.Duration(s)
	}
	set(&cur.Normal, cfg.NormalOutput)
	set(&cur.PubSub, cfg.PubSubOutput)
	return cur
}

// acceptLogEvery is how often repeated accept failures are logged.
const acceptLogEvery = time.Minute

// DefaultPort is Redis's port.
const DefaultPort = 6379

// DefaultMaxClients is Redis's maxclients.
const DefaultMaxClients = 10000

// Server serves one kevy store over RESP.
type Server struct {
	db      *kevy.Store
	cfg     Config
	conn    serveconn.Config
	release func()
	log     *slog.Logger

	tls       *tlsState // nil without TLS; see tls.go
	removeTLS func()

	mu        sync.Mutex
	listeners map[net.Listener]struct{}
	conns     map[*serveconn.Conn]struct{}
	shutdown  bool
	wg        sync.WaitGroup // connection goroutines
	idle      chan struct{}  // signalled when a connection ends
}

// ErrServerClosed is returned by Serve and ListenAndServe after Shutdown
// or Close.
var ErrServerClosed = errors.New("server: closed")

// New returns a server for db with cfg. It does not listen yet.
func New(db *kevy.Store, cfg Config) *Server {
	reg, release := serveconn.Acquire(db)
	if cfg.MaxClients <= 0 {
		cfg.MaxClients = DefaultMaxClients
	}
	reg.SetMaxClients(cfg.MaxClients)
	reg.SetLimits(cfg.limits(reg.Limits()))
	if cfg.RequirePass != "" {
		if a := reg.ACL(); a != nil {
			a.SetRequirePass(cfg.RequirePass)
		}
	}
	log := cfg.Logger
	if log == nil {
		log = db.Config().Logger
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	srv := &Server{
		db: db, cfg: cfg, release: release, log: log,
		conn: serveconn.Config{
			MaxBulkLen: cfg.MaxBulkLen, MaxMultibulkLen: cfg.MaxMultibulkLen,
			IdleTimeout: cfg.IdleTimeout, Registry: reg, Logger: log,
		},
		listeners: map[net.Listener]struct{}{},
		conns:     map[*serveconn.Conn]struct{}{},
		idle:      make(chan struct{}, 1),
	}
	if cfg.TLS != nil {
		srv.tls = newTLSState(*cfg.TLS, log)
		srv.removeTLS = reg.AddTLS(srv.tls)
	}
	return srv
}

// Addr returns the address ListenAndServe listens on: Bind (default
// 127.0.0.1) and Port (default 6379).
func (s *Server) Addr() string {
	host := s.cfg.Bind
	if host == "" {
		host = "127.0.0.1"
	}
	port := s.cfg.Port
	if port == 0 {
		port = DefaultPort
	}
	return net.JoinHostPort(host, strconv.Itoa(port))
}

// Listen opens the server's TCP listener (see Addr) without serving it.
func (s *Server) Listen() (net.Listener, error) {
	return net.Listen("tcp", s.Addr())
}

// ListenAndServe listens on Addr, and on TLSAddr with TLS when the Config
// has a TLS port, and serves until Shutdown or Close.
func (s *Server) ListenAndServe() error {
	var plain, secure net.Listener
	var err error
	if s.TLSAddr() != "" {
		if err := s.LoadTLS(); err != nil {
			return err
		}
		if secure, err = net.Listen("tcp", s.TLSAddr()); err != nil {
			return err
		}
	}
	if s.cfg.Port >= 0 {
		if plain, err = s.Listen(); err != nil {
			if secure != nil {
				_ = secure.Close()
			}
			return err
		}
	}
	switch {
	case plain == nil && secure == nil:
		return errors.New("server: no port to listen on (Port < 0 and no TLS port)")
	case secure == nil:
		return s.Serve(plain)
	case plain == nil:
		return s.ServeTLS(secure)
	}
	errs := make(chan error, 2)
	go func() { errs <- s.ServeTLS(secure) }()
	err = s.Serve(plain)
	if !errors.Is(err, ErrServerClosed) {
		_ = s.Close() // one listener failed: stop the other
	}
	return errors.Join(err, ignoreClosed(<-errs))
}

func ignoreClosed(err error) error {
	if errors.Is(err, ErrServerClosed) {
		return nil
	}
	return err
}

// Serve accepts clients on l and serves each on its own goroutine until
// Shutdown or Close, then returns ErrServerClosed. It closes l.
func (s *Server) Serve(l net.Listener) error {
	s.mu.Lock()
	if s.shutdown {
		s.mu.Unlock()
		_ = l.Close()
		return ErrServerClosed
	}
	s.listeners[l] = struct{}{}
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.listeners, l)
		s.mu.Unlock()
		_ = l.Close()
	}()
	var (
		delay    time.Duration
		loggedAt time.Time // last accept failure logged
		unlogged int       // failures since
	)
	for {
		nc, err := l.Accept()
		if err != nil {
			if s.closed() {
				return ErrServerClosed
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() || isTemporary(err) {
				// Out of file descriptors (EMFILE) and the like: back off
				// up to a second, and log the first failure and then one
				// line a minute, not one per attempt.
				delay = min(max(2*delay, 5*time.Millisecond), time.Second)
				if now := time.Now(); now.Sub(loggedAt) >= acceptLogEvery {
					s.log.Warn("server: accept failed; retrying", "err", err, "failures_since_last_log", unlogged)
					loggedAt, unlogged = now, 0
				} else {
					unlogged++
				}
				time.Sleep(delay)
				continue
			}
			return err
		}
		delay = 0
		s.accept(nc)
	}
}

func isTemporary(err error) bool {
	var t interface{ Temporary() bool }
	return errors.As(err, &t) && t.Temporary()
}

func (s *Server) closed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.shutdown
}

// accept admits nc or refuses it (protected mode, maxclients), in the
// order redis-server checks them.
func (s *Server) accept(nc net.Conn) {
	if !s.cfg.ProtectedModeOff && s.defaultNoPass() && !isLoopback(nc.RemoteAddr()) {
		s.refuse(nc, msgDenied)
		return
	}
	s.mu.Lock()
	if s.shutdown {
		s.mu.Unlock()
		_ = nc.Close()
		return
	}
	if s.conn.Registry.Len() >= s.cfg.MaxClients {
		s.mu.Unlock()
		s.refuse(nc, "-ERR max number of clients reached\r\n")
		return
	}
	c := serveconn.New(nc, s.db.Conn(), &s.conn)
	s.conns[c] = struct{}{}
	s.wg.Add(1)
	s.mu.Unlock()
	go func() {
		defer s.wg.Done()
		if tc, ok := nc.(*tls.Conn); ok && !s.handshake(tc) {
			c.Kill() // Serve then only cleans up
		}
		_ = c.Serve() // its errors are limits, logged by serveconn
		s.mu.Lock()
		delete(s.conns, c)
		s.mu.Unlock()
		select {
		case s.idle <- struct{}{}:
		default:
		}
	}()
}

// defaultNoPass reports whether the store's default user has no password,
// when protected mode refuses remote clients.
func (s *Server) defaultNoPass() bool {
	if a := s.conn.Registry.ACL(); a != nil {
		return a.DefaultNoPass()
	}
	return true
}

// handshakeTimeout bounds a TLS client's handshake.
const handshakeTimeout = 10 * time.Second

// handshake runs the TLS handshake of a new client, logging a failure.
func (s *Server) handshake(tc *tls.Conn) bool {
	ctx, cancel := context.WithTimeout(context.Background(), handshakeTimeout)
	defer cancel()
	if err := tc.HandshakeContext(ctx); err != nil {
		s.log.Debug("server: TLS handshake failed", "addr", tc.RemoteAddr(), "err", err)
		return false
	}
	return true
}

// refuse writes msg to a client being turned away and closes it, on its
// own goroutine so that a client that does not read cannot stall Accept.
func (s *Server) refuse(nc net.Conn, msg string) {
	s.conn.Registry.Rejected()
	s.log.Debug("server: client refused", "addr", nc.RemoteAddr(), "reason", msg)
	go func() {
		_ = nc.SetWriteDeadline(time.Now().Add(time.Second))
		_, _ = nc.Write([]byte(msg)) // best effort: the client is dropped anyway
		_ = nc.Close()
	}()
}

// isLoopback reports whether a is a loopback address (127.0.0.0/8, ::1)
// or a local socket, the clients protected mode admits.
func isLoopback(a net.Addr) bool {
	switch a := a.(type) {
	case *net.TCPAddr:
		return a.IP.IsLoopback()
	case *net.UnixAddr:
		return true
	case nil:
		return false
	}
	host, _, err := net.SplitHostPort(a.String())
	if err != nil {
		host = a.String()
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Shutdown stops the server gracefully: it closes the listeners, lets each
// client finish the commands it is executing and receive their replies,
// closes idle clients at once, and waits until every client is gone or ctx
// ends; then it closes the remaining clients and returns ctx.Err(). It
// does not close the store.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.shutdown = true
	for l := range s.listeners {
		_ = l.Close()
	}
	for c := range s.conns {
		c.Shutdown()
	}
	s.mu.Unlock()
	for {
		s.mu.Lock()
		n := len(s.conns)
		s.mu.Unlock()
		if n == 0 {
			break
		}
		select {
		case <-s.idle:
		case <-ctx.Done():
			s.Close()
			return ctx.Err()
		}
	}
	s.wg.Wait()
	s.releaseAll()
	return nil
}

// releaseAll drops the server's hold on the store's registry.
func (s *Server) releaseAll() {
	if s.removeTLS != nil {
		s.removeTLS()
	}
	s.release()
}

// Close stops the server at once: listeners and every client connection
// are closed, commands in progress abandoned. It waits for the connection
// goroutines to end. It does not close the store.
func (s *Server) Close() error {
	s.mu.Lock()
	s.shutdown = true
	for l := range s.listeners {
		_ = l.Close()
	}
	for c := range s.conns {
		c.Kill()
	}
	s.mu.Unlock()
	s.wg.Wait()
	s.releaseAll()
	return nil
}

// Clients returns the number of connected clients.
func (s *Server) Clients() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.conns)
}

// msgDenied is redis-server's protected-mode refusal, byte for byte.
const msgDenied = "-DENIED Redis is running in protected mode because protected " +
	"mode is enabled and no password is set for the default user. " +
	"In this mode connections are only accepted from the loopback interface. " +
	"If you want to connect from external computers to Redis you " +
	"may adopt one of the following solutions: " +
	"1) Just disable protected mode sending the command " +
	"'CONFIG SET protected-mode no' from the loopback interface " +
	"by connecting to Redis from the same host the server is " +
	"running, however MAKE SURE Redis is not publicly accessible " +
	"from internet if you do so. Use CONFIG REWRITE to make this " +
	"change permanent. " +
	"2) Alternatively you can just disable the protected mode by " +
	"editing the Redis configuration file, and setting the protected " +
	"mode option to 'no', and then restarting the server. " +
	"3) If you started the server manually just for testing, restart " +
	"it with the '--protected-mode no' option. " +
	"4) Setup a an authentication password for the default user. " +
	"NOTE: You only need to do one of the above things in order for " +
	"the server to start accepting connections from the outside.\r\n"
