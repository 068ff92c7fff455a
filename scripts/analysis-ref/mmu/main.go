// Command gotraceref-mmu prints, as JSON, what Go's own trace analyses compute for a trace:
//
//	gotraceref-mmu mmu TRACE         MutatorUtilizationV2 / NewMMUCurve / MMU / Examples / MUD
//	                                 (internal/trace/gc.go, mud.go) and the /mmu page's plot
//	                                 (internal/trace/traceviewer/mmu.go), for several flag sets
//	gotraceref-mmu series JSONTRACE  the counters ("Heap", "Goroutines", "Threads") and GC /
//	                                 stop-the-world slices of a `go tool trace` /jsontrace answer
//
// It imports internal/trace, so it must be built inside a Go 1.27.3 tree:
//
//	mkdir -p $GOROOT/src/cmd/gotraceref-mmu && cp scripts/analysis-ref/mmu/main.go $GOROOT/src/cmd/gotraceref-mmu/
//	cd $GOROOT/src && $GOROOT/bin/go build -o /tmp/gotraceref-mmu cmd/gotraceref-mmu
//
// scripts/make-analysis-goldens.sh does this and writes Fixtures/analysis/{mmu,series}/.
package main

import (
	"strconv"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"os"
	"sort"
	"strings"
	"time"

	"internal/trace"
)

// Windows (ns) at which MMU is evaluated for every flag set.
var mmuWindows = []int64{0, 1, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000, 10_000_000_000}

// Windows at which Examples and MUD are evaluated for the detailed flag sets.
var detailWindows = []int64{1_000, 100_000, 1_000_000, 10_000_000}

// Quantiles for MUD (the /mmu page's plus a few more).
var mudQuantiles = []float64{0, 1 - .999, 1 - .99, 1 - .95, 0.5, 0.9}

// Flag sets with full detail (util series, examples, MUD, the /mmu page's plot): the page's
// default (system|stw|background|assist), its per-goroutine variant, and both with sweep.
var detailFlags = []trace.UtilFlags{7, 7 | 16, 15, 15 | 16}

type seriesSummary struct {
	Points int    `json:"points"`
	First  int64  `json:"first"`
	Last   int64  `json:"last"`
	Hash   string `json:"hash"` // FNV-1a 64 over (time int64 LE, util float64 bits LE) per point
}

type example struct {
	Time        int64   `json:"time"`
	MutatorUtil float64 `json:"util"`
}

type examples struct {
	Window int64     `json:"window"`
	Worst  []example `json:"worst"`
}

type mudResult struct {
	Window int64     `json:"window"`
	Values []float64 `json:"values"`
}

type plot struct {
	XMin      int64       `json:"xMin"`
	XMax      int64       `json:"xMax"`
	Quantiles []float64   `json:"quantiles"`
	Curve     [][]float64 `json:"curve"`
}

type flagResult struct {
	Flags    int             `json:"flags"`
	Panic    string          `json:"panic,omitempty"`
	Series   []seriesSummary `json:"series"`
	MMU      []float64       `json:"mmu"`
	Util     [][][2]any      `json:"util,omitempty"` // [time (int), util]
	Examples []examples      `json:"examples,omitempty"`
	MUD      []mudResult     `json:"mud,omitempty"`
	Plot     *plot           `json:"plot,omitempty"`
	PlotMUD  *plot           `json:"plotMUD,omitempty"`
}

type mmuGolden struct {
	Events       int          `json:"events"`
	StartTime    int64        `json:"startTime"`
	EndTime      int64        `json:"endTime"`
	Windows      []int64      `json:"windows"`
	DetailWindow []int64      `json:"detailWindows"`
	Quantiles    []float64    `json:"quantiles"`
	Results      []flagResult `json:"results"`
}

// parse reads a trace as cmd/trace's parseTrace does: everything up to the last Sync.
func parse(path string) ([]trace.Event, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r, err := trace.NewReader(f)
	if err != nil {
		return nil, err
	}
	var events []trace.Event
	valid := 0
	for {
		ev, err := r.ReadEvent()
		if err == io.EOF {
			valid = len(events)
			break
		} else if err != nil {
			break
		}
		events = append(events, ev)
		if ev.Kind() == trace.EventSync {
			valid = len(events)
		}
	}
	if valid == 0 {
		return nil, fmt.Errorf("failed to parse any useful part of the trace")
	}
	return events[:valid], nil
}

func summarize(util [][]trace.MutatorUtil) []seriesSummary {
	out := []seriesSummary{}
	for _, s := range util {
		h := fnv.New64a()
		var b [16]byte
		for _, u := range s {
			binary.LittleEndian.PutUint64(b[:8], uint64(u.Time))
			binary.LittleEndian.PutUint64(b[8:], math.Float64bits(u.Util))
			h.Write(b[:])
		}
		ss := seriesSummary{Points: len(s), Hash: fmt.Sprintf("%016x", h.Sum64())}
		if len(s) > 0 {
			ss.First, ss.Last = s[0].Time, s[len(s)-1].Time
		}
		out = append(out, ss)
	}
	return out
}

