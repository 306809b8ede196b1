package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"github.com/impexkit/impex"
	"github.com/impexkit/impex/xmlio"
)

const testKey = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"

// runCLI runs the command in-process in the current directory.
func runCLI(t *testing.T, ctx context.Context, vars map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &env{stdout: &out, stderr: &errb, now: func() time.Time { return time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC) },
		getenv: func(k string) string { return vars[k] }}
	code = run(ctx, args, e)
	return code, out.String(), errb.String()
}

// splitWords splits an example command line as a shell would: spaces
// separate words, a backslash escapes the next character, double quotes
// group.
func splitWords(line string) []string {
	var words []string
	var cur strings.Builder
	inWord, quoted := false, false
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == '\\' && i+1 < len(line):
			i++
			cur.WriteByte(line[i])
			inWord = true
		case c == '"':
			quoted = !quoted
			inWord = true
		case c == ' ' && !quoted:
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words
}

// exampleOrder runs the commands that make data before the ones that use it.
func exampleOrder(name string) int {
	switch {
	case name == "seed":
		return 0
	case strings.HasSuffix(name, "export"):
		return 1
	case strings.HasSuffix(name, "import"):
		return 2
	}
	return 3
}

func TestEveryHelpExampleRunsAsWritten(t *testing.T) {
	// The active-data example reads a feed file and a CSV of the user's.
	feeds, err := os.ReadFile(filepath.Join("testdata", "feeds.json"))
	if err != nil {
		t.Fatal(err)
	}
	csv, err := os.ReadFile(filepath.Join("testdata", "crm.csv"))
	if err != nil {
		t.Fatal(err)
	}
	slots, err := os.ReadFile(filepath.Join("testdata", "slots.xml"))
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(t.TempDir())
	os.WriteFile("feeds.json", feeds, 0o644)
	os.WriteFile("crm.csv", csv, 0o644)
	os.WriteFile("slots.xml", slots, 0o644)
	cmds := append([]*command(nil), commands...)
	sort.SliceStable(cmds, func(i, j int) bool { return exampleOrder(cmds[i].name) < exampleOrder(cmds[j].name) })
	env := map[string]string{"IMPEX_SSN_KEY": testKey}
	ran := 0
	for _, c := range cmds {
		for _, ex := range c.examples {
			words := splitWords(ex)
			if words[0] != "impex" {
				t.Fatalf("example %q does not start with impex", ex)
			}
			code, stdout, stderr := runCLI(t, context.Background(), env, words[1:]...)
			if code != exitOK {
				t.Errorf("%s: exit %d\nstdout: %s\nstderr: %s", ex, code, stdout, stderr)
			}
			ran++
		}
	}
	if ran < len(commands) {
		t.Fatalf("only %d examples for %d commands", ran, len(commands))
	}
}

func TestHelpIsCompleteForEveryCommand(t *testing.T) {
	for _, c := range commands {
		code, stdout, _ := runCLI(t, context.Background(), nil, append(strings.Fields(c.name), "--help")...)
		if code != exitOK {
			t.Errorf("%s --help: exit %d", c.name, code)
		}
		for _, want := range []string{"Usage: impex " + c.name, c.summary, "Flags:", "\n  --store file\n", "Examples:", "Exit codes:"} {
			if !strings.Contains(stdout, want) {
				t.Errorf("help of %q lacks %q", c.name, want)
			}
		}
		// Flags are shown as they are written everywhere else: --name.
		for _, line := range strings.Split(stdout, "\n") {
			if strings.HasPrefix(line, "  -") && !strings.HasPrefix(line, "  --") {
				t.Errorf("help of %q shows a flag as %q", c.name, line)
			}
		}
		if len(c.examples) == 0 {
			t.Errorf("%q has no examples", c.name)
		}
	}
	code, stdout, _ := runCLI(t, context.Background(), nil, "help")
	if code != exitOK || !strings.Contains(stdout, "excel import") {
		t.Fatalf("help: exit %d\n%s", code, stdout)
	}
	if code, _, stderr := runCLI(t, context.Background(), nil, "excel", "import", "--no-such-flag"); code != exitFailed || !strings.Contains(stderr, "Usage:") {
		t.Fatalf("a bad flag: exit %d, stderr %s", code, stderr)
	}
}

// personWorkbook writes n new person rows with sequence numbers.
func personWorkbook(t testing.TB, path string, n int, extra ...[]any) {
	t.Helper()
	x := excelize.NewFile()
	defer x.Close()
	x.SetSheetRow("Sheet1", "A1", &[]any{"id", "sequenceNumber", "email", "firstName", "lastName"})
	for i := range n {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		x.SetSheetRow("Sheet1", cell, &[]any{"", fmt.Sprint(50000 + i), fmt.Sprintf("p%d@example.fi", i), "Aino", fmt.Sprintf("Row%d", i)})
	}
	for j, row := range extra {
		cell, _ := excelize.CoordinatesToCellName(1, n+j+2)
		x.SetSheetRow("Sheet1", cell, &row)
	}
	if err := x.SaveAs(path); err != nil {
		t.Fatal(err)
	}
}

