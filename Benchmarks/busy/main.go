// Command busy is a scalable, busy Go program that writes a runtime/trace
// execution trace of a chosen size. It is the trace generator of the gotrace
// benchmark (see Benchmarks/README.md and scripts/bench.sh).
//
// The workload imitates a small service: loopback TCP clients send requests
// to a server whose handlers dispatch work to a worker pool; pipelines of
// goroutines pass items over channels; a shared cache is guarded by a
// contended mutex; goroutines sleep on timers and wait with timeouts;
// short-lived goroutines fan out and in; a logger writes records into a pipe
// (write/read syscalls); everything allocates, so the GC runs often; and now
// and then requests are wrapped in user tasks, regions and logs.
//
// Tracing stops once the trace written so far reaches about -mb megabytes
// (10^6 bytes); the final flush adds a little on top of that.
//
// Usage: busy -o FILE -mb N [-procs P] [-timeout D]
//
// Standard library only; build with `go build -o busy Benchmarks/busy/main.go`.
package main

import (
	"bufio"
	"context"
	"encoding/binary"
	"flag"
	"fmt"
	"hash/fnv"
	"io"
	"math/rand"
	"net"
	"os"
	"runtime"
	"runtime/trace"
	"sync"
	"sync/atomic"
	"time"
)

// stopping is set once tracing has stopped; long-running loops check it.
var stopping atomic.Bool

// countingWriter counts the bytes of the trace and closes reached once the
// count crosses limit. Only the runtime's trace-writer goroutine calls Write.
type countingWriter struct {
	w       io.Writer
	n       atomic.Int64
	limit   int64
	reached chan struct{}
	once    sync.Once
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	if c.n.Add(int64(n)) >= c.limit {
		c.once.Do(func() { close(c.reached) })
	}
	return n, err
}

func main() {
	out := flag.String("o", "busy.trace", "output trace `file`")
	mb := flag.Float64("mb", 50, "stop tracing when the trace reaches about this many MB (10^6 bytes)")
	procs := flag.Int("procs", 0, "GOMAXPROCS (0: the runtime's default)")
	timeout := flag.Duration("timeout", 30*time.Minute, "stop tracing after this long whatever the size")
	seed := flag.Int64("seed", 1, "random seed for the workload")
	flag.Parse()
	if *mb <= 0 {
		fail(fmt.Errorf("-mb must be > 0"))
	}
	if *procs > 0 {
		runtime.GOMAXPROCS(*procs)
	}

	f, err := os.Create(*out)
	if err != nil {
		fail(err)
	}
	bw := bufio.NewWriterSize(f, 4<<20)
	cw := &countingWriter{w: bw, limit: int64(*mb * 1e6), reached: make(chan struct{})}

	start := time.Now()
	if err := trace.Start(cw); err != nil {
		fail(err)
	}
	w := newWorld(*seed)
	w.start()

	select {
	case <-cw.reached:
	case <-time.After(*timeout):
		fmt.Fprintf(os.Stderr, "busy: timeout after %v, trace has %d bytes\n", *timeout, cw.n.Load())
	}
	trace.Stop()
	stopping.Store(true)
	elapsed := time.Since(start)

	if err := bw.Flush(); err != nil {
		fail(err)
	}
	if err := f.Close(); err != nil {
		fail(err)
	}
	n := cw.n.Load()
	fmt.Fprintf(os.Stderr, "busy: wrote %s: %d bytes in %.1fs (%.1f MB/s), requests=%d items=%d gcs=%d\n",
		*out, n, elapsed.Seconds(), float64(n)/1e6/elapsed.Seconds(),
		w.requests.Load(), w.items.Load(), gcCount())
	// Goroutines are left blocked or running on purpose: exit now.
	os.Exit(0)
}

func fail(err error) {
	fmt.Fprintf(os.Stderr, "busy: %v\n", err)
	os.Exit(1)
}

func gcCount() uint32 {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.NumGC
}

// ---------------------------------------------------------------------------
// The world: shared state of the simulated service.

type job struct {
	data  []byte
	reply chan uint64
}

type world struct {
	seed int64

	jobs   chan job    // worker pool queue
	logs   chan []byte // records for the pipe logger
	cache  *cache
	retain *retainer

	requests atomic.Int64
	items    atomic.Int64
}

func newWorld(seed int64) *world {
	return &world{
		seed:   seed,
		jobs:   make(chan job, 64),
		logs:   make(chan []byte, 256),
		cache:  newCache(4096),
		retain: newRetainer(8192),
	}
}

