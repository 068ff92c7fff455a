package main

import (
	"io"
	"runtime/pprof"
	"sync"
	"time"
)

func init() { register("cpuprofile", scenario{run: cpuProfile}) }

var burnSink uint64

// cpuProfile runs the CPU profiler while tracing and burns CPU in two
// goroutines with distinct stacks, so the trace carries CPU samples.
func cpuProfile() error {
	if err := pprof.StartCPUProfile(io.Discard); err != nil {
		return err
	}
	var wg sync.WaitGroup
	results := make([]uint64, 2)
	deadline := time.Now().Add(300 * time.Millisecond)
	wg.Add(2)
	go func() { defer wg.Done(); results[0] = burnA(deadline) }()
	go func() { defer wg.Done(); results[1] = burnB(deadline) }()
	wg.Wait()
	pprof.StopCPUProfile()
	burnSink = results[0] ^ results[1]
	return nil
}

//go:noinline
func burnA(deadline time.Time) uint64 {
	var h uint64 = 14695981039346656037
	for time.Now().Before(deadline) {
		for i := 0; i < 100000; i++ {
			h ^= uint64(i)
			h *= 1099511628211
		}
	}
	return h
}

//go:noinline
func burnB(deadline time.Time) uint64 {
	var x uint64 = 88172645463325252
	for time.Now().Before(deadline) {
		x = burnInner(x)
	}
	return x
}

//go:noinline
func burnInner(x uint64) uint64 {
	for i := 0; i < 100000; i++ {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
	}
	return x
}
