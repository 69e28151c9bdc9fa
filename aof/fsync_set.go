package aof

// SetFsync changes the fsync policy while the log is open (Redis's CONFIG
// SET appendfsync). It is called by the owner, like Commit; it takes the
// lock under which SyncIfDirty reads the policy, so the syncer sees either
// policy, never a torn one. Switching to FsyncAlways fsyncs what is already
// written, so every write acknowledged afterwards is durable along with
// everything before it.
func (l *Log) SetFsync(p FsyncPolicy) error {
	l.syncMu.Lock()
	defer l.syncMu.Unlock()
	l.opts.Fsync = p
	if p == FsyncAlways && !l.closed && l.cur != nil && l.err == nil {
		return l.syncCurrent()
	}
	return nil
}

// Fsync returns the fsync policy. Owner only.
func (l *Log) Fsync() FsyncPolicy { return l.opts.Fsync }
