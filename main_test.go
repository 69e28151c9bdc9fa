package kevy_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package if any test leaves a goroutine behind: every
// Store must have joined its shard, supervisor, syncer, bus and event
// goroutines by the time its Close returned.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
