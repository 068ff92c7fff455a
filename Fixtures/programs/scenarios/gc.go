package main

import (
	"runtime"
	"runtime/debug"
	"sync"
)

func init() { register("gc", scenario{run: gcHeavy}) }

var gcSink [][]byte

// gcHeavy allocates from many goroutines with a tiny GOGC so that the GC runs
// often and allocating goroutines are drafted into mark assists.
func gcHeavy() error {
	old := debug.SetGCPercent(10)
	defer debug.SetGCPercent(old)
	// Leave idle Ps: with every P busy, Go 1.26+'s background sweeper yields
	// in a tight loop while mutators sweep, and the trace balloons (10-20x).
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(8))

	const workers = 4
	const allocs = 1000
	results := make([][]byte, workers)
	var wg sync.WaitGroup
	for g := 0; g < workers; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			keep := make([][]byte, 128)
			for i := 0; i < allocs; i++ {
				b := make([]byte, 2048+(i*37)%4096)
				b[0] = byte(i)
				keep[i%len(keep)] = b
				if i%100 == 0 {
					// Some pointer-rich garbage too, so marking has work to do.
					m := make(map[int]*[16]int, 64)
					for k := 0; k < 64; k++ {
						m[k] = new([16]int)
					}
				}
			}
			results[g] = keep[0]
		}(g)
	}
	wg.Wait()
	gcSink = results
	gcSink = nil
	return nil
}
