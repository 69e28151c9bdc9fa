package obs

import (
	"strings"
	"sync"
)

// maxErrorCodes bounds the distinct error codes counted, as Redis's
// errorstats does (128).
const maxErrorCodes = 128

// ErrorStats counts error replies by error code, the first word of the
// error ("ERR", "WRONGTYPE", "OOM"), for INFO errorstats. It is safe for
// concurrent use; errors are rare, so a mutex does.
type ErrorStats struct {
	mu    sync.Mutex
	codes map[string]int64
	total int64
}

// Count records one error reply with text msg.
func (s *ErrorStats) Count(msg string) {
	code, _, _ := strings.Cut(msg, " ")
	s.mu.Lock()
	defer s.mu.Unlock()
	s.total++
	if s.codes == nil {
		s.codes = map[string]int64{}
	}
	if _, ok := s.codes[code]; ok || len(s.codes) < maxErrorCodes {
		s.codes[strings.Clone(code)]++
	}
}

// Snapshot returns the counts by code and the total.
func (s *ErrorStats) Snapshot() (map[string]int64, int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int64, len(s.codes))
	for k, v := range s.codes {
		out[k] = v
	}
	return out, s.total
}

// Reset zeroes the counts.
func (s *ErrorStats) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.codes, s.total = nil, 0
}
