package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// shared returns the path of ../shared beside the repository, skipping the
// test when it is absent unless IMPEX_REQUIRE_FIXTURES=1.
func shared(t *testing.T, parts ...string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join(append([]string{"..", "..", "..", "shared"}, parts...)...))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("IMPEX_REQUIRE_FIXTURES") == "1" {
			t.Fatalf("fixture %s is missing: %v", p, err)
		}
		t.Skipf("fixture %s is missing", p)
	}
	return p
}

func xmllint(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("xmllint")
	if err != nil {
		if os.Getenv("IMPEX_REQUIRE_FIXTURES") == "1" {
			t.Fatal("xmllint is not installed")
		}
		t.Skip("xmllint is not installed")
	}
	return path
}

// TestStory builds the command and drives it through a day's work on
// temporary files: an SFCC import, an Excel export, an edited workbook with
// a bad row, the fix, and a schema-valid customer-list export.
func TestStory(t *testing.T) {
	customers := shared(t, "testdata", "sfcc", "sfra-demo_RefArch_customers.xml")
	trainingList := shared(t, "testdata", "sfcc", "academy_customer-lists_Training.xml")
	schema := shared(t, "schemas", "sfcc", "customerlist2.xsd")
	lint := xmllint(t)

	dir := t.TempDir()
	bin := filepath.Join(dir, "impex")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	impex := func(wantCode int, args ...string) string {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "IMPEX_SSN_KEY="+testKey)
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		if code != wantCode {
			t.Fatalf("impex %s: exit %d, want %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, wantCode, out.String(), errb.String())
		}
		return out.String() + errb.String()
	}

	// 1. The SFCC demo customers into the list RefArch, and the (empty)
	// customer list Training with its settings. The store then has two
	// lists, so every import names its list.
	out := impex(0, "xml", "import", "--list", "RefArch", customers)
	if !strings.Contains(out, "13 created") {
		t.Fatalf("SFCC import: %s", out)
	}
	impex(0, "xml", "import", trainingList)
	if out := impex(2, "xml", "import", customers); !strings.Contains(out, `the store has 2 customer lists ("RefArch", "Training")`) {
		t.Fatalf("an import without --list into a store of two lists: %s", out)
	}

	// 2. The Excel export, as two workbooks.
	impex(0, "excel", "export", "--split", "-o", "wb")
	person := filepath.Join(dir, "wb", "Person Customers.xlsx")

	// 3. Edit the person workbook: rename one customer, add a new one with
	// a broken e-mail address.
	x, err := excelize.OpenFile(person)
	if err != nil {
		t.Fatal(err)
	}
	sheet := x.GetSheetList()[0]
	rows, _ := x.GetRows(sheet)
	col := func(name string) int {
		for i, h := range rows[0] {
			if h == name {
				return i + 1
			}
		}
		t.Fatalf("no column %s in %v", name, rows[0])
		return 0
	}
	cell := func(c, r int) string { s, _ := excelize.CoordinatesToCellName(c, r); return s }
	x.SetCellStr(sheet, cell(col("firstName"), 2), "Renamed")
	newRow := len(rows) + 1
	x.SetCellStr(sheet, cell(col("email"), newRow), "new.person@example")
	x.SetCellStr(sheet, cell(col("firstName"), newRow), "New")
	x.SetCellStr(sheet, cell(col("lastName"), newRow), "Person")
	if err := x.Save(); err != nil {
		t.Fatal(err)
	}
	x.Close()
	out = impex(1, "excel", "import", "--list", "RefArch", person)
	if !strings.Contains(out, "1 updated") || !strings.Contains(out, "1 rejected") || !strings.Contains(out, "column C (email)") {
		t.Fatalf("edited workbook: %s", out)
	}
	rejected := filepath.Join(dir, "wb", "Person Customers - rejected.xlsx")

	// 4. Fix the rejected row and import it again.
	x, err = excelize.OpenFile(rejected)
	if err != nil {
		t.Fatal(err)
	}
	sheet = x.GetSheetList()[0]
	x.SetCellStr(sheet, "C2", "new.person@example.fi")
	if err := x.Save(); err != nil {
		t.Fatal(err)
	}
	x.Close()
	out = impex(0, "excel", "import", "--list", "RefArch", rejected)
	if !strings.Contains(out, "1 created") {
		t.Fatalf("fixed workbook: %s", out)
	}

	// 5. The customer list again, valid against the schema.
	impex(0, "xml", "export", "--list", "RefArch", "-o", "RefArch.xml")
	if out, err := exec.Command(lint, "--nonet", "--noout", "--schema", schema, filepath.Join(dir, "RefArch.xml")).CombinedOutput(); err != nil {
		t.Fatalf("xmllint: %v\n%s", err, out)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "RefArch.xml"))
	for _, want := range []string{`list-id="RefArch"`, "Renamed", "new.person@example.fi", "D00000001"} {
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("the exported list lacks %q", want)
		}
	}
}
