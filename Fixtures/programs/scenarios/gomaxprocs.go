package main

import (
	"runtime"
	"sync"
	"time"
)

func init() { register("gomaxprocs", scenario{run: gomaxprocs}) }

// gomaxprocs changes runtime.GOMAXPROCS several times while tracing, running a
// few goroutines at each setting.
func gomaxprocs() error {
	orig := runtime.GOMAXPROCS(0)
	defer runtime.GOMAXPROCS(orig)
	for _, n := range []int{1, 3, 2, 4, 1, orig} {
		runtime.GOMAXPROCS(n)
		var wg sync.WaitGroup
		for g := 0; g < 4; g++ {
			wg.Add(1)
			go func(g int) {
				defer wg.Done()
				s := 0
				for i := 0; i < 200000; i++ {
					s += i ^ g
				}
				burnSink += uint64(s & 1)
			}(g)
		}
		wg.Wait()
		time.Sleep(5 * time.Millisecond)
	}
	return nil
}
