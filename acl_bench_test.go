package kevy_test

import (
	"context"
	"testing"

	"github.com/kevydb/kevy"
)

// BenchmarkConnGetACL measures GET on a Conn as the default user (no
// check: one atomic load) and as users whose rules must be checked: a key
// pattern, and a key pattern reached through a second selector.
func BenchmarkConnGetACL(b *testing.B) {
	ctx := context.Background()
	db := openBench(b, kevy.EngineActor)
	for _, u := range []struct{ name, rules string }{
		{"default", ""},
		{"keys", "~key:* +@all"},
		{"selector", "~nope:* +@all (~key:* +get)"},
	} {
		c := db.Conn()
		if u.rules != "" {
			args := append([]string{"ACL", "SETUSER", u.name, "on", ">pw"}, fields(u.rules)...)
			if r := db.Exec(ctx, args...); r.IsError() {
				b.Fatal(r.Str)
			}
			if r := c.Exec(ctx, "AUTH", u.name, "pw"); r.IsError() {
				b.Fatal(r.Str)
			}
		}
		b.Run("user="+u.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				if _, err := c.Get(ctx, benchKeyNames[i&(benchKeys-1)]); err != nil {
					b.Fatal(err)
				}
			}
		})
		c.Close()
	}
}
