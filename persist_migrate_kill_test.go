package kevy

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/kevydb/kevy/aof"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Re-sharding killed with SIGKILL before each of its steps: a child
// process (this test binary) opens the directory with another shard count
// and kills itself at step k, for k = 1, 2, ... until the re-shard
// completes. After each kill, the directory must open — with the new
// shard count and with the old one — holding exactly the data it held.

const reshardKillEnv = "KEVY_RESHARD_KILL" // dir,shards,step,engine

// TestReshardKillChild is the child process of
// TestReshardKill9AtEveryStep.
func TestReshardKillChild(t *testing.T) {
	spec := os.Getenv(reshardKillEnv)
	if spec == "" {
		t.Skip("child process of TestReshardKill9AtEveryStep")
	}
	f := strings.Split(spec, ",")
	require.Len(t, f, 4)
	shards, _ := strconv.Atoi(f[1])
	k, _ := strconv.Atoi(f[2])
	eng := EngineActor
	if f[3] == "locked" {
		eng = EngineLocked
	}
	n := 0
	s, err := openWithHooks(Config{Dir: f[0], Shards: shards, Engine: eng}, &testHooks{migrate: func(step string) error {
		n++
		fmt.Printf("step %s\n", step)
		if n == k {
			_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
			select {}
		}
		return nil
	}})
	require.NoError(t, err)
	require.NoError(t, s.Close())
	fmt.Println("completed")
}

func TestReshardKill9AtEveryStep(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns a process per step")
	}
	for _, eng := range []Engine{EngineActor, EngineLocked} {
		t.Run("engine="+eng.String(), func(t *testing.T) {
			src := t.TempDir()
			want := fillStore(t, Config{Dir: src, Shards: 2, Engine: eng})
			steps := 0
			for k := 1; ; k++ {
				dir := t.TempDir()
				copyDir(t, src, dir)
				cmd := exec.Command(os.Args[0], "-test.run=^TestReshardKillChild$", "-test.count=1")
				cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%s,3,%d,%s", reshardKillEnv, dir, k, eng))
				var out bytes.Buffer
				cmd.Stdout, cmd.Stderr = &out, &out
				err := cmd.Run()
				if err == nil {
					require.Contains(t, out.String(), "completed")
					require.Greater(t, k, 10, "the re-shard has steps")
					t.Logf("killed before each of %d steps", steps)
					break
				}
				var ee *exec.ExitError
				require.ErrorAs(t, err, &ee, out.String())
				ws, ok := ee.Sys().(syscall.WaitStatus)
				require.True(t, ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL, "child: %v\n%s", err, out.String())
				lines := strings.Split(strings.TrimSpace(out.String()), "\n")
				step := lines[len(lines)-1]
				steps++
				if m, err := readMeta(dir); err == nil && m.Migration != nil && m.Migration.From == 2 {
					// Committed: the keys of every old shard are accounted for.
					var sum int64
					for _, n := range m.Migration.Keys {
						sum += n
					}
					assert.Equal(t, int64(len(want)), sum, "killed at %s", step)
				}
				for _, reopen := range []int{3, 2} {
					d := t.TempDir()
					copyDir(t, dir, d)
					s, err := Open(Config{Dir: d, Shards: reopen, Engine: eng})
					require.NoError(t, err, "killed at %s, reopened with %d shards", step, reopen)
					assert.Equal(t, want, dump(t, s), "killed at %s, reopened with %d shards", step, reopen)
					require.NoError(t, s.Close())
					assert.Equal(t, reopen, countShardDirs(d), "killed at %s", step)
					_, err = os.Stat(filepath.Join(d, migrateDirName))
					assert.True(t, errors.Is(err, os.ErrNotExist), "killed at %s", step)
				}
			}
		})
	}
}

// TestReshardVerifyFailure: when the staged data does not read back as it
// was staged, the re-shard stops before its commit point and the old
// layout is untouched; the next Open re-shards from it.
func TestReshardVerifyFailure(t *testing.T) {
	src := t.TempDir()
	want := fillStore(t, Config{Dir: src, Shards: 2})
	damages := map[string]func(t *testing.T, base string){
		"flipped byte": func(t *testing.T, base string) {
			data, err := os.ReadFile(base)
			require.NoError(t, err)
			data[len(data)/2] ^= 1
			require.NoError(t, os.WriteFile(base, data, 0o644))
		},
		"lost key": func(t *testing.T, base string) {
			// A valid, shorter base: what a lost write would leave.
			require.NoError(t, os.WriteFile(base, []byte("REDIS0010\xff\x00\x00\x00\x00\x00\x00\x00\x00"), 0o644))
		},
	}
	for name, damage := range damages {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			copyDir(t, src, dir)
			old := map[string][]byte{}
			for _, sd := range []string{"shard-000", "shard-001"} {
				paths, _, err := aof.Files(filepath.Join(dir, sd))
				require.NoError(t, err)
				for _, p := range paths {
					old[p], err = os.ReadFile(p)
					require.NoError(t, err)
				}
			}
			hooks := &testHooks{migrate: func(step string) error {
				if step == "verify" {
					paths, base, err := aof.Files(filepath.Join(dir, migrateDirName, "shard-001"))
					require.NoError(t, err)
					require.True(t, base)
					damage(t, paths[0])
				}
				return nil
			}}
			_, err := openWithHooks(Config{Dir: dir, Shards: 3}, hooks)
			require.Error(t, err)
			assert.Contains(t, err.Error(), "verify")
			m, err := readMeta(dir)
			require.NoError(t, err)
			assert.Equal(t, 2, m.Shards, "not committed")
			assert.Nil(t, m.Migration)
			for p, data := range old {
				got, err := os.ReadFile(p)
				require.NoError(t, err)
				assert.Equal(t, data, got, "the old layout is untouched")
			}
			s, err := Open(Config{Dir: dir, Shards: 3})
			require.NoError(t, err)
			assert.Equal(t, want, dump(t, s))
			require.NoError(t, s.Close())
		})
	}
}
