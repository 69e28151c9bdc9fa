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
	outputLimits, queryLimit                 string
	port, shards, maxClients                 int
	protectedOff                             bool
	timeout, grace                           time.Duration
	quiet                                    bool

	getenv func(string) string // os.Getenv; tests replace it
	rlimit rlimit              // the open-file limit; tests replace it
}

// envRequirePass is the environment variable kevy serve reads the password
// from, so that it appears in no process list.
const envRequirePass = "KEVY_REQUIREPASS"

func serveFlags(fs *flag.FlagSet) *serveOptions {
	o := &serveOptions{}
	fs.StringVar(&o.dir, "dir", "", "data directory (\"\": in memory)")
	fs.StringVar(&o.bind, "bind", "127.0.0.1", "address to listen on (loopback only unless told)")
	fs.IntVar(&o.port, "port", server.DefaultPort, "TCP port (0: any free port)")
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

func (o *serveOptions) storeConfig(log *slog.Logger) (kevy.Config, error) {
	cfg := kevy.Config{Dir: o.dir, Shards: o.shards, Logger: log}
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

// serve runs the server until ctx ends, then shuts it down gracefully and
// closes the store. ready, when set, receives the listening address.
func serve(ctx context.Context, o *serveOptions, logw io.Writer, ready func(addr string)) error {
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
		MaxClients: maxClients, IdleTimeout: o.timeout, Logger: log,
	})
	addr := net.JoinHostPort(o.bind, fmt.Sprint(max(o.port, 0)))
	l, err := net.Listen("tcp", addr)
	if err != nil {
		_ = srv.Close()
		return errors.Join(err, db.Close())
	}
	if !isLoopbackBind(o.bind) && pass == "" {
		log.Warn("listening beyond loopback without a password: protected mode refuses remote clients",
			"bind", o.bind)
	}
	log.Info("kevy serving", "addr", l.Addr().String(), "dir", o.dir, "engine", cfg.Engine.String(),
		"appendfsync", o.fsync, "maxclients", maxClients)
	if ready != nil {
		ready(l.Addr().String())
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(l) }()
	select {
	case <-ctx.Done():
	case err := <-done:
		_ = srv.Close()
		return errors.Join(err, db.Close())
	}
	log.Info("kevy shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), o.grace)
	defer cancel()
	serr := srv.Shutdown(sctx)
	if err := <-done; !errors.Is(err, server.ErrServerClosed) {
		serr = errors.Join(serr, err)
	}
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
