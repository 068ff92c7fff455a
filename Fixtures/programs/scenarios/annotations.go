package main

import (
	"context"
	"os"
	"runtime/trace"
	"sync"
)

func init() { register("annotations", scenario{custom: annotations}) }

// annotations exercises runtime/trace user annotations: tasks (nested, ended
// in another goroutine, begun before tracing started, never ended), regions
// (WithRegion, StartRegion, nested, in many goroutines) and logs (Log, Logf,
// with and without a task).
func annotations(out string) error {
	// A task that begins before tracing starts and ends while tracing.
	preCtx, preTask := trace.NewTask(context.Background(), "pre-trace-task")

	f, err := os.Create(out)
	if err != nil {
		return err
	}
	if err := trace.Start(f); err != nil {
		f.Close()
		return err
	}

	trace.Log(preCtx, "phase", "tracing started")
	preTask.End()

	ctx, task := trace.NewTask(context.Background(), "main-task")
	trace.Log(ctx, "phase", "setup")
	trace.WithRegion(ctx, "setup", func() {
		trace.WithRegion(ctx, "setup-inner", func() {
			trace.Logf(ctx, "setup", "config=%d", 42)
		})
	})

	// A nested task whose regions run in several goroutines.
	childCtx, child := trace.NewTask(ctx, "child-task")
	var wg sync.WaitGroup
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			r := trace.StartRegion(childCtx, "worker")
			trace.Logf(childCtx, "worker", "id=%d", i)
			gctx, grand := trace.NewTask(childCtx, "grandchild-task")
			trace.WithRegion(gctx, "compute", func() {
				s := 0
				for k := 0; k < 10000*(i+1); k++ {
					s += k
				}
				trace.Logf(gctx, "result", "%d", s)
			})
			grand.End()
			r.End()
		}(i)
	}
	wg.Wait()
	child.End()

	// A task that begins here and ends in another goroutine.
	handoffCtx, handoff := trace.NewTask(ctx, "handoff-task")
	trace.Log(handoffCtx, "handoff", "sending")
	done := make(chan struct{})
	go func() {
		trace.WithRegion(handoffCtx, "remote-finish", func() {
			trace.Log(handoffCtx, "handoff", "received")
		})
		handoff.End()
		close(done)
	}()
	<-done

	// A log and a region with no task.
	trace.Log(context.Background(), "global", "no task")
	trace.WithRegion(context.Background(), "untasked-region", func() {})

	// A task left open when tracing stops.
	openCtx, _ := trace.NewTask(ctx, "unended-task")
	trace.Log(openCtx, "state", "left open")

	task.End()
	trace.Stop()
	return f.Close()
}
