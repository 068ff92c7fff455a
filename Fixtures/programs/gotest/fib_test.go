package fib

import (
	"fmt"
	"testing"
	"time"
)

func TestFib(t *testing.T) {
	for n, want := range []int{0, 1, 1, 2, 3, 5, 8, 13} {
		if got := Fib(n); got != want {
			t.Errorf("Fib(%d) = %d, want %d", n, got, want)
		}
	}
}

func TestParallel(t *testing.T) {
	for i := 0; i < 3; i++ {
		n := 18 + i
		t.Run(fmt.Sprintf("n=%d", n), func(t *testing.T) {
			t.Parallel()
			if Fib(n) <= 0 {
				t.Fatal("non-positive")
			}
			time.Sleep(10 * time.Millisecond)
		})
	}
}
