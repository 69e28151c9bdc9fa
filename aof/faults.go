package aof

import (
	"io"
)

// Faults injects failures into a Log's file operations, for tests of code
// built on this package (kevy's store-level fault tests). Set it with
// [Options.WithFaults]; a nil hook means no fault. The hooks run on the
// goroutines that do the I/O, so they must be safe for concurrent use; a
// test changes its faults over time through state the hooks read
// atomically. Production code has no reason to use it.
type Faults struct {
	// Write decides the fate of a write of p to the file path: it returns
	// how many bytes of p land (the prefix is written for real) and the
	// error to return. Returning (len(p), nil) lets the write through.
	Write func(path string, p []byte) (int, error)
	// Op can fail any other operation before it happens: "sync" (of a
	// file), "truncate", "create", "open", "rename", "remove", "syncdir",
	// "mkdir". A nil error lets it through.
	Op func(op, path string) error
}

// WithFaults returns o set to run the log on the operating system's files
// with f's faults injected.
func (o Options) WithFaults(f *Faults) Options {
	o.fs = faultFS{f: f}
	return o
}

// faultFS is osFS with Faults.
type faultFS struct {
	osFS
	f *Faults
}

type faultFile struct {
	file
	path string
	f    *Faults
}

func (x faultFS) op(op, path string) error {
	if x.f.Op != nil {
		return x.f.Op(op, path)
	}
	return nil
}

func (x faultFS) wrap(f file, err error, path string) (file, error) {
	if err != nil {
		return nil, err
	}
	return faultFile{file: f, path: path, f: x.f}, nil
}

func (x faultFS) MkdirAll(dir string) error {
	if err := x.op("mkdir", dir); err != nil {
		return err
	}
	return x.osFS.MkdirAll(dir)
}

func (x faultFS) OpenAppend(name string) (file, error) {
	if err := x.op("open", name); err != nil {
		return nil, err
	}
	f, err := x.osFS.OpenAppend(name)
	return x.wrap(f, err, name)
}

func (x faultFS) Create(name string) (file, error) {
	if err := x.op("create", name); err != nil {
		return nil, err
	}
	f, err := x.osFS.Create(name)
	return x.wrap(f, err, name)
}

func (x faultFS) Open(name string) (readFile, error) {
	if err := x.op("open", name); err != nil {
		return nil, err
	}
	return x.osFS.Open(name)
}

func (x faultFS) Rename(oldname, newname string) error {
	if err := x.op("rename", newname); err != nil {
		return err
	}
	return x.osFS.Rename(oldname, newname)
}

func (x faultFS) Remove(name string) error {
	if err := x.op("remove", name); err != nil {
		return err
	}
	return x.osFS.Remove(name)
}

func (x faultFS) SyncDir(dir string) error {
	if err := x.op("syncdir", dir); err != nil {
		return err
	}
	return x.osFS.SyncDir(dir)
}

func (f faultFile) Write(p []byte) (int, error) {
	if f.f.Write == nil {
		return f.file.Write(p)
	}
	n, ferr := f.f.Write(f.path, p)
	n = max(0, min(n, len(p)))
	m, err := f.file.Write(p[:n])
	if err != nil {
		return m, err
	}
	if ferr == nil && m < len(p) {
		ferr = io.ErrShortWrite
	}
	return m, ferr
}

func (f faultFile) Sync() error {
	if f.f.Op != nil {
		if err := f.f.Op("sync", f.path); err != nil {
			return err
		}
	}
	return f.file.Sync()
}

func (f faultFile) Truncate(size int64) error {
	if f.f.Op != nil {
		if err := f.f.Op("truncate", f.path); err != nil {
			return err
		}
	}
	return f.file.Truncate(size)
}
