package kevy_test

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"testing"
)

// TestGeoMatchRedis compares the GEO commands with redis-server: the
// scores GEOADD stores (bit for bit, through ZRANGE WITHSCORES), the
// coordinates, hashes and distances as text, every search variant and
// option, ties between equal distances under full and partial sorts,
// invalid coordinates and every error.
func TestGeoMatchRedis(t *testing.T) {
	palermo := "13.361389 38.115556 Palermo 15.087269 37.502669 Catania 2.3522 48.8566 Paris -0.1276 51.5072 London " +
		"-73.935242 40.730610 NYC 139.6917 35.6895 Tokyo 151.2093 -33.8688 Sydney -58.3816 -34.6037 BuenosAires " +
		"179.9999 0 EdgeE -180 0 EdgeW 0 85.05112878 North 0 -85.05112878 South 0 0 Zero"
	cases := []diffCase{
		{"geoadd", lines(
			"GEOADD g "+palermo, "ZRANGE g 0 -1 WITHSCORES", "GEOADD g 13.361389 38.115556 Palermo", "GEOADD g CH 13.361390 38.115556 Palermo",
			"GEOADD g NX 1 1 Palermo 2 2 New", "GEOADD g XX 3 3 New2 1 1 Palermo", "GEOADD g XX CH NX 1 1 a", "GEOADD g NX XX 1 1 a",
			"GEOADD g ch xx 4 4 Palermo", "GEOADD g 1 2", "GEOADD g 1 2 a 3", "GEOADD g GT 1 2 a", "GEOADD g gt 1 a",
			"GEOADD g 181 0 bad", "GEOADD g -180.0000001 0 bad", "GEOADD g 0 85.05112879 bad", "GEOADD g 0 -86 bad",
			"GEOADD g inf 0 bad", "GEOADD g 0 -inf bad", "GEOADD g nan 0 bad", "GEOADD g x 0 bad", "GEOADD g 0 y bad",
			"GEOADD g 1e400 0 bad", "GEOADD g 0x10 0 hex", "GEOADD g 1 1 ok 200 0 bad", "EXISTS ok", "ZSCORE g hex",
			"GEOADD g -0 -0 negzero", "SET s x", "GEOADD s 1 1 a", "GEOADD fresh XX 1 1 a", "EXISTS fresh",
			"GEOADD g 180 85.05112878 corner 0.000001 0.000001 tiny", "ZRANGE g 0 -1 WITHSCORES",
		)},
		{"geopos-geohash-geodist", lines(
			"GEOADD g "+palermo, "GEOPOS g Palermo Catania nosuch Zero North South EdgeE EdgeW", "GEOPOS nokey a b", "GEOPOS g",
			"GEOHASH g Palermo Catania nosuch Zero North South EdgeE EdgeW Tokyo Sydney", "GEOHASH nokey a", "GEOHASH g",
			"GEODIST g Palermo Catania", "GEODIST g Palermo Catania km", "GEODIST g Palermo Catania MI", "GEODIST g Palermo Catania ft",
			"GEODIST g Palermo Catania m", "GEODIST g Palermo nosuch", "GEODIST nokey a b", "GEODIST g Palermo Catania lightyears",
			"GEODIST g Palermo Catania km extra", "GEODIST g Palermo Palermo", "GEODIST g EdgeE EdgeW", "GEODIST g North South km",
			"GEODIST g Tokyo Sydney", "GEODIST g NYC BuenosAires mi", "GEODIST nokey a b badunit",
			"SET s x", "GEOPOS s a", "GEOHASH s a", "GEODIST s a b",
			"ZADD odd 1.5 a -1 b inf c -inf d 1e30 e 0 f 9007199254740992 g 4503599627370496 h -4503599627370497 i 18446744073709551616 j",
			"GEOPOS odd a b c d e f g h i j", "GEOHASH odd a b c d e f g h i j", "GEODIST odd a b", "GEODIST odd c d", "GEODIST odd e i",
		)},
		{"georadius", lines(
			"GEOADD g "+palermo,
			"GEORADIUS g 15 37 200 km", "GEORADIUS g 15 37 200 km ASC", "GEORADIUS g 15 37 200 km DESC",
			"GEORADIUS g 15 37 200 km WITHDIST", "GEORADIUS g 15 37 200 km WITHCOORD", "GEORADIUS g 15 37 200 km WITHHASH",
			"GEORADIUS g 15 37 200 km WITHDIST WITHCOORD WITHHASH ASC", "GEORADIUS g 15 37 2000 km COUNT 1",
			"GEORADIUS g 15 37 20000 km COUNT 3 DESC WITHDIST", "GEORADIUS g 15 37 20000 km COUNT 3 ANY",
			"GEORADIUS g 15 37 20000 km COUNT 3 ANY ASC WITHDIST", "GEORADIUS g 0 0 1 m", "GEORADIUS g 0 0 0 m",
			"GEORADIUS g 0 0 5000 mi WITHDIST", "GEORADIUS g 0 0 50000 km WITHDIST ASC", "GEORADIUS g 179 0 200 km WITHDIST",
			"GEORADIUS g 0 85 100 km WITHDIST", "GEORADIUS g 0 -85 100 km WITHDIST", "GEORADIUS g 15 37 200 ft",
			"GEORADIUS g 15 37 -1 km", "GEORADIUS g 15 37 x km", "GEORADIUS g 15 37 10 parsec", "GEORADIUS g 200 37 10 km",
			"GEORADIUS g 15 37 10 km COUNT 0", "GEORADIUS g 15 37 10 km COUNT -1", "GEORADIUS g 15 37 10 km COUNT x",
			"GEORADIUS g 15 37 10 km COUNT", "GEORADIUS g 15 37 10 km ANY", "GEORADIUS g 15 37 10 km BOGUS",
			"GEORADIUS g 15 37 10 km STORE dst WITHDIST", "GEORADIUS nokey 15 37 10 km", "GEORADIUS nokey 15 37 10 km STORE dst",
			"GEORADIUS g 15 37 200 km STORE dst", "ZRANGE dst 0 -1 WITHSCORES", "GEORADIUS g 15 37 200 km STOREDIST dst2",
			"ZRANGE dst2 0 -1 WITHSCORES", "GEORADIUS g 15 37 200 km STOREDIST dst2 STORE dst3", "EXISTS dst2 dst3",
			"GEORADIUS g 15 37 1 m STORE dst", "EXISTS dst", "GEORADIUS nokey 15 37 10 km STORE dst3", "EXISTS dst3",
			"GEORADIUS_RO g 15 37 200 km WITHDIST", "GEORADIUS_RO g 15 37 200 km STORE x", "GEORADIUS g 15 37 200 km STORE",
			"GEORADIUSBYMEMBER g Palermo 200 km WITHDIST", "GEORADIUSBYMEMBER g Palermo 200 km STORE bm", "ZRANGE bm 0 -1 WITHSCORES",
			"GEORADIUSBYMEMBER g nosuch 200 km", "GEORADIUSBYMEMBER nokey nosuch x y", "GEORADIUSBYMEMBER nokey a 1 km STORE dst",
			"GEORADIUSBYMEMBER_RO g Tokyo 10000 km WITHDIST WITHCOORD COUNT 2", "GEORADIUSBYMEMBER_RO g Tokyo 10000 km STOREDIST x",
			"SET s x", "GEORADIUS s 15 37 10 km", "GEORADIUSBYMEMBER s a 10 km",
			"GEORADIUS g 15 37 200 km STORE {g}d", "GEORADIUS g 15 37 200 km STORE a STORE b", "EXISTS a b",
		)},
		{"geosearch", lines(
			"GEOADD g "+palermo,
			"GEOSEARCH g FROMLONLAT 15 37 BYRADIUS 200 km", "GEOSEARCH g FROMMEMBER Palermo BYRADIUS 200 km WITHDIST ASC",
			"GEOSEARCH g FROMLONLAT 15 37 BYBOX 400 400 km WITHDIST WITHCOORD", "GEOSEARCH g FROMLONLAT 15 37 BYBOX 400 400 km DESC",
			"GEOSEARCH g FROMMEMBER Paris BYBOX 2000 1000 km ASC WITHDIST", "GEOSEARCH g FROMLONLAT 0 0 BYBOX 40000 40000 km COUNT 4",
			"GEOSEARCH g FROMLONLAT 0 0 BYBOX 40000 40000 km COUNT 4 ANY", "GEOSEARCH g FROMLONLAT 0 0 BYRADIUS 25000 km COUNT 20 DESC WITHHASH",
			"GEOSEARCH g FROMLONLAT 15 37 BYRADIUS 200 km STOREDIST", "GEOSEARCH g FROMLONLAT 15 37 BYRADIUS 200 km STORE x",
			"GEOSEARCH g BYRADIUS 200 km", "GEOSEARCH g FROMLONLAT 15 37", "geosearch g FROMLONLAT 15 37", "GeoSearch g BYBOX 1 1 m",
			"GEOSEARCH g FROMMEMBER Palermo FROMLONLAT 15 37 BYRADIUS 1 km", "GEOSEARCH g FROMLONLAT 15 37 FROMMEMBER Palermo BYRADIUS 1 km",
			"GEOSEARCH g FROMLONLAT 15 37 BYRADIUS 1 km BYBOX 1 1 km", "GEOSEARCH g FROMLONLAT 15 37 BYBOX 1 1 km BYRADIUS 1 km",
			"GEOSEARCH g FROMMEMBER nosuch BYRADIUS 1 km", "GEOSEARCH nokey FROMMEMBER nosuch BYRADIUS 1 km",
			"GEOSEARCH nokey FROMLONLAT 1 2", "GEOSEARCH g FROMLONLAT 15 37 BYBOX -1 1 km", "GEOSEARCH g FROMLONLAT 15 37 BYBOX x 1 km",
			"GEOSEARCH g FROMLONLAT 15 37 BYBOX 1 y km", "GEOSEARCH g FROMLONLAT 15 37 BYBOX 1 1 yd", "GEOSEARCH g FROMLONLAT 15 37 BYBOX 1 1",
			"GEOSEARCH g FROMLONLAT 200 37 BYRADIUS 1 km", "GEOSEARCH g FROMLONLAT 15 37 BYRADIUS 1 km ANY",
			"GEOSEARCH g FROMLONLAT 15 37 BYRADIUS 100000 km COUNT 2 ANY DESC", "GEOSEARCH g FROMMEMBER Zero BYBOX 0 0 m WITHDIST",
			"GEOSEARCHSTORE dst g FROMLONLAT 15 37 BYRADIUS 200 km", "ZRANGE dst 0 -1 WITHSCORES",
			"GEOSEARCHSTORE dst g FROMLONLAT 15 37 BYRADIUS 200 km STOREDIST", "ZRANGE dst 0 -1 WITHSCORES",
			"GEOSEARCHSTORE dst g FROMLONLAT 0 0 BYBOX 30000 30000 km COUNT 3 DESC STOREDIST", "ZRANGE dst 0 -1 WITHSCORES",
			"GEOSEARCHSTORE dst g FROMLONLAT 15 37 BYRADIUS 200 km WITHDIST", "GEOSEARCHSTORE dst g FROMLONLAT 15 37 BYRADIUS 1 m", "EXISTS dst",
			"GEOSEARCHSTORE dst nokey FROMLONLAT 15 37 BYRADIUS 1 m", "GEOSEARCHSTORE dst g FROMLONLAT 15 37 BYRADIUS 200 km STORE x",
			"SET s x", "GEOSEARCH s FROMLONLAT 1 1 BYRADIUS 1 km", "GEOSEARCHSTORE dst s FROMLONLAT 1 1 BYRADIUS 1 km",
			"GEOSEARCHSTORE s g FROMLONLAT 15 37 BYRADIUS 200 km", "TYPE s", "SET s x", "EXPIRE s 1000",
			"GEOSEARCHSTORE s g FROMLONLAT 15 37 BYRADIUS 200 km", "PTTL s",
		)},
	}

	cases = append(cases, diffCase{"getkeys", lines(
		"COMMAND GETKEYS GEORADIUS k 1 2 3 m STORE a STOREDIST b", "COMMAND GETKEYS GEORADIUS k 1 2 3 m STORE a STORE b",
		"COMMAND GETKEYS GEORADIUS k 1 2 3 m STOREDIST b STORE a", "COMMAND GETKEYS GEORADIUS k 1 2 store 3 m",
		"COMMAND GETKEYS GEORADIUS k 1 2 3 m STORE", "COMMAND GETKEYS GEORADIUSBYMEMBER k m 3 km store x withdist",
		"COMMAND GETKEYS GEORADIUSBYMEMBER k store x 3 m", "COMMAND GETKEYS GEORADIUS_RO k 1 2 3 m STORE a",
		"COMMAND GETKEYS GEOSEARCHSTORE d s FROMLONLAT 1 2 BYRADIUS 1 m", "COMMAND GETKEYS GEOSEARCH s FROMLONLAT 1 2 BYRADIUS 1 m",
		"COMMAND GETKEYS PFMERGE a", "COMMAND GETKEYS PFMERGE a b c", "COMMAND GETKEYS PFCOUNT a b", "COMMAND GETKEYS PFDEBUG GETREG k",
		"COMMAND GETKEYS PFSELFTEST", "COMMAND GETKEYS BITOP AND d a b", "COMMAND GETKEYS BITOP NOT d", "COMMAND GETKEYS BITFIELD_RO k GET u8 0",
		"COMMAND GETKEYS LCS a b IDX", "COMMAND GETKEYS SETBIT k 1 1", "COMMAND GETKEYS GEOADD k 1 2 m",
	)})

	// Ties: many members at one point, sorted fully and partially (Redis's
	// pqsort leaves equal elements in its own order), and symmetric points
	// at equal distances.
	same := []string{"GEOADD t"}
	for i := 0; i < 120; i++ {
		same = append(same, "13.5 37.5 m"+strconv.Itoa(i))
	}
	tie := []string{join(same...), "GEOADD t 13.6 37.5 east 13.4 37.5 west 13.5 37.6 north 13.5 37.4 south"}
	for _, n := range []int{1, 3, 6, 7, 8, 20, 40, 41, 60, 119, 130} {
		tie = append(tie, fmt.Sprintf("GEOSEARCH t FROMLONLAT 13.5 37.5 BYRADIUS 50 km COUNT %d", n),
			fmt.Sprintf("GEOSEARCH t FROMLONLAT 13.5 37.5 BYRADIUS 50 km COUNT %d DESC WITHDIST", n),
			fmt.Sprintf("GEORADIUS t 13.5 37.55 50 km COUNT %d ASC", n))
	}
	tie = append(tie, "GEOSEARCH t FROMLONLAT 13.5 37.5 BYRADIUS 50 km ASC", "GEOSEARCH t FROMLONLAT 13.5 37.5 BYRADIUS 50 km DESC",
		"GEOSEARCH t FROMLONLAT 13.5 37.45 BYBOX 60 60 km ASC WITHDIST")
	cases = append(cases, diffCase{"ties", lines(tie...)})

	// Many random points: scores, coordinates, distances and searches at
	// every scale, including the pole regions and the antimeridian.
	r := rand.New(rand.NewPCG(17, 4))
	var many []string
	add := []string{"GEOADD w"}
	for i := 0; i < 1500; i++ {
		lon := r.Float64()*360 - 180
		lat := r.Float64()*170.1 - 85.05
		add = append(add, strconv.FormatFloat(lon, 'f', -1, 64), strconv.FormatFloat(lat, 'f', -1, 64), "p"+strconv.Itoa(i))
		if len(add) > 300 {
			many = append(many, join(add...))
			add = []string{"GEOADD w"}
		}
	}
	many = append(many, join(add...))
	for i := 0; i < 60; i++ {
		lon := r.Float64()*360 - 180
		lat := r.Float64()*170 - 85
		radius := []string{"10", "200", "1000", "5000", "15000"}[i%5]
		unit := []string{"km", "mi", "m", "ft"}[i%4]
		c := strconv.FormatFloat(lon, 'f', 5, 64) + " " + strconv.FormatFloat(lat, 'f', 5, 64)
		many = append(many,
			"GEOSEARCH w FROMLONLAT "+c+" BYRADIUS "+radius+" km WITHDIST WITHCOORD WITHHASH ASC",
			"GEOSEARCH w FROMLONLAT "+c+" BYBOX "+radius+" "+radius+" "+unit+" COUNT 25 WITHDIST",
			"GEORADIUS w "+c+" "+radius+" "+unit+" COUNT 10 DESC WITHDIST",
			"GEORADIUSBYMEMBER w p"+strconv.Itoa(i*7)+" "+radius+" km WITHDIST COUNT 15",
			"GEODIST w p"+strconv.Itoa(i)+" p"+strconv.Itoa(1499-i)+" "+unit,
			"GEOPOS w p"+strconv.Itoa(i*11), "GEOHASH w p"+strconv.Itoa(i*13),
		)
	}
	many = append(many, "GEOSEARCHSTORE d w FROMLONLAT 10 10 BYRADIUS 3000 km STOREDIST", "GEOSEARCHSTORE e w FROMLONLAT -170 60 BYBOX 4000 2000 km")
	cases = append(cases, diffCase{"many-points", lines(many...)})
	runDiff(t, cases)
}
