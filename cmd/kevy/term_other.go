//go:build !linux

package main

import "os"

// isTerminal reports whether f is a character device (a terminal, most
// likely).
func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// makeRaw is not supported here: the line editor falls back to plain
// lines.
func makeRaw(*os.File) (func(), error) { return nil, errNoTerminal }
