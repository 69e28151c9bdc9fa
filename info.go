package kevy

import (
	"context"
	"fmt"
	"strings"

	"github.com/kevydb/kevy/resp"
	"github.com/kevydb/kevy/shard"
)

// INFO: Redis 7.0's sections, in its order, with its field names where
// they apply to an embedded store (and a few kevy_ fields); the section
// bodies are in info_sections.go.

// infoSection is one section of INFO.
type infoSection struct {
	key   string // the lower-case name INFO takes as an argument
	title string // the name in its "# Title" header
	dflt  bool   // printed by INFO without arguments (and by "default")
}

// infoSections are INFO's sections in Redis's order. "all" prints them all
// and "everything" too (kevy has no module sections).
var infoSections = []infoSection{
	{"server", "Server", true},
	{"clients", "Clients", true},
	{"memory", "Memory", true},
	{"persistence", "Persistence", true},
	{"stats", "Stats", true},
	{"replication", "Replication", true},
	{"cpu", "CPU", true},
	{"modules", "Modules", true},
	{"commandstats", "Commandstats", false},
	{"errorstats", "Errorstats", true},
	{"latencystats", "Latencystats", false}, // no percentiles kept: empty
	{"cluster", "Cluster", true},
	{"keyspace", "Keyspace", true},
}

// Info returns the text of INFO for the given sections (none: the default
// set; "all" or "everything": every section), in Redis's format.
func (s *Store) Info(ctx context.Context, sections ...string) (string, error) {
	return s.info(ctx, append([]string{"INFO"}, sections...))
}

func (c *Conn) cmdInfo(ctx context.Context, args []string) resp.Reply {
	text, err := c.s.info(ctx, args)
	if err != nil {
		return resp.Err("ERR " + err.Error())
	}
	return resp.BulkReply(text)
}

func (s *Store) info(ctx context.Context, args []string) (string, error) {
	if s.closed.Load() {
		return "", ErrClosed
	}
	return s.infoFrom(args, func(fn func(i int, ks *shard.Keyspace)) error { return s.onShards(ctx, fn) })
}

// infoWant returns the sections args (INFO's arguments, the command name
// first) select: Redis's genInfoSectionDict.
func infoWant(args []string) map[string]bool {
	want := map[string]bool{}
	if len(args) == 1 {
		args = []string{"INFO", "default"}
	}
	for _, a := range args[1:] {
		switch a = strings.ToLower(a); a {
		case "all", "everything":
			for _, sec := range infoSections {
				want[sec.key] = true
			}
		case "default":
			for _, sec := range infoSections {
				if sec.dflt {
					want[sec.key] = true
				}
			}
		default:
			want[a] = true
		}
	}
	return want
}

// infoFrom builds INFO's text, reading the shards through gather (which
// runs its argument on every shard's keyspace with exclusive access).
func (s *Store) infoFrom(args []string, gather func(fn func(i int, ks *shard.Keyspace)) error) (string, error) {
	want := infoWant(args)
	var in infoInput
	if want["clients"] || want["memory"] || want["stats"] || want["keyspace"] || want["commandstats"] {
		var err error
		if in, err = s.gatherInfo(gather); err != nil {
			return "", err
		}
	}
	var b strings.Builder
	for _, sec := range infoSections {
		if !want[sec.key] {
			continue
		}
		if b.Len() > 0 {
			b.WriteString("\r\n")
		}
		fmt.Fprintf(&b, "# %s\r\n", sec.title)
		if sec.key == "persistence" {
			if err := s.writePersistenceInfo(&b, gather); err != nil { // persist_cmds.go
				return "", err
			}
			continue
		}
		s.writeInfoSection(&b, sec.key, &in)
	}
	return b.String(), nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
