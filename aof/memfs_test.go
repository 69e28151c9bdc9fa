package aof

import (
	"bytes"
	"errors"
	"io/fs"
	"math/rand/v2"
	"path/filepath"
	"sort"
	"strings"
	"sync"
)

// errCrashed is what every operation returns once memFS has "crashed".
var errCrashed = errors.New("memfs: crashed")

// memNode is a file's contents: what the program sees and what is durable.
type memNode struct {
	data   []byte
	synced []byte
}

// memFS is an in-memory fileSystem that models what survives a machine
// crash: a file's bytes are durable up to its last Sync, a directory's
// entries (creations, renames, removals) up to its last SyncDir. It counts
// operations, can crash at the k-th mutating one, and lets a test inject
// errors and short writes.
type memFS struct {
	mu      sync.Mutex
	dirs    map[string]bool
	files   map[string]*memNode // what the program sees
	durable map[string]*memNode // the entries as of each dir's last SyncDir

	ops      int // mutating operations so far
	crashAt  int // crash when ops reaches this (-1: never)
	crashed  bool
	crashRNG *rand.Rand
	snapshot *memFS // the state at the crash

	writes map[string]int // Write calls per path
	syncs  map[string]int // Sync calls per path

	// failWrite, when set, decides the fate of a write: it returns how many
	// bytes land and the error to return (nil for a full write).
	failWrite func(path string, p []byte) (int, error)
	// failOp, when set, can fail any other operation ("sync", "truncate",
	// "create", "rename", "remove", "syncdir", "mkdir", "open").
	failOp func(op, path string) error
}

func newMemFS() *memFS {
	return &memFS{
		dirs: map[string]bool{}, files: map[string]*memNode{}, durable: map[string]*memNode{},
		crashAt: -1, writes: map[string]int{}, syncs: map[string]int{},
	}
}

// step counts a mutating operation and crashes when it is the chosen one.
func (m *memFS) step(op, path string) error {
	if m.crashed {
		return errCrashed
	}
	if m.crashAt >= 0 && m.ops == m.crashAt {
		m.snapshot = m.crashCloneLocked(m.crashRNG)
		m.crashed = true
		return errCrashed
	}
	m.ops++
	if m.failOp != nil {
		return m.failOp(op, path)
	}
	return nil
}

// crashCloneLocked returns the state a machine crash would leave: the
// durable entries, each file with its synced bytes plus, if the unsynced
// bytes extend them, a random prefix of those.
func (m *memFS) crashCloneLocked(rng *rand.Rand) *memFS {
	c := newMemFS()
	for d := range m.dirs {
		c.dirs[d] = true
	}
	clones := map[*memNode]*memNode{}
	for p, n := range m.durable {
		cn, ok := clones[n]
		if !ok {
			keep := n.synced
			if bytes.HasPrefix(n.data, n.synced) {
				extra := len(n.data) - len(n.synced)
				keep = n.data[:len(n.synced)+rng.IntN(extra+1)]
			} else if rng.IntN(2) == 0 {
				keep = n.data
			}
			b := bytes.Clone(keep)
			cn = &memNode{data: b, synced: bytes.Clone(b)}
			clones[n] = cn
		}
		c.files[p] = cn
		c.durable[p] = cn
	}
	return c
}

// CrashClone returns what a machine crash would leave now.
func (m *memFS) CrashClone(rng *rand.Rand) *memFS {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.crashCloneLocked(rng)
}

func (m *memFS) MkdirAll(dir string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.step("mkdir", dir); err != nil {
		return err
	}
	for d := filepath.Clean(dir); d != "." && d != "/"; d = filepath.Dir(d) {
		m.dirs[d] = true
	}
	return nil
}

func (m *memFS) openLocked(op, name string, trunc bool) (file, error) {
	name = filepath.Clean(name)
	if err := m.step(op, name); err != nil {
		return nil, err
	}
	if !m.dirs[filepath.Dir(name)] {
		return nil, &fs.PathError{Op: op, Path: name, Err: fs.ErrNotExist}
	}
	n, ok := m.files[name]
	if !ok {
		n = &memNode{}
		m.files[name] = n
	} else if trunc {
		n.data = n.data[:0:0]
	}
	return &memFile{fs: m, node: n, path: name}, nil
}

func (m *memFS) OpenAppend(name string) (file, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.openLocked("create", name, false)
}

func (m *memFS) Create(name string) (file, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.openLocked("create", name, true)
}

