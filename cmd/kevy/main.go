// Command kevy is the kevy toolbox: benchmarks comparing kevy's engines, and
// (as they land) a RESP server, an interactive prompt and file tools.
//
// Usage:
//
//	kevy bench [flags]   compare the actor engine with the lock-based twin
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
				fmt.Fprintln(os.Stderr, "kevy "+c.name+":", err)
				os.Exit(1)
			}
			return
		}
	}
	usage()
	os.Exit(2)
}
