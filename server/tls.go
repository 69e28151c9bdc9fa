package server

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// TLS: the server's TLS listener, configured as redis-server's tls-*
// parameters, with crypto/tls. Each handshake takes the configuration
// current at that moment, so CONFIG SET tls-cert-file (and the others)
// applies to new connections while established ones keep theirs: that is
// how certificates rotate.

// TLSAuthClients is tls-auth-clients: whether clients must present a
// certificate signed by one of the CAs.
type TLSAuthClients uint8

// The tls-auth-clients values.
const (
	// TLSAuthYes (the zero value, Redis's default) requires a valid client
	// certificate.
	TLSAuthYes TLSAuthClients = iota
	// TLSAuthNo asks for none.
	TLSAuthNo
	// TLSAuthOptional verifies a client certificate if one is presented.
	TLSAuthOptional
)

// String returns the tls-auth-clients value: yes, no or optional.
func (a TLSAuthClients) String() string {
	switch a {
	case TLSAuthNo:
		return "no"
	case TLSAuthOptional:
		return "optional"
	}
	return "yes"
}

// ParseTLSAuthClients parses a tls-auth-clients value (yes, no or
// optional, in any case).
func ParseTLSAuthClients(s string) (TLSAuthClients, bool) {
	switch strings.ToLower(s) {
	case "yes":
		return TLSAuthYes, true
	case "no":
		return TLSAuthNo, true
	case "optional":
		return TLSAuthOptional, true
	}
	return 0, false
}

// TLS configures a server's TLS listener, as Redis's tls-* parameters.
// The files are PEM; they are read when the server starts serving TLS
// (LoadTLS) and again when CONFIG SET changes one of them.
type TLS struct {
	// Port is tls-port: ListenAndServe listens on it too; zero: no TLS
	// listener (ServeTLS still serves a listener given to it).
	Port int
	// CertFile and KeyFile are tls-cert-file and tls-key-file: the
	// server's certificate (chain) and its private key. Required.
	CertFile, KeyFile string
	// CACertFile and CACertDir are tls-ca-cert-file and tls-ca-cert-dir:
	// the certificates of the CAs client certificates must be signed by.
	// One is required unless AuthClients is TLSAuthNo, as in Redis.
	CACertFile, CACertDir string
	// AuthClients is tls-auth-clients; the zero value requires client
	// certificates, as Redis does.
	AuthClients TLSAuthClients
	// Protocols is tls-protocols: the versions offered, among "TLSv1.2"
	// and "TLSv1.3", separated by spaces; "" means both. Older versions
	// are refused.
	Protocols string
}

// tlsState is a server's TLS parameters and the configuration built from
// them.
type tlsState struct {
	log *slog.Logger

	mu     sync.Mutex // serialises changes
	params TLS
	cur    atomic.Pointer[tls.Config]
	base   *tls.Config // what listeners serve: takes cur at each handshake
}

const msgTLSUpdate = "Unable to update TLS configuration. Check server logs."

func newTLSState(p TLS, log *slog.Logger) *tlsState {
	t := &tlsState{params: p, log: log}
	t.base = &tls.Config{
		MinVersion: tls.VersionTLS12,
		GetConfigForClient: func(*tls.ClientHelloInfo) (*tls.Config, error) {
			if c := t.cur.Load(); c != nil {
				return c, nil
			}
			return nil, errors.New("server: TLS is not configured")
		},
	}
	return t
}

// load builds the configuration of p (reading its files) and makes it
// current.
func (t *tlsState) load(p TLS) error {
	cfg, err := buildTLS(p)
	if err != nil {
		return err
	}
	t.params = p
	t.cur.Store(cfg)
	return nil
}

// buildTLS reads p's files into a tls.Config.
func buildTLS(p TLS) (*tls.Config, error) {
	if p.CertFile == "" || p.KeyFile == "" {
		return nil, errors.New("tls-cert-file and tls-key-file are required")
	}
	cert, err := tls.LoadX509KeyPair(p.CertFile, p.KeyFile)
	if err != nil {
		return nil, fmt.Errorf("loading the certificate: %w", err)
	}
	minV, maxV, err := parseProtocols(p.Protocols)
	if err != nil {
		return nil, err
	}
	cfg := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: minV, MaxVersion: maxV}
	switch p.AuthClients {
	case TLSAuthNo:
		cfg.ClientAuth = tls.NoClientCert
	case TLSAuthOptional:
		cfg.ClientAuth = tls.VerifyClientCertIfGiven
	default:
		cfg.ClientAuth = tls.RequireAndVerifyClientCert
	}
	if p.CACertFile != "" || p.CACertDir != "" {
		pool, err := loadCAs(p.CACertFile, p.CACertDir)
		if err != nil {
			return nil, err
		}
		cfg.ClientCAs = pool
	} else if p.AuthClients != TLSAuthNo {
		return nil, errors.New("either tls-ca-cert-file or tls-ca-cert-dir must be specified when tls-auth-clients is enabled")
	}
	return cfg, nil
}

