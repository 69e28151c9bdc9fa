package kevy_test

// Scripts for bitmaps, HyperLogLogs, geo sets and LCS, with Redis's replies
// (TestScriptsMatchRedis checks them against redis-server): they run on
// every engine variant even where redis-server is not installed. The
// differential tests (bitmaps_redis_test.go, hll_redis_test.go,
// geo_redis_test.go, lcs_redis_test.go) go much further.

func init() { scriptGroups["bits"] = bitsScripts }

var bitsScripts = map[string][]step{
	"BITOP/BITFIELD": {
		{"SET a \xff\x0f", "+OK"},
		{"SET c \xf0", "+OK"},
		{"BITOP AND d a c", ":2"},
		{"GET d", `"\xf0\x00"`},
		{"BITOP NOT d a", ":2"},
		{"GET d", `"\x00\xf0"`},
		{"BITOP NOT d a c", "-ERR BITOP NOT must be called with a single source key."},
		{"BITFIELD f SET i8 0 100 INCRBY i8 0 100 OVERFLOW SAT INCRBY i8 0 100 OVERFLOW FAIL INCRBY i8 0 1 GET u4 #1", "[:0 :-56 :44 :45 :13]"},
		{"BITFIELD f GET u64 0", "-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is."},
		{"BITFIELD_RO f SET u8 0 1", "-ERR BITFIELD_RO only supports the GET subcommand"},
		{"BITFIELD_RO f GET i8 0", "[:45]"},
	},
	"GEO": {
		{"GEOADD g 13.361389 38.115556 Palermo 15.087269 37.502669 Catania", ":2"},
		{"ZSCORE g Palermo", `"3479099956230698"`},
		{"GEOPOS g Palermo nosuch", `[["13.36138933897018433" "38.11555639549629859"] (nilarray)]`},
		{"GEOHASH g Palermo Catania", `["sqc8b49rny0" "sqdtr74hyu0"]`},
		{"GEODIST g Palermo Catania km", `"166.2742"`},
		{"GEORADIUS g 15 37 200 km WITHDIST WITHCOORD ASC", `[["Catania" "56.4413" ["15.08726745843887329" "37.50266842333162032"]] ["Palermo" "190.4424" ["13.36138933897018433" "38.11555639549629859"]]]`},
		{"GEOSEARCH g FROMMEMBER Palermo BYBOX 400 400 km DESC WITHHASH", `[["Catania" :3479447370796909] ["Palermo" :3479099956230698]]`},
		{"GEOSEARCHSTORE d g FROMLONLAT 15 37 BYRADIUS 200 km STOREDIST", ":2"},
		{"ZRANGE d 0 -1 WITHSCORES", `["Catania" "56.441257870158204" "Palermo" "190.44242984775784"]`},
		{"GEOADD g 181 0 bad", "-ERR invalid longitude,latitude pair 181.000000,0.000000"},
		{"GEOSEARCH g BYRADIUS 1 km", "-ERR wrong number of arguments for 'geosearch' command"},
	},
	"LCS": {
		{"MSET x ohmytext y mynewtext", "+OK"},
		{"LCS x y", `"mytext"`},
		{"LCS x y LEN", ":6"},
		{"LCS x y IDX MINMATCHLEN 4 WITHMATCHLEN", `["matches" [[[:4 :7] [:5 :8] :4]] "len" :6]`},
		{"LCS x y LEN IDX", "-ERR If you want both the length and indexes, please just use IDX."},
	},
	"PFADD/PFCOUNT/PFMERGE": {
		{"PFADD h a b c", ":1"},
		{"GET h", "\"HYLL\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x80`\\xf3\\x80P\\xb1\\x84K\\xfb\\x80BZ\""},
		{"PFCOUNT h", ":3"},
		{"GET h", "\"HYLL\\x01\\x00\\x00\\x00\\x03\\x00\\x00\\x00\\x00\\x00\\x00\\x00`\\xf3\\x80P\\xb1\\x84K\\xfb\\x80BZ\""},
		{"PFADD h2 c d", ":1"},
		{"PFCOUNT h h2", ":4"},
		{"PFMERGE m h h2", "+OK"},
		{"PFCOUNT m", ":4"},
		{"PFDEBUG ENCODING m", "+sparse"},
		{"PFDEBUG DECODE h2", `"Z:7292 v:1,1 Z:1143 v:1,1 Z:7947"`},
		{"SET s x", "+OK"},
		{"PFADD s a", "-WRONGTYPE Key is not a valid HyperLogLog string value."},
		{"SETRANGE h 4 \x02", ":27"},
		{"PFCOUNT h", "-WRONGTYPE Key is not a valid HyperLogLog string value."},
	},
	"SETBIT/GETBIT/BITCOUNT/BITPOS": {
		{"SETBIT b 7 1", ":0"},
		{"SETBIT b 7 0", ":1"},
		{"SETBIT b 17 1", ":0"},
		{"GET b", `"\x00\x00@"`},
		{"GETBIT b 17", ":1"},
		{"GETBIT b 1000", ":0"},
		{"BITCOUNT b", ":1"},
		{"SET s foobar", "+OK"},
		{"BITCOUNT s 1 1", ":6"},
		{"BITCOUNT s 5 30 BIT", ":17"},
		{"BITPOS s 1 2", ":17"},
		{"BITPOS s 0 8 -1 BIT", ":8"},
		{"SETBIT b 4294967296 1", "-ERR bit offset is not an integer or out of range"},
		{"SETBIT b 1 2", "-ERR bit is not an integer or out of range"},
		{"OBJECT ENCODING b", `"raw"`},
	},
}
