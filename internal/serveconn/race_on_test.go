//go:build race

package serveconn_test

// raceEnabled reports whether the race detector is on: it slows every step,
// so the largest loads are cut down under it.
const raceEnabled = true
