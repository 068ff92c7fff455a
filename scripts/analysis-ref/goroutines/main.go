// Command gotraceref-goroutines prints, as JSON, what Go's own goroutine and user-annotation
// analyses (internal/trace's Summarizer, as used by `go tool trace`) make of a trace: every
// goroutine summary, every task summary with its regions and logs, and the aggregates the
// /goroutines, /usertasks and /userregions pages show (groups, histograms).
//
// It imports internal/trace, so it is built inside a Go 1.27.3 tree:
//
//	mkdir -p $GOROOT/src/cmd/gotraceref-goroutines
//	cp scripts/analysis-ref/goroutines/main.go $GOROOT/src/cmd/gotraceref-goroutines/
//	cd $GOROOT/src && go build -o /tmp/gotraceref-goroutines cmd/gotraceref-goroutines
//	/tmp/gotraceref-goroutines TRACE > out.json
//
// Parsing follows cmd/trace's parseTrace: every event read (including those of a broken final
// generation) goes to the summarizer; trace start and end times come from the events up to the
// last Sync. All durations and times are integer nanoseconds.
//
// Output is deterministic: goroutines and tasks are sorted by ID, map keys are sorted by
// encoding/json, and page rows whose order Go leaves unspecified are sorted with a tie-break
// (groups with equal execution time by name).
package main

import (
	"cmp"
	"encoding/json"
	"fmt"
	"internal/trace"
	"internal/trace/traceviewer"
	"io"
	"os"
	"slices"
	"time"
)

type eventRef struct {
	Time      int64  `json:"time"`
	Kind      string `json:"kind"`
	Goroutine int64  `json:"goroutine"` // ev.Goroutine(): the context's goroutine
	// For state transitions: the transitioning goroutine and the states.
	Resource int64  `json:"resource,omitempty"`
	From     string `json:"from,omitempty"`
	To       string `json:"to,omitempty"`
}

func ref(ev *trace.Event) *eventRef {
	if ev == nil {
		return nil
	}
	r := &eventRef{Time: int64(ev.Time()), Kind: ev.Kind().String(), Goroutine: int64(ev.Goroutine())}
	if ev.Kind() == trace.EventStateTransition {
		st := ev.StateTransition()
		if st.Resource.Kind == trace.ResourceGoroutine {
			from, to := st.Goroutine()
			r.Resource = int64(st.Resource.Goroutine())
			r.From, r.To = from.String(), to.String()
		}
	}
	return r
}

type execStats struct {
	ExecTime          int64            `json:"execTime"`
	SchedWaitTime     int64            `json:"schedWaitTime"`
	BlockTimeByReason map[string]int64 `json:"blockTimeByReason"`
	SyscallTime       int64            `json:"syscallTime"`
	SyscallBlockTime  int64            `json:"syscallBlockTime"`
	TotalTime         int64            `json:"totalTime"`
	RangeTime         map[string]int64 `json:"rangeTime"`
	UnknownTime       int64            `json:"unknownTime"`
}

func stats(s trace.GoroutineExecStats) execStats {
	out := execStats{
		ExecTime:          int64(s.ExecTime),
		SchedWaitTime:     int64(s.SchedWaitTime),
		BlockTimeByReason: map[string]int64{},
		SyscallTime:       int64(s.SyscallTime),
		SyscallBlockTime:  int64(s.SyscallBlockTime),
		TotalTime:         int64(s.TotalTime),
		RangeTime:         map[string]int64{},
		UnknownTime:       int64(s.UnknownTime()),
	}
	for k, v := range s.BlockTimeByReason {
		out.BlockTimeByReason[k] = int64(v)
	}
	for k, v := range s.RangeTime {
		out.RangeTime[k] = int64(v)
	}
	return out
}

type region struct {
	TaskID uint64    `json:"taskID"`
	Name   string    `json:"name"`
	Start  *eventRef `json:"start"`
	End    *eventRef `json:"end"`
	execStats
}

func regionOf(r *trace.UserRegionSummary) region {
	return region{TaskID: uint64(r.TaskID), Name: r.Name, Start: ref(r.Start), End: ref(r.End), execStats: stats(r.GoroutineExecStats)}
}

type goroutine struct {
	ID           int64    `json:"id"`
	Name         string   `json:"name"`
	PC           uint64   `json:"pc"`
	CreationTime int64    `json:"creationTime"`
	StartTime    int64    `json:"startTime"`
	EndTime      int64    `json:"endTime"`
	Regions      []region `json:"regions"`
	execStats
}

type logEntry struct {
	Time      int64  `json:"time"`
	Goroutine int64  `json:"goroutine"`
	Category  string `json:"category"`
	Message   string `json:"message"`
}

