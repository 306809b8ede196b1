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

func TestMemoGivesTheRulesOutcomeAndRunsItOncePerValue(t *testing.T) {
	calls := map[string]int{}
	rule := func(s string) (string, validate.Problem) {
		calls[s]++
		out, code := validate.Locale(s)
		if code != "" {
			return s, validate.Problem{Code: code}
		}
		return out, validate.Problem{}
	}
	memo := validate.Memo(rule, 2)
	for range 3 {
		for _, in := range []string{"fi_FI", "en-us", "xx_!!", "sv_SE"} {
			wantOut, wantCode := validate.Locale(in)
			out, p := memo(in)
			if p.Code != wantCode || (wantCode == "" && out != wantOut) {
				t.Errorf("Memo(Locale)(%q) = %q, %q; Locale gives %q, %q", in, out, p.Code, wantOut, wantCode)
			}
		}
	}
	// The first two values are remembered; the others, past the size, run
	// the rule every time.
	want := map[string]int{"fi_FI": 1, "en-us": 1, "xx_!!": 3, "sv_SE": 3}
	for in, n := range want {
		if calls[in] != n {
			t.Errorf("the rule ran %d times for %q, want %d", calls[in], in, n)
		}
	}
}