func (m *memFS) Open(name string) (readFile, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	name = filepath.Clean(name)
	if m.crashed {
		return nil, errCrashed
	}
	if m.failOp != nil {
		if err := m.failOp("open", name); err != nil {
			return nil, err
		}
	}
	n, ok := m.files[name]
	if !ok {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return memReader{bytes.NewReader(bytes.Clone(n.data))}, nil
}

func (m *memFS) Rename(oldname, newname string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	oldname, newname = filepath.Clean(oldname), filepath.Clean(newname)
	if err := m.step("rename", newname); err != nil {
		return err
	}
	n, ok := m.files[oldname]
	if !ok {
		return &fs.PathError{Op: "rename", Path: oldname, Err: fs.ErrNotExist}
	}
	delete(m.files, oldname)
	m.files[newname] = n
	return nil
}

func (m *memFS) Remove(name string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	name = filepath.Clean(name)
	if err := m.step("remove", name); err != nil {
		return err
	}
	if _, ok := m.files[name]; !ok {
		return &fs.PathError{Op: "remove", Path: name, Err: fs.ErrNotExist}
	}
	delete(m.files, name)
	return nil
}

func (m *memFS) ReadDir(dir string) ([]string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	dir = filepath.Clean(dir)
	if m.crashed {
		return nil, errCrashed
	}
	if !m.dirs[dir] {
		return nil, &fs.PathError{Op: "readdir", Path: dir, Err: fs.ErrNotExist}
	}
	var names []string
	for p := range m.files {
		if filepath.Dir(p) == dir {
			names = append(names, filepath.Base(p))
		}
	}
	sort.Strings(names)
	return names, nil
}

func (m *memFS) Size(name string) (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	name = filepath.Clean(name)
	if m.crashed {
		return 0, errCrashed
	}
	if m.dirs[name] {
		return 0, nil
	}
	n, ok := m.files[name]
	if !ok {
		return 0, &fs.PathError{Op: "stat", Path: name, Err: fs.ErrNotExist}
	}
	return int64(len(n.data)), nil
}

func (m *memFS) SyncDir(dir string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	dir = filepath.Clean(dir)
	if err := m.step("syncdir", dir); err != nil {
		return err
	}
	for p := range m.durable {
		if filepath.Dir(p) == dir {
			delete(m.durable, p)
		}
	}
	for p, n := range m.files {
		if filepath.Dir(p) == dir {
			m.durable[p] = n
		}
	}
	return nil
}

// file returns the current contents of name, or nil.
func (m *memFS) file(name string) []byte {
	m.mu.Lock()
	defer m.mu.Unlock()
	if n, ok := m.files[filepath.Clean(name)]; ok {
		return bytes.Clone(n.data)
	}
	return nil
}

// setFile replaces name's contents, durably.
func (m *memFS) setFile(name string, data []byte) {
	m.mu.Lock()
	defer m.mu.Unlock()
	name = filepath.Clean(name)
	n := &memNode{data: bytes.Clone(data), synced: bytes.Clone(data)}
	m.files[name] = n
	m.durable[name] = n
	m.dirs[filepath.Dir(name)] = true
}

// names returns the files under dir whose names contain sub.
func (m *memFS) names(dir, sub string) []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []string
	for p := range m.files {
		if filepath.Dir(p) == filepath.Clean(dir) && strings.Contains(filepath.Base(p), sub) {
			out = append(out, filepath.Base(p))
		}
	}
	sort.Strings(out)
	return out
}

type memFile struct {
	fs     *memFS
	node   *memNode
	path   string
	closed bool
}

func (f *memFile) Write(p []byte) (int, error) {
	m := f.fs
	m.mu.Lock()
	defer m.mu.Unlock()
	if f.closed {
		return 0, fs.ErrClosed
	}
	if !m.crashed && m.crashAt >= 0 && m.ops == m.crashAt {
		// The crashing write reaches the page cache; the crash keeps a
		// random prefix of it.
		f.node.data = append(f.node.data, p...)
	}
	if err := m.step("write", f.path); err != nil {
		return 0, err
	}
	m.writes[f.path]++
	n, err := len(p), error(nil)
	if m.failWrite != nil {
		n, err = m.failWrite(f.path, p)
	}
	f.node.data = append(f.node.data, p[:n]...)
	return n, err
}

func (f *memFile) Sync() error {
	m := f.fs
	m.mu.Lock()
	defer m.mu.Unlock()
	if f.closed {
		return fs.ErrClosed
	}
	if err := m.step("sync", f.path); err != nil {
		return err
	}
	m.syncs[f.path]++
	f.node.synced = bytes.Clone(f.node.data)
	return nil
}

func (f *memFile) Truncate(size int64) error {
	m := f.fs
	m.mu.Lock()
	defer m.mu.Unlock()
	if f.closed {
		return fs.ErrClosed
	}
	if err := m.step("truncate", f.path); err != nil {
		return err
	}
	if size < int64(len(f.node.data)) {
		f.node.data = f.node.data[:size:size]
	} else {
		f.node.data = append(f.node.data, make([]byte, size-int64(len(f.node.data)))...)
	}
	return nil
}

func (f *memFile) Close() error {
	m := f.fs
	m.mu.Lock()
	defer m.mu.Unlock()
	if f.closed {
		return fs.ErrClosed
	}
	f.closed = true
	return nil
}

// memReader is a memFS file open for reading.
type memReader struct{ *bytes.Reader }

func (memReader) Close() error { return nil }
