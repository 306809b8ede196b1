package validate

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func sampleIssues() []Issue {
	return []Issue{
		New(CodeRequiredForNew, Cell("", 12, 3, "lastName")).WithField("lastName"),
		New(CodeEmailNoAt, Cell("", 4, 2, "email")).WithField("email").WithValue("matti.example.com"),
		New(CodeGenerateIgnored, Cell("", 4, 9, "customerCard:1")),
		New(CodeDuplicateInFile, Cell("", 12, 2, "email")).WithParams(Params{Name: "email", OtherRow: 4}).WithValue("a@b.fi"),
		New(CodeTooManyRows, Where{}).WithParams(Params{Max: 10, Got: 11}),
	}
}

func TestReportCountsBySeverityCodeAndRow(t *testing.T) {
	var r Report
	r.Add(sampleIssues()...)
	if r.Len() != 5 || r.Errors() != 4 || r.Warnings() != 1 || !r.HasErrors() {
		t.Errorf("Len, Errors, Warnings, HasErrors = %d, %d, %d, %v", r.Len(), r.Errors(), r.Warnings(), r.HasErrors())
	}
	wantCodes := map[Code]int{CodeRequiredForNew: 1, CodeEmailNoAt: 1, CodeGenerateIgnored: 1, CodeDuplicateInFile: 1, CodeTooManyRows: 1}
	if diff := cmp.Diff(wantCodes, r.ByCode()); diff != "" {
		t.Errorf("ByCode (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[int]int{12: 2, 4: 2}, r.ByRow()); diff != "" {
		t.Errorf("ByRow (-want +got):\n%s", diff)
	}
	if got := r.RejectedRows(); !slices.Equal(got, []int{4, 12}) {
		t.Errorf("RejectedRows = %v", got)
	}
	if got := len(r.Row(12)); got != 2 {
		t.Errorf("Row(12) has %d issues", got)
	}
	// The maps are copies.
	r.ByCode()[CodeRequired] = 99
	if r.ByCode()[CodeRequired] != 0 {
		t.Error("ByCode returned the report's own map")
	}
}

func TestReportKeepsOrderAndSortsByPlace(t *testing.T) {
	var r Report
	r.Add(sampleIssues()...)
	var codes []Code
	for is := range r.All() {
		codes = append(codes, is.Code)
	}
	if want := []Code{CodeRequiredForNew, CodeEmailNoAt, CodeGenerateIgnored, CodeDuplicateInFile, CodeTooManyRows}; !slices.Equal(codes, want) {
		t.Errorf("insertion order = %v", codes)
	}
	r.Sort()
	var places []string
	for _, is := range r.Issues() {
		places = append(places, is.Column)
	}
	// File level first, then row 4 (C before J), then row 12 (C before D).
	if want := []string{"", "C", "J", "C", "D"}; !slices.Equal(places, want) {
		t.Errorf("sorted columns = %v, want %v", places, want)
	}
}

func TestReportLimitKeepsCountsExact(t *testing.T) {
	r := Report{Limit: 2}
	r.Add(sampleIssues()...)
	if len(r.Issues()) != 2 || r.Dropped() != 3 || r.Len() != 5 || r.Errors() != 4 {
		t.Errorf("kept %d, dropped %d, len %d, errors %d", len(r.Issues()), r.Dropped(), r.Len(), r.Errors())
	}
	text := r.Text(English)
	if want := "3 more issues were counted but not kept\n4 errors, 1 warning\n"; !bytes.HasSuffix([]byte(text), []byte(want)) {
		t.Errorf("text ends\n%s\nwant suffix\n%s", text, want)
	}
}

func TestReportMerge(t *testing.T) {
	var a, b Report
	a.Add(sampleIssues()[:2]...)
	b.Limit = 1
	b.Add(sampleIssues()[2:]...)
	a.Merge(&b)
	a.Merge(nil)
	if a.Len() != 5 || a.Warnings() != 1 || len(a.Issues()) != 3 || a.Dropped() != 2 {
		t.Errorf("merged: len %d, warnings %d, kept %d, dropped %d", a.Len(), a.Warnings(), len(a.Issues()), a.Dropped())
	}
	if a.ByCode()[CodeTooManyRows] != 1 {
		t.Error("merge lost the counts of dropped issues")
	}
}

func TestReportText(t *testing.T) {
	var r Report
	r.Add(sampleIssues()[:4]...)
	want := `virhe: rivi 12, sarake D (lastName): pakollinen uudelle asiakkaalle
virhe: rivi 4, sarake C (email): sähköpostiosoitteesta puuttuu @-merkki nimen ja verkkotunnuksen välistä; arvo "matti.example.com"
varoitus: rivi 4, sarake J (customerCard:1): generate() ohitettiin: kortteja luodaan vain uusille asiakkaille ja asiakkaille, joilla ei ole korttia
virhe: rivi 12, sarake C (email): sama email on myös rivillä 4; arvo "a@b.fi"
3 virhettä, 1 varoitus
`
	if got := r.Text(Finnish); got != want {
		t.Errorf("Finnish text:\n%s\nwant\n%s", got, want)
	}
	if got, want := r.Summary(Swedish), "3 fel, 1 varning"; got != want {
		t.Errorf("Swedish summary = %q, want %q", got, want)
	}
	if got, want := r.Summary(English), "3 errors, 1 warning"; got != want {
		t.Errorf("English summary = %q, want %q", got, want)
	}
	var empty Report
	if got := empty.Text(English); got != "" {
		t.Errorf("empty report text = %q", got)
	}
}

func TestReportJSONRoundTrip(t *testing.T) {
	r := Report{Limit: 4}
	r.Add(sampleIssues()...)
	b, err := json.Marshal(&r)
	if err != nil {
		t.Fatal(err)
	}
	var back Report
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(r.Issues(), back.Issues()); diff != "" {
		t.Errorf("issues (-want +got):\n%s", diff)
	}
	if back.Errors() != r.Errors() || back.Warnings() != r.Warnings() || back.Dropped() != r.Dropped() {
		t.Errorf("counts: got %d/%d/%d, want %d/%d/%d", back.Errors(), back.Warnings(), back.Dropped(), r.Errors(), r.Warnings(), r.Dropped())
	}
	var buf bytes.Buffer
	if err := r.WriteJSON(&buf, Swedish); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(buf.Bytes(), []byte(`"message": "obligatoriskt för en ny kund"`)) {
		t.Errorf("Swedish JSON lacks the Swedish message:\n%s", buf.String())
	}
}

func TestReportErr(t *testing.T) {
	var r Report
	if r.Err() != nil {
		t.Error("an empty report has an error")
	}
	r.Add(New(CodeGenerateIgnored, Where{Row: 2}))
	if r.Err() != nil {
		t.Error("a report with only warnings has an error")
	}
	r.Add(sampleIssues()[:2]...)
	err := r.Err()
	if !errors.Is(err, CodeEmailNoAt) || !errors.Is(err, CodeRequiredForNew) || errors.Is(err, CodeGenerateIgnored) {
		t.Errorf("errors.Is does not see the error codes (and only them): %v", err)
	}
	var first Issue
	if !errors.As(err, &first) || first.Code != CodeRequiredForNew {
		t.Errorf("errors.As found %v", first)
	}
	dropped := Report{Limit: 1}
	dropped.Add(New(CodeGenerateIgnored, Where{}), New(CodeRequired, Where{}))
	if dropped.Err() == nil {
		t.Error("an error dropped by Limit vanished from Err")
	}
}

func TestAnyErrorIgnoresWarnings(t *testing.T) {
	warning := New(CodeGenerateIgnored, Where{})
	failure := New(CodeRequired, Where{})
	for _, tc := range []struct {
		issues []Issue
		want   bool
	}{
		{nil, false},
		{[]Issue{warning}, false},
		{[]Issue{warning, failure}, true},
	} {
		if got := AnyError(tc.issues); got != tc.want {
			t.Errorf("AnyError(%v) = %v, want %v", tc.issues, got, tc.want)
		}
	}
}
