// Command v1ref prints, as JSON, what Go 1.21's internal/trace parser makes of a v1 trace
// (Go 1.5–1.21 formats): per-event-type counts of the parsed, ordered, validated events (after
// Go 1.21's futile-wakeup removal), plus a few order-dependent facts the gotrace tests need to
// derive how many events of each kind Go 1.27's v1 → v2 conversion would produce.
//
// It imports internal/trace, so it must be built inside the Go 1.21.13 tree:
//
//	mkdir -p $GOROOT121/src/cmd/v1ref && cp scripts/v1ref/main.go $GOROOT121/src/cmd/v1ref/
//	cd $GOROOT121/src && $GOROOT121/bin/go build -o /tmp/v1ref cmd/v1ref
//	/tmp/v1ref TRACE...
//
// Traces of Go 1.5/1.6 need a binary for symbolization; v1ref passes itself (PCs that
// addr2line cannot resolve only affect frame names, which v1ref does not print).
package main

import (
	"encoding/json"
	"fmt"
	"internal/trace"
	"os"
	"sort"
)

type result struct {
	File   string         `json:"file"`
	Error  string         `json:"error,omitempty"`
	Events int            `json:"events"`
	Counts map[string]int `json:"counts"` // by v1 event type number
	Facts  map[string]int `json:"facts"`
}

func analyze(path string) result {
	r := result{File: path, Counts: map[string]int{}, Facts: map[string]int{}}
	f, err := os.Open(path)
	if err != nil {
		r.Error = err.Error()
		return r
	}
	defer f.Close()
	res, err := trace.Parse(f, os.Args[0])
	if err != nil {
		r.Error = err.Error()
		return r
	}
	evs := res.Events
	r.Events = len(evs)
	for _, ev := range evs {
		r.Counts[fmt.Sprint(ev.Type)]++
	}

	// First sighting of each P among ProcStart/ProcStop becomes a ProcStatus.
	seen := map[int]bool{}
	for _, ev := range evs {
		if ev.Type != trace.EvProcStart && ev.Type != trace.EvProcStop {
			continue
		}
		if !seen[ev.P] {
			seen[ev.P] = true
			if ev.Type == trace.EvProcStart {
				r.Facts["procStatusFromStart"]++
			} else {
				r.Facts["procStatusFromStop"]++
			}
		}
	}

	// Trace start-up ("pre-init"): everything before the first Gomaxprocs.
	created := map[uint64]bool{}
	sawGomaxprocs := false
	for _, ev := range evs {
		if ev.Type == trace.EvGomaxprocs {
			sawGomaxprocs = true
			break
		}
		switch ev.Type {
		case trace.EvGoCreate:
			r.Facts["preInitCreates"]++
			created[ev.Args[0]] = true
		case trace.EvGoStart:
			r.Facts["preInitStarts"]++
			delete(created, ev.Args[0])
		case trace.EvGoWaiting, trace.EvGoInSyscall:
			delete(created, ev.Args[0])
		}
	}
	if sawGomaxprocs {
		r.Facts["syntheticRunnable"] = len(created)
		r.Facts["sawGomaxprocs"] = 1
	}

	// A GoSysCall blocked iff the goroutine's next event is GoSysBlock.
	for i, ev := range evs {
		if ev.Type != trace.EvGoSysCall {
			continue
		}
		blocked := false
		for _, nev := range evs[i+1:] {
			if nev.G != ev.G {
				continue
			}
			blocked = nev.Type == trace.EvGoSysBlock
			break
		}
		if blocked {
			r.Facts["syscallBlocked"]++
		} else {
			r.Facts["syscallNonBlocked"]++
		}
	}
	return r
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: v1ref TRACE...")
		os.Exit(2)
	}
	files := os.Args[1:]
	sort.Strings(files)
	var out []result
	for _, p := range files {
		out = append(out, analyze(p))
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", " ")
	if err := enc.Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
