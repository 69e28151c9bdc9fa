//go:build race

package kevy_test

// raceEnabled reports whether the race detector is on: it changes
// allocation sizes, so heap measurements are skipped under it.
const raceEnabled = true
