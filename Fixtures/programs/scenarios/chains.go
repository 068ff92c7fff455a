package main

import (
	"fmt"
	"sync"
)

func init() { register("chains", scenario{run: chains}) }

// chains passes values down a chain of goroutines connected by unbuffered
// channels, then fans work out and back in over buffered channels with select.
func chains() error {
	const links = 16
	const rounds = 40

	first := make(chan int)
	in := first
	for i := 0; i < links; i++ {
		out := make(chan int)
		go chainLink(in, out)
		in = out
	}
	last := in
	for r := 0; r < rounds; r++ {
		first <- r
		if v := <-last; v != r+links {
			return fmt.Errorf("chain: got %d, want %d", v, r+links)
		}
	}
	close(first)
	for range last {
	}

	// Fan out / fan in with buffered channels and a select loop.
	jobs := make(chan int, 4)
	evens := make(chan int, 4)
	odds := make(chan int, 4)
	var wg sync.WaitGroup
	for w := 0; w < 3; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				if j%2 == 0 {
					evens <- j * j
				} else {
					odds <- j * j
				}
			}
		}()
	}
	go func() {
		for j := 0; j < 60; j++ {
			jobs <- j
		}
		close(jobs)
		wg.Wait()
		close(evens)
		close(odds)
	}()
	sum := 0
	for evens != nil || odds != nil {
		select {
		case v, ok := <-evens:
			if !ok {
				evens = nil
				continue
			}
			sum += v
		case v, ok := <-odds:
			if !ok {
				odds = nil
				continue
			}
			sum += v
		}
	}
	if want := 59 * 60 * 119 / 6; sum != want {
		return fmt.Errorf("fan-in: got %d, want %d", sum, want)
	}
	return nil
}

func chainLink(in <-chan int, out chan<- int) {
	for v := range in {
		out <- v + 1
	}
	close(out)
}