func storeCount(t *testing.T) int {
	t.Helper()
	s, closeStore, err := openStore("impex.db", &env{now: time.Now}, checksAgainstStore, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer closeStore()
	return s.Len()
}

func TestAnInterruptedImportKeepsTheStoreAndARerunCompletes(t *testing.T) {
	t.Chdir(t.TempDir())
	personWorkbook(t, "big.xlsx", 3000)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errb bytes.Buffer
	e := &env{stdout: &out, stderr: &errb, now: time.Now, getenv: func(string) string { return "" },
		onProgress: func(p impex.Progress) {
			if p.Created >= 500 {
				cancel() // Ctrl-C after the first batch
			}
		}}
	code := run(ctx, []string{"excel", "import", "big.xlsx"}, e)
	if code != exitFailed || !strings.Contains(errb.String(), "interrupted") {
		t.Fatalf("exit %d, stderr %q; want 2 and a word about the interruption", code, errb.String())
	}
	kept := storeCount(t)
	if kept < 500 || kept >= 3000 || kept%500 != 0 {
		t.Fatalf("the store holds %d customers after the interruption; want whole batches of 500, fewer than 3000", kept)
	}
	code, stdout, stderr := runCLI(t, context.Background(), nil, "excel", "import", "big.xlsx")
	if code != exitOK {
		t.Fatalf("rerun: exit %d\n%s%s", code, stdout, stderr)
	}
	if n := storeCount(t); n != 3000 {
		t.Fatalf("after the rerun the store holds %d customers, want 3000", n)
	}
	if !strings.Contains(stdout, fmt.Sprintf("%d created", 3000-kept)) || !strings.Contains(stdout, fmt.Sprintf("%d unchanged", kept)) {
		t.Fatalf("rerun output: %s", stdout)
	}
}

// A signal that lands before the import starts (while the store's lists
// are read) is the same interruption, with nothing kept.
func TestAnImportInterruptedBeforeItStartsSaysSo(t *testing.T) {
	t.Chdir(t.TempDir())
	personWorkbook(t, "small.xlsx", 10)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	code, _, stderr := runCLI(t, ctx, nil, "excel", "import", "small.xlsx")
	if code != exitFailed || !strings.Contains(stderr, "interrupted; the store keeps the 0 changes") {
		t.Fatalf("exit %d, stderr %q; want 2 and the interruption with 0 changes kept", code, stderr)
	}
}

func TestRejectedRowsExitOneAndWriteTheWorkbook(t *testing.T) {
	t.Chdir(t.TempDir())
	personWorkbook(t, "in.xlsx", 3, []any{"", "60000", "not-an-email", "X", "Y"})
	code, stdout, _ := runCLI(t, context.Background(), nil, "excel", "import", "in.xlsx")
	if code != exitRejected {
		t.Fatalf("exit %d, want 1\n%s", code, stdout)
	}
	if !strings.Contains(stdout, "row 5, column C (email)") || !strings.Contains(stdout, "in - rejected.xlsx") {
		t.Fatalf("output: %s", stdout)
	}
	// The rejected rows are personal data: readable by the owner only.
	if st, err := os.Stat("in - rejected.xlsx"); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("the rejected-rows workbook: %v, %v; want mode 0600", err, st)
	}
	if code, _, stderr := runCLI(t, context.Background(), nil, "excel", "export", "--split", "-o", "out"); code != exitOK {
		t.Fatalf("export: exit %d\n%s", code, stderr)
	}
	files, _ := filepath.Glob(filepath.Join("out", "*.xlsx"))
	for _, f := range append(files, "impex.db") {
		if st, err := os.Stat(f); err != nil || st.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v, %v; want mode 0600", f, err, st)
		}
	}
	if len(files) == 0 {
		t.Error("the split export wrote no workbook")
	}
}

func TestFileLevelErrorsAndBadStoresExitTwo(t *testing.T) {
	t.Chdir(t.TempDir())
	os.WriteFile("data.csv", []byte("id,email\n1,a@b.fi\n"), 0o644)
	code, _, stderr := runCLI(t, context.Background(), nil, "excel", "import", "data.csv")
	if code != exitFailed || !strings.Contains(stderr, "data.csv") || !strings.Contains(stderr, "CSV") {
		t.Fatalf("a CSV file: exit %d, stderr %q", code, stderr)
	}
	personWorkbook(t, "ssn.xlsx", 0)
	x, _ := excelize.OpenFile("ssn.xlsx")
	x.SetCellStr("Sheet1", "F1", "ssn")
	x.SetSheetRow("Sheet1", "A2", &[]any{"", "1", "a@b.fi", "A", "B", "131052-308T"})
	x.Save()
	x.Close()
	for _, args := range [][]string{{"excel", "import", "ssn.xlsx"}, {"validate", "ssn.xlsx"}} {
		code, _, stderr = runCLI(t, context.Background(), nil, args...)
		if code != exitFailed || !strings.Contains(stderr, "IMPEX_SSN_KEY") || strings.Contains(stderr, "ImportOptions") {
			t.Fatalf("impex %s of an ssn column without a key: exit %d, stderr %q", strings.Join(args, " "), code, stderr)
		}
	}
	os.WriteFile("impex.db", []byte(`{"Format": "impex-store/1", "Snapshot": {"Customers": [`), 0o644)
	code, _, stderr = runCLI(t, context.Background(), nil, "groups", "list")
	if code != exitFailed || !strings.Contains(stderr, "damaged") {
		t.Fatalf("a damaged store: exit %d, stderr %q", code, stderr)
	}
	if b, _ := os.ReadFile("impex.db"); !strings.HasPrefix(string(b), `{"Format"`) {
		t.Fatal("the damaged store was overwritten")
	}
}

