package aof

import (
	"io"
	"os"
)

// fileSystem is the seam between the log and the operating system: osFS in
// production, a crashable in-memory one with fault injection in tests.
// Names are full paths.
type fileSystem interface {
	MkdirAll(dir string) error
	// OpenAppend opens name for appending, creating it if it is missing.
	OpenAppend(name string) (file, error)
	// Create creates name, or truncates it, for writing.
	Create(name string) (file, error)
	// Open opens name for reading; the result also reads at offsets, for
	// the look-ahead past a damaged record (Replay).
	Open(name string) (readFile, error)
	Rename(oldname, newname string) error
	Remove(name string) error
	// ReadDir returns the names (not paths) of the entries in dir.
	ReadDir(dir string) ([]string, error)
	// Size returns the length of name; errors wrap fs.ErrNotExist when it
	// is missing.
	Size(name string) (int64, error)
	// SyncDir makes the entries of dir (creations, renames, removals)
	// durable.
	SyncDir(dir string) error
}

// file is an open file of a fileSystem. Sync may run concurrently with
// Write and Truncate (the syncer goroutine), never with Close.
type file interface {
	io.Writer
	// Sync makes the data written so far durable (fdatasync).
	Sync() error
	Truncate(size int64) error
	Close() error
}

// readFile is a file open for reading.
type readFile interface {
	io.Reader
	io.ReaderAt
	io.Closer
}

// osFS is the operating system's file system.
type osFS struct{}

type osFile struct{ *os.File }

func (f osFile) Sync() error { return fdatasync(f.File) }

func (osFS) MkdirAll(dir string) error { return os.MkdirAll(dir, 0o755) }

func (osFS) OpenAppend(name string) (file, error) {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	return osFile{f}, nil
}

func (osFS) Create(name string) (file, error) {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_TRUNC|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	return osFile{f}, nil
}

func (osFS) Open(name string) (readFile, error) { return os.Open(name) }

func (osFS) Rename(oldname, newname string) error { return os.Rename(oldname, newname) }

func (osFS) Remove(name string) error { return os.Remove(name) }

func (osFS) ReadDir(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	names := make([]string, len(entries))
	for i, e := range entries {
		names[i] = e.Name()
	}
	return names, nil
}

func (osFS) Size(name string) (int64, error) {
	fi, err := os.Stat(name)
	if err != nil {
		return 0, err
	}
	return fi.Size(), nil
}

func (osFS) SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}
