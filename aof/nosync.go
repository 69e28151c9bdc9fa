package aof

// CommitNoSync is Commit without the fsync that FsyncAlways implies: one
// write(2) of everything appended. The caller takes charge of durability:
// it must not acknowledge the records before a SyncIfDirty that started
// after this call returned nil. The actor engine uses it to pipeline group
// commit, executing the next batch while a syncer goroutine fsyncs the
// previous one.
func (l *Log) CommitNoSync() error {
	if err := l.usable(); err != nil {
		return err
	}
	if len(l.buf) > 0 {
		return l.write()
	}
	return nil
}
