package activedata_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/impexkit/impex/activedata"
	"github.com/impexkit/impex/validate"
)

func TestTypeParse(t *testing.T) {
	tests := []struct {
		name  string
		typ   activedata.Type
		text  string
		comma bool
		want  []string
		code  validate.Code // "" when the text parses
	}{
		{"a string is kept as given", activedata.TypeString, " Gold ", false, []string{" Gold "}, ""},
		{"a CRLF in a string becomes LF", activedata.TypeString, "a\r\nb", false, []string{"a\nb"}, ""},
		{"an empty cell has no value", activedata.TypeString, "", false, nil, ""},
		{"an int loses its plus and leading zeros", activedata.TypeInt, " +007 ", false, []string{"7"}, ""},
		{"a negative int is kept", activedata.TypeInt, "-42", false, []string{"-42"}, ""},
		{"a decimal is not an int", activedata.TypeInt, "4.5", false, nil, validate.CodeInvalidNumber},
		{"two signs are not an int", activedata.TypeInt, "+-4", false, nil, validate.CodeInvalidNumber},
		{"a number is written shortest", activedata.TypeNumber, "12.50", false, []string{"12.5"}, ""},
		{"a negative number is kept", activedata.TypeNumber, "-0.25", false, []string{"-0.25"}, ""},
		{"minus zero is zero", activedata.TypeNumber, "-0", false, []string{"0"}, ""},
		{"an exponent is read", activedata.TypeNumber, "1e3", false, []string{"1000"}, ""},
		{"a huge number keeps an exponent", activedata.TypeNumber, "1e21", false, []string{"1e+21"}, ""},
		{"a decimal comma is read in semicolon files", activedata.TypeNumber, "12,5", true, []string{"12.5"}, ""},
		{"a decimal comma is refused in comma files", activedata.TypeNumber, "12,5", false, nil, validate.CodeInvalidValue},
		{"hexadecimal is not a number", activedata.TypeNumber, "0x10", false, nil, validate.CodeInvalidValue},
		{"NaN is not a number", activedata.TypeNumber, "NaN", false, nil, validate.CodeInvalidValue},
		{"an overflowing number is refused", activedata.TypeNumber, "1e400", false, nil, validate.CodeInvalidValue},
		{"TRUE is true", activedata.TypeBoolean, "TRUE", false, []string{"true"}, ""},
		{"0 is false", activedata.TypeBoolean, "0", false, []string{"false"}, ""},
		{"yes is not a boolean", activedata.TypeBoolean, "yes", false, nil, validate.CodeInvalidBoolean},
		{"a date is kept", activedata.TypeDate, "2024-02-29", false, []string{"2024-02-29"}, ""},
		{"an impossible date is refused", activedata.TypeDate, "2023-02-29", false, nil, validate.CodeInvalidDate},
		{"a date with a time is refused", activedata.TypeDate, "2024-02-29T10:00:00Z", false, nil, validate.CodeInvalidDate},
		{"a date time is written in UTC", activedata.TypeDateTime, "2024-03-01T01:30:00+02:00", false, []string{"2024-02-29T23:30:00Z"}, ""},
		{"a date time without zone is UTC", activedata.TypeDateTime, "2024-03-01 01:30:00.5", false, []string{"2024-03-01T01:30:00.5Z"}, ""},
		{"a date alone is not a date time", activedata.TypeDateTime, "2024-03-01", false, nil, validate.CodeInvalidDate},
		{"a set drops empty elements and repeats", activedata.TypeStringSet, "red||green|red|", false, []string{"red", "green"}, ""},
		{"a set unescapes its separator", activedata.TypeStringSet, `a\|b|c\\d`, false, []string{"a|b", `c\d`}, ""},
		{"a set of ints is read element by element", activedata.TypeIntSet, " 1 | -2 |+3", false, []string{"1", "-2", "3"}, ""},
		{"a bad element rejects a set", activedata.TypeNumberSet, "1|x", false, nil, validate.CodeInvalidValue},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.typ.Parse(tc.text, tc.comma)
			if tc.code != "" {
				var ve *activedata.ValueError
				if !errors.As(err, &ve) || !errors.Is(err, tc.code) {
					t.Fatalf("Parse(%q) = %q, %v; want a %s error", tc.text, got, err, tc.code)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q): %v", tc.text, err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Parse(%q) (-want +got):\n%s", tc.text, diff)
			}
			// The canonical form reads back as itself.
			again, err := tc.typ.Parse(tc.typ.Format(got), tc.comma)
			if err != nil || !cmp.Equal(got, again) {
				t.Errorf("Format %q parses back as %q, %v", tc.typ.Format(got), again, err)
			}
		})
	}
}

func TestNeutralizeRestore(t *testing.T) {
	tests := []struct{ value, cell string }{
		{"=SUM(A1)", "'=SUM(A1)"},
		{"+1", "'+1"},
		{"-cmd|' /C calc'!A0", "'-cmd|' /C calc'!A0"},
		{"@x", "'@x"},
		{"\tx", "'\tx"},
		{"\rx", "'\rx"},
		{"'=x", "''=x"},
		{"''", "'''"},
		{"'tis", "'tis"},
		{"'", "'"},
		{"plain", "plain"},
		{"", ""},
	}
	for _, tc := range tests {
		if got := activedata.Neutralize(tc.value); got != tc.cell {
			t.Errorf("Neutralize(%q) = %q, want %q", tc.value, got, tc.cell)
		}
		if got := activedata.Restore(tc.cell); got != tc.value {
			t.Errorf("Restore(%q) = %q, want %q", tc.cell, got, tc.value)
		}
	}
	// A hand-written apostrophe that an export would never add stays.
	if got := activedata.Restore("'hello"); got != "'hello" {
		t.Errorf("Restore('hello) = %q", got)
	}
}

func FuzzNeutralize(f *testing.F) {
	for _, s := range []string{"=1", "'=1", "''", "'", "-5", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got := activedata.Restore(activedata.Neutralize(s)); got != s {
			t.Fatalf("Restore(Neutralize(%q)) = %q", s, got)
		}
	})
}