// mmuPlot is traceviewer/mmu.go's HandlePlot.
func mmuPlot(mu [][]trace.MutatorUtil, c *trace.MMUCurve, quantiles []float64) *plot {
	xMin := time.Second
	for xMin > 1 {
		if mmu := c.MMU(xMin); mmu < 0.0001 {
			break
		}
		xMin /= 1000
	}
	xMax := xMin * 1e6
	minEvent, maxEvent := mu[0][0].Time, mu[0][len(mu[0])-1].Time
	for _, mu1 := range mu[1:] {
		if mu1[0].Time < minEvent {
			minEvent = mu1[0].Time
		}
		if mu1[len(mu1)-1].Time > maxEvent {
			maxEvent = mu1[len(mu1)-1].Time
		}
	}
	if maxMax := time.Duration(maxEvent - minEvent); xMax > maxMax {
		xMax = maxMax
	}
	logMin, logMax := math.Log(float64(xMin)), math.Log(float64(xMax))
	const samples = 100
	p := make([][]float64, samples)
	for i := 0; i < samples; i++ {
		window := time.Duration(math.Exp(float64(i)/(samples-1)*(logMax-logMin) + logMin))
		if quantiles == nil {
			p[i] = make([]float64, 2)
			p[i][1] = c.MMU(window)
		} else {
			p[i] = make([]float64, 1+len(quantiles))
			copy(p[i][1:], c.MUD(window, quantiles))
		}
		p[i][0] = float64(window)
	}
	return &plot{XMin: int64(xMin), XMax: int64(xMax), Quantiles: quantiles, Curve: p}
}

func analyzeFlags(events []trace.Event, flags trace.UtilFlags, detail bool) (res flagResult) {
	res.Flags = int(flags)
	defer func() {
		if r := recover(); r != nil {
			res.Panic = fmt.Sprint(r)
		}
	}()
	util := trace.MutatorUtilizationV2(events, flags)
	res.Series = summarize(util)
	c := trace.NewMMUCurve(util)
	for _, w := range mmuWindows {
		res.MMU = append(res.MMU, c.MMU(time.Duration(w)))
	}
	if !detail {
		return res
	}
	for _, s := range util {
		pts := make([][2]any, len(s))
		for i, u := range s {
			pts[i] = [2]any{u.Time, u.Util}
		}
		res.Util = append(res.Util, pts)
	}
	for _, w := range detailWindows {
		worst := c.Examples(time.Duration(w), 10)
		ex := examples{Window: w, Worst: []example{}}
		for _, u := range worst {
			ex.Worst = append(ex.Worst, example{u.Time, u.MutatorUtil})
		}
		res.Examples = append(res.Examples, ex)
		res.MUD = append(res.MUD, mudResult{w, c.MUD(time.Duration(w), mudQuantiles)})
	}
	if len(util) > 0 {
		res.Plot = mmuPlot(util, c, nil)
		res.PlotMUD = mmuPlot(util, c, []float64{0, 1 - .999, 1 - .99, 1 - .95})
	}
	return res
}

func mmuMain(path string) error {
	events, err := parse(path)
	if err != nil {
		return err
	}
	g := mmuGolden{
		Events:       len(events),
		StartTime:    int64(events[0].Time()),
		EndTime:      int64(events[len(events)-1].Time()),
		Windows:      mmuWindows,
		DetailWindow: detailWindows,
		Quantiles:    mudQuantiles,
	}
	isDetail := map[trace.UtilFlags]bool{}
	for _, f := range detailFlags {
		isDetail[f] = true
	}
	for f := trace.UtilFlags(0); f < 32; f++ {
		g.Results = append(g.Results, analyzeFlags(events, f, isDetail[f]))
	}
	enc := json.NewEncoder(os.Stdout)
	return enc.Encode(g)
}

// --- series: counters and GC slices from a /jsontrace answer ---

type viewerEvent struct {
	Name  string          `json:"name"`
	Phase string          `json:"ph"`
	Time  float64         `json:"ts"`
	Dur   float64         `json:"dur"`
	PID   uint64          `json:"pid"`
	TID   uint64          `json:"tid"`
	Arg   json.RawMessage `json:"args"`
}

type viewerData struct {
	Events []viewerEvent `json:"traceEvents"`
}

type seriesGolden struct {
	// Times are nanoseconds relative to the trace start (the viewer's µs × 1000, rounded).
	Heap       [][3]uint64 `json:"heap"`       // [t, Allocated, NextGC]
	Goroutines [][4]uint64 `json:"goroutines"` // [t, Running, Runnable, GCWaiting]
	Threads    [][3]int64  `json:"threads"`    // [t, Running, InSyscall]
	GC         [][2]int64  `json:"gc"`         // [t, dur] of "GC concurrent mark phase" slices
	STW        []stwSlice  `json:"stw"`        // stop-the-world slices (sorted by t, then tid)
	// Goroutine execution slices on procs ("G<id> ..." slices): [t, dur, proc, goroutine],
	// sorted by proc, then t.
	Slices [][4]int64 `json:"slices"`
	// Runtime work drawn on procs (syscall, GC mark assist, GC incremental sweep), sorted likewise.
	Work []workSlice `json:"work"`
}

