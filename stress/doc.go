// Package stress is kevy's stress harness (run with go test -race ./stress/...).
package stress
