package main

import (
	"os"
	"runtime"
	"runtime/trace"
	"sync"
	"syscall"
	"time"
)

func init() { register("wakeatend", scenario{custom: wakeAtEnd}) }

// wakeAtEnd parks goroutines in blocking read system calls before tracing starts and makes the
// reads return just before tracing stops, with one P kept busy, so the trace ends with many of
// them runnable after their syscall: woken in the trace but never running in it. Go's goroutine
// summary then has no start time for them, and its syscall profile counts their whole syscall.
func wakeAtEnd(out string) error {
	prev := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(prev)
	const n = 32
	var fds [n][2]int
	for i := range fds {
		if err := syscall.Pipe(fds[i][:]); err != nil {
			return err
		}
	}
	var started, finished sync.WaitGroup
	for i := 0; i < n; i++ {
		started.Add(1)
		finished.Add(1)
		go func(fd int) {
			defer finished.Done()
			started.Done()
			var b [1]byte
			syscall.Read(fd, b[:]) // blocking: no netpoller for a raw fd
		}(fds[i][0])
	}
	started.Wait()
	time.Sleep(50 * time.Millisecond) // every goroutine is in its read by now, its P retaken

	f, err := os.Create(out)
	if err != nil {
		return err
	}
	if err := trace.Start(f); err != nil {
		f.Close()
		return err
	}
	spin := 0
	for i := 0; i < 200000; i++ {
		spin += i ^ (spin >> 3)
	}
	sink = spin
	for i := range fds {
		syscall.Write(fds[i][1], []byte{1})
	}
	deadline := time.Now().Add(2 * time.Millisecond)
	for time.Now().Before(deadline) { // keep the only P while the reads return
		spin++
	}
	sink = spin
	trace.Stop()
	err = f.Close()
	finished.Wait()
	for i := range fds {
		syscall.Close(fds[i][0])
		syscall.Close(fds[i][1])
	}
	return err
}

var sink int