// An import that refuses its input before writing anything leaves no
// store behind when there was none, and the store as it was when there was
// one; an input it accepts creates the store.
func TestARefusedImportCreatesNoStore(t *testing.T) {
	t.Chdir(t.TempDir())
	files := map[string]string{
		"data.csv":   "id,email\n1,a@b.fi\n",
		"feeds.json": `[{"ID": "crm", "Attributes": [{"ID": "points", "Type": "int"}]}]`,
		"crm.csv":    "no such column\n1\n",
		"cat.xml":    `<catalog xmlns="http://www.demandware.com/xml/impex/catalog/2006-10-31"/>`,
		"text.xml":   "not XML at all",
	}
	for name, body := range files {
		if err := os.WriteFile(name, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	x := excelize.NewFile()
	x.SetSheetRow("Sheet1", "A1", &[]any{"id", "email", "firstName", "lastName", "noSuchColumn"})
	if err := x.SaveAs("headers.xlsx"); err != nil {
		t.Fatal(err)
	}
	x.Close()
	refused := [][]string{
		{"excel", "import", "data.csv"},
		{"excel", "import", "headers.xlsx"},
		{"xml", "import", "cat.xml"},
		{"xml", "import", "text.xml"},
		{"groups", "import", "cat.xml"},
		{"activedata", "import", "--feed", "crm", "crm.csv"},
	}
	for _, args := range refused {
		code, stdout, stderr := runCLI(t, context.Background(), nil, args...)
		if code != exitFailed {
			t.Errorf("impex %s: exit %d, want %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, exitFailed, stdout, stderr)
		}
		if _, err := os.Stat("impex.db"); !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("impex %s left a store behind (%v)", strings.Join(args, " "), err)
		}
		input := args[len(args)-1]
		for line := range strings.Lines(stderr) {
			if strings.Count(line, input) != 1 {
				t.Errorf("impex %s: stderr line %q, want the file named once", strings.Join(args, " "), line)
			}
		}
	}
	personWorkbook(t, "people.xlsx", 3)
	if code, _, stderr := runCLI(t, context.Background(), nil, "excel", "import", "people.xlsx"); code != exitOK {
		t.Fatalf("an accepted workbook: exit %d\n%s", code, stderr)
	}
	if n := storeCount(t); n != 3 {
		t.Fatalf("the accepted workbook stored %d customers, want 3", n)
	}
	for _, args := range refused {
		runCLI(t, context.Background(), nil, args...)
		if n := storeCount(t); n != 3 {
			t.Fatalf("after impex %s the store holds %d customers, want 3", strings.Join(args, " "), n)
		}
	}
}

// A document refused on its first lines, before its kind is known, is
// located in its file like any other: the issue names the document.
func TestARefusedDocumentIsNamedInItsIssue(t *testing.T) {
	t.Chdir(t.TempDir())
	doc := "<?xml version=\"1.0\"?>\n<!DOCTYPE customers [<!ENTITY x \"x\">]>\n<customers/>\n"
	if err := os.WriteFile("doctype.xml", []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"xml", "import", "--json", "doctype.xml"}, {"validate", "--json", "doctype.xml"}} {
		code, stdout, _ := runCLI(t, context.Background(), nil, args...)
		var out struct {
			Result struct {
				Report struct {
					Issues []struct {
						Code, Document string
						Line           int
					}
				}
			}
		}
		if err := json.Unmarshal([]byte(stdout), &out); err != nil || code != exitFailed {
			t.Fatalf("impex %s: exit %d, %v\n%s", strings.Join(args, " "), code, err, stdout)
		}
		if is := out.Result.Report.Issues; len(is) != 1 || is[0].Code != "xml.entity" || is[0].Document != "doctype.xml" || is[0].Line != 2 {
			t.Errorf("impex %s: issues %+v, want xml.entity in doctype.xml, line 2", strings.Join(args, " "), is)
		}
	}
}

// TestAMissingFileExitsTwoWithOneLine runs every command that reads a file
// on one that does not exist: each exits 2 with a one-line message naming
// the file.
func TestAMissingFileExitsTwoWithOneLine(t *testing.T) {
	t.Chdir(t.TempDir())
	if err := os.WriteFile("feeds.json", []byte(`[{"ID": "crm", "Attributes": [{"ID": "points", "Type": "int"}]}]`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"excel", "import", "nowhere.xlsx"},
		{"xml", "import", "nowhere.xml"},
		{"activedata", "import", "--feed", "crm", "nowhere.csv"},
		{"groups", "import", "nowhere.xml"},
		{"validate", "nowhere.xlsx"},
		{"validate", "nowhere.xml"},
	} {
		code, stdout, stderr := runCLI(t, context.Background(), nil, args...)
		name := args[len(args)-1]
		if code != exitFailed {
			t.Errorf("impex %s: exit %d, want %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, exitFailed, stdout, stderr)
			continue
		}
		if lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n"); len(lines) != 1 || !strings.Contains(stderr, name) || strings.Contains(stderr, "panic") {
			t.Errorf("impex %s: stderr %q, want one line naming %s", strings.Join(args, " "), stderr, name)
		}
	}
}

// With --json, a failure is one JSON line on stdout with its code, and
// nothing goes to stderr.
func TestJSONErrorsGoToStdoutWithACode(t *testing.T) {
	t.Chdir(t.TempDir())
	for _, tc := range []struct {
		args []string
		code string
	}{
		{[]string{"excel", "import", "--json", "nowhere.xlsx"}, codeFile},
		{[]string{"groups", "import", "--json", "nowhere.xml"}, codeFile},
		{[]string{"excel", "export", "--json", "--bogus"}, codeUsage},
		{[]string{"groups", "eval", "--json", "10003"}, codeNoStore},
	} {
		code, stdout, stderr := runCLI(t, context.Background(), nil, tc.args...)
		var out jsonOutput
		if err := json.Unmarshal([]byte(stdout), &out); err != nil || code != exitFailed || stderr != "" {
			t.Errorf("impex %s: exit %d, stdout %q (%v), stderr %q; want exit 2 and one JSON line", strings.Join(tc.args, " "), code, stdout, err, stderr)
			continue
		}
		if out.Version != jsonVersion || out.Command != tc.args[0]+" "+tc.args[1] || out.Error == nil || out.Error.Code != tc.code || out.Error.Message == "" {
			t.Errorf("impex %s: %s; want version %d, the command, and error code %q with a message", strings.Join(tc.args, " "), stdout, jsonVersion, tc.code)
		}
	}
}

// TestJSONOutputIsTheLibrarysResultShape checks that an import's --json
// result has the shape the library pins in testdata/result.json, with the
// file's name and the rejected-rows workbook beside it, inside the
// envelope every command prints (testdata/cli-import.json is its golden
// form), and that --lang translates its messages.
func TestJSONOutputIsTheLibrarysResultShape(t *testing.T) {
	golden, err := os.ReadFile(filepath.Join("..", "..", "testdata", "result.json"))
	if err != nil {
		t.Fatal(err)
	}
	envelopeGolden, err := filepath.Abs(filepath.Join("testdata", "cli-import.json"))
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(t.TempDir())
	personWorkbook(t, "in.xlsx", 2, []any{"", "60000", "not-an-email", "X", "Y"})
	code, stdout, stderr := runCLI(t, context.Background(), nil, "excel", "import", "--json", "--lang", "fi", "in.xlsx")
	if code != exitRejected {
		t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, exitRejected, stdout, stderr)
	}
	var envelope struct {
		jsonOutput
		Result json.RawMessage `json:"result"`
	}
	if err := json.Unmarshal([]byte(stdout), &envelope); err != nil {
		t.Fatalf("--json printed no JSON object: %v\n%s", err, stdout)
	}
	if envelope.Version != 1 || envelope.Command != "excel import" || envelope.Error == nil || envelope.Error.Code != codeRejected {
		t.Errorf("--json envelope %s; want version 1, the command and the rejected code", stdout)
	}
	checkGolden(t, envelopeGolden, stdout)
	var printed, pinned map[string]any
	if err := json.Unmarshal(envelope.Result, &printed); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(golden, &pinned); err != nil {
		t.Fatal(err)
	}
	if got, want := keysOf(printed), append(keysOf(pinned), "file", "rejectedFile"); !equalSets(got, want) {
		t.Errorf("--json keys %v, want the result's %v", got, want)
	}
	for _, nested := range []string{"counts", "report"} {
		got, _ := printed[nested].(map[string]any)
		want, _ := pinned[nested].(map[string]any)
		if !equalSets(keysOf(got), keysOf(want)) {
			t.Errorf("--json %s keys %v, want %v", nested, keysOf(got), keysOf(want))
		}
	}
	var res struct {
		File string `json:"file"`
		impex.Result
	}
	if err := json.Unmarshal(envelope.Result, &res); err != nil {
		t.Fatal(err)
	}
	if res.File != "in.xlsx" || res.Read != 3 || res.Created != 2 || res.Rejected != 1 || res.Report.Errors() != 1 || len(res.Rows) != 3 {
		t.Errorf("--json decoded as %+v", res)
	}
	if !strings.Contains(string(envelope.Result), "sähköpostiosoitteesta puuttuu") {
		t.Errorf("--lang fi: the report's messages are not in Finnish: %s", envelope.Result)
	}
}

