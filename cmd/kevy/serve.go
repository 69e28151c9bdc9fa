package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/kevydb/kevy"
	"github.com/kevydb/kevy/server"
)

// serveOptions are the flags of kevy serve.
type serveOptions struct {
	dir, bind, pass, passFile, engine, fsync string
	outputLimits, queryLimit, aclFile        string
	port, shards, maxClients                 int
	protectedOff                             bool
	timeout, grace                           time.Duration
	quiet                                    bool
	tls                                      tlsOptions

	getenv  func(string) string // os.Getenv; tests replace it
	rlimit  rlimit              // the open-file limit; tests replace it
	anyPort bool                // tests: port 0 (and tls-port 0 with TLS files) pick a free port
}

// tlsOptions are the TLS flags.
type tlsOptions struct {
	port                             int
	certFile, keyFile, caFile, caDir string
	authClients, protocols           string
}

// envRequirePass is the environment variable kevy serve reads the password
// from, so that it appears in no process list.
const envRequirePass = "KEVY_REQUIREPASS"

func serveFlags(fs *flag.FlagSet) *serveOptions {
	o := &serveOptions{}
	fs.StringVar(&o.dir, "dir", "", "data directory (\"\": in memory)")
	fs.StringVar(&o.bind, "bind", "127.0.0.1", "address to listen on (loopback only unless told)")
	fs.IntVar(&o.port, "port", server.DefaultPort, "TCP port (0: no plain TCP listener, as Redis's port 0)")
	fs.StringVar(&o.pass, "requirepass", "",
		"password of the default user (visible in ps: prefer --requirepass-file or $"+envRequirePass+")")
	fs.StringVar(&o.passFile, "requirepass-file", "",
		"read the password of the default user from this file (its first line)")
	fs.BoolVar(&o.protectedOff, "protected-mode-off", false,
		"accept non-loopback clients without a password")
	fs.IntVar(&o.shards, "shards", 0, "shards (0: GOMAXPROCS)")
	fs.StringVar(&o.engine, "engine", "actor", "engine: actor or locked")
	fs.StringVar(&o.fsync, "appendfsync", "everysec", "AOF fsync policy: always, everysec or no")
	fs.IntVar(&o.maxClients, "maxclients", server.DefaultMaxClients,
		"maximum connected clients (lowered to fit the open-file limit)")
	fs.StringVar(&o.outputLimits, "client-output-buffer-limit", "",
		`output buffer limits, as Redis's ("pubsub 32mb 8mb 60 normal 0 0 0 ...")`)
	fs.StringVar(&o.queryLimit, "client-query-buffer-limit", "", "input a client may hold (default 1gb)")
	fs.DurationVar(&o.timeout, "timeout", 0, "close clients idle for this long (0: never)")
	fs.DurationVar(&o.grace, "shutdown-timeout", 10*time.Second,
		"how long shutdown waits for clients to finish their commands")
	fs.BoolVar(&o.quiet, "quiet", false, "log warnings only")
	fs.StringVar(&o.aclFile, "aclfile", "", "ACL file (Redis's format): users loaded at start, by ACL LOAD, written by ACL SAVE")
	fs.IntVar(&o.tls.port, "tls-port", 0, "TLS port (0: none)")
	fs.StringVar(&o.tls.certFile, "tls-cert-file", "", "the server's certificate (PEM)")
	fs.StringVar(&o.tls.keyFile, "tls-key-file", "", "the server's private key (PEM)")
	fs.StringVar(&o.tls.caFile, "tls-ca-cert-file", "", "CA certificates that sign client certificates (PEM)")
	fs.StringVar(&o.tls.caDir, "tls-ca-cert-dir", "", "a directory of CA certificates (PEM)")
	fs.StringVar(&o.tls.authClients, "tls-auth-clients", "yes", "client certificates: yes (required), no, optional")
	fs.StringVar(&o.tls.protocols, "tls-protocols", "", `TLS versions: "TLSv1.2 TLSv1.3" (the default)`)
	o.getenv, o.rlimit = os.Getenv, sysRlimit{}
	return o
}