type workSlice struct {
	Name string `json:"name"`
	T    int64  `json:"t"`
	Dur  int64  `json:"dur"`
	TID  uint64 `json:"tid"`
}

type stwSlice struct {
	Name string `json:"name"`
	T    int64  `json:"t"`
	Dur  int64  `json:"dur"`
	TID  uint64 `json:"tid"`
}

func ns(us float64) int64 { return int64(math.Round(us * 1000)) }

func seriesMain(path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var d viewerData
	if err := json.Unmarshal(b, &d); err != nil {
		return err
	}
	g := seriesGolden{Heap: [][3]uint64{}, Goroutines: [][4]uint64{}, Threads: [][3]int64{}, GC: [][2]int64{}, STW: []stwSlice{}}
	for _, e := range d.Events {
		switch {
		case e.Phase == "C" && e.Name == "Heap":
			var a struct{ Allocated, NextGC uint64 }
			if err := json.Unmarshal(e.Arg, &a); err != nil {
				return err
			}
			g.Heap = append(g.Heap, [3]uint64{uint64(ns(e.Time)), a.Allocated, a.NextGC})
		case e.Phase == "C" && e.Name == "Goroutines":
			var a struct{ Running, Runnable, GCWaiting uint64 }
			if err := json.Unmarshal(e.Arg, &a); err != nil {
				return err
			}
			g.Goroutines = append(g.Goroutines, [4]uint64{uint64(ns(e.Time)), a.Running, a.Runnable, a.GCWaiting})
		case e.Phase == "C" && e.Name == "Threads":
			var a struct{ Running, InSyscall int64 }
			if err := json.Unmarshal(e.Arg, &a); err != nil {
				return err
			}
			g.Threads = append(g.Threads, [3]int64{ns(e.Time), a.Running, a.InSyscall})
		case e.Phase == "X" && e.Name == "GC concurrent mark phase":
			g.GC = append(g.GC, [2]int64{ns(e.Time), ns(e.Dur)})
		case e.Phase == "X" && strings.HasPrefix(e.Name, "stop-the-world"):
			g.STW = append(g.STW, stwSlice{e.Name, ns(e.Time), ns(e.Dur), e.TID})
		case e.Phase == "X" && e.PID == 0 && e.TID < 1000000 && len(e.Name) > 1 && e.Name[0] == 'G' && e.Name[1] >= '0' && e.Name[1] <= '9':
			id := e.Name[1:]
			if sp := strings.IndexByte(id, ' '); sp >= 0 {
				id = id[:sp]
			}
			goid, err := strconv.ParseInt(id, 10, 64)
			if err != nil {
				return err
			}
			g.Slices = append(g.Slices, [4]int64{ns(e.Time), ns(e.Dur), int64(e.TID), goid})
		case e.Phase == "X" && e.PID == 0 && e.TID < 1000000 && (e.Name == "syscall" || e.Name == "GC mark assist" || e.Name == "GC incremental sweep"):
			g.Work = append(g.Work, workSlice{e.Name, ns(e.Time), ns(e.Dur), e.TID})
		}
	}
	// The viewer flushes open ranges at the end in map order: sort for a stable golden.
	sort.SliceStable(g.GC, func(i, j int) bool { return g.GC[i][0] < g.GC[j][0] })
	sort.SliceStable(g.STW, func(i, j int) bool {
		if g.STW[i].T != g.STW[j].T {
			return g.STW[i].T < g.STW[j].T
		}
		return g.STW[i].TID < g.STW[j].TID
	})
	sort.SliceStable(g.Slices, func(i, j int) bool {
		if g.Slices[i][2] != g.Slices[j][2] {
			return g.Slices[i][2] < g.Slices[j][2]
		}
		return g.Slices[i][0] < g.Slices[j][0]
	})
	sort.SliceStable(g.Work, func(i, j int) bool {
		if g.Work[i].TID != g.Work[j].TID {
			return g.Work[i].TID < g.Work[j].TID
		}
		if g.Work[i].T != g.Work[j].T {
			return g.Work[i].T < g.Work[j].T
		}
		return g.Work[i].Name < g.Work[j].Name
	})
	if g.Slices == nil {
		g.Slices = [][4]int64{}
	}
	if g.Work == nil {
		g.Work = []workSlice{}
	}
	return json.NewEncoder(os.Stdout).Encode(g)
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: gotraceref-mmu mmu TRACE | gotraceref-mmu series JSONTRACE")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "mmu":
		err = mmuMain(os.Args[2])
	case "series":
		err = seriesMain(os.Args[2])
	default:
		err = fmt.Errorf("unknown mode %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gotraceref-mmu:", err)
		os.Exit(1)
	}
}