func (w *world) rng(i int) *rand.Rand { return rand.New(rand.NewSource(w.seed*1000003 + int64(i))) }

func (w *world) start() {
	id := 0
	next := func() int { id++; return id }

	// Worker pool serving request/response jobs.
	for i := 0; i < 16; i++ {
		go w.worker(w.rng(next()))
	}
	// Pipe logger: a writer goroutine issuing write syscalls, a reader
	// goroutine issuing read syscalls.
	w.startPipeLogger()
	// Loopback TCP echo service with clients.
	w.startTCP(16, next)
	// Channel pipelines: source -> stages -> sink.
	for i := 0; i < 6; i++ {
		w.startPipeline(i, 4, i%3, next)
	}
	// Mutex contention on the shared cache.
	for i := 0; i < 8; i++ {
		go w.cacheHammer(w.rng(next()))
	}
	// Timer-driven goroutines: sleepers and timeouts.
	for i := 0; i < 48; i++ {
		go w.sleeper(w.rng(next()))
	}
	go w.ticker()
	// Request generators that fan out into short-lived goroutines.
	for i := 0; i < 2; i++ {
		go w.fanout(w.rng(next()))
	}
	// Allocation churn with bigger objects (drives the GC).
	go w.allocator(w.rng(next()))
}

// work does some CPU work on b and returns a hash.
func work(b []byte, rounds int) uint64 {
	h := fnv.New64a()
	for i := 0; i < rounds; i++ {
		h.Write(b)
	}
	return h.Sum64()
}

func payload(r *rand.Rand, lo, hi int) []byte {
	b := make([]byte, lo+r.Intn(hi-lo+1))
	r.Read(b[:min(len(b), 16)])
	return b
}

// ---------------------------------------------------------------------------
// Cache guarded by a mutex (contended), plus a read-mostly RWMutex.

type cache struct {
	mu   sync.Mutex
	m    map[uint64][]byte
	cap  int
	hits int64

	cfgMu sync.RWMutex
	cfg   map[string]int
}

func newCache(capacity int) *cache {
	return &cache{m: make(map[uint64][]byte), cap: capacity, cfg: map[string]int{"limit": 100, "ttl": 30}}
}

func (c *cache) get(k uint64) []byte {
	c.mu.Lock()
	v, ok := c.m[k]
	if ok {
		c.hits++
	}
	c.mu.Unlock()
	return v
}

func (c *cache) put(k uint64, v []byte) {
	c.mu.Lock()
	if len(c.m) >= c.cap {
		for old := range c.m { // evict an arbitrary entry
			delete(c.m, old)
			break
		}
	}
	c.m[k] = v
	// A little work inside the critical section lengthens hold times.
	work(v[:min(len(v), 64)], 1)
	c.mu.Unlock()
}

func (c *cache) config(k string) int {
	c.cfgMu.RLock()
	defer c.cfgMu.RUnlock()
	return c.cfg[k]
}

func (c *cache) setConfig(k string, v int) {
	c.cfgMu.Lock()
	c.cfg[k] = v
	c.cfgMu.Unlock()
}

func (w *world) cacheHammer(r *rand.Rand) {
	for !stopping.Load() {
		k := uint64(r.Intn(8192))
		if r.Intn(4) == 0 {
			w.cache.put(k, payload(r, 32, 256))
		} else if w.cache.get(k) == nil {
			_ = w.cache.config("limit")
		}
		if r.Intn(64) == 0 {
			runtime.Gosched()
		}
	}
}

// ---------------------------------------------------------------------------
// Retainer: keeps a ring of recent allocations alive so that the heap has a
// live set and the GC has real marking to do.

type retainer struct {
	mu   sync.Mutex
	ring [][]byte
	i    int
}

func newRetainer(n int) *retainer { return &retainer{ring: make([][]byte, n)} }

func (rt *retainer) keep(b []byte) {
	rt.mu.Lock()
	rt.ring[rt.i] = b
	rt.i = (rt.i + 1) % len(rt.ring)
	rt.mu.Unlock()
}

func (w *world) allocator(r *rand.Rand) {
	for !stopping.Load() {
		// Mostly garbage, some retained; occasionally a large object.
		for i := 0; i < 32; i++ {
			b := payload(r, 64, 4096)
			if i%8 == 0 {
				w.retain.keep(b)
			}
		}
		if r.Intn(16) == 0 {
			w.retain.keep(payload(r, 64<<10, 256<<10))
		}
		time.Sleep(time.Duration(50+r.Intn(200)) * time.Microsecond)
	}
}

