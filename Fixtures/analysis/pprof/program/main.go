// Command regionblock writes an execution trace (to the file named by its only argument) in
// which user regions contain blocking: channel and mutex waits, select, syscalls, network IO,
// scheduler latency, nested regions of one type, a region begun before tracing started, and
// goroutines created inside a region (which inherit its task as an unnamed region). Its traces
// test region-restricted profiles (go tool trace's /regionblock?type=T etc.).
package main

import (
	"context"
	"io"
	"net"
	"os"
	"runtime"
	"runtime/trace"
	"sync"
	"time"
)

func main() {
	f, err := os.Create(os.Args[1])
	if err != nil {
		panic(err)
	}
	runtime.GOMAXPROCS(2)
	ctx, task := trace.NewTask(context.Background(), "outer")
	early := trace.StartRegion(ctx, "wait") // begun before tracing: its end has no begin
	if err := trace.Start(f); err != nil {
		panic(err)
	}
	ch := make(chan int)
	go func() {
		time.Sleep(2 * time.Millisecond)
		ch <- 1
	}()
	<-ch
	early.End()

	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			trace.WithRegion(ctx, "wait", func() {
				trace.WithRegion(ctx, "wait", func() { // nested, same type
					mu.Lock()
					time.Sleep(time.Millisecond)
					mu.Unlock()
				})
				c := make(chan int)
				go func() { // created inside a region
					mu.Lock()
					mu.Unlock()
					c <- i
				}()
				select {
				case <-c:
				case <-time.After(time.Second):
				}
			})
			trace.WithRegion(ctx, "io", func() {
				r, w, _ := os.Pipe()
				go func() { w.Write([]byte("hello")); w.Close() }()
				io.ReadAll(r)
				r.Close()
				tmp, _ := os.CreateTemp("", "regionblock")
				tmp.Write(make([]byte, 1<<16))
				tmp.Sync()
				tmp.Close()
				os.Remove(tmp.Name())
			})
		}(i)
	}
	wg.Wait()

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		time.Sleep(time.Millisecond)
		c.Write([]byte("pong"))
		c.Close()
	}()
	trace.WithRegion(ctx, "net", func() {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			panic(err)
		}
		io.ReadAll(c)
		c.Close()
	})
	ln.Close()

	// CPU-bound goroutines inside regions: scheduler latency at GOMAXPROCS=2.
	for i := 0; i < 6; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			trace.WithRegion(ctx, "spin", func() {
				s := 0
				for k := 0; k < 3_000_000; k++ {
					s += k
				}
				_ = s
				runtime.Gosched()
			})
		}()
	}
	wg.Wait()
	open := trace.StartRegion(ctx, "wait") // still open when tracing stops
	time.Sleep(time.Millisecond)
	trace.Stop()
	open.End()
	task.End()
	f.Close()
}