func keysOf(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func equalSets(a, b []string) bool {
	a, b = slices.Sorted(slices.Values(a)), slices.Sorted(slices.Values(b))
	return slices.Equal(a, b)
}

// TestDryRunsLeaveTheStoreAsItWas runs every import with --dry-run (and
// validate) on files that would change the store, and checks that the
// store file is byte for byte what it was, while the report says what a
// real run would do.
func TestDryRunsLeaveTheStoreAsItWas(t *testing.T) {
	t.Chdir(t.TempDir())
	if code, _, stderr := runCLI(t, context.Background(), nil, "seed", "--customers", "20"); code != exitOK {
		t.Fatalf("seed: exit %d\n%s", code, stderr)
	}
	if code, _, stderr := runCLI(t, context.Background(), nil, "xml", "export", "-o", "list.xml"); code != exitOK {
		t.Fatalf("xml export: exit %d\n%s", code, stderr)
	}
	if code, _, stderr := runCLI(t, context.Background(), nil, "groups", "export", "-o", "groups.xml"); code != exitOK {
		t.Fatalf("groups export: exit %d\n%s", code, stderr)
	}
	list, err := os.ReadFile("list.xml")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile("list.xml", []byte(strings.ReplaceAll(string(list), "<first-name>", "<first-name>X")), 0o644); err != nil {
		t.Fatal(err)
	}
	personWorkbook(t, "new.xlsx", 5)
	before, err := os.ReadFile("impex.db")
	if err != nil {
		t.Fatal(err)
	}
	file, err := os.Stat("impex.db")
	if err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"excel", "import", "--dry-run", "new.xlsx"},
		{"xml", "import", "--dry-run", "list.xml"},
		{"groups", "import", "--dry-run", "groups.xml"},
		{"validate", "new.xlsx"},
		{"validate", "list.xml"},
	} {
		code, stdout, stderr := runCLI(t, context.Background(), nil, args...)
		if code != exitOK {
			t.Errorf("impex %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, stdout, stderr)
		}
		if args[0] != "groups" && !strings.Contains(stdout, "created") && !strings.Contains(stdout, "updated") {
			t.Errorf("impex %s planned nothing:\n%s", strings.Join(args, " "), stdout)
		}
		after, err := os.ReadFile("impex.db")
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(before, after) {
			t.Fatalf("impex %s changed the store", strings.Join(args, " "))
		}
		// The store is saved by replacing its file: a dry run that saved
		// it, even unchanged, leaves another file behind the name.
		if now, err := os.Stat("impex.db"); err != nil || !os.SameFile(file, now) {
			t.Fatalf("impex %s rewrote the store (%v)", strings.Join(args, " "), err)
		}
	}
}