// ---------------------------------------------------------------------------
// Worker pool.

func (w *world) worker(r *rand.Rand) {
	for j := range w.jobs {
		h := work(j.data, 1+r.Intn(3))
		if r.Intn(8) == 0 {
			w.cache.put(h%8192, j.data)
		}
		if r.Intn(32) == 0 {
			w.log("worker", h)
		}
		j.reply <- h
	}
}

// call submits data to the pool and waits for the answer, with a timeout.
func (w *world) call(data []byte) (uint64, bool) {
	reply := make(chan uint64, 1)
	select {
	case w.jobs <- job{data: data, reply: reply}:
	case <-time.After(50 * time.Millisecond):
		return 0, false
	}
	select {
	case h := <-reply:
		return h, true
	case <-time.After(100 * time.Millisecond):
		return 0, false
	}
}

// ---------------------------------------------------------------------------
// Pipe logger (syscalls).

func (w *world) log(kind string, v uint64) {
	rec := make([]byte, 0, 48)
	rec = append(rec, kind...)
	rec = append(rec, ' ')
	rec = binary.AppendUvarint(rec, v)
	rec = append(rec, '\n')
	select {
	case w.logs <- rec:
	default: // drop when the logger falls behind, like a real one might
	}
}

func (w *world) startPipeLogger() {
	pr, pw, err := os.Pipe()
	if err != nil {
		fail(err)
	}
	go func() { // writer: one write syscall per record
		for rec := range w.logs {
			if _, err := pw.Write(rec); err != nil {
				return
			}
		}
	}()
	go func() { // reader
		buf := make([]byte, 4096)
		for {
			if _, err := pr.Read(buf); err != nil {
				return
			}
		}
	}()
}

// ---------------------------------------------------------------------------
// Loopback TCP service: length-prefixed requests, handled through the pool.

func (w *world) startTCP(clients int, next func() int) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fail(err)
	}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go w.serve(c)
		}
	}()
	addr := ln.Addr().String()
	for i := 0; i < clients; i++ {
		go w.client(addr, w.rng(next()))
	}
}

func readMsg(br *bufio.Reader, buf []byte) ([]byte, error) {
	var hdr [4]byte
	if _, err := io.ReadFull(br, hdr[:]); err != nil {
		return nil, err
	}
	n := int(binary.BigEndian.Uint32(hdr[:]))
	if cap(buf) < n {
		buf = make([]byte, n)
	}
	buf = buf[:n]
	_, err := io.ReadFull(br, buf)
	return buf, err
}

func writeMsg(c net.Conn, msg []byte) error {
	out := make([]byte, 4+len(msg))
	binary.BigEndian.PutUint32(out, uint32(len(msg)))
	copy(out[4:], msg)
	_, err := c.Write(out)
	return err
}

func (w *world) serve(c net.Conn) {
	defer c.Close()
	br := bufio.NewReader(c)
	var buf []byte
	for {
		msg, err := readMsg(br, buf)
		if err != nil {
			return
		}
		buf = msg
		h, ok := w.call(append([]byte(nil), msg...))
		if !ok {
			h = 0
		}
		var resp [8]byte
		binary.BigEndian.PutUint64(resp[:], h)
		if err := writeMsg(c, append(resp[:], msg[:min(len(msg), 24)]...)); err != nil {
			return
		}
	}
}

func (w *world) client(addr string, r *rand.Rand) {
	for !stopping.Load() {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			time.Sleep(10 * time.Millisecond)
			continue
		}
		br := bufio.NewReader(c)
		// Reconnect now and then, like real clients.
		for n := 64 + r.Intn(512); n > 0 && !stopping.Load(); n-- {
			req := payload(r, 32, 512)
			var err error
			if r.Intn(32) == 0 {
				err = w.tracedRequest(c, br, req)
			} else {
				err = w.request(c, br, req)
			}
			if err != nil {
				break
			}
		}
		c.Close()
	}
}

func (w *world) request(c net.Conn, br *bufio.Reader, req []byte) error {
	if err := writeMsg(c, req); err != nil {
		return err
	}
	_, err := readMsg(br, nil)
	w.requests.Add(1)
	return err
}

