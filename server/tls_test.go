package server_test

import (
	"crypto/tls"
	"net"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kevydb/kevy"
	"github.com/kevydb/kevy/internal/testpki"
	"github.com/kevydb/kevy/resp"
	"github.com/kevydb/kevy/server"
)

// tlsSetup is a store served on a plain and a TLS listener.
type tlsSetup struct {
	db               *kevy.Store
	srv              *server.Server
	plain, secure    string // addresses
	ca               *testpki.CA
	serverCert, user *testpki.Pair
}

// startTLS serves a store over TCP and TLS with certificates of a fresh
// CA; change adjusts the TLS configuration.
func startTLS(t *testing.T, change func(*server.TLS)) *tlsSetup {
	t.Helper()
	dir := t.TempDir()
	ca := testpki.NewCA(t, dir, "test")
	s := &tlsSetup{ca: ca, serverCert: ca.Server("server"), user: ca.Client("client")}
	cfg := &server.TLS{CertFile: s.serverCert.CertFile, KeyFile: s.serverCert.KeyFile, CACertFile: ca.CertFile}
	if change != nil {
		change(cfg)
	}
	db, err := kevy.Open(kevy.Config{Shards: 2})
	require.NoError(t, err)
	s.db = db
	s.srv = server.New(db, server.Config{TLS: cfg})
	require.NoError(t, s.srv.LoadTLS())
	pl, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	tl, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	s.plain, s.secure = pl.Addr().String(), tl.Addr().String()
	done := make(chan error, 2)
	go func() { done <- s.srv.Serve(pl) }()
	go func() { done <- s.srv.ServeTLS(tl) }()
	t.Cleanup(func() {
		require.NoError(t, s.srv.Close())
		require.ErrorIs(t, <-done, server.ErrServerClosed)
		require.ErrorIs(t, <-done, server.ErrServerClosed)
		require.NoError(t, db.Close())
	})
	return s
}

// dialTLS connects with cfg; the client returned has done its handshake.
func dialTLS(t *testing.T, addr string, cfg *tls.Config) (*client, *tls.Conn, error) {
	t.Helper()
	nc, err := tls.DialWithDialer(&net.Dialer{Timeout: 5 * time.Second}, "tcp", addr, cfg)
	if err != nil {
		return nil, nil, err
	}
	t.Cleanup(func() { _ = nc.Close() })
	return &client{t: t, nc: nc, rd: resp.NewReader(nc, resp.ReaderOptions{})}, nc, nil
}

// pingTLS reports whether a client with cfg can run PING over TLS: a
// refused certificate fails the handshake (TLS 1.2) or the first read
// (TLS 1.3, where the server checks it after the client's handshake).
func pingTLS(t *testing.T, addr string, cfg *tls.Config) error {
	t.Helper()
	c, _, err := dialTLS(t, addr, cfg)
	if err != nil {
		return err
	}
	_, err = c.nc.Write(resp.AppendCommand(nil, "PING"))
	if err == nil {
		require.NoError(t, c.nc.SetReadDeadline(time.Now().Add(5*time.Second)))
		var r resp.Reply
		r, err = c.rd.ReadReply()
		if err == nil {
			assert.Equal(t, resp.PongReply, r)
		}
	}
	return err
}

func TestTLSServesWithClientCertificates(t *testing.T) {
	s := startTLS(t, nil)
	c, tc, err := dialTLS(t, s.secure, s.ca.ClientConfig(s.user))
	require.NoError(t, err)
	assert.Equal(t, resp.OK, c.do("SET", "k", "over tls"))
	assert.Equal(t, uint16(tls.VersionTLS13), tc.ConnectionState().Version)
	// The plain port serves the same store at the same time.
	assert.Equal(t, resp.BulkReply("over tls"), dial(t, s.plain).do("GET", "k"))
	assert.Equal(t, resp.BulkReply("over tls"), c.do("GET", "k"))

	// tls-auth-clients yes: a client without a certificate, or with one
	// of another CA, is refused.
	assert.Error(t, pingTLS(t, s.secure, s.ca.ClientConfig(nil)))
	other := testpki.NewCA(t, t.TempDir(), "other")
	assert.Error(t, pingTLS(t, s.secure, forceCert(s.ca.ClientConfig(nil), other.Client("intruder"))))
	// A client that does not trust the server's CA refuses it.
	assert.Error(t, pingTLS(t, s.secure, other.ClientConfig(s.user)))
	// TLS 1.2 clients are served too.
	cfg := s.ca.ClientConfig(s.user)
	cfg.MaxVersion = tls.VersionTLS12
	assert.NoError(t, pingTLS(t, s.secure, cfg))
	// Plain RESP on the TLS port gets no reply.
	nc, err := net.Dial("tcp", s.secure)
	require.NoError(t, err)
	defer nc.Close()
	_, _ = nc.Write([]byte("PING\r\n"))
	require.NoError(t, nc.SetReadDeadline(time.Now().Add(5*time.Second)))
	buf := make([]byte, 64)
	n, _ := nc.Read(buf)
	assert.NotContains(t, string(buf[:n]), "PONG")
}

