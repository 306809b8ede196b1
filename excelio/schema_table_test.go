package excelio

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/impexkit/impex/customer"
)

// docTableRow is one row of the package doc's column table: the columns it
// names and its four cells as written.
type docTableRow struct {
	names                       []string
	missingExisting, missingNew string
	emptyExisting, emptyNew     string
	line                        int
}

// readDocTable parses the "column  missing (existing/new)  empty cell
// (existing/new)" table of doc.go. A line holding only names that ends in
// a comma continues on the next line; a cell without " / " holds for both
// existing and new customers.
func readDocTable(t *testing.T) []docTableRow {
	t.Helper()
	src, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	gap := regexp.MustCompile(`\s{2,}`)
	var rows []docTableRow
	var pending []string
	in := false
	for i, line := range strings.Split(string(src), "\n") {
		text, ok := strings.CutPrefix(line, "//\t")
		if !in {
			in = ok && strings.HasPrefix(text, "column") && strings.Contains(text, "missing (existing/new)")
			continue
		}
		if !ok {
			break
		}
		cells := gap.Split(strings.TrimSpace(text), -1)
		names := strings.Split(strings.TrimSuffix(cells[0], ","), ",")
		for j := range names {
			names[j] = strings.TrimSpace(names[j])
		}
		if len(cells) == 1 && strings.HasSuffix(cells[0], ",") {
			pending = append(pending, names...)
			continue
		}
		if len(cells) != 3 {
			t.Fatalf("doc.go:%d: want a name and two cells, got %q", i+1, cells)
		}
		row := docTableRow{names: append(pending, names...), line: i + 1}
		pending = nil
		row.missingExisting, row.missingNew = split(cells[1])
		row.emptyExisting, row.emptyNew = split(cells[2])
		rows = append(rows, row)
	}
	if len(rows) == 0 {
		t.Fatal("doc.go has no column table")
	}
	return rows
}

// split cuts "existing / new" in two; a single phrase is both.
func split(cell string) (string, string) {
	if e, n, ok := strings.Cut(cell, " / "); ok {
		return e, n
	}
	return cell, cell
}

// The phrases of the doc table, by what they mean in the schema table.
// One meaning has several phrases, worded for their columns.
var (
	docMissing = map[string]onMissing{
		"kept": missingUntouched, "none": missingUntouched, "false": missingUntouched, "next number": missingUntouched,
		"row error": missingRowError, "file error": missingFileError,
	}
	docEmptyExisting = map[string]onEmpty{
		"kept": emptyKeep, "unchanged": emptyKeep, "cleared": emptyClear, "removed": emptyClear,
		"card n removed": emptyClear, "false": emptyClear, "row error": emptyReject,
		"next number": emptyDefault, "a new customer": emptyNewCustomer,
	}
	docEmptyNew = map[string]onEmpty{
		"none": emptyDefault, "false": emptyDefault, "next number": emptyDefault,
		"row error": emptyReject, "a new customer": emptyNewCustomer,
	}
)

// TestDocTableMatchesSchemaTable checks each row of the package doc's
// column table against the four cells of every schema column it names, so
// the two cannot drift apart. "flags" names every flag column; a pattern
// is named with its parameter ("customerCard:{n}").
func TestDocTableMatchesSchemaTable(t *testing.T) {
	schemas := []*Schema{
		newSchema(customer.KindPerson, &schemaOptions{}),
		newSchema(customer.KindCompany, &schemaOptions{}),
	}
	columns := func(name string) []*column {
		var out []*column
		seen := map[*column]bool{}
		for _, s := range schemas {
			for _, c := range s.columns {
				match := c.name == name
				if c.pattern {
					match = strings.HasPrefix(name, c.name)
				}
				if name == "flags" {
					match = !c.pattern && c.kind == boolKind
				}
				if match && !seen[c] {
					seen[c] = true
					out = append(out, c)
				}
			}
		}
		return out
	}
	for _, row := range readDocTable(t) {
		want := column{}
		var ok [4]bool
		want.missingExisting, ok[0] = docMissing[row.missingExisting]
		want.missingNew, ok[1] = docMissing[row.missingNew]
		want.emptyExisting, ok[2] = docEmptyExisting[row.emptyExisting]
		want.emptyNew, ok[3] = docEmptyNew[row.emptyNew]
		if ok != [4]bool{true, true, true, true} {
			t.Errorf("doc.go:%d: a cell of %q says something the schema table cannot: %+v", row.line, row.names, row)
			continue
		}
		for _, name := range row.names {
			cols := columns(name)
			if len(cols) == 0 {
				t.Errorf("doc.go:%d: %s is in no schema", row.line, name)
			}
			for _, c := range cols {
				got := [4]uint8{uint8(c.missingExisting), uint8(c.missingNew), uint8(c.emptyExisting), uint8(c.emptyNew)}
				exp := [4]uint8{uint8(want.missingExisting), uint8(want.missingNew), uint8(want.emptyExisting), uint8(want.emptyNew)}
				if got != exp {
					t.Errorf("doc.go:%d: %s: the schema table says (missing existing, missing new, empty existing, empty new) = %v, the doc %q / %q, %q / %q (%v)",
						row.line, c.name, got, row.missingExisting, row.missingNew, row.emptyExisting, row.emptyNew, exp)
				}
			}
		}
	}
}