// tracedRequest wraps a request in a user task with regions and logs.
func (w *world) tracedRequest(c net.Conn, br *bufio.Reader, req []byte) error {
	ctx, task := trace.NewTask(context.Background(), "client.request")
	defer task.End()
	trace.Logf(ctx, "request", "size=%d", len(req))
	var err error
	trace.WithRegion(ctx, "roundtrip", func() {
		err = w.request(c, br, req)
	})
	if err != nil {
		trace.Log(ctx, "error", err.Error())
	} else {
		trace.Log(ctx, "status", "ok")
	}
	return err
}

// ---------------------------------------------------------------------------
// Channel pipelines.

type item struct {
	id   uint64
	data []byte
	sum  uint64
}

func (w *world) startPipeline(p, depth, buffered int, next func() int) {
	src := make(chan *item, buffered)
	in := src
	for s := 0; s < depth; s++ {
		out := make(chan *item, buffered)
		go w.stage(in, out, s, w.rng(next()))
		in = out
	}
	go w.sink(in, p)
	go w.source(src, w.rng(next()))
}

func (w *world) source(out chan<- *item, r *rand.Rand) {
	for id := uint64(0); !stopping.Load(); id++ {
		out <- &item{id: id, data: payload(r, 16, 1024)}
		if id%256 == 0 {
			time.Sleep(time.Duration(r.Intn(100)) * time.Microsecond)
		}
	}
	close(out)
}

func (w *world) stage(in <-chan *item, out chan<- *item, s int, r *rand.Rand) {
	for it := range in {
		it.sum ^= work(it.data[:min(len(it.data), 128)], 1)
		switch r.Intn(64) {
		case 0:
			w.cache.put(it.sum%8192, it.data)
		case 1:
			_ = w.cache.get(it.sum % 8192)
		case 2:
			if s == 0 {
				w.retain.keep(it.data)
			}
		case 3:
			w.log("stage", it.sum)
		}
		out <- it
	}
	close(out)
}

func (w *world) sink(in <-chan *item, p int) {
	ctx := context.Background()
	for it := range in {
		if w.items.Add(1)%4096 == 0 {
			trace.Logf(ctx, "pipeline", "p=%d id=%d", p, it.id)
		}
	}
}

// ---------------------------------------------------------------------------
// Timers.

func (w *world) sleeper(r *rand.Rand) {
	t := time.NewTimer(time.Hour)
	for !stopping.Load() {
		d := time.Duration(100+r.Intn(5000)) * time.Microsecond
		switch r.Intn(3) {
		case 0:
			time.Sleep(d)
		case 1:
			t.Reset(d)
			<-t.C
		case 2:
			// Wait for a pool answer with a timeout.
			if _, ok := w.call(payload(r, 16, 128)); !ok {
				w.log("timeout", uint64(d))
			}
		}
		if r.Intn(256) == 0 {
			w.cache.setConfig("ttl", r.Intn(60))
		}
	}
}

func (w *world) ticker() {
	t := time.NewTicker(time.Millisecond)
	defer t.Stop()
	ctx := context.Background()
	for n := 0; !stopping.Load(); n++ {
		<-t.C
		w.cache.mu.Lock()
		size := len(w.cache.m)
		w.cache.mu.Unlock()
		if n%1000 == 0 {
			trace.Logf(ctx, "metrics", "cache=%d requests=%d", size, w.requests.Load())
		}
	}
}

// ---------------------------------------------------------------------------
// Fan-out/fan-in with short-lived goroutines.

func (w *world) fanout(r *rand.Rand) {
	for n := 0; !stopping.Load(); n++ {
		var ctx context.Context = context.Background()
		var task *trace.Task
		traced := n%64 == 0
		if traced {
			ctx, task = trace.NewTask(ctx, "fanout")
		}
		parts := 2 + r.Intn(6)
		results := make(chan uint64, parts)
		var wg sync.WaitGroup
		for i := 0; i < parts; i++ {
			wg.Add(1)
			data := payload(r, 64, 512)
			go func() {
				defer wg.Done()
				if traced {
					defer trace.StartRegion(ctx, "part").End()
				}
				results <- work(data, 2)
			}()
		}
		wg.Wait()
		close(results)
		var acc uint64
		for v := range results {
			acc ^= v
		}
		if traced {
			trace.Logf(ctx, "fanout", "parts=%d acc=%x", parts, acc)
			task.End()
		}
		if n%4 == 0 {
			time.Sleep(time.Duration(r.Intn(200)) * time.Microsecond)
		}
	}
}
