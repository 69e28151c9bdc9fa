package kevy

import (
	"context"
	"math"
	"strconv"
	"strings"
)

// The ACL's configuration parameters: requirepass (the default user's
// password), aclfile (read-only), acllog-max-len and acl-pubsub-default.
// (The file's name sorts after config_cmd.go's, whose init creates the
// table.)

func init() {
	configParams = append(configParams,
		&configParam{name: "requirepass",
			get: func(s *Store) string { return s.access.acl.RequirePass() },
			parse: func(s *Store, v string) (func(context.Context) error, string) {
				return func(context.Context) error { s.access.acl.SetRequirePass(v); return nil }, ""
			}},
		&configParam{name: "aclfile", get: func(s *Store) string { return s.access.acl.File() }, ro: "immutable"},
		&configParam{name: "acllog-max-len",
			get:   func(s *Store) string { return strconv.Itoa(s.access.acl.LogMaxLen()) },
			parse: intParam(0, math.MaxInt32, func(s *Store, n int64) { s.access.acl.SetLogMaxLen(int(n)) })},
		&configParam{name: "acl-pubsub-default",
			get: func(s *Store) string {
				if s.access.acl.PubSubDefault() {
					return "allchannels"
				}
				return "resetchannels"
			},
			parse: func(s *Store, v string) (func(context.Context) error, string) {
				var all bool
				switch strings.ToLower(v) {
				case "allchannels":
					all = true
				case "resetchannels":
				default:
					return nil, "argument(s) must be one of the following: allchannels, resetchannels"
				}
				return func(context.Context) error { s.access.acl.SetPubSubDefault(all); return nil }, ""
			}},
	)
}
