package main

import (
	"errors"
	"fmt"
	"log/slog"
)

// The open-file limit, as redis-server's adjustOpenFilesLimit handles it:
// kevy serve needs a descriptor per client plus a reserve for itself (the
// listener, the runtime, and the store's files: each shard's append-only
// file, and what a rewrite or SAVE opens at once). When the soft limit
// (ulimit -n) is too low it tries to raise it, in steps of 16 down from
// what it needs, and when it cannot, it lowers maxclients to fit and says
// so, rather than accept clients it has no descriptors for.

// reservedFDs is what kevy serve keeps for itself, beyond one descriptor
// per client: Redis's CONFIG_MIN_RESERVED_FDS (32) plus four per shard (its
// log, and a rewrite's new log, base and manifest, or a SAVE's file).
func reservedFDs(shards int) int { return 32 + 4*shards }

// rlimit reads and sets the open-file limit; the real one is in
// fdlimit_unix.go.
type rlimit interface {
	get() (cur, max uint64, err error)
	set(cur, max uint64) error
}

// fitMaxClients raises the open-file limit to maxClients+reserved if it
// can and returns the maxclients that fits the limit it got, logging what
// it changed. It fails when the limit leaves no room for one client.
func fitMaxClients(rl rlimit, maxClients, reserved int, log *slog.Logger) (int, error) {
	need := uint64(maxClients + reserved)
	cur, hard, err := rl.get()
	if errors.Is(err, errors.ErrUnsupported) {
		return maxClients, nil
	}
	if err != nil {
		n := 1024 - reserved
		log.Warn("kevy: cannot read the open-file limit; assuming 1024", "err", err, "maxclients", n)
		return max(min(n, maxClients), 1), nil
	}
	if cur >= need {
		return maxClients, nil
	}
	best, setErr := need, error(nil)
	for best > cur {
		if err := rl.set(best, max(best, hard)); err == nil {
			break
		} else {
			setErr = err
		}
		if best < 16 {
			best = cur
			break
		}
		best -= 16
	}
	best = max(best, cur)
	if best >= need {
		log.Info("kevy: raised the open-file limit", "from", cur, "to", best)
		return maxClients, nil
	}
	if best <= uint64(reserved) {
		return 0, fmt.Errorf("the open-file limit (ulimit -n) of %d is not enough to start: kevy serve needs at least %d (%d for itself and one per client)",
			best, reserved+1, reserved)
	}
	fit := int(best) - reserved
	log.Warn("kevy: maxclients reduced to fit the open-file limit; raise ulimit -n for more",
		"maxclients_requested", maxClients, "fds_required", need, "fd_limit", best,
		"maxclients", fit, "setrlimit_error", setErr)
	return fit, nil
}
