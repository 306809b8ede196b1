package validate_test

import (
	"testing"

	"github.com/impexkit/impex/validate"
)

func TestNumberForm(t *testing.T) {
	for _, tc := range []struct {
		s            string
		ok, exponent bool
	}{
		{"0", true, false}, {"-12.50", true, false}, {"+.5", true, false}, {"5.", true, false},
		{"1e3", true, true}, {"-2.5E-07", true, true},
		{"", false, false}, {".", false, false}, {"1e", false, false}, {"0x1p3", false, false},
		{"1_000", false, false}, {"Inf", false, false}, {"NaN", false, false}, {" 1", false, false}, {"1,5", false, false},
	} {
		ok, exp := validate.NumberForm(tc.s)
		if ok != tc.ok || (ok && exp != tc.exponent) {
			t.Errorf("NumberForm(%q) = %v, %v; want %v, %v", tc.s, ok, exp, tc.ok, tc.exponent)
		}
	}
}
