//go:build race

// Package race tells tests whether the race detector is on. Under it, code
// runs several times slower and sync.Pool drops what it is given at random,
// so tests skip their bounds on time and allocations there; .ci/run checks
// those bounds in a run without the detector.
package race

// Enabled reports whether the binary was built with -race.
const Enabled = true
