package memcmp

import (
	"fmt"
	"strconv"
)

// A Dataset is data loaded identically into every server under test: a
// sequence of write commands, produced on demand so that a million-key
// dataset never sits in the harness's own memory.
type Dataset struct {
	Name string // short name, for flags and tables
	Desc string // what is loaded, for the report
	// Keys is the number of keys the dataset creates.
	Keys int
	// Sample is a key whose MEMORY USAGE is reported.
	Sample string
	// Gen calls emit with each command in turn; emit's argument is reused
	// after emit returns.
	Gen func(emit func(argv []string))
}

// Small-collection shapes: how many keys and elements per key.
const (
	defaultSmallKeys  = 20000
	defaultSmallElems = 50
	defaultLargeElems = 1000000
	defaultStringKeys = 1000000
	perCommand        = 100 // elements per command when loading a large collection
)

// Datasets returns every dataset the harness knows, with the given sizes:
// n keys for the string datasets, small keys × elems for the small
// collections, large elements for the large ones. Zero means the default.
func Datasets(n, small, elems, large int) []Dataset {
	if n <= 0 {
		n = defaultStringKeys
	}
	if small <= 0 {
		small = defaultSmallKeys
	}
	if elems <= 0 {
		elems = defaultSmallElems
	}
	if large <= 0 {
		large = defaultLargeElems
	}
	smallDesc := func(what string) string {
		return fmt.Sprintf("%d %s × %d", small, what, elems)
	}
	return []Dataset{
		{
			Name: "strings", Keys: n, Sample: key("key:", 1),
			Desc: fmt.Sprintf("%d strings (key:%%08d → value-%%010d)", n),
			Gen: func(emit func([]string)) {
				argv := make([]string, 3)
				argv[0] = "SET"
				for i := range n {
					argv[1], argv[2] = key("key:", i), fmt.Sprintf("value-%010d", i)
					emit(argv)
				}
			},
		},
		{
			Name: "ints", Keys: n, Sample: key("key:", min(12345, n-1)),
			Desc: fmt.Sprintf("%d integers as strings (key:%%08d → i×7919)", n),
			Gen: func(emit func([]string)) {
				argv := make([]string, 3)
				argv[0] = "SET"
				for i := range n {
					argv[1], argv[2] = key("key:", i), strconv.Itoa(i*7919)
					emit(argv)
				}
			},
		},
		{
			Name: "hash-small", Keys: small, Sample: key("h:", 1),
			Desc: smallDesc("hashes (f:%03d → v-%08d)"),
			Gen: smallGen(small, elems, "HSET", "h:", func(argv []string, k, j int) []string {
				return append(argv, fmt.Sprintf("f:%03d", j), fmt.Sprintf("v-%08d", k*elems+j))
			}),
		},
		{
			Name: "set-int-small", Keys: small, Sample: key("si:", 1),
			Desc: smallDesc("sets of integers (k×1000+j)"),
			Gen: smallGen(small, elems, "SADD", "si:", func(argv []string, k, j int) []string {
				return append(argv, strconv.Itoa(k*1000+j))
			}),
		},
		{
			Name: "set-str-small", Keys: small, Sample: key("ss:", 1),
			Desc: smallDesc("sets of strings (m:%08d)"),
			Gen: smallGen(small, elems, "SADD", "ss:", func(argv []string, k, j int) []string {
				return append(argv, fmt.Sprintf("m:%08d", k*elems+j))
			}),
		},
		{
			Name: "zset-small", Keys: small, Sample: key("z:", 1),
			Desc: smallDesc("sorted sets (integer scores, m:%08d)"),
			Gen: smallGen(small, elems, "ZADD", "z:", func(argv []string, k, j int) []string {
				return append(argv, strconv.Itoa((k*elems+j)%1000), fmt.Sprintf("m:%08d", k*elems+j))
			}),
		},
		{
			Name: "list-small", Keys: small, Sample: key("l:", 1),
			Desc: smallDesc("lists (v-%08d)"),
			Gen: smallGen(small, elems, "RPUSH", "l:", func(argv []string, k, j int) []string {
				return append(argv, fmt.Sprintf("v-%08d", k*elems+j))
			}),
		},
		{
			Name: "hash-large", Keys: 1, Sample: "bighash",
			Desc: fmt.Sprintf("one hash of %d fields (f:%%08d → v-%%08d)", large),
			Gen: largeGen(large, "HSET", "bighash", func(argv []string, i int) []string {
				return append(argv, key("f:", i), key("v-", i))
			}),
		},
		{
			Name: "set-large", Keys: 1, Sample: "bigset",
			Desc: fmt.Sprintf("one set of %d members (m:%%08d)", large),
			Gen: largeGen(large, "SADD", "bigset", func(argv []string, i int) []string {
				return append(argv, key("m:", i))
			}),
		},
		{
			Name: "zset-large", Keys: 1, Sample: "bigzset",
			Desc: fmt.Sprintf("one sorted set of %d members (score i, m:%%08d)", large),
			Gen: largeGen(large, "ZADD", "bigzset", func(argv []string, i int) []string {
				return append(argv, strconv.Itoa(i), key("m:", i))
			}),
		},
	}
}

func key(prefix string, i int) string { return fmt.Sprintf("%s%08d", prefix, i) }

// smallGen loads keys collections of elems elements each, one command per
// key: cmd key elem...
func smallGen(keys, elems int, cmd, prefix string, add func(argv []string, k, j int) []string) func(func([]string)) {
	return func(emit func([]string)) {
		var argv []string
		for k := range keys {
			argv = append(argv[:0], cmd, key(prefix, k))
			for j := range elems {
				argv = add(argv, k, j)
			}
			emit(argv)
		}
	}
}

// largeGen loads one collection of n elements, perCommand per command.
func largeGen(n int, cmd, k string, add func(argv []string, i int) []string) func(func([]string)) {
	return func(emit func([]string)) {
		var argv []string
		for i := 0; i < n; {
			argv = append(argv[:0], cmd, k)
			for j := 0; j < perCommand && i < n; j++ {
				argv = add(argv, i)
				i++
			}
			emit(argv)
		}
	}
}
