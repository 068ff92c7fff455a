//go:build go1.25

package main

import (
	"os"
	"runtime/trace"
	"sync"
	"time"
)

func init() { register("flightrecorder", scenario{custom: flightRecorder}) }

// flightRecorder (Go 1.25+) runs a light workload under a
// runtime/trace.FlightRecorder and snapshots its window with WriteTo.
func flightRecorder(out string) error {
	fr := trace.NewFlightRecorder(trace.FlightRecorderConfig{
		MinAge:   time.Second,
		MaxBytes: 1 << 20,
	})
	if err := fr.Start(); err != nil {
		return err
	}
	deadline := time.Now().Add(1200 * time.Millisecond)
	var wg sync.WaitGroup
	ch := make(chan int)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for v := range ch {
			burnSink += uint64(v)
		}
	}()
	for i := 0; time.Now().Before(deadline); i++ {
		ch <- i
		if i%10 == 0 {
			_ = make([]byte, 64<<10)
		}
		time.Sleep(20 * time.Millisecond)
	}
	close(ch)
	wg.Wait()

	f, err := os.Create(out)
	if err != nil {
		return err
	}
	if _, err := fr.WriteTo(f); err != nil {
		f.Close()
		return err
	}
	fr.Stop()
	return f.Close()
}
