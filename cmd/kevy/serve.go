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
	dir, bind, pass, engine, fsync string
	port, shards, maxClients       int
	protectedOff                   bool
	timeout, grace                 time.Duration
	quiet                          bool
}

func serveFlags(fs *flag.FlagSet) *serveOptions {
	o := &serveOptions{}
	fs.StringVar(&o.dir, "dir", "", "data directory (\"\": in memory)")
	fs.StringVar(&o.bind, "bind", "127.0.0.1", "address to listen on (loopback only unless told)")
	fs.IntVar(&o.port, "port", server.DefaultPort, "TCP port (0: any free port)")
	fs.StringVar(&o.pass, "requirepass", "", "password of the default user")
	fs.BoolVar(&o.protectedOff, "protected-mode-off", false,
		"accept non-loopback clients without a password")
	fs.IntVar(&o.shards, "shards", 0, "shards (0: GOMAXPROCS)")
	fs.StringVar(&o.engine, "engine", "actor", "engine: actor or locked")
	fs.StringVar(&o.fsync, "appendfsync", "everysec", "AOF fsync policy: always, everysec or no")
	fs.IntVar(&o.maxClients, "maxclients", server.DefaultMaxClients, "maximum connected clients")
	fs.DurationVar(&o.timeout, "timeout", 0, "close clients idle for this long (0: never)")
	fs.DurationVar(&o.grace, "shutdown-timeout", 10*time.Second,
		"how long shutdown waits for clients to finish their commands")
	fs.BoolVar(&o.quiet, "quiet", false, "log warnings only")
	return o
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
	db, err := kevy.Open(cfg)
	if err != nil {
		return err
	}
	srv := server.New(db, server.Config{
		Bind: o.bind, Port: o.port, RequirePass: o.pass, ProtectedModeOff: o.protectedOff,
		MaxClients: o.maxClients, IdleTimeout: o.timeout, Logger: log,
	})
	addr := net.JoinHostPort(o.bind, fmt.Sprint(max(o.port, 0)))
	l, err := net.Listen("tcp", addr)
	if err != nil {
		_ = srv.Close()
		return errors.Join(err, db.Close())
	}
	if !isLoopbackBind(o.bind) && o.pass == "" {
		log.Warn("listening beyond loopback without a password: protected mode refuses remote clients",
			"bind", o.bind)
	}
	log.Info("kevy serving", "addr", l.Addr().String(), "dir", o.dir, "engine", cfg.Engine.String(),
		"appendfsync", o.fsync)
	if ready != nil {
		ready(l.Addr().String())
	}
	stopTuner := startMemoryTuner(ctx, db, log)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(l) }()
	select {
	case <-ctx.Done():
	case err := <-done:
		_ = srv.Close()
		stopTuner()
		return errors.Join(err, db.Close())
	}
	log.Info("kevy shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), o.grace)
	defer cancel()
	serr := srv.Shutdown(sctx)
	if err := <-done; !errors.Is(err, server.ErrServerClosed) {
		serr = errors.Join(serr, err)
	}
	stopTuner()
	if err := db.Close(); err != nil {
		return errors.Join(serr, err)
	}
	log.Info("kevy stopped")
	return serr
}

func isLoopbackBind(bind string) bool {
	if strings.EqualFold(bind, "localhost") {
		return true
	}
	ip := net.ParseIP(bind)
	return ip != nil && ip.IsLoopback()
}
