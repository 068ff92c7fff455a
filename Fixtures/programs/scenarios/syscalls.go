package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"
)

func init() { register("syscalls", scenario{run: syscalls}) }

// syscalls moves data through an os.Pipe between goroutines and does plain
// file IO on a temporary file.
func syscalls() error {
	r, w, err := os.Pipe()
	if err != nil {
		return err
	}
	chunk := bytes.Repeat([]byte("gotrace-pipe-"), 300) // ~3.9 KB
	const chunks = 30
	go func() {
		for i := 0; i < chunks; i++ {
			w.Write(chunk)
		}
		w.Close()
	}()
	n, err := io.Copy(io.Discard, r)
	r.Close()
	if err != nil {
		return err
	}
	if n != int64(len(chunk)*chunks) {
		return fmt.Errorf("pipe: read %d bytes", n)
	}

	dir, err := os.MkdirTemp("", "gotrace-fixture")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	name := filepath.Join(dir, "data.bin")
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	for i := 0; i < 20; i++ {
		if _, err := f.Write(chunk); err != nil {
			return err
		}
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	data, err := os.ReadFile(name)
	if err != nil {
		return err
	}
	if len(data) != 20*len(chunk) {
		return fmt.Errorf("file: read %d bytes", len(data))
	}
	if _, err := os.Stat(name); err != nil {
		return err
	}
	for i := 0; i < 10; i++ {
		syscall.Getpid()
	}
	return nil
}
