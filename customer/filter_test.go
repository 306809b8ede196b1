package customer_test

import (
	"strings"
	"testing"

	"github.com/impexkit/impex/customer"
)

// searchReference is the free-text search as Filter documents it, written
// the plain way: lower-case both sides and look for the query in each field.
func searchReference(c *customer.Customer, search string) bool {
	q := strings.ToLower(strings.TrimSpace(search))
	if q == "" {
		return true
	}
	for _, s := range customer.SearchFields(c) {
		if strings.Contains(strings.ToLower(s), q) {
			return true
		}
	}
	return false
}

func searchCustomer(text string) *customer.Customer {
	return &customer.Customer{Kind: customer.KindPerson, Number: "N-0042",
		Profile: customer.Profile{FirstName: "Åsa", LastName: text, Email: "Asa.Berg@Example.COM",
			Phones: customer.Phones{Mobile: "+46 70 123"}}}
}

func TestFilterSearchMatchesTheLowerCasedFields(t *testing.T) {
	for _, tc := range []struct {
		field, search string
		want          bool
	}{
		{"Berg", "berg", true},
		{"Berg", "  BERG  ", true},
		{"Berg", "åsa", true},
		{"Berg", "ÅSA", true},
		{"Berg", "asa.berg@example", true},
		{"Berg", "n-004", true},
		{"Berg", "70 12", true},
		{"Berg", "bergx", false},
		{"Berg", "äsa", false}, // å and ä differ after lowering
		{"Müller", "MÜLLER", true},
		{"Müller", "MULLER", false},
		{"Kelvin \u212a", "kelvin k", true}, // KELVIN SIGN lowers to an ASCII k
		{"İstanbul", "istanbul", true},      // as strings.ToLower, one rune for one
		{"ΣΊΣΥΦΟΣ", "σίσυφοσ", true},
		{"bad \xff byte", "\ufffd", true}, // an invalid byte lowers to U+FFFD
		{"bad \xff byte", "d \xfe b", true},
		{"straße", "STRASSE", false}, // no full case folding, as strings.ToLower
		{"Berg", "", true},
	} {
		c := searchCustomer(tc.field)
		f := customer.Filter{Search: tc.search}
		if got, ref := f.Match(c), searchReference(c, tc.search); got != tc.want || ref != tc.want {
			t.Errorf("search %q in %q: Match = %v, reference = %v; want %v", tc.search, tc.field, got, ref, tc.want)
		}
	}
}

func TestFilterSearchDoesNotAllocate(t *testing.T) {
	c := searchCustomer("Järvinen")
	for _, search := range []string{"järv", "JÄRVINEN", "no such text", "example.com"} {
		f := customer.Filter{Search: search, Kind: customer.KindPerson}
		if n := testing.AllocsPerRun(100, func() { f.Match(c) }); n != 0 {
			t.Errorf("Match with search %q allocates %v times per customer, want 0", search, n)
		}
	}
}

// FuzzFilterSearch checks Filter.Match's search against the reference on
// arbitrary text: they must agree on every input, valid UTF-8 or not.
func FuzzFilterSearch(f *testing.F) {
	for _, s := range [][2]string{
		{"Järvinen", "JÄR"}, {"\u212a", "k"}, {"k", "\u212a"}, {"\xff", "\ufffd"}, {"İ", "i"},
		{"a\xe2\x82", "A\xe2"}, {"ǅ", "ǆ"}, {"", " "},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, field, search string) {
		c := searchCustomer(field)
		c.Profile.FirstName, c.Profile.Email, c.Number, c.Profile.Phones.Mobile = "", "", "", ""
		fl := customer.Filter{Search: search}
		if got, want := fl.Match(c), searchReference(c, search); got != want {
			t.Fatalf("search %q in %q: Match = %v, reference = %v", search, field, got, want)
		}
	})
}
