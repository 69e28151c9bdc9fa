//go:build !race

package serveconn_test

// raceEnabled reports whether the race detector is on.
const raceEnabled = false