func TestTLSAuthClientsNoAndOptional(t *testing.T) {
	s := startTLS(t, func(c *server.TLS) { c.AuthClients = server.TLSAuthNo; c.CACertFile = "" })
	assert.NoError(t, pingTLS(t, s.secure, s.ca.ClientConfig(nil)))
	assert.NoError(t, pingTLS(t, s.secure, s.ca.ClientConfig(s.user)))

	s = startTLS(t, func(c *server.TLS) { c.AuthClients = server.TLSAuthOptional })
	assert.NoError(t, pingTLS(t, s.secure, s.ca.ClientConfig(nil)))
	assert.NoError(t, pingTLS(t, s.secure, s.ca.ClientConfig(s.user)))
	other := testpki.NewCA(t, t.TempDir(), "other")
	assert.Error(t, pingTLS(t, s.secure, forceCert(s.ca.ClientConfig(nil), other.Client("intruder"))))
}

// forceCert makes a client present p even when the server does not list
// its CA (Go's client then sends none).
func forceCert(cfg *tls.Config, p *testpki.Pair) *tls.Config {
	cfg.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) { return &p.Cert, nil }
	return cfg
}

func TestTLSProtocols(t *testing.T) {
	s := startTLS(t, func(c *server.TLS) { c.Protocols = "TLSv1.3" })
	cfg := s.ca.ClientConfig(s.user)
	cfg.MaxVersion = tls.VersionTLS12
	assert.Error(t, pingTLS(t, s.secure, cfg))
	assert.NoError(t, pingTLS(t, s.secure, s.ca.ClientConfig(s.user)))

	for _, bad := range []string{"TLSv1.1", "TLSv1", "SSLv3"} {
		db, err := kevy.Open(kevy.Config{})
		require.NoError(t, err)
		srv := server.New(db, server.Config{TLS: &server.TLS{CertFile: s.serverCert.CertFile,
			KeyFile: s.serverCert.KeyFile, CACertFile: s.ca.CertFile, Protocols: bad}})
		assert.ErrorContains(t, srv.LoadTLS(), "tls-protocols", bad)
		require.NoError(t, srv.Close())
		require.NoError(t, db.Close())
	}
}

