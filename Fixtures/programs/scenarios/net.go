package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"runtime/trace"
	"time"
)

func init() { register("net", scenario{custom: netScenario}) }

// netScenario serves HTTP (with net/http/pprof) and a TCP echo service on
// 127.0.0.1, fetches /debug/pprof/trace?seconds=1 from itself, and while that
// trace is being recorded exchanges TCP and HTTP traffic over loopback. The
// fetched trace is the fixture.
func netScenario(out string) error {
	echoLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer echoLn.Close()
	go func() {
		for {
			c, err := echoLn.Accept()
			if err != nil {
				return
			}
			go func(c net.Conn) {
				defer c.Close()
				io.Copy(c, c)
			}(c)
		}
	}()

	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	mux.HandleFunc("/hello", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "hello %s\n", r.URL.Query().Get("n"))
	})
	httpLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: mux}
	go srv.Serve(httpLn)
	defer srv.Close()
	base := "http://" + httpLn.Addr().String()

	traceDone := make(chan error, 1)
	go func() { traceDone <- fetchTrace(base+"/debug/pprof/trace?seconds=1", out) }()

	// Wait for the handler to start tracing before generating traffic.
	deadline := time.Now().Add(5 * time.Second)
	for !trace.IsEnabled() {
		if time.Now().After(deadline) {
			return fmt.Errorf("tracing did not start")
		}
		time.Sleep(time.Millisecond)
	}

	tr := &http.Transport{}
	client := &http.Client{Transport: tr}
	for i := 0; i < 10; i++ {
		if err := echoOnce(echoLn.Addr().String(), i); err != nil {
			return err
		}
		resp, err := client.Get(fmt.Sprintf("%s/hello?n=%d", base, i))
		if err != nil {
			return err
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return err
		}
		if want := fmt.Sprintf("hello %d\n", i); string(body) != want {
			return fmt.Errorf("http: got %q, want %q", body, want)
		}
		time.Sleep(40 * time.Millisecond)
	}
	tr.CloseIdleConnections()
	return <-traceDone
}

func echoOnce(addr string, i int) error {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return err
	}
	defer c.Close()
	msg := fmt.Sprintf("ping %d\n", i)
	if _, err := io.WriteString(c, msg); err != nil {
		return err
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return err
	}
	if line != msg {
		return fmt.Errorf("echo: got %q, want %q", line, msg)
	}
	return nil
}

func fetchTrace(url, out string) error {
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr}).Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		return fmt.Errorf("trace fetch: %s: %s", resp.Status, b)
	}
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