type task struct {
	ID         uint64     `json:"id"`
	Name       string     `json:"name"`
	Parent     *uint64    `json:"parent"`
	Children   []uint64   `json:"children"`
	Start      *eventRef  `json:"start"`
	End        *eventRef  `json:"end"`
	Complete   bool       `json:"complete"`
	Goroutines []int64    `json:"goroutines"` // keys of Goroutines, sorted
	Logs       []logEntry `json:"logs"`
	Regions    []region   `json:"regions"`
}

type histogram struct {
	Count     int   `json:"count"`
	MinBucket int   `json:"minBucket"`
	MaxBucket int   `json:"maxBucket"`
	Buckets   []int `json:"buckets"` // Buckets[MinBucket...MaxBucket]
	// BucketMin(MinBucket...MaxBucket+1), as the page labels them.
	BucketMins []int64 `json:"bucketMins"`
}

func hist(h *traceviewer.TimeHistogram) histogram {
	out := histogram{Count: h.Count, MinBucket: h.MinBucket, MaxBucket: h.MaxBucket, Buckets: []int{}, BucketMins: []int64{}}
	if h.Count == 0 {
		return out
	}
	for i := h.MinBucket; i <= h.MaxBucket; i++ {
		out.Buckets = append(out.Buckets, h.Buckets[i])
		out.BucketMins = append(out.BucketMins, int64(h.BucketMin(i)))
	}
	out.BucketMins = append(out.BucketMins, int64(h.BucketMin(h.MaxBucket+1)))
	return out
}

type group struct {
	Name     string `json:"name"`
	Count    int    `json:"count"`
	ExecTime int64  `json:"execTime"`
}

type taskType struct {
	Type      string    `json:"type"`
	Count     int       `json:"count"`
	Histogram histogram `json:"histogram"`
}

type regionType struct {
	Type      string    `json:"type"`
	PC        uint64    `json:"pc"`
	Func      string    `json:"func"`
	File      string    `json:"file"`
	Line      uint64    `json:"line"`
	Count     int       `json:"count"`
	Histogram histogram `json:"histogram"`
}

