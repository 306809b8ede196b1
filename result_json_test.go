package impex_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/impexkit/impex"
	"github.com/impexkit/impex/validate"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// sampleResult has every field of a Result set, as a dry run of a workbook
// with a file-level warning, a rejected row and a created customer would.
func sampleResult() *impex.Result {
	res := &impex.Result{
		Counts:  impex.Counts{Read: 3, Valid: 2, Rejected: 1, Created: 1, Updated: 0, Unchanged: 1, Deleted: 0},
		DryRun:  true,
		Stopped: false,
		Rows: []impex.RowOutcome{
			{Where: validate.Where{Sheet: "Person Customers", Row: 2}, Action: impex.ActionCreate},
			{Where: validate.Where{Sheet: "Person Customers", Row: 3, Column: "C", Header: "email"}, Action: impex.ActionReject},
			{Where: validate.Where{Document: "customers.xml", Record: 1, Line: 3}, Action: impex.ActionUnchanged, CustomerID: "c0000000001", Applied: true},
		},
	}
	res.Report.Add(
		validate.New(validate.CodeEmailNoAt, validate.Where{Sheet: "Person Customers", Row: 3, Column: "C", Header: "email"}).WithValue("aino.example.fi"),
		validate.New(validate.CodeTooLong, validate.Where{Document: "customers.xml", Record: 1, Line: 3, Path: "customers/customer/note"}).
			WithParams(validate.Params{Max: 300, Got: 301}),
	)
	return res
}

// TestResultJSONShape pins the one JSON form of impex.Result that --json
// and any service built on the library print: field names, nesting, and
// how actions, issues and locations are written. A change to it is a
// change to the public API.
func TestResultJSONShape(t *testing.T) {
	got, err := json.MarshalIndent(sampleResult(), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	golden := filepath.Join("testdata", "result.json")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("the JSON form of impex.Result changed (-golden +now); run go test -update if it is meant to:\n%s", diff)
	}

	// A program receiving the JSON gets the same result back.
	var back impex.Result
	if err := json.Unmarshal(want, &back); err != nil {
		t.Fatal(err)
	}
	again, err := json.MarshalIndent(&back, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(append(again, '\n'), want) {
		t.Errorf("the golden JSON does not survive a round trip:\n%s", again)
	}
}
