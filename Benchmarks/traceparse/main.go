// Command traceparse is the reference reader for the gotrace benchmark.
//
// It reads a Go execution trace with the Go toolchain's own parser
// (internal/trace, the package behind `go tool trace`), calling ReadEvent
// until io.EOF, and prints the number of events as `events=N`.
//
// Because it imports internal/trace it cannot be built as an ordinary
// program: scripts/bench.sh copies it to $GOROOT/src/cmd/traceparse/main.go
// and runs `go build -o DIR/traceparse cmd/traceparse`.
//
// Usage: traceparse FILE
package main

import (
	"bufio"
	"fmt"
	"internal/trace"
	"io"
	"os"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: traceparse FILE")
		os.Exit(2)
	}
	n, err := count(os.Args[1])
	if err != nil {
		fmt.Fprintf(os.Stderr, "traceparse: %v (after %d events)\n", err, n)
		os.Exit(1)
	}
	fmt.Printf("events=%d\n", n)
}

func count(path string) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	// trace.NewReader wraps its argument in a bufio.Reader; bufio reuses an
	// existing *bufio.Reader that is large enough, so this sets the buffer size.
	r, err := trace.NewReader(bufio.NewReaderSize(f, 1<<20))
	if err != nil {
		return 0, err
	}
	var n int64
	for {
		_, err := r.ReadEvent()
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		n++
	}
}
