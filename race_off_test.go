//go:build !race

package kevy_test

// raceEnabled reports whether the race detector is on.
const raceEnabled = false
