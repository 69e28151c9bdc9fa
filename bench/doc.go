// Package bench is the root of kevy's nested benchmark and interoperability
// module (github.com/kevydb/kevy/bench). It has its own go.mod so that
// third-party clients and servers used only for comparison (go-redis,
// redcon) never enter the main module's dependencies.
//
//	cd bench && go test -race ./...
//
// Subpackages:
//
//   - interop: go-redis v9 (RESP2 and RESP3) against kevy's server over
//     TCP and in-process through kevy.Dialer, compared with the same calls
//     on a real redis-server.
//   - wire: the measurement behind the choice of kevy's own RESP codec over
//     github.com/tidwall/redcon for the server's wire layer.
//   - memcmp (and cmd/memcmp): the memory kevy serve and redis-server need
//     for the same data, side by side (docs/memory.md).
package bench
