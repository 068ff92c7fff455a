// Command gosort-check records what Go's slices.SortFunc does with ties, producing the test
// vectors of gotrace's GoSort tests (Tests/GoTraceTests/Vectors/gosort.txt).
//
// slices.SortFunc is unstable: the order it leaves equal elements in depends on the exact
// pdqsort algorithm. For each input array of integer keys, this program sorts the pairs
// (key, original index) comparing only keys, and prints the original indices in their sorted
// order, so a reimplementation can be checked for the very same permutation.
//
// Usage:
//
//	gosort-check < INPUT            one output line per input line
//	gosort-check -gen > INPUT       the built-in, deterministic set of input lines
//
// Regenerate the vectors with:
//
//	go=/opt/gotrace-toolchains/go-1.27.3/bin/go
//	GOTOOLCHAIN=local GOPROXY=off $go run scripts/gosort-check/main.go -gen |
//	  GOTOOLCHAIN=local GOPROXY=off $go run scripts/gosort-check/main.go > Tests/GoTraceTests/Vectors/gosort.txt
//
// An input line is `asc|K1 K2 ...` or `desc|K1 K2 ...` (the direction of the comparison:
// `desc` is cmp.Compare(b, a), as `go tool trace -d=footprint` sorts its byte counts); the
// output line repeats it and appends `|I1 I2 ...`, the permutation. Empty lines and lines
// starting with `#` are copied unchanged.
package main

import (
	"bufio"
	"cmp"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
)

type pair struct{ key, index int }

func main() {
	if len(os.Args) == 2 && os.Args[1] == "-gen" {
		generate(bufio.NewWriter(os.Stdout))
		return
	}
	if len(os.Args) != 1 {
		fmt.Fprintln(os.Stderr, "usage: gosort-check [-gen]")
		os.Exit(2)
	}
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<26)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	fmt.Fprintf(out, "# slices.SortFunc permutations, recorded with %s: direction|keys|original indices in sorted order\n", runtime.Version())
	for in.Scan() {
		line := in.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			fmt.Fprintln(out, line)
			continue
		}
		dir, keys, ok := strings.Cut(line, "|")
		if !ok || (dir != "asc" && dir != "desc") {
			fail("bad line %q", line)
		}
		var x []pair
		for i, f := range strings.Fields(keys) {
			k, err := strconv.Atoi(f)
			if err != nil {
				fail("bad key %q", f)
			}
			x = append(x, pair{k, i})
		}
		if dir == "asc" {
			slices.SortFunc(x, func(a, b pair) int { return cmp.Compare(a.key, b.key) })
		} else {
			slices.SortFunc(x, func(a, b pair) int { return cmp.Compare(b.key, a.key) })
		}
		perm := make([]string, len(x))
		for i, p := range x {
			perm[i] = strconv.Itoa(p.index)
		}
		fmt.Fprintf(out, "%s|%s|%s\n", dir, strings.Join(strings.Fields(keys), " "), strings.Join(perm, " "))
	}
	if err := in.Err(); err != nil {
		fail("%v", err)
	}
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "gosort-check: "+format+"\n", args...)
	os.Exit(1)
}

