package kevy_test

// Test-only dependencies used across the repository's test suites, pinned
// here until their own packages import them.
import (
	_ "github.com/anishathalye/porcupine"
	_ "go.uber.org/goleak"
	_ "golang.org/x/sync/errgroup"
)
