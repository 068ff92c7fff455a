package main

import (
	"fmt"
	"sync"
	"time"
)

func init() { register("timers", scenario{run: timers}) }

// timers uses time.Sleep, time.After, time.Ticker, time.AfterFunc and timer
// Reset/Stop for about 2.5 seconds of mostly idle time, so that Go 1.22+
// traces span several generations while staying small.
func timers() error {
	start := time.Now()
	var wg sync.WaitGroup

	ticks := 0
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for range t.C {
			ticks++
			if ticks == 48 {
				return
			}
		}
	}()

	fired := make(chan int, 8)
	for i := 0; i < 4; i++ {
		i := i
		time.AfterFunc(time.Duration(300+i*500)*time.Millisecond, func() { fired <- i })
	}

	stopped := time.NewTimer(time.Hour)
	reset := time.NewTimer(time.Hour)
	reset.Reset(100 * time.Millisecond)

	for time.Since(start) < 2500*time.Millisecond {
		select {
		case <-time.After(120 * time.Millisecond):
		case <-reset.C:
			reset.Reset(700 * time.Millisecond)
		case <-stopped.C:
			return fmt.Errorf("stopped timer fired")
		}
		time.Sleep(30 * time.Millisecond)
	}
	stopped.Stop()
	reset.Stop()
	wg.Wait()
	close(fired)
	n := 0
	for range fired {
		n++
	}
	if n != 4 || ticks != 48 {
		return fmt.Errorf("timers: fired=%d ticks=%d", n, ticks)
	}
	return nil
}
