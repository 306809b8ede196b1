package excelio_test

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/impexkit/impex/customer"
)

// The export must open, with every row, in the programs people use. These
// tests run openpyxl (Debian's python3-openpyxl; CI installs it) and, when
// it is installed, LibreOffice.

func exportedFiles(t *testing.T) (dir string, persons, companies int) {
	t.Helper()
	store := newStore()
	generate(t, store, 300, testHasher(t))
	dir = t.TempDir()
	for name, b := range export(t, store, customer.Filter{}) {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range snapshot(t, store) {
		if c.Kind == customer.KindPerson {
			persons++
		} else {
			companies++
		}
	}
	return dir, persons, companies
}

func TestExportOpensInOpenpyxl(t *testing.T) {
	python := "/usr/bin/python3"
	if err := exec.Command(python, "-c", "import openpyxl").Run(); err != nil {
		if os.Getenv("IMPEX_REQUIRE_FIXTURES") == "1" {
			t.Fatal("python3-openpyxl is not installed")
		}
		t.Skip("python3-openpyxl is not installed")
	}
	dir, persons, companies := exportedFiles(t)
	script := `
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb.active
rows = list(ws.iter_rows(values_only=True))
print(ws.title, len(rows) - 1, ws.freeze_panes, rows[0][0], rows[0][1], type(rows[1][1]).__name__)
`
	for name, want := range map[string]int{"Person Customers.xlsx": persons, "Company Customers.xlsx": companies} {
		out, err := exec.Command(python, "-c", script, filepath.Join(dir, name)).CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", name, err, out)
		}
		f := strings.Fields(string(out))
		title := strings.TrimSuffix(name, ".xlsx")
		if got := strings.Join(f[:len(f)-5], " "); got != title || f[len(f)-5] != strconv.Itoa(want) ||
			f[len(f)-4] != "A2" || f[len(f)-3] != "id" || f[len(f)-2] != "sequenceNumber" || f[len(f)-1] != "str" {
			t.Fatalf("%s: openpyxl read %q; want sheet %q, %d rows, frozen at A2, the headers and text numbers", name, out, title, want)
		}
	}
}

func TestExportOpensInLibreOffice(t *testing.T) {
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		if os.Getenv("IMPEX_REQUIRE_FIXTURES") == "1" {
			t.Fatal("LibreOffice is not installed")
		}
		t.Skip("LibreOffice is not installed")
	}
	dir, persons, _ := exportedFiles(t)
	// soffice gets a profile, a home and a locale of its own. On a cold,
	// loaded machine its first start can still fail to settle the
	// interface language (exit 77): that failure alone is retried.
	for attempt := 1; ; attempt++ {
		cmd := exec.Command(soffice, "--headless", "-env:UserInstallation=file://"+filepath.Join(dir, "profile"),
			"--convert-to", "csv", "--outdir", filepath.Join(dir, "csv"), filepath.Join(dir, "Person Customers.xlsx"))
		cmd.Env = append(os.Environ(), "HOME="+dir, "LANG=C.UTF-8", "LC_ALL=C.UTF-8", "LANGUAGE=en")
		out, err := cmd.CombinedOutput()
		if err == nil {
			break
		}
		var exit *exec.ExitError
		if attempt < 3 && errors.As(err, &exit) && exit.ExitCode() == 77 && bytes.Contains(out, []byte("language cannot be determined")) {
			t.Logf("soffice start-up failure, retrying: %s", out)
			continue
		}
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	b, err := os.ReadFile(filepath.Join(dir, "csv", "Person Customers.csv"))
	if err != nil {
		t.Fatal(err)
	}
	// Notes hold line breaks inside quoted cells, so count the numbered rows.
	lines := 0
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "c0") {
			lines++
		}
	}
	if lines != persons {
		t.Fatalf("LibreOffice read %d customer rows, want %d", lines, persons)
	}
}
