package xmlio

import "testing"

func TestElementNamesFindsEveryNameAndNothingElse(t *testing.T) {
	held := 0
	for _, n := range elementNames {
		if n == "" {
			continue
		}
		held++
		if got, ok := elementNames.find([]byte(n)); !ok || got != n {
			t.Errorf("find(%q) = %q, %v; want it found", n, got, ok)
		}
	}
	if held == 0 || held > len(elementNames)/2 {
		t.Errorf("the table holds %d names in %d slots; want it at most half full", held, len(elementNames))
	}
	for _, n := range []string{"customer", "first-name", "customer-active-data", "avg-order-value", "value"} {
		if _, ok := elementNames.find([]byte(n)); !ok {
			t.Errorf("find(%q): not found", n)
		}
	}
	for _, n := range []string{"", "c", "customers", "first-nam", "First-name", "ns:customer", "address3"} {
		if got, ok := elementNames.find([]byte(n)); ok {
			t.Errorf("find(%q) = %q; want not found", n, got)
		}
	}
}

// TestSchemeOfKeepsNoPartOfTheBuffer reads encryptionScheme values from a
// buffer that is then overwritten, as the scanner's is: a known scheme is
// the package's constant, read without an allocation, and any other value
// is a copy.
func TestSchemeOfKeepsNoPartOfTheBuffer(t *testing.T) {
	buf := []byte("scrypt")
	if n := testing.AllocsPerRun(100, func() { _ = schemeOf(buf) }); n != 0 {
		t.Errorf("schemeOf(%q) allocates %v times; want none", buf, n)
	}
	for _, v := range []string{"scrypt", "md5", "s0001", "sha1", ""} {
		buf := []byte(v)
		got := schemeOf(buf)
		for i := range buf {
			buf[i] = 'x'
		}
		if got != v {
			t.Errorf("schemeOf(%q) = %q once the buffer changed", v, got)
		}
	}
}
