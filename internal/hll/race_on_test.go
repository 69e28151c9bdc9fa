//go:build race

package hll

// raceEnabled reports whether the race detector is on.
const raceEnabled = true
