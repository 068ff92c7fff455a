package main

import (
	"context"
	"os"
	"runtime"
	"runtime/trace"
	"sync"
	"time"
)

func init() { register("generations", scenario{run: generations}) }

// generations runs a mixed workload whose state crosses many generation
// boundaries: scripts/make-fixtures.sh runs it with
// GODEBUG=traceadvanceperiod=4000000, so Go 1.22+ starts a new generation
// about every 4 ms. A task and regions stay open over several generations,
// goroutines block in channel chains and in a pipe read across boundaries,
// allocation makes the GC run (runtime.GC's sweep wait would yield thousands
// of times), GOMAXPROCS changes, and a goroutine sleeps through several
// generations.
func generations() error {
	ctx, task := trace.NewTask(context.Background(), "long-task")
	defer task.End()

	r, w, err := os.Pipe()
	if err != nil {
		return err
	}
	defer r.Close()

	var wg sync.WaitGroup
	// A reader blocked in a read syscall over generation boundaries.
	wg.Add(1)
	go func() {
		defer wg.Done()
		buf := make([]byte, 64)
		for {
			n, err := r.Read(buf)
			if n == 0 || err != nil {
				return
			}
		}
	}()

	// A chain of goroutines passing a token, each in a region of the long task.
	const links = 4
	chans := make([]chan int, links+1)
	for i := range chans {
		chans[i] = make(chan int)
	}
	for i := 0; i < links; i++ {
		wg.Add(1)
		go func(in, out chan int) {
			defer wg.Done()
			for v := range in {
				trace.WithRegion(ctx, "link", func() {
					spin(500)
				})
				out <- v + 1
			}
			close(out)
		}(chans[i], chans[i+1])
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for range chans[links] {
		}
	}()

	// A region open over several generations, and a sleeper.
	wg.Add(1)
	go func() {
		defer wg.Done()
		reg := trace.StartRegion(ctx, "long-region")
		time.Sleep(30 * time.Millisecond)
		trace.Log(ctx, "phase", "slept")
		reg.End()
	}()

	var sink [][]byte
	deadline := time.Now().Add(60 * time.Millisecond)
	for i := 0; time.Now().Before(deadline); i++ {
		chans[0] <- i
		time.Sleep(100 * time.Microsecond)
		sink = append(sink, make([]byte, 128<<10))
		if len(sink) > 24 {
			sink = sink[:0]
		}
		if i%3 == 0 {
			w.Write([]byte("tick"))
		}
		if i == 20 {
			runtime.GOMAXPROCS(3)
		}
		if i%8 == 0 {
			st, t := trace.NewTask(ctx, "step")
			trace.WithRegion(st, "step-region", func() { time.Sleep(time.Millisecond) })
			t.End()
		}
	}
	runtime.GOMAXPROCS(2)
	close(chans[0])
	w.Close()
	wg.Wait()
	_ = sink
	return nil
}

// spin burns a little CPU.
func spin(n int) int {
	x := 0
	for i := 0; i < n; i++ {
		x += i * i % 7
	}
	return x
}
