// Command tracecheck runs Go's own trace reader (internal/trace) over Go's reader test data
// and prints what it makes of each input, producing the goldens of the gotrace GoSuite tests.
//
// It imports internal/trace, so it must be built inside GOROOT: scripts/go-suite.sh --regen
// copies it to $GOROOT/src/cmd/tracecheck/main.go and runs `go build cmd/tracecheck`.
//
// Usage:
//
//	tracecheck fuzz DIR          one verdict line per `go test fuzz v1` file in DIR
//	tracecheck tests OUTDIR FILE...
//	                             one verdict line per .test file; for each whose expectation
//	                             is SUCCESS, writes OUTDIR/NAME.parsed: every event's String()
//	                             followed by a newline (what `go tool trace -d=parsed` prints)
//	tracecheck encoded FILE...   NAME<TAB>LENGTH<TAB>FNV-1a-64 (hex) of each .test file's binary
//	                             trace, as testtrace.ParseFile encodes it
//	tracecheck mutate FILE...    one verdict line per damaged copy of each .test file's binary
//	                             trace, named NAME/KIND@OFFSET (see mutations)
//
// A verdict line is NAME<TAB>EVENTS<TAB>OK, or NAME<TAB>EVENTS<TAB>ERR<TAB>QUOTED-ERROR, where
// EVENTS counts the events ReadEvent returned before io.EOF or the error, and QUOTED-ERROR is
// the error text as a Go string literal (NewReader errors count as ERR with 0 events).
package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"hash/fnv"
	"internal/trace"
	"internal/trace/testtrace"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