// parseProtocols reads tls-protocols into a version range.
func parseProtocols(s string) (minV, maxV uint16, err error) {
	if strings.TrimSpace(s) == "" {
		return tls.VersionTLS12, tls.VersionTLS13, nil
	}
	for _, w := range strings.Fields(s) {
		var v uint16
		switch strings.ToLower(w) {
		case "tlsv1.2":
			v = tls.VersionTLS12
		case "tlsv1.3":
			v = tls.VersionTLS13
		case "tlsv1", "tlsv1.1":
			return 0, 0, fmt.Errorf("tls-protocols: %s is not supported (TLSv1.2 and TLSv1.3 are)", w)
		default:
			return 0, 0, fmt.Errorf("tls-protocols: unknown protocol %q", w)
		}
		if minV == 0 || v < minV {
			minV = v
		}
		maxV = max(maxV, v)
	}
	return minV, maxV, nil
}

// loadCAs reads the CA certificates of a file and of every file of a
// directory.
func loadCAs(file, dir string) (*x509.CertPool, error) {
	pool := x509.NewCertPool()
	var files []string
	if file != "" {
		files = append(files, file)
	}
	if dir != "" {
		entries, err := os.ReadDir(dir)
		if err != nil {
			return nil, fmt.Errorf("tls-ca-cert-dir: %w", err)
		}
		for _, e := range entries {
			if !e.IsDir() {
				files = append(files, filepath.Join(dir, e.Name()))
			}
		}
	}
	for _, f := range files {
		pem, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("reading CA certificates: %w", err)
		}
		if !pool.AppendCertsFromPEM(pem) && f == file {
			return nil, fmt.Errorf("no certificate in %s", f)
		}
	}
	return pool, nil
}

// TLSParam implements serveconn.TLSParams.
func (t *tlsState) TLSParam(name string) string {
	t.mu.Lock()
	defer t.mu.Unlock()
	p := t.params
	switch name {
	case "tls-port":
		return strconv.Itoa(p.Port)
	case "tls-cert-file":
		return p.CertFile
	case "tls-key-file":
		return p.KeyFile
	case "tls-ca-cert-file":
		return p.CACertFile
	case "tls-ca-cert-dir":
		return p.CACertDir
	case "tls-auth-clients":
		return p.AuthClients.String()
	case "tls-protocols":
		return p.Protocols
	}
	return ""
}

// SetTLSParams implements serveconn.TLSParams: the new values are checked
// and loaded at once; new handshakes use them.
func (t *tlsState) SetTLSParams(values map[string]string) (string, string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	p := t.params
	blame := ""
	for _, name := range []string{"tls-cert-file", "tls-key-file", "tls-ca-cert-file", "tls-ca-cert-dir",
		"tls-auth-clients", "tls-protocols"} {
		v, ok := values[name]
		if !ok {
			continue
		}
		if blame == "" {
			blame = name
		}
		switch name {
		case "tls-cert-file":
			p.CertFile = v
		case "tls-key-file":
			p.KeyFile = v
		case "tls-ca-cert-file":
			p.CACertFile = v
		case "tls-ca-cert-dir":
			p.CACertDir = v
		case "tls-auth-clients":
			a, ok := ParseTLSAuthClients(v)
			if !ok {
				return name, "argument(s) must be one of the following: no, yes, optional"
			}
			p.AuthClients = a
		case "tls-protocols":
			p.Protocols = v
		}
	}
	if err := t.load(p); err != nil {
		t.log.Warn("server: TLS configuration not changed", "err", err)
		return blame, msgTLSUpdate
	}
	t.log.Info("server: TLS configuration changed; new connections use it")
	return "", ""
}

// TLSAddr returns the address ListenAndServe listens on for TLS: Bind and
// TLS.Port; "" when there is no TLS port.
func (s *Server) TLSAddr() string {
	if s.cfg.TLS == nil || s.cfg.TLS.Port == 0 {
		return ""
	}
	host := s.cfg.Bind
	if host == "" {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, strconv.Itoa(s.cfg.TLS.Port))
}

// LoadTLS reads the TLS configuration's files, so that a bad certificate
// is reported before serving; ServeTLS and ListenAndServe call it when it
// was not. It fails when the Config has no TLS.
func (s *Server) LoadTLS() error {
	if s.tls == nil {
		return errors.New("server: no TLS configuration")
	}
	s.tls.mu.Lock()
	defer s.tls.mu.Unlock()
	if s.tls.cur.Load() != nil {
		return nil
	}
	if err := s.tls.load(s.tls.params); err != nil {
		return fmt.Errorf("server: TLS: %w", err)
	}
	return nil
}

// ServeTLS serves clients over TLS on l (a plain TCP listener: the server
// does the handshakes), as Serve does over TCP.
func (s *Server) ServeTLS(l net.Listener) error {
	if err := s.LoadTLS(); err != nil {
		_ = l.Close()
		return err
	}
	return s.Serve(tls.NewListener(l, s.tls.base))
}