// TestTLSConfigAndRotation: CONFIG GET shows the tls-* parameters; CONFIG
// SET of a new certificate and key makes new handshakes present it while
// established connections go on; bad values change nothing, with Redis's
// errors.
func TestTLSConfigAndRotation(t *testing.T) {
	s := startTLS(t, nil)
	c, tc, err := dialTLS(t, s.secure, s.ca.ClientConfig(s.user))
	require.NoError(t, err)
	assert.Equal(t, s.serverCert.Serial, tc.ConnectionState().PeerCertificates[0].SerialNumber)
	cfg := c.do("CONFIG", "GET", "tls-*")
	got := map[string]string{}
	for i := 0; i+1 < len(cfg.Elems); i += 2 {
		got[cfg.Elems[i].Str] = cfg.Elems[i+1].Str
	}
	assert.Equal(t, map[string]string{"tls-port": "0", "tls-cert-file": s.serverCert.CertFile,
		"tls-key-file": s.serverCert.KeyFile, "tls-ca-cert-file": s.ca.CertFile, "tls-ca-cert-dir": "",
		"tls-auth-clients": "yes", "tls-protocols": ""}, got)

	next := s.ca.Server("server2")
	assert.Equal(t, resp.OK, c.do("CONFIG", "SET", "tls-cert-file", next.CertFile, "tls-key-file", next.KeyFile))
	_, tc2, err := dialTLS(t, s.secure, s.ca.ClientConfig(s.user))
	require.NoError(t, err)
	assert.Equal(t, next.Serial, tc2.ConnectionState().PeerCertificates[0].SerialNumber)
	assert.Equal(t, resp.PongReply, c.do("PING")) // the old connection goes on
	assert.Equal(t, resp.BulkReply(next.CertFile), c.do("CONFIG", "GET", "tls-cert-file").Elems[1])

	// A certificate without its key, a missing file: refused, nothing
	// changes.
	third := s.ca.Server("server3")
	assert.Equal(t, resp.Err("ERR CONFIG SET failed (possibly related to argument 'tls-cert-file') - Unable to update TLS configuration. Check server logs."),
		c.do("CONFIG", "SET", "tls-cert-file", third.CertFile))
	assert.Equal(t, resp.Err("ERR CONFIG SET failed (possibly related to argument 'tls-key-file') - Unable to update TLS configuration. Check server logs."),
		c.do("CONFIG", "SET", "tls-key-file", "/nonexistent"))
	assert.Equal(t, resp.Err("ERR CONFIG SET failed (possibly related to argument 'tls-auth-clients') - argument(s) must be one of the following: no, yes, optional"),
		c.do("CONFIG", "SET", "tls-auth-clients", "maybe"))
	assert.Equal(t, resp.Err("ERR CONFIG SET failed (possibly related to argument 'tls-port') - can't set immutable config"),
		c.do("CONFIG", "SET", "tls-port", "7000"))
	_, tc3, err := dialTLS(t, s.secure, s.ca.ClientConfig(s.user))
	require.NoError(t, err)
	assert.Equal(t, next.Serial, tc3.ConnectionState().PeerCertificates[0].SerialNumber)

	// Rotating a file in place, then setting the same name, reloads it.
	b, err := os.ReadFile(third.CertFile)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(next.CertFile, b, 0o600))
	b, err = os.ReadFile(third.KeyFile)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(next.KeyFile, b, 0o600))
	assert.Equal(t, resp.OK, c.do("CONFIG", "SET", "tls-cert-file", next.CertFile))
	_, tc4, err := dialTLS(t, s.secure, s.ca.ClientConfig(s.user))
	require.NoError(t, err)
	assert.Equal(t, third.Serial, tc4.ConnectionState().PeerCertificates[0].SerialNumber)

	// tls-auth-clients no, at run time.
	assert.Equal(t, resp.OK, c.do("CONFIG", "SET", "tls-auth-clients", "no"))
	assert.NoError(t, pingTLS(t, s.secure, s.ca.ClientConfig(nil)))
}

// TestTLSWithoutTLSServer: without a TLS server the parameters show their
// defaults and cannot be set.
func TestTLSWithoutTLSServer(t *testing.T) {
	_, _, addr := start(t, server.Config{}, nil)
	c := dial(t, addr)
	assert.Equal(t, resp.ArrayReply([]resp.Reply{resp.BulkReply("tls-auth-clients"), resp.BulkReply("yes")}),
		c.do("CONFIG", "GET", "tls-auth-clients"))
	assert.Equal(t, resp.Err("ERR CONFIG SET failed (possibly related to argument 'tls-cert-file') - TLS is not enabled: no server of this store has a TLS port"),
		c.do("CONFIG", "SET", "tls-cert-file", "x"))
}

func TestTLSListenAndServe(t *testing.T) {
	dir := t.TempDir()
	ca := testpki.NewCA(t, dir, "test")
	cert := ca.Server("server")
	db, err := kevy.Open(kevy.Config{})
	require.NoError(t, err)
	defer db.Close()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := l.Addr().(*net.TCPAddr).Port
	require.NoError(t, l.Close())
	// TLS only: the plain port is off.
	srv := server.New(db, server.Config{Port: -1, TLS: &server.TLS{Port: port, CertFile: cert.CertFile,
		KeyFile: cert.KeyFile, AuthClients: server.TLSAuthNo}})
	done := make(chan error, 1)
	go func() { done <- srv.ListenAndServe() }()
	addr := srv.TLSAddr()
	require.Eventually(t, func() bool { return pingTLS(t, addr, ca.ClientConfig(nil)) == nil }, 5*time.Second, 10*time.Millisecond)
	require.NoError(t, srv.Close())
	require.ErrorIs(t, <-done, server.ErrServerClosed)

	// Missing files are reported before serving.
	srv = server.New(db, server.Config{TLS: &server.TLS{Port: port, CertFile: "/nonexistent", KeyFile: cert.KeyFile}})
	assert.ErrorContains(t, srv.ListenAndServe(), "loading the certificate")
	require.NoError(t, srv.Close())
	// So is a CA missing while client certificates are required.
	srv = server.New(db, server.Config{TLS: &server.TLS{Port: port, CertFile: cert.CertFile, KeyFile: cert.KeyFile}})
	assert.ErrorContains(t, srv.LoadTLS(), "tls-ca-cert-file or tls-ca-cert-dir")
	require.NoError(t, srv.Close())
}