// A customers file damaged part-way through is refused whole: nothing of it
// reaches the store, and the message names the line and the cause.
func TestDamagedXMLFileStoresNothing(t *testing.T) {
	t.Chdir(t.TempDir())
	if code, _, stderr := runCLI(t, context.Background(), nil, "seed", "--customers", "1500"); code != exitOK {
		t.Fatalf("seed: exit %d\n%s", code, stderr)
	}
	if code, _, stderr := runCLI(t, context.Background(), nil, "xml", "export", "-o", "all.xml"); code != exitOK {
		t.Fatalf("xml export: exit %d\n%s", code, stderr)
	}
	doc, err := os.ReadFile("all.xml")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove("impex.db"); err != nil {
		t.Fatal(err)
	}
	// Two damaged copies: one cut at 80 %, one with a byte that is not
	// UTF-8 inside record 1,200.
	at := 0
	for range 1200 {
		at += bytes.Index(doc[at:], []byte("<customer ")) + 1
	}
	at += bytes.IndexByte(doc[at:], '>') + 1
	damaged := map[string][]byte{
		"cut.xml":  doc[:len(doc)*8/10],
		"utf8.xml": append(append(append([]byte{}, doc[:at]...), 0xff), doc[at:]...),
	}
	for name, b := range damaged {
		if err := os.WriteFile(name, b, 0o600); err != nil {
			t.Fatal(err)
		}
		code, stdout, stderr := runCLI(t, context.Background(), nil, "xml", "import", name)
		if code != exitFailed || !strings.Contains(stdout+stderr, "line ") || !strings.Contains(stdout+stderr, map[string]string{"cut.xml": "EOF", "utf8.xml": "UTF-8"}[name]) {
			t.Fatalf("%s: exit %d, want %d naming the line and the cause\nstdout: %s\nstderr: %s", name, code, exitFailed, stdout, stderr)
		}
		if n := storeCount(t); n != 0 {
			t.Fatalf("%s stored %d customers", name, n)
		}
	}
}

