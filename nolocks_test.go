package kevy_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The actor engine's packages own their state by goroutine, not by lock:
// no sync.Mutex or sync.RWMutex in the non-test code of actor/ and shard/
// (the lock-based twin lives in locked/, shared observability in
// internal/obs).
func TestNoMutexInActorAndShard(t *testing.T) {
	for _, dir := range []string{"actor", "shard"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		require.NoError(t, err)
		require.NotEmpty(t, files)
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			src, err := os.ReadFile(f)
			require.NoError(t, err)
			file, err := parser.ParseFile(token.NewFileSet(), f, src, 0)
			require.NoError(t, err)
			ast.Inspect(file, func(n ast.Node) bool {
				sel, ok := n.(*ast.SelectorExpr)
				if !ok {
					return true
				}
				if x, ok := sel.X.(*ast.Ident); ok && x.Name == "sync" {
					assert.NotContains(t, []string{"Mutex", "RWMutex", "Locker"}, sel.Sel.Name, "%s uses sync.%s", f, sel.Sel.Name)
				}
				return true
			})
		}
	}
}
