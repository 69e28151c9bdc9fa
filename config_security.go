package kevy

import (
	"context"
	"math"
	"strconv"
	"strings"

	"github.com/kevydb/kevy/internal/serveconn"
)

// The security parameters: those of the ACL, requirepass (the default
// user's password), aclfile (read-only), acllog-max-len and
// acl-pubsub-default; and those of TLS, tls-*.
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
			parse: uintParam(math.MaxInt64, func(s *Store, n int64) { s.access.acl.SetLogMaxLen(int(n)) })},
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

// The TLS parameters are those of the store's servers that serve TLS
// (package server registers them with the connection registry): CONFIG
// GET shows the first one's, CONFIG SET changes them all, each set of
// values at once (a certificate and its key together). Without a TLS
// server they show their defaults and cannot be set.
var tlsParams = []struct{ name, def string }{
	{"tls-port", "0"}, {"tls-cert-file", ""}, {"tls-key-file", ""}, {"tls-ca-cert-file", ""},
	{"tls-ca-cert-dir", ""}, {"tls-auth-clients", "yes"}, {"tls-protocols", ""},
}

func init() {
	for _, tp := range tlsParams {
		p := &configParam{name: tp.name, groupName: "tls",
			get: func(s *Store) string {
				if reg := s.obs.net.registry(s); reg != nil {
					if ts := reg.TLS(); len(ts) > 0 {
						return ts[0].TLSParam(tp.name)
					}
				}
				return tp.def
			},
			group: setTLSParams,
		}
		if tp.name == "tls-port" {
			p.group, p.groupName, p.ro = nil, "", "immutable"
		}
		configParams = append(configParams, p)
	}
}

// setTLSParams applies TLS parameters to every TLS server of the store.
func setTLSParams(s *Store, values map[string]string) (string, string) {
	var ts []serveconn.TLSParams
	if reg := s.obs.net.registry(s); reg != nil {
		ts = reg.TLS()
	}
	if len(ts) == 0 {
		for _, tp := range tlsParams { // blame the first in a stable order
			if _, ok := values[tp.name]; ok {
				return tp.name, "TLS is not enabled: no server of this store has a TLS port"
			}
		}
	}
	for _, t := range ts {
		if name, text := t.SetTLSParams(values); text != "" {
			return name, text
		}
	}
	return "", ""
}