// password returns the password of the default user from the one place it
// was given: --requirepass-file, --requirepass or $KEVY_REQUIREPASS.
func (o *serveOptions) password(log *slog.Logger) (string, error) {
	env := o.getenv(envRequirePass)
	given := 0
	for _, set := range []bool{o.passFile != "", o.pass != "", env != ""} {
		if set {
			given++
		}
	}
	if given > 1 {
		return "", fmt.Errorf("the password is given more than once: use one of --requirepass-file, --requirepass and $%s", envRequirePass)
	}
	switch {
	case o.pass != "":
		log.Warn("kevy: --requirepass shows the password to anyone who can list processes; prefer --requirepass-file or $" + envRequirePass)
		return o.pass, nil
	case env != "":
		return env, nil
	case o.passFile == "":
		return "", nil
	}
	b, err := os.ReadFile(o.passFile)
	if err != nil {
		return "", fmt.Errorf("--requirepass-file: %w", err)
	}
	pass, _, _ := strings.Cut(string(b), "\n")
	pass = strings.TrimSuffix(pass, "\r")
	if pass == "" {
		return "", fmt.Errorf("--requirepass-file %s: the first line is empty", o.passFile)
	}
	if fi, err := os.Stat(o.passFile); err == nil && fi.Mode().Perm()&0o077 != 0 {
		log.Warn("kevy: the password file can be read by other users; chmod 600 it", "file", o.passFile,
			"mode", fi.Mode().Perm().String())
	}
	return pass, nil
}

// tlsConfig returns the server's TLS configuration, nil without a TLS
// port.
func (o *serveOptions) tlsConfig() (*server.TLS, error) {
	t := o.tls
	if t.port == 0 && !(o.anyPort && t.certFile != "") {
		return nil, nil
	}
	auth, ok := server.ParseTLSAuthClients(t.authClients)
	if !ok {
		return nil, fmt.Errorf("--tls-auth-clients %q: want yes, no or optional", t.authClients)
	}
	return &server.TLS{Port: t.port, CertFile: t.certFile, KeyFile: t.keyFile, CACertFile: t.caFile,
		CACertDir: t.caDir, AuthClients: auth, Protocols: t.protocols}, nil
}

func (o *serveOptions) storeConfig(log *slog.Logger) (kevy.Config, error) {
	cfg := kevy.Config{Dir: o.dir, Shards: o.shards, Logger: log, ACLFile: o.aclFile}
	switch o.engine {
	case "actor":
	case "locked":
		cfg.Engine = kevy.EngineLocked
	default:
		return cfg, fmt.Errorf("unknown engine %q (want actor or locked)", o.engine)
	}
	switch o.fsync {
	case "everysec":
	case "always":
		cfg.Fsync = kevy.FsyncAlways
	case "no":
		cfg.Fsync = kevy.FsyncNo
	default:
		return cfg, fmt.Errorf("unknown appendfsync %q (want always, everysec or no)", o.fsync)
	}
	return cfg, nil
}

func newServeFlagSet() *flag.FlagSet { return flag.NewFlagSet("serve", flag.ContinueOnError) }

func runServe(args []string) error {
	fs := newServeFlagSet()
	o := serveFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return serve(ctx, o, os.Stderr, nil)
}

// listening is where serve listens: the plain and the TLS address (""
// when off).
type listening struct{ plain, tls string }

