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
