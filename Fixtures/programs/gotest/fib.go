// Package fib is a tiny package whose tests are run with `go test -trace` to
// produce the gotest trace fixture.
package fib

// Fib returns the n-th Fibonacci number.
func Fib(n int) int {
	if n < 2 {
		return n
	}
	return Fib(n-1) + Fib(n-2)
}
