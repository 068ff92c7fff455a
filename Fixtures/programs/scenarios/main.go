// Command gotracefixtures runs one small, deterministic-ish workload while
// writing a Go execution trace. It is used by scripts/make-fixtures.sh to
// produce the trace fixtures in Fixtures/traces/. Standard library only; it
// must build with every Go toolchain from 1.19 on.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime/trace"
	"sort"
)

// A scenario either runs a workload while main traces it (run), or manages
// the trace itself and writes it to the output path (custom).
type scenario struct {
	run    func() error
	custom func(out string) error
}

var scenarios = map[string]scenario{}

func register(name string, s scenario) { scenarios[name] = s }

func main() {
	name := flag.String("scenario", "", "scenario to run")
	out := flag.String("o", "", "path of the trace file to write")
	list := flag.Bool("list", false, "print the scenarios this build supports and exit")
	flag.Parse()

	if *list {
		var names []string
		for n := range scenarios {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			fmt.Println(n)
		}
		return
	}
	s, ok := scenarios[*name]
	if !ok || *out == "" {
		fmt.Fprintf(os.Stderr, "usage: gotracefixtures -scenario NAME -o FILE (unknown scenario %q; see -list)\n", *name)
		os.Exit(2)
	}
	if err := runScenario(s, *out); err != nil {
		fmt.Fprintf(os.Stderr, "scenario %s: %v\n", *name, err)
		os.Exit(1)
	}
}

func runScenario(s scenario, out string) error {
	if s.custom != nil {
		return s.custom(out)
	}
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	if err := trace.Start(f); err != nil {
		f.Close()
		return err
	}
	runErr := s.run()
	trace.Stop()
	if err := f.Close(); err != nil && runErr == nil {
		runErr = err
	}
	return runErr
}
