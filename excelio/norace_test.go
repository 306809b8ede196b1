//go:build !race

package excelio_test

const raceEnabled = false
