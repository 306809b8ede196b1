//go:build race

package excelio_test

// raceEnabled: the race detector slows the code many times over, so tests
// skip their absolute time bounds under it (CI runs them without it too).
const raceEnabled = true
