package validate

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestIssueTextForms(t *testing.T) {
	tests := []struct {
		name  string
		issue Issue
		lang  Language
		want  string
	}{
		{
			name:  "a cell reads row, column letter and header",
			issue: New(CodeRequiredForNew, Cell("", 12, 3, "lastName")).WithField("lastName"),
			lang:  English,
			want:  "row 12, column D (lastName): required for a new customer",
		},
		{
			name:  "a cell reads in Finnish",
			issue: New(CodeRequiredForNew, Cell("", 12, 3, "lastName")),
			lang:  Finnish,
			want:  "rivi 12, sarake D (lastName): pakollinen uudelle asiakkaalle",
		},
		{
			name:  "a cell reads in Swedish",
			issue: New(CodeRequiredForNew, Cell("", 12, 3, "lastName")),
			lang:  Swedish,
			want:  "rad 12, kolumn D (lastName): obligatoriskt för en ny kund",
		},
		{
			name:  "a record reads its position and XML path",
			issue: New(CodeEmailNoAt, Record("", 3, "customers/customer/profile/email")),
			lang:  English,
			want:  "record 3 (customers/customer/profile/email): an e-mail address needs an @ between the name and the domain",
		},
		{
			name:  "a named sheet and a value are shown, the value quoted",
			issue: New(CodeEmailNoAt, Cell("Person Customers", 4, 2, "email")).WithValue("matti.example.com"),
			lang:  English,
			want:  `sheet "Person Customers", row 4, column C (email): an e-mail address needs an @ between the name and the domain; value "matti.example.com"`,
		},
		{
			name:  "a document, record and line come in that order",
			issue: New(CodeXMLMissing, Where{Document: "customers.xml", Record: 2, Line: 40, Path: "customers/customer"}).WithParams(Params{Name: "login"}),
			lang:  English,
			want:  "customers.xml, record 2, line 40 (customers/customer): the required element or attribute login is missing",
		},
		{
			name:  "a header without a column letter names the column",
			issue: New(CodeUnknownHeader, Where{Header: "nickname"}).WithParams(Params{Name: "nickname"}),
			lang:  English,
			want:  "column nickname: unknown column nickname",
		},
		{
			name:  "a field alone is put in parentheses",
			issue: New(CodeRequired, Where{Row: 5}).WithField("email"),
			lang:  English,
			want:  "row 5 (email): a value is required",
		},
		{
			name:  "a file-level issue is only its message",
			issue: New(CodeTooManyRows, Where{}).WithParams(Params{Max: 50000}),
			lang:  English,
			want:  "the file has more than 50000 data rows, the most that can be imported at once",
		},
		{
			name:  "a value with a line break cannot forge a second line",
			issue: New(CodeInvalidBoolean, Where{Row: 2, Column: "E"}).WithValue("yes\nrow 3: fine"),
			lang:  English,
			want:  `row 2, column E: not TRUE or FALSE (true/false and 1/0 also work); value "yes\nrow 3: fine"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.issue.Text(tt.lang); got != tt.want {
				t.Errorf("Text() =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestIssueIsAnError(t *testing.T) {
	is := New(CodeTooLong, Cell("", 3, 0, "customNote")).WithParams(Params{Max: 300, Got: 301})
	err := fmt.Errorf("import: %w", is)
	if !errors.Is(err, CodeTooLong) {
		t.Error("errors.Is(err, CodeTooLong) = false, want true")
	}
	if errors.Is(err, CodeRequired) {
		t.Error("errors.Is(err, CodeRequired) = true, want false")
	}
	var got Issue
	if !errors.As(err, &got) || got.Row != 3 {
		t.Errorf("errors.As found %+v", got)
	}
	if want := "row 3, column A (customNote): too long: at most 300 characters, found 301"; is.Error() != want {
		t.Errorf("Error() = %q, want %q", is.Error(), want)
	}
	if got, want := fmt.Sprintf("%+v", is), "error too-long: "+is.Error(); got != want {
		t.Errorf("%%+v = %q, want %q", got, want)
	}
}

func TestNewUsesTheCodesSeverity(t *testing.T) {
	if s := New(CodeGenerateIgnored, Where{}).Severity; s != Warning {
		t.Errorf("severity = %s, want warning", s)
	}
	if s := New(CodeCardTaken, Where{}).Severity; s != Error {
		t.Errorf("severity = %s, want error", s)
	}
	if s := New(CodeCardTaken, Where{}).AsWarning().Severity; s != Warning {
		t.Errorf("AsWarning severity = %s", s)
	}
}

func TestColumnLetters(t *testing.T) {
	tests := []struct {
		index int
		want  string
	}{
		{0, "A"}, {3, "D"}, {25, "Z"}, {26, "AA"}, {27, "AB"}, {51, "AZ"}, {52, "BA"},
		{701, "ZZ"}, {702, "AAA"}, {16383, "XFD"}, {16384, ""}, {-1, ""},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("column %d is %q", tt.index, tt.want), func(t *testing.T) {
			if got := ColumnLetter(tt.index); got != tt.want {
				t.Errorf("ColumnLetter(%d) = %q, want %q", tt.index, got, tt.want)
			}
			if tt.want == "" {
				return
			}
			if back, ok := ColumnIndex(strings.ToLower(tt.want)); !ok || back != tt.index {
				t.Errorf("ColumnIndex(%q) = %d, %v", tt.want, back, ok)
			}
		})
	}
	for i := 0; i < MaxColumns; i++ {
		if back, ok := ColumnIndex(ColumnLetter(i)); !ok || back != i {
			t.Fatalf("round trip of column %d gave %d, %v", i, back, ok)
		}
	}
	for _, bad := range []string{"", "XFE", "ZZZZ", "A1", "Ä"} {
		if _, ok := ColumnIndex(bad); ok {
			t.Errorf("ColumnIndex(%q) accepted", bad)
		}
	}
}

func TestMaskTruncatesLongValues(t *testing.T) {
	long := strings.Repeat("ä", 100)
	got := Mask(long, Public)
	if want := strings.Repeat("ä", MaxValueRunes) + "…"; got != want {
		t.Errorf("Mask = %q, want %q", got, want)
	}
	if got := Mask("short", Public); got != "short" {
		t.Errorf("Mask(short) = %q", got)
	}
	if got := Mask("bad\xffutf8", Public); got != "bad\uFFFDutf8" {
		t.Errorf("Mask of invalid UTF-8 = %q", got)
	}
	if got := Mask("anything", Secret); got != Redacted {
		t.Errorf("Mask(secret) = %q", got)
	}
}

func TestSensitiveNames(t *testing.T) {
	for _, name := range []string{
		"ssn", "SSN", "identifier:ssn", "password", "passwordAnswer", "password-answer",
		"customers/customer/credentials/password", "customers/customer/credentials/answer",
		"nationalId", "national_id", "personalNumber", "hetu", "personnummer", "cpr",
	} {
		if !SensitiveName(name) {
			t.Errorf("SensitiveName(%q) = false, want true", name)
		}
	}
	for _, name := range []string{"", "businessName", "email", "lastName", "customerCard:1", "taxCode", "id", "phone", "customers/customer/profile/email"} {
		if SensitiveName(name) {
			t.Errorf("SensitiveName(%q) = true, want false", name)
		}
	}
}

// TestSecretsNeverAppearInAnyRendering builds issues carrying identity
// numbers and passwords in every way a caller might, and renders each in
// every form the package offers.
func TestSecretsNeverAppearInAnyRendering(t *testing.T) {
	const (
		fiSSN    = "131052-308T"
		seSSN    = "811228-9874"
		password = "correct horse battery staple"
		answer   = "Fluffy the cat"
	)
	// Parts of the secrets that must not show either.
	fragments := []string{fiSSN, "131052", "308T", seSSN, "8112289874", "9874", password, "horse battery", answer, "Fluffy"}

	ruleIssue := func(rule Rule, field string, where Where, v string) Issue {
		_, p := rule(v)
		if p.OK() {
			t.Fatalf("rule accepted %q", v)
		}
		return p.Issue(where, field, v)
	}
	_, fieldIssue, _ := Field{Name: "custom:secretWord", Secret: true, Rule: MaxLen(3)}.Check(Cell("", 9, 8, "custom:secretWord"), password)
	cases := map[string]Issue{
		"an ssn set with WithValue":                New(CodeSSNChecksum, Cell("", 5, 5, "ssn")).WithField("ssn").WithValue(fiSSN),
		"an ssn set as a literal Value":            {Code: CodeSSNChecksum, Where: Where{Row: 5, Header: "ssn"}, Value: fiSSN},
		"an ssn in a field named identifier:ssn":   {Code: CodeHashNotImportable, Field: "identifier:ssn", Value: seSSN},
		"a valid ssn in a field with another name": {Code: CodeInvalidValue, Field: "note", Value: "born " + fiSSN + " ok"},
		"a bare ssn in an unnamed field":           {Code: CodeInvalidValue, Value: seSSN},
		"an ssn from NationalIDRule":               ruleIssue(NationalIDRule("FI", nil), "ssn", Cell("", 3, 4, "ssn"), "131052-308U"),
		"an invalid ssn under a header named ssn":  ruleIssue(NationalIDRule("SE", nil), "profile", Cell("", 3, 4, "ssn"), "811228-9875"),
		"a password in an XML path":                {Code: CodeTooLong, Where: Record("customers.xml", 2, "customers/customer/credentials/password"), Value: password},
		"a password answer in an XML path":         {Code: CodeTooLong, Where: Record("", 2, "customers/customer/credentials/answer"), Value: answer},
		"a password answer by field name":          New(CodeTooLong, Where{Row: 2}).WithField("passwordAnswer").WithValue(answer),
		"a secret marked WithSecret":               New(CodeTooLong, Where{Row: 2}).WithField("note").WithValue(password).WithSecret(),
		"a secret field of a schema":               fieldIssue,
		"a secret with params and everything else": New(CodeDuplicateInFile, Cell("S", 8, 5, "ssn")).WithField("ssn").WithParams(Params{Name: "ssn", OtherRow: 3}).WithValue(fiSSN),
	}
	for name, is := range cases {
		t.Run("hides "+name, func(t *testing.T) {
			var renderings []string
			renderings = append(renderings, is.Error())
			for _, lang := range []Language{English, Finnish, Swedish} {
				renderings = append(renderings, is.Text(lang), is.Message(lang))
			}
			for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%d"} {
				renderings = append(renderings, fmt.Sprintf(verb, is))
			}
			j, err := json.Marshal(is)
			if err != nil {
				t.Fatal(err)
			}
			renderings = append(renderings, string(j))

			var r Report
			r.Add(is)
			renderings = append(renderings, r.Text(English), r.Text(Finnish), r.Text(Swedish), r.Err().Error(), fmt.Sprint(r.Err()))
			rj, _ := json.Marshal(&r)
			renderings = append(renderings, string(rj))
			var buf bytes.Buffer
			_ = r.WriteJSON(&buf, Swedish)
			renderings = append(renderings, buf.String())
			for _, got := range r.Issues() {
				renderings = append(renderings, got.Value)
			}

			for _, s := range renderings {
				for _, f := range fragments {
					if strings.Contains(s, f) {
						t.Errorf("rendering shows %q:\n%s", f, s)
					}
				}
			}
			if !strings.Contains(is.Error(), Redacted) && is.Value != "" {
				t.Errorf("the text does not say the value was redacted: %s", is.Error())
			}
		})
	}
}

func TestIssueJSON(t *testing.T) {
	is := New(CodeDuplicateInFile, Cell("Person Customers", 9, 2, "email")).
		WithField("email").WithValue("matti@example.com").WithParams(Params{Name: "email", OtherRow: 4})
	b, err := json.Marshal(is)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"severity":"error","code":"duplicate.file","sheet":"Person Customers","row":9,"column":"C","header":"email","field":"email","value":"matti@example.com","params":{"otherRow":4,"name":"email"},"message":"the same email is also on row 4"}`
	if string(b) != want {
		t.Errorf("JSON =\n%s\nwant\n%s", b, want)
	}
	var back Issue
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(is, back); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
}

func TestSeverityText(t *testing.T) {
	for _, s := range []Severity{Error, Warning} {
		b, _ := s.MarshalText()
		var back Severity
		if err := back.UnmarshalText(b); err != nil || back != s {
			t.Errorf("round trip of %s gave %s, %v", s, back, err)
		}
	}
	var s Severity
	if err := s.UnmarshalText([]byte("fatal")); err == nil {
		t.Error("UnmarshalText accepted fatal")
	}
}

// An identity number is redacted from every message whether or not it is
// valid, in whatever column it was typed: a mistyped number is still a
// person's number.
func TestMaskRedactsIdentityNumbersValidOrNot(t *testing.T) {
	for _, v := range []string{
		"131052-308T",          // valid Finnish
		"131052-308X",          // Finnish with a wrong check character
		"131052A308T",          // the 2000s' separator
		"131052a3081",          // lower case, wrong check
		"811228-9874",          // valid Swedish
		"811228-9875",          // Swedish with a wrong check digit
		"198112289875",         // Swedish long form, wrong check digit
		"19811228-9875",        // Swedish long form with a separator
		"01010050013",          // Norwegian, wrong check digits
		"070761-4286",          // Danish, wrong check
		"call 131052-308X now", // inside other text
	} {
		is := New(CodeInvalidEmail, Where{Row: 2, Column: "F", Header: "marketingEmail"}).WithValue(v)
		if text := is.Text(English); !strings.Contains(text, Redacted) || strings.Contains(text, strings.Fields(v)[0]) && v != "call 131052-308X now" {
			t.Errorf("%q shows as %q", v, text)
		}
		if got := Mask(v, Public); got != Redacted {
			t.Errorf("Mask(%q) = %q, want it redacted", v, got)
		}
	}
	for _, v := range []string{"+358 40 123 4567", "2024-05-01", "anna@example.fi", "FI12345678", "12345", "ABCDEFGHIJK"} {
		if got := Mask(v, Public); got != v {
			t.Errorf("Mask(%q) = %q, want it shown", v, got)
		}
	}
}