// A dump loaded into a new store dumps to the same bytes: the pair keeps
// every group, list and customer, IDs, versions and timestamps included.
func TestStoreDumpAndLoadRoundTrip(t *testing.T) {
	training := shared(t, "testdata", "sfcc", "academy_customer-lists_Training.xml")
	t.Chdir(t.TempDir())
	if code, _, stderr := runCLI(t, context.Background(), nil, "seed", "--customers", "30"); code != exitOK {
		t.Fatalf("seed: exit %d\n%s", code, stderr)
	}
	if code, _, stderr := runCLI(t, context.Background(), nil, "xml", "import", training); code != exitOK {
		t.Fatalf("list import: exit %d\n%s", code, stderr)
	}
	if code, _, stderr := runCLI(t, context.Background(), nil, "store", "dump", "-o", "a.jsonl"); code != exitOK {
		t.Fatalf("dump: exit %d\n%s", code, stderr)
	}
	if code, stdout, stderr := runCLI(t, context.Background(), nil, "store", "load", "--store", "copy.db", "a.jsonl"); code != exitOK || !strings.Contains(stdout, "30 customers") {
		t.Fatalf("load: exit %d\n%s%s", code, stdout, stderr)
	}
	if code, _, stderr := runCLI(t, context.Background(), nil, "store", "dump", "--store", "copy.db", "-o", "b.jsonl"); code != exitOK {
		t.Fatalf("dump of the copy: exit %d\n%s", code, stderr)
	}
	a, _ := os.ReadFile("a.jsonl")
	b, _ := os.ReadFile("b.jsonl")
	if len(a) == 0 || !bytes.Equal(a, b) {
		t.Fatalf("the copy dumps differently (%d and %d bytes)", len(a), len(b))
	}
	if !bytes.Contains(a, []byte(`{"list":{"ID":"Training"`)) || !bytes.Contains(a, []byte(`"MinPasswordLength":8`)) {
		t.Fatalf("the dump lacks the Training list's settings")
	}
	if st, err := os.Stat("a.jsonl"); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("the dump: %v, %v; want mode 0600", err, st)
	}
	// Loading the same dump again refuses the customers the store holds.
	if code, _, stderr := runCLI(t, context.Background(), nil, "store", "load", "--store", "copy.db", "a.jsonl"); code != exitFailed || !strings.Contains(stderr, "taken") {
		t.Fatalf("a second load: exit %d\n%s", code, stderr)
	}
}

// Commands that show what a store holds refuse a store that is not there,
// instead of showing an empty one; dry runs create none.
func TestReadingCommandsRefuseAMissingStore(t *testing.T) {
	t.Chdir(t.TempDir())
	for _, args := range [][]string{
		{"excel", "export", "-o", "x.zip"},
		{"xml", "export", "-o", "x.xml"},
		{"groups", "list"},
		{"store", "dump"},
		{"groups", "export", "-o", "g.xml"},
	} {
		code, _, stderr := runCLI(t, context.Background(), nil, append(args, "--store", "typo.db")...)
		if code != exitFailed || !strings.Contains(stderr, "there is no store typo.db") {
			t.Errorf("impex %s: exit %d, stderr %q", strings.Join(args, " "), code, stderr)
		}
	}
	personWorkbook(t, "new.xlsx", 3)
	if code, stdout, stderr := runCLI(t, context.Background(), nil, "excel", "import", "--dry-run", "new.xlsx"); code != exitOK {
		t.Fatalf("dry run without a store: exit %d\n%s%s", code, stdout, stderr)
	}
	if _, err := os.Stat("impex.db"); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("a dry run created the store (%v)", err)
	}
}

// fullDisk returns an output wrapper that fails with ENOSPC after n bytes,
// as a full disk does.
func fullDisk(n int64) func(io.Writer) io.Writer {
	return func(w io.Writer) io.Writer { return &failAfter{w: w, left: n} }
}

type failAfter struct {
	w    io.Writer
	left int64
}

func (f *failAfter) Write(b []byte) (int, error) {
	if int64(len(b)) > f.left {
		n, _ := f.w.Write(b[:f.left])
		f.left = 0
		return n, &fs.PathError{Op: "write", Path: "output", Err: syscall.ENOSPC}
	}
	f.left -= int64(len(b))
	return f.w.Write(b)
}