type output struct {
	File        string       `json:"file"`
	Error       string       `json:"error,omitempty"`
	Events      int          `json:"events"`      // all events read (what the summarizer saw)
	ValidEvents int          `json:"validEvents"` // events up to the last Sync
	StartTime   int64        `json:"startTime"`
	EndTime     int64        `json:"endTime"`
	Goroutines  []goroutine  `json:"goroutines"`
	Tasks       []task       `json:"tasks"`
	Groups      []group      `json:"groups"`      // /goroutines
	TaskTypes   []taskType   `json:"taskTypes"`   // /usertasks
	RegionTypes []regionType `json:"regionTypes"` // /userregions
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: gotraceref-goroutines TRACE")
		os.Exit(2)
	}
	path := os.Args[1]
	f, err := os.Open(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer f.Close()
	r, err := trace.NewReader(f)
	if err != nil {
		fmt.Fprintln(os.Stderr, "failed to create trace reader:", err)
		os.Exit(1)
	}

	// cmd/trace's parseTrace.
	s := trace.NewSummarizer()
	var events []trace.Event
	validEvents := 0
	var readErr error
	for {
		ev, err := r.ReadEvent()
		if err == io.EOF {
			validEvents = len(events)
			break
		}
		if err != nil {
			readErr = err
			break
		}
		events = append(events, ev)
		s.Event(&events[len(events)-1])
		if ev.Kind() == trace.EventSync {
			validEvents = len(events)
		}
	}
	if validEvents == 0 {
		fmt.Fprintf(os.Stderr, "failed to parse any useful part of the trace: %v\n", readErr)
		os.Exit(1)
	}
	summary := s.Finalize()
	out := output{File: path, Events: len(events), ValidEvents: validEvents}
	if readErr != nil {
		out.Error = readErr.Error()
	}
	valid := events[:validEvents]
	start, end := valid[0].Time(), valid[len(valid)-1].Time()
	out.StartTime, out.EndTime = int64(start), int64(end)

	// Goroutines.
	out.Goroutines = []goroutine{}
	for _, g := range summary.Goroutines {
		og := goroutine{
			ID: int64(g.ID), Name: g.Name, PC: g.PC,
			CreationTime: int64(g.CreationTime), StartTime: int64(g.StartTime), EndTime: int64(g.EndTime),
			Regions: []region{}, execStats: stats(g.GoroutineExecStats),
		}
		for _, r := range g.Regions {
			og.Regions = append(og.Regions, regionOf(r))
		}
		out.Goroutines = append(out.Goroutines, og)
	}
	slices.SortFunc(out.Goroutines, func(a, b goroutine) int { return cmp.Compare(a.ID, b.ID) })

	// Tasks.
	out.Tasks = []task{}
	for _, t := range summary.Tasks {
		ot := task{ID: uint64(t.ID), Name: t.Name, Children: []uint64{}, Start: ref(t.Start), End: ref(t.End),
			Complete: t.Complete(), Goroutines: []int64{}, Logs: []logEntry{}, Regions: []region{}}
		if t.Parent != nil {
			p := uint64(t.Parent.ID)
			ot.Parent = &p
		}
		for _, c := range t.Children {
			ot.Children = append(ot.Children, uint64(c.ID))
		}
		for id := range t.Goroutines {
			ot.Goroutines = append(ot.Goroutines, int64(id))
		}
		slices.Sort(ot.Goroutines)
		for _, ev := range t.Logs {
			l := ev.Log()
			ot.Logs = append(ot.Logs, logEntry{Time: int64(ev.Time()), Goroutine: int64(ev.Goroutine()), Category: l.Category, Message: l.Message})
		}
		for _, r := range t.Regions {
			ot.Regions = append(ot.Regions, regionOf(r))
		}
		out.Tasks = append(out.Tasks, ot)
	}
	slices.SortFunc(out.Tasks, func(a, b task) int { return cmp.Compare(a.ID, b.ID) })

	// /goroutines: groups by name, sorted by execution time (descending), ties by name.
	groups := map[string]*group{}
	for _, g := range summary.Goroutines {
		gr := groups[g.Name]
		if gr == nil {
			gr = &group{Name: g.Name}
			groups[g.Name] = gr
		}
		gr.Count++
		gr.ExecTime += int64(g.ExecTime)
	}
	out.Groups = []group{}
	for _, gr := range groups {
		out.Groups = append(out.Groups, *gr)
	}
	slices.SortFunc(out.Groups, func(a, b group) int {
		if c := cmp.Compare(b.ExecTime, a.ExecTime); c != 0 {
			return c
		}
		return cmp.Compare(a.Name, b.Name)
	})

	// /usertasks: by type; count all, histogram of complete tasks.
	type tstat struct {
		count int
		h     traceviewer.TimeHistogram
	}
	tstats := map[string]*tstat{}
	for _, t := range summary.Tasks {
		ts := tstats[t.Name]
		if ts == nil {
			ts = &tstat{}
			tstats[t.Name] = ts
		}
		ts.count++
		if t.Complete() {
			ts.h.Add(t.End.Time().Sub(t.Start.Time()))
		}
	}
	out.TaskTypes = []taskType{}
	for name, ts := range tstats {
		out.TaskTypes = append(out.TaskTypes, taskType{Type: name, Count: ts.count, Histogram: hist(&ts.h)})
	}
	slices.SortFunc(out.TaskTypes, func(a, b taskType) int { return cmp.Compare(a.Type, b.Type) })

	// /userregions: by (type, outermost frame of the start stack); histogram of every region's
	// interval (missing start/end replaced by the trace start/end).
	type fp struct {
		frame trace.StackFrame
		typ   string
	}
	type rstat struct {
		count int
		h     traceviewer.TimeHistogram
	}
	rstats := map[fp]*rstat{}
	for _, g := range summary.Goroutines {
		for _, r := range g.Regions {
			var frame trace.StackFrame
			if r.Start != nil && r.Start.Stack() != trace.NoStack {
				for f := range r.Start.Stack().Frames() {
					frame = f
				}
			}
			k := fp{frame: frame, typ: r.Name}
			rs := rstats[k]
			if rs == nil {
				rs = &rstat{}
				rstats[k] = rs
			}
			rs.count++
			s, e := start, end
			if r.Start != nil {
				s = r.Start.Time()
			}
			if r.End != nil {
				e = r.End.Time()
			}
			rs.h.Add(time.Duration(e - s))
		}
	}
	out.RegionTypes = []regionType{}
	for k, rs := range rstats {
		out.RegionTypes = append(out.RegionTypes, regionType{Type: k.typ, PC: k.frame.PC, Func: k.frame.Func, File: k.frame.File,
			Line: k.frame.Line, Count: rs.count, Histogram: hist(&rs.h)})
	}
	slices.SortFunc(out.RegionTypes, func(a, b regionType) int {
		if c := cmp.Compare(a.Type, b.Type); c != 0 {
			return c
		}
		if c := cmp.Compare(a.PC, b.PC); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Func, b.Func); c != 0 {
			return c
		}
		if c := cmp.Compare(a.File, b.File); c != 0 {
			return c
		}
		return cmp.Compare(a.Line, b.Line)
	})

	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", " ")
	if err := enc.Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
