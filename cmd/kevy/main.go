// Command kevy is the kevy toolbox: a RESP server, an interactive prompt,
// file tools and benchmarks comparing kevy's engines.
//
// Usage:
//
//	kevy serve [flags]             serve a data directory over RESP (127.0.0.1:6379)
//	kevy cli [flags] [command]     a redis-cli-like prompt on a server or a data directory
//	kevy check-aof [--fix] path    validate append-only files
//	kevy check-rdb file            validate an RDB file
//	kevy export / kevy import      RDB files out of and into a store
//	kevy bench [flags]             compare the actor engine with the lock-based twin
//
// Run "kevy <command> -h" for a command's flags.
package main

import (
	"fmt"
	"os"
)

type command struct {
	name, summary string
	run           func(args []string) error
}

var commands = []command{
	{"serve", "serve a store over the Redis protocol (RESP2/RESP3)", runServe},
	{"cli", "interactive prompt on a kevy server or data directory, like redis-cli", runCLI},
	{"check-aof", "validate AOF files; --fix truncates a torn tail", runCheckAOF},
	{"check-rdb", "validate an RDB file", runCheckRDB},
	{"export", "write a store's keys to an RDB file", runExport},
	{"import", "load an RDB file into a store", runImport},
	{"bench", "compare the actor engine with the lock-based twin and the floors", runBench},
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: kevy <command> [flags]\n\ncommands:")
	for _, c := range commands {
		fmt.Fprintf(os.Stderr, "  %-10s %s\n", c.name, c.summary)
	}
}

func main() {
	if len(os.Args) < 2 {
		usage()
		os.Exit(2)
	}
	for _, c := range commands {
		if c.name == os.Args[1] {
			if err := c.run(os.Args[2:]); err != nil {
				if err != errSilent {
					fmt.Fprintln(os.Stderr, "kevy "+c.name+":", err)
				}
				os.Exit(1)
			}
			return
		}
	}
	usage()
	os.Exit(2)
}