// On a full disk every file the command writes (an export, the split
// workbooks, the rejected rows) leaves the previous file byte-identical
// and no temporary behind, and the messages say what was kept.
func TestAFullDiskLeavesThePreviousFiles(t *testing.T) {
	t.Chdir(t.TempDir())
	if code, _, stderr := runCLI(t, context.Background(), nil, "seed", "--customers", "200"); code != exitOK {
		t.Fatalf("seed: exit %d\n%s", code, stderr)
	}
	for _, args := range [][]string{{"excel", "export", "-o", "all.zip"}, {"excel", "export", "--split", "-o", "wb"}, {"xml", "export", "-o", "all.xml"}} {
		if code, _, stderr := runCLI(t, context.Background(), nil, args...); code != exitOK {
			t.Fatalf("%v: exit %d\n%s", args, code, stderr)
		}
	}
	personWorkbook(t, "in.xlsx", 3, []any{"", "60000", "not-an-email", "X", "Y"})
	if code, _, _ := runCLI(t, context.Background(), nil, "excel", "import", "in.xlsx"); code != exitRejected {
		t.Fatalf("the first import: exit %d", code)
	}
	snapshot := func() map[string][]byte {
		out := map[string][]byte{}
		filepath.WalkDir(".", func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && p != "impex.db" {
				out[p], _ = os.ReadFile(p)
			}
			return nil
		})
		return out
	}
	before := snapshot()
	full := func(args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		e := &env{stdout: &out, stderr: &errb, now: time.Now, getenv: func(string) string { return "" }, wrapOutput: fullDisk(1000)}
		return run(context.Background(), args, e), out.String(), errb.String()
	}
	for _, args := range [][]string{{"excel", "export", "-o", "all.zip"}, {"excel", "export", "--split", "-o", "wb"}, {"xml", "export", "-o", "all.xml"}} {
		code, _, stderr := full(args...)
		if code != exitFailed || !strings.Contains(stderr, "no space left") || !strings.Contains(stderr, "unchanged") {
			t.Errorf("%v on a full disk: exit %d, stderr %q", args, code, stderr)
		}
	}
	// An import whose rejected rows cannot be written keeps what it applied,
	// says so, prints its summary and exits as for rejected rows.
	personWorkbook(t, "in.xlsx", 4, []any{"", "60001", "not-an-email", "X", "Y"})
	delete(before, "in.xlsx")
	code, stdout, stderr := full("excel", "import", "in.xlsx")
	if code != exitRejected || !strings.Contains(stdout, "1 created") || !strings.Contains(stderr, "saved in the store") {
		t.Errorf("an import on a full disk: exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	after := snapshot()
	delete(after, "in.xlsx")
	for p, b := range before {
		if !bytes.Equal(after[p], b) {
			t.Errorf("%s changed on a full disk", p)
		}
	}
	for p := range after {
		if _, ok := before[p]; !ok {
			t.Errorf("%s was left behind", p)
		}
	}
}

// Flags may follow the arguments, as in most command lines, and "--" ends
// them.
func TestFlagsAfterArguments(t *testing.T) {
	t.Chdir(t.TempDir())
	if code, _, stderr := runCLI(t, context.Background(), nil, "seed", "--customers", "5"); code != exitOK {
		t.Fatalf("seed: exit %d\n%s", code, stderr)
	}
	code, stdout, stderr := runCLI(t, context.Background(), nil, "groups", "eval", "10003", "--json")
	if code != exitOK || !strings.HasPrefix(stdout, "{") || !strings.Contains(stdout, `"customer":"10003"`) {
		t.Fatalf("groups eval 10003 --json: exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	code, stdout, _ = runCLI(t, context.Background(), nil, "groups", "eval", "--lang", "fi", "10003", "--json")
	if code != exitOK || !strings.HasPrefix(stdout, "{") {
		t.Fatalf("a flag with a value before the argument and one after: exit %d\n%s", code, stdout)
	}
	if code, _, stderr := runCLI(t, context.Background(), nil, "groups", "eval", "--", "--json"); code != exitFailed || !strings.Contains(stderr, `"--json"`) {
		t.Fatalf(`after "--" an argument that looks like a flag is an argument: exit %d, %s`, code, stderr)
	}
}

// The command line helps a user who types part of a command or a typo,
// and says what it is.
func TestUsageVersionAndNearestCommand(t *testing.T) {
	code, stdout, stderr := runCLI(t, context.Background(), nil)
	if code != exitFailed || stdout != "" || !strings.Contains(stderr, "Usage: impex") {
		t.Errorf("bare impex: exit %d, stdout %q, stderr %q; want the usage on stderr", code, stdout, stderr)
	}
	code, stdout, _ = runCLI(t, context.Background(), nil, "excel", "--help")
	if code != exitOK || !strings.Contains(stdout, "excel import") || !strings.Contains(stdout, "excel export") || strings.Contains(stdout, "groups list") {
		t.Errorf("impex excel --help: exit %d\n%s", code, stdout)
	}
	if code, _, stderr := runCLI(t, context.Background(), nil, "excel"); code != exitFailed || !strings.Contains(stderr, "excel import") {
		t.Errorf("impex excel: exit %d\n%s", code, stderr)
	}
	if code, _, stderr := runCLI(t, context.Background(), nil, "exel", "import"); code != exitFailed || !strings.Contains(stderr, `did you mean "excel import"`) {
		t.Errorf("a typo: exit %d\n%s", code, stderr)
	}
	if code, stdout, _ := runCLI(t, context.Background(), nil, "--version"); code != exitOK || !strings.HasPrefix(stdout, "impex ") || !strings.Contains(stdout, "go1.") {
		t.Errorf("--version: exit %d, %q", code, stdout)
	}
}

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// checkGolden compares got with the golden file at path, or rewrites the
// file with -update.
func checkGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run the test with -update to write it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s differs (-golden +got; run with -update if the change is meant):\n%s", path, diff)
	}
}

// validate checks a slot-configurations document: its references to
// groups the store lacks are errors (exit 1), and xml import refuses it by
// name rather than as an unknown document.
func TestValidateUnderstandsSlotDocuments(t *testing.T) {
	t.Chdir(t.TempDir())
	doc := `<?xml version="1.0" encoding="UTF-8"?>
<slot-configurations xmlns="` + xmlio.NSSlot + `">
  <slot-configuration slot-id="banner" context="global" configuration-id="all" assigned-to-site="true">
    <customer-groups><customer-group group-id="Everyone"/></customer-groups>
  </slot-configuration>
  <slot-configuration slot-id="banner" context="global" configuration-id="gold" assigned-to-site="true">
    <customer-groups><customer-group group-id="Gold Members"/></customer-groups>
  </slot-configuration>
</slot-configurations>
`
	if err := os.WriteFile("slots.xml", []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCLI(t, context.Background(), nil, "validate", "slots.xml")
	if code != exitRejected || !strings.Contains(stdout, "2 slot configurations") || !strings.Contains(stdout, "Gold Members") || strings.Contains(stdout, "group Everyone") {
		t.Errorf("validate: exit %d\nstdout: %s\nstderr: %s\nwant exit 1 and the unknown group Gold Members alone", code, stdout, stderr)
	}
	code, stdout, _ = runCLI(t, context.Background(), nil, "validate", "--json", "slots.xml")
	var out struct {
		Result struct {
			Configurations int            `json:"configurations"`
			Report         map[string]any `json:"report"`
		} `json:"result"`
	}
	if err := json.Unmarshal([]byte(stdout), &out); err != nil || code != exitRejected || out.Result.Configurations != 2 || out.Result.Report["errors"] != 1.0 {
		t.Errorf("validate --json: exit %d, %s (%v)", code, stdout, err)
	}
	code, _, stderr = runCLI(t, context.Background(), nil, "xml", "import", "slots.xml")
	if code != exitFailed || !strings.Contains(stderr, "slot-configurations document") {
		t.Errorf("xml import of slots: exit %d, stderr %q", code, stderr)
	}
}

func TestGroupsListShowsEveryConditionGroupInColumns(t *testing.T) {
	t.Chdir(t.TempDir())
	doc := `<?xml version="1.0" encoding="UTF-8"?>
<customer-groups xmlns="` + xmlio.NSCustomerGroup + `">
  <customer-group group-id="Irish or signed in, not Swedish">
    <membership-rule>
      <included-customers>
        <condition-group match-mode="all">
          <condition><attribute-path>session.custom.country</attribute-path><operator>is-equal</operator><string>IE</string></condition>
        </condition-group>
        <condition-group match-mode="any">
          <condition><attribute-path>customer.registered</attribute-path><operator>is-true</operator></condition>
        </condition-group>
      </included-customers>
      <excluded-customers>
        <condition-group match-mode="all">
          <condition><attribute-path>session.custom.country</attribute-path><operator>is-equal</operator><string>SE</string></condition>
        </condition-group>
      </excluded-customers>
    </membership-rule>
  </customer-group>
  <customer-group group-id="vip"/>
</customer-groups>
`
	if err := os.WriteFile("groups.xml", []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runCLI(t, context.Background(), nil, "groups", "import", "groups.xml"); code != exitOK {
		t.Fatalf("groups import: exit %d, %s", code, stderr)
	}
	code, stdout, stderr := runCLI(t, context.Background(), nil, "groups", "list")
	if code != exitOK {
		t.Fatalf("groups list: exit %d, %s", code, stderr)
	}
	want := `include all: session.custom.country is-equal "IE" | include any: customer.registered is-true | exclude all: session.custom.country is-equal "SE"`
	if !strings.Contains(stdout, "Irish or signed in, not Swedish") || !strings.Contains(stdout, want) {
		t.Errorf("groups list:\n%s\nwant the rule with both included groups and the excluded one: %s", stdout, want)
	}
	// The kind column starts at the same place on every line, however long
	// a group's ID.
	col := -1
	for _, line := range strings.Split(strings.TrimSpace(stdout), "\n") {
		i := strings.Index(line, "dynamic")
		if i < 0 {
			i = strings.Index(line, "static")
		}
		if i < 0 {
			i = strings.Index(line, "system")
		}
		if col >= 0 && i != col {
			t.Errorf("groups list: the kind column moves:\n%s", stdout)
			break
		}
		col = i
	}
}