// serve runs the server until ctx ends, then shuts it down gracefully and
// closes the store. ready, when set, receives the listening addresses.
func serve(ctx context.Context, o *serveOptions, logw io.Writer, ready func(listening)) error {
	level := slog.LevelInfo
	if o.quiet {
		level = slog.LevelWarn
	}
	log := slog.New(slog.NewTextHandler(logw, &slog.HandlerOptions{Level: level}))
	cfg, err := o.storeConfig(log)
	if err != nil {
		return err
	}
	pass, err := o.password(log)
	if err != nil {
		return err
	}
	if pass != "" && o.aclFile != "" {
		return errors.New("--aclfile and a requirepass password: give the default user its password in the ACL file")
	}
	tlsCfg, err := o.tlsConfig()
	if err != nil {
		return err
	}
	plainOn := o.port != 0 || o.anyPort
	if !plainOn && tlsCfg == nil {
		return errors.New("nothing to listen on: --port 0 and no --tls-port")
	}
	db, err := kevy.Open(cfg)
	if err != nil {
		return err
	}
	maxClients, err := fitMaxClients(o.rlimit, max(o.maxClients, 1), reservedFDs(db.Config().Shards), log)
	if err == nil {
		err = o.applyLimits(db)
	}
	if err != nil {
		return errors.Join(err, db.Close())
	}
	srv := server.New(db, server.Config{
		Bind: o.bind, Port: o.port, RequirePass: pass, ProtectedModeOff: o.protectedOff,
		MaxClients: maxClients, IdleTimeout: o.timeout, Logger: log, TLS: tlsCfg,
	})
	var ls []net.Listener // plain, then TLS
	var at listening
	closeAll := func(err error) error {
		for _, l := range ls {
			_ = l.Close()
		}
		_ = srv.Close()
		return errors.Join(err, db.Close())
	}
	if plainOn {
		l, err := net.Listen("tcp", net.JoinHostPort(o.bind, fmt.Sprint(max(o.port, 0))))
		if err != nil {
			return closeAll(err)
		}
		ls, at.plain = append(ls, l), l.Addr().String()
	}
	if tlsCfg != nil {
		if err := srv.LoadTLS(); err != nil {
			return closeAll(err)
		}
		l, err := net.Listen("tcp", net.JoinHostPort(o.bind, fmt.Sprint(tlsCfg.Port)))
		if err != nil {
			return closeAll(err)
		}
		ls, at.tls = append(ls, l), l.Addr().String()
	}
	if !isLoopbackBind(o.bind) && pass == "" && o.aclFile == "" {
		log.Warn("listening beyond loopback without a password: protected mode refuses remote clients",
			"bind", o.bind)
	}
	log.Info("kevy serving", "addr", at.plain, "tls_addr", at.tls, "dir", o.dir, "engine", cfg.Engine.String(),
		"appendfsync", o.fsync, "maxclients", maxClients)
	if ready != nil {
		ready(at)
	}
	stopTuner := startMemoryTuner(ctx, db, log)
	done := make(chan error, len(ls))
	for i, l := range ls {
		if i == 0 && plainOn {
			go func() { done <- srv.Serve(l) }()
		} else {
			go func() { done <- srv.ServeTLS(l) }()
		}
	}
	select {
	case <-ctx.Done():
	case err := <-done:
		_ = srv.Close()
		for range len(ls) - 1 {
			<-done
		}
		stopTuner()
		return errors.Join(err, db.Close())
	}
	log.Info("kevy shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), o.grace)
	defer cancel()
	serr := srv.Shutdown(sctx)
	for range ls {
		if err := <-done; !errors.Is(err, server.ErrServerClosed) {
			serr = errors.Join(serr, err)
		}
	}
	stopTuner()
	if err := db.Close(); err != nil {
		return errors.Join(serr, err)
	}
	log.Info("kevy stopped")
	return serr
}

// applyLimits sets the buffer limits given as flags, through CONFIG SET
// (which checks them as Redis does).
func (o *serveOptions) applyLimits(db *kevy.Store) error {
	for _, p := range [][2]string{{"client-output-buffer-limit", o.outputLimits}, {"client-query-buffer-limit", o.queryLimit}} {
		if p[1] == "" {
			continue
		}
		if r := db.Exec(context.Background(), "CONFIG", "SET", p[0], p[1]); r.IsError() {
			return fmt.Errorf("--%s %q: %s", p[0], p[1], r.Str)
		}
	}
	return nil
}

func isLoopbackBind(bind string) bool {
	if strings.EqualFold(bind, "localhost") {
		return true
	}
	ip := net.ParseIP(bind)
	return ip != nil && ip.IsLoopback()
}