func main() {
	if len(os.Args) < 3 {
		usage()
	}
	var err error
	switch os.Args[1] {
	case "fuzz":
		if len(os.Args) != 3 {
			usage()
		}
		err = fuzz(os.Args[2])
	case "encoded":
		err = encoded(os.Args[2:])
	case "mutate":
		err = mutate(os.Args[2:])
	case "tests":
		if len(os.Args) < 4 {
			usage()
		}
		err = tests(os.Args[2], os.Args[3:])
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "tracecheck: %v\n", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: tracecheck fuzz DIR | tracecheck tests OUTDIR FILE... | tracecheck encoded|mutate FILE...")
	os.Exit(2)
}

// read runs the reader to the end, handing each event to each (if non-nil).
func read(r io.Reader, each func(trace.Event)) (int, error) {
	tr, err := trace.NewReader(r)
	if err != nil {
		return 0, err
	}
	n := 0
	for {
		ev, err := tr.ReadEvent()
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		n++
		if each != nil {
			each(ev)
		}
	}
}

func verdict(name string, n int, err error) string {
	if err != nil {
		return fmt.Sprintf("%s\t%d\tERR\t%s", name, n, strconv.Quote(stable(err.Error())))
	}
	return fmt.Sprintf("%s\t%d\tOK", name, n)
}

// corpusBytes decodes a corpus file holding a single []byte value.
func corpusBytes(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var lines []string
	for _, l := range strings.Split(string(data), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) != 2 || lines[0] != "go test fuzz v1" {
		return nil, errors.New("not a single-value go test fuzz v1 file")
	}
	lit, ok := strings.CutPrefix(lines[1], "[]byte(")
	if !ok || !strings.HasSuffix(lit, ")") {
		return nil, errors.New("value is not a []byte literal")
	}
	s, err := strconv.Unquote(strings.TrimSpace(strings.TrimSuffix(lit, ")")))
	return []byte(s), err
}

func fuzz(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	for _, name := range names {
		b, err := corpusBytes(filepath.Join(dir, name))
		if err != nil {
			return fmt.Errorf("%s: %v", name, err)
		}
		n, rerr := read(bytes.NewReader(b), nil)
		fmt.Println(verdict(name, n, rerr))
	}
	return nil
}

func tests(outDir string, files []string) error {
	sort.Strings(files)
	for _, path := range files {
		name := strings.TrimSuffix(filepath.Base(path), ".test")
		r, _, exp, err := testtrace.ParseFile(path)
		if err != nil {
			return err
		}
		var out bytes.Buffer
		w := bufio.NewWriter(&out)
		n, rerr := read(r, func(ev trace.Event) { fmt.Fprintln(w, ev.String()) })
		if err := exp.Check(rerr); err != nil {
			return fmt.Errorf("%s: Go's own reader does not meet the expectation: %v", name, err)
		}
		fmt.Println(verdict(name, n, rerr))
		if exp.Check(nil) == nil { // SUCCESS expectation
			w.Flush()
			if err := os.WriteFile(filepath.Join(outDir, name+".parsed"), out.Bytes(), 0o644); err != nil {
				return err
			}
		}
	}
	return nil
}

// binary returns the name and the binary trace of a .test file.
func binary(path string) (string, []byte, error) {
	name := strings.TrimSuffix(filepath.Base(path), ".test")
	r, _, _, err := testtrace.ParseFile(path)
	if err != nil {
		return "", nil, err
	}
	b, err := io.ReadAll(r)
	return name, b, err
}

func encoded(files []string) error {
	sort.Strings(files)
	for _, path := range files {
		name, b, err := binary(path)
		if err != nil {
			return err
		}
		h := fnv.New64a()
		h.Write(b)
		fmt.Printf("%s\t%d\t%016x\n", name, len(b), h.Sum64())
	}
	return nil
}

// mutations are damaged copies of a binary trace: cut short at an offset (trunc), or with the
// byte at an offset XORed with 0x01 (a value off by one) or 0x80 (a varint's continuation bit
// flipped). Offsets: every byte after the 16-byte header of a trace up to 256 bytes long,
// else 96 offsets spread evenly over it.
func mutations(b []byte) (keys []string, data [][]byte) {
	var offsets []int
	if len(b) <= 256 {
		for p := 16; p < len(b); p++ {
			offsets = append(offsets, p)
		}
	} else {
		for k := 0; k < 96; k++ {
			p := 16 + k*(len(b)-16)/96
			if len(offsets) == 0 || offsets[len(offsets)-1] != p {
				offsets = append(offsets, p)
			}
		}
	}
	for _, p := range offsets {
		keys = append(keys, fmt.Sprintf("trunc@%d", p))
		data = append(data, b[:p])
		for _, x := range []byte{0x01, 0x80} {
			c := bytes.Clone(b)
			c[p] ^= x
			keys = append(keys, fmt.Sprintf("xor%02x@%d", x, p))
			data = append(data, c)
		}
	}
	return keys, data
}

func mutate(files []string) error {
	sort.Strings(files)
	for _, path := range files {
		name, b, err := binary(path)
		if err != nil {
			return err
		}
		keys, data := mutations(b)
		for i, key := range keys {
			n, rerr := read(bytes.NewReader(data[i]), nil)
			fmt.Println(verdict(name+"/"+key, n, rerr))
		}
	}
	return nil
}

// stateLine matches the lines of the ordering-state dump that ends Go's "failed to advance"
// error (dumpOrdering): one line per goroutine, proc and thread, printed in map order.
var stateLine = regexp.MustCompile(`^([GPM]) (-?\d+) \[(status|g)=`)

// stable returns the error text with each run of ordering-state lines sorted by kind and ID, so
// that the goldens do not change from run to run; all other text is Go's as is.
func stable(msg string) string {
	if !strings.HasPrefix(msg, "broken trace: failed to advance") {
		return msg
	}
	lines := strings.Split(msg, "\n")
	key := func(l string) (string, int64) {
		m := stateLine.FindStringSubmatch(l)
		id, _ := strconv.ParseInt(m[2], 10, 64)
		return m[1], id
	}
	for i := 0; i < len(lines); {
		j := i
		for j < len(lines) && stateLine.MatchString(lines[j]) {
			j++
		}
		if j == i {
			i++
			continue
		}
		run := lines[i:j]
		sort.SliceStable(run, func(a, b int) bool {
			ka, ia := key(run[a])
			kb, ib := key(run[b])
			if ka != kb {
				return ka < kb
			}
			return ia < ib
		})
		i = j
	}
	return strings.Join(lines, "\n")
}
