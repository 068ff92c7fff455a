package main

import (
	"fmt"
	"runtime"
	"sync"
)

func init() { register("sync", scenario{run: syncContention}) }

// syncContention makes goroutines contend on a sync.Mutex and sync.RWMutex,
// hands items through a sync.Cond-guarded queue, and waits on WaitGroups.
func syncContention() error {
	var mu sync.Mutex
	counter := 0
	var wg sync.WaitGroup
	for g := 0; g < 6; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				mu.Lock()
				counter++
				if i%20 == 0 {
					runtime.Gosched() // yield while holding the lock
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if counter != 6*200 {
		return fmt.Errorf("mutex: counter %d", counter)
	}

	var rw sync.RWMutex
	table := map[int]int{}
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 100; i++ {
				if g == 0 && i%5 == 0 {
					rw.Lock()
					table[i] = g
					runtime.Gosched()
					rw.Unlock()
				} else {
					rw.RLock()
					_ = table[i]
					rw.RUnlock()
				}
			}
		}(g)
	}
	wg.Wait()

	// Bounded queue guarded by a sync.Cond: two producers, three consumers.
	var qmu sync.Mutex
	cond := sync.NewCond(&qmu)
	var queue []int
	const items = 120
	produced, consumed, total := 0, 0, 0
	var pwg, cwg sync.WaitGroup
	for p := 0; p < 2; p++ {
		pwg.Add(1)
		go func() {
			defer pwg.Done()
			for {
				qmu.Lock()
				for len(queue) >= 4 && produced < items {
					cond.Wait()
				}
				if produced >= items {
					qmu.Unlock()
					cond.Broadcast()
					return
				}
				queue = append(queue, produced)
				produced++
				qmu.Unlock()
				cond.Broadcast()
			}
		}()
	}
	for c := 0; c < 3; c++ {
		cwg.Add(1)
		go func() {
			defer cwg.Done()
			for {
				qmu.Lock()
				for len(queue) == 0 && consumed < items {
					cond.Wait()
				}
				if consumed >= items {
					qmu.Unlock()
					cond.Broadcast()
					return
				}
				total += queue[0]
				queue = queue[1:]
				consumed++
				qmu.Unlock()
				cond.Signal()
			}
		}()
	}
	pwg.Wait()
	cwg.Wait()
	if want := items * (items - 1) / 2; total != want {
		return fmt.Errorf("cond: total %d, want %d", total, want)
	}
	return nil
}
