package memstore

// NewClashing returns a store whose unique indexes give every value the
// same hash, so that every value but the first of each index is a clash:
// the conformance suite run on it proves the path real clashes take.
func NewClashing(opts Options) *Store {
	s := New(opts)
	s.hash = func(string) uint64 { return 0 }
	return s
}