// generate writes the input lines: every size 0..300 in several shapes, rich in ties, some
// longer arrays that drive pdqsort into pattern breaking and heapsort, and 256-element arrays
// shaped like -d=footprint's statistics (a few dozen non-zero byte counts, the rest zero).
func generate(w *bufio.Writer) {
	defer w.Flush()
	r := rand.New(rand.NewPCG(1, 27))
	emit := func(comment, dir string, keys []int) {
		if comment != "" {
			fmt.Fprintf(w, "# %s\n", comment)
		}
		s := make([]string, len(keys))
		for i, k := range keys {
			s[i] = strconv.Itoa(k)
		}
		fmt.Fprintf(w, "%s|%s\n", dir, strings.Join(s, " "))
	}
	make1 := func(n int, f func(i int) int) []int {
		x := make([]int, n)
		for i := range x {
			x[i] = f(i)
		}
		return x
	}

	// Every size, random keys from a few values (many ties) and from a wider range.
	for n := 0; n <= 300; n++ {
		c := ""
		if n == 0 {
			c = "sizes 0..300: random keys in [0,4) and [0,n)"
		}
		emit(c, "asc", make1(n, func(int) int { return r.IntN(4) }))
		emit("", "asc", make1(n, func(int) int { return r.IntN(n + 1) }))
	}
	// Every size, structured shapes.
	shapes := []struct {
		name string
		f    func(n, i int) int
	}{
		{"all equal", func(n, i int) int { return 7 }},
		{"sorted", func(n, i int) int { return i }},
		{"reversed", func(n, i int) int { return n - i }},
		{"sorted pairs", func(n, i int) int { return i / 2 }},
		{"reversed triples", func(n, i int) int { return (n - i) / 3 }},
		{"sawtooth", func(n, i int) int { return i % 5 }},
		{"organ pipe", func(n, i int) int { return min(i, n-i) }},
		{"two values, halves", func(n, i int) int { return 2 * i / max(n, 1) }},
		{"sorted, one swap", func(n, i int) int {
			if i == n/3 {
				return n
			}
			return i
		}},
	}
	for _, s := range shapes {
		for n := 0; n <= 300; n += 5 {
			c := ""
			if n == 0 {
				c = "sizes 0..300 step 5: " + s.name
			}
			emit(c, "asc", make1(n, func(i int) int { return s.f(n, i) }))
		}
	}
	// Nearly sorted (a few random swaps), exercising partialInsertionSort's shifting.
	for k := 0; k < 60; k++ {
		n := 50 + r.IntN(251)
		x := make1(n, func(i int) int { return i / (1 + k%3) })
		for range 1 + k%6 {
			i, j := r.IntN(n), r.IntN(n)
			x[i], x[j] = x[j], x[i]
		}
		c := ""
		if k == 0 {
			c = "nearly sorted, up to 6 random swaps"
		}
		emit(c, "asc", x)
	}
	// Nearly reversed.
	for k := 0; k < 30; k++ {
		n := 50 + r.IntN(251)
		x := make1(n, func(i int) int { return (n - i) / (1 + k%2) })
		for range 1 + k%3 {
			i, j := r.IntN(n), r.IntN(n)
			x[i], x[j] = x[j], x[i]
		}
		c := ""
		if k == 0 {
			c = "nearly reversed"
		}
		emit(c, "asc", x)
	}
	// Longer arrays: adversarial shapes that unbalance partitions (pattern breaking, heapsort).
	for _, n := range []int{500, 1000, 2048} {
		emit(fmt.Sprintf("n=%d: organ pipe, sawtooth, push-front, random", n), "asc", make1(n, func(i int) int { return min(i, n-i) }))
		emit("", "asc", make1(n, func(i int) int { return i % 64 }))
		emit("", "asc", make1(n, func(i int) int {
			if i == n-1 {
				return 0
			}
			return i + 1
		}))
		emit("", "asc", make1(n, func(int) int { return r.IntN(n) }))
		emit("", "desc", make1(n, func(i int) int { return (i * i) % 97 }))
	}
	emit("median-of-3 killer", "asc", medianOfThreeKiller(2000))
	emit("", "asc", medianOfThreeKiller(3000))
	// McIlroy's adversary against slices.SortFunc itself: inputs that exhaust pdqsort's
	// bad-pivot budget, so it falls back to heapsort.
	for _, n := range []int{60, 100, 200, 300, 1000} {
		c := ""
		if n == 60 {
			c = "antiquicksort adversary (heapsort fallback)"
		}
		emit(c, "asc", antiQuicksort(n))
	}
	// Mostly the minimum key, a few larger ones: the pivot is the minimum, so partitioning
	// finds the range already partitioned.
	for k := 0; k < 60; k++ {
		n := 13 + r.IntN(288)
		x := make([]int, n)
		for range 1 + r.IntN(max(1, n/8)) {
			x[r.IntN(n)] = 1 + r.IntN(3)
		}
		c := ""
		if k == 0 {
			c = "mostly zeros, ascending"
		}
		emit(c, "asc", x)
	}
	// Footprint-like: 256 byte counts, a few dozen non-zero (some of them equal), sorted
	// descending as `go tool trace -d=footprint` does.
	for k := 0; k < 200; k++ {
		x := make([]int, 256)
		nz := 5 + r.IntN(60)
		for range nz {
			t := 1 + r.IntN(136)
			switch r.IntN(4) {
			case 0:
				x[t] = 2 + r.IntN(8) // small, colliding counts
			case 1:
				x[t] = 10 * (1 + r.IntN(5))
			default:
				x[t] = 1 + r.IntN(1_000_000)
			}
		}
		c := ""
		if k == 0 {
			c = "footprint-like: 256 byte counts, mostly zero, descending"
		}
		emit(c, "desc", x)
	}
	emit("footprint-like: all zero", "desc", make([]int, 256))
}

// antiQuicksort returns an input built by McIlroy's "killer adversary", as Go's own
// sort.TestAdversary runs it against sort.Sort (the same pdqsort as slices.SortFunc, generated
// from the same template): keys are decided lazily, as late as possible, so that the sort keeps
// choosing bad pivots and degenerates to heapsort. The keys it settles on, given as input,
// make the sort take the same path. One key is fixed up front (the middle one, high): without
// it the first pivot choice sees an increasing run and partialInsertionSort wins.
func antiQuicksort(n int) []int {
	d := &adversary{val: make([]int, n), id: make([]int, n), gas: n + 1}
	for i := range n {
		d.val[i] = d.gas
		d.id[i] = i
	}
	d.val[n/2] = n
	sort.Sort(d)
	keys := make([]int, n)
	for p, id := range d.id {
		keys[id] = d.val[p]
	}
	return keys
}

type adversary struct {
	val, id                []int // by position: the key (gas until frozen), the original index
	solid, candidate, gas int
}

func (d *adversary) Len() int { return len(d.val) }

func (d *adversary) Swap(i, j int) {
	d.val[i], d.val[j] = d.val[j], d.val[i]
	d.id[i], d.id[j] = d.id[j], d.id[i]
}

func (d *adversary) Less(i, j int) bool {
	if d.val[i] == d.gas && d.val[j] == d.gas {
		k := j
		if i == d.candidate {
			k = i
		}
		d.val[k] = d.solid
		d.solid++
	}
	if d.val[i] == d.gas {
		d.candidate = i
	} else if d.val[j] == d.gas {
		d.candidate = j
	}
	return d.val[i] < d.val[j]
}

// medianOfThreeKiller returns Musser's input that makes median-of-3 quicksort quadratic.
func medianOfThreeKiller(n int) []int {
	x := make([]int, n)
	k := n / 2
	for i := 1; i <= k; i++ {
		if i%2 == 1 {
			x[i-1] = i
			x[i] = k + i
		}
		x[k+i-1] = 2 * i
	}
	return x
}
