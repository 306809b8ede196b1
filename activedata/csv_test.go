package activedata_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/impexkit/impex"
	"github.com/impexkit/impex/activedata"
	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/customer/memstore"
	"github.com/impexkit/impex/validate"
)

// testFeeds are two feeds: crm (the one most tests import) and erp.
func testFeeds(t testing.TB) *activedata.FeedSet {
	t.Helper()
	set, err := activedata.NewFeedSet(1,
		feed("crm", attr("tier", activedata.TypeString), attr("points", activedata.TypeInt),
			attr("spend", activedata.TypeNumber), attr("vip", activedata.TypeBoolean),
			attr("since", activedata.TypeDate), attr("seen", activedata.TypeDateTime),
			attr("brands", activedata.TypeStringSet), attr("sizes", activedata.TypeNumberSet)),
		feed("erp", attr("credit", activedata.TypeNumber)))
	if err != nil {
		t.Fatal(err)
	}
	return set
}

// newStore returns a store with customers numbered 1 to n.
func newStore(t testing.TB, n int) *memstore.Store {
	t.Helper()
	s := memstore.New(memstore.Options{})
	var ops []customer.Op
	for i := 1; i <= n; i++ {
		ops = append(ops, customer.Put(&customer.Customer{Kind: customer.KindPerson, Number: strconv.Itoa(i)}))
	}
	if _, err := s.Write(context.Background(), ops); err != nil {
		t.Fatal(err)
	}
	return s
}

func custom(t testing.TB, s *memstore.Store, number string) []customer.Attribute {
	t.Helper()
	c, err := s.ByNumber(context.Background(), "", number)
	if err != nil {
		t.Fatal(err)
	}
	if c.ActiveData == nil {
		return nil
	}
	return c.ActiveData.Custom
}

type issueAt struct {
	Code   validate.Code
	Row    int
	Column string
	Header string
}

func issuesOf(res *impex.Result) []issueAt {
	var out []issueAt
	for _, is := range res.Report.Issues() {
		out = append(out, issueAt{is.Code, is.Row, is.Column, is.Header})
	}
	return out
}

// Every row issue a feed file can have, each on the row and cell a
// spreadsheet shows it at.
func TestImportCSVRowIssues(t *testing.T) {
	tests := []struct {
		name string
		file string
		want []issueAt
	}{
		{"an unknown customer", "customerNo,tier\n99,Gold\n",
			[]issueAt{{validate.CodeUnknownCustomer, 2, "A", "customerNo"}, {validate.CodeNoValidRows, 0, "", ""}}},
		{"an empty customer number", "tier,customerNo\nGold,\n1,\n",
			[]issueAt{{validate.CodeRequired, 2, "B", "customerNo"}, {validate.CodeRequired, 3, "B", "customerNo"}, {validate.CodeNoValidRows, 0, "", ""}}},
		{"a customer twice", "customerNo,tier\n1,Gold\n1,Silver\n",
			[]issueAt{{validate.CodeDuplicateInFile, 3, "A", "customerNo"}}},
		{"a bad int", "customerNo,points\n1,many\n2,5\n",
			[]issueAt{{validate.CodeInvalidNumber, 2, "B", "points"}}},
		{"a bad number", "customerNo,spend\n1,12.5.1\n2,5\n",
			[]issueAt{{validate.CodeInvalidValue, 2, "B", "spend"}}},
		{"a bad boolean", "customerNo,tier,vip\n1,Gold,maybe\n2,,true\n",
			[]issueAt{{validate.CodeInvalidBoolean, 2, "C", "vip"}}},
		{"a bad date", "customerNo,since\n1,31.12.2024\n2,2024-12-31\n",
			[]issueAt{{validate.CodeInvalidDate, 2, "B", "since"}}},
		{"a bad date time", "customerNo,seen\n1,yesterday\n2,2024-12-31T10:00:00Z\n",
			[]issueAt{{validate.CodeInvalidDate, 2, "B", "seen"}}},
		{"a bad set element", "customerNo,sizes\n1,1|x\n2,1|2\n",
			[]issueAt{{validate.CodeInvalidValue, 2, "B", "sizes"}}},
		{"too few cells", "customerNo,tier,points\n1,Gold\n2,Gold,1\n",
			[]issueAt{{validate.CodeInvalidValue, 2, "", ""}}},
		{"too many cells", "customerNo,tier\n1,Gold,extra\n2,Gold\n",
			[]issueAt{{validate.CodeInvalidValue, 2, "", ""}}},
		{"a bare quote", "customerNo,tier\n1,Go\"ld\n2,Gold\n",
			[]issueAt{{validate.CodeCorrupt, 2, "", ""}}},
		{"a cell over the length limit", "customerNo,tier\n1," + strings.Repeat("x", 101) + "\n2,Gold\n",
			[]issueAt{{validate.CodeTooLong, 2, "B", "tier"}}},
		{"rows after a multi-line cell keep their spreadsheet numbers", "customerNo,tier\n1,\"Gold\nand more\"\n99,Gold\n",
			[]issueAt{{validate.CodeUnknownCustomer, 3, "A", "customerNo"}}},
		{"a blank line is a row of its own", "customerNo,tier\n1,Gold\n\n99,Gold\n",
			[]issueAt{{validate.CodeUnknownCustomer, 4, "A", "customerNo"}}},
		{"lone CRs end rows, as in old Mac files", "customerNo,tier\r1,Gold\r99,Gold\r",
			[]issueAt{{validate.CodeUnknownCustomer, 3, "A", "customerNo"}}},
		{"a NUL byte in a value", "customerNo,tier\n1,Go\x00ld\n2,Gold\n",
			[]issueAt{{validate.CodeControlCharacter, 2, "B", "tier"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			store := newStore(t, 3)
			res, err := activedata.ImportCSV(context.Background(), store, testFeeds(t), "crm", strings.NewReader(tc.file),
				activedata.ImportOptions{Limits: activedata.Limits{MaxFieldLen: 100}})
			if err != nil {
				t.Fatalf("ImportCSV: %v", err)
			}
			if diff := cmp.Diff(tc.want, issuesOf(res)); diff != "" {
				t.Errorf("issues (-want +got):\n%s\n%v", diff, res.Report.Issues())
			}
		})
	}
}

// Problems with the file as a whole apply nothing.
func TestImportCSVFileErrors(t *testing.T) {
	tests := []struct {
		name string
		file string
		opts activedata.ImportOptions
		err  error
		want []issueAt
	}{
		{"an unknown column", "customerNo,tier,colour\n1,Gold,red\n", activedata.ImportOptions{}, impex.ErrHeader,
			[]issueAt{{validate.CodeUnknownHeader, 1, "C", "colour"}}},
		{"a column of another feed", "customerNo,credit,tier\n1,5,Gold\n", activedata.ImportOptions{}, impex.ErrHeader,
			[]issueAt{{validate.CodeUnknownHeader, 1, "B", "credit"}}},
		{"a column twice", "customerNo,tier,tier\n1,Gold,Gold\n", activedata.ImportOptions{}, impex.ErrHeader,
			[]issueAt{{validate.CodeDuplicateHeader, 1, "C", "tier"}}},
		{"an empty header", "customerNo,,tier\n1,,Gold\n", activedata.ImportOptions{}, impex.ErrHeader,
			[]issueAt{{validate.CodeEmptyHeader, 1, "B", ""}}},
		{"no customerNo column", "tier\nGold\n", activedata.ImportOptions{}, impex.ErrHeader,
			[]issueAt{{validate.CodeMissingColumn, 1, "", ""}}},
		{"an empty file", "", activedata.ImportOptions{}, impex.ErrHeader,
			[]issueAt{{validate.CodeEmptyFile, 0, "", ""}}},
		{"a file over the size limit", "customerNo,tier\n1,Gold\n", activedata.ImportOptions{Limits: activedata.Limits{MaxBytes: 10}}, impex.ErrTooLarge,
			[]issueAt{{validate.CodeFileTooLarge, 0, "", ""}}},
		{"more rows than the limit", "customerNo,tier\n1,Gold\n2,Gold\n3,Gold\n", activedata.ImportOptions{Limits: activedata.Limits{MaxRows: 2}}, impex.ErrTooLarge,
			[]issueAt{{validate.CodeTooManyRows, 0, "", ""}}},
		{"more columns than the limit", "customerNo,tier,points\n1,Gold,2\n", activedata.ImportOptions{Limits: activedata.Limits{MaxColumns: 2}}, impex.ErrTooLarge,
			[]issueAt{{validate.CodeLimitExceeded, 1, "", ""}}},
		{"text that is not UTF-8", "customerNo,tier\n1,G\xf6ld\n", activedata.ImportOptions{}, impex.ErrFormat,
			[]issueAt{{validate.CodeWrongFormat, 0, "", ""}}},
		{"the replace mode", "customerNo,tier\n1,Gold\n", activedata.ImportOptions{Options: impex.Options{Mode: 2}}, impex.ErrMode, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			store := newStore(t, 3)
			res, err := activedata.ImportCSV(context.Background(), store, testFeeds(t), "crm", strings.NewReader(tc.file), tc.opts)
			var fe *impex.FileError
			if !errors.Is(err, tc.err) || !errors.As(err, &fe) {
				t.Fatalf("ImportCSV error = %v, want a *FileError wrapping %v", err, tc.err)
			}
			if diff := cmp.Diff(tc.want, issuesOf(res)); diff != "" {
				t.Errorf("issues (-want +got):\n%s", diff)
			}
			if got := custom(t, store, "1"); got != nil {
				t.Errorf("customer 1 got values %v from a refused file", got)
			}
		})
	}
	if _, err := activedata.ImportCSV(context.Background(), newStore(t, 1), testFeeds(t), "nope", strings.NewReader(""), activedata.ImportOptions{}); !errors.Is(err, activedata.ErrUnknownFeed) {
		t.Errorf("an unknown feed: error %v", err)
	}
}

func TestImportCSVSpreadsheetFiles(t *testing.T) {
	want := []customer.Attribute{
		{ID: "tier", Values: []string{"Gold; \"best\""}},
		{ID: "spend", Values: []string{"-1234.5"}},
		{ID: "brands", Values: []string{"=acme", "b|c"}},
	}
	files := map[string]string{
		"comma, LF":              "customerNo,tier,spend,brands\n1,\"Gold; \"\"best\"\"\",-1234.5,'=acme|b\\|c\n",
		"semicolon, CRLF, BOM":   "\uFEFFcustomerNo;tier;spend;brands\r\n1;\"Gold; \"\"best\"\"\";\"-1234,5\";'=acme|b\\|c\r\n",
		"semicolon, no final LF": "customerNo;tier;spend;brands\r\n1;\"Gold; \"\"best\"\"\";-1234,5;'=acme|b\\|c",
	}
	for name, file := range files {
		t.Run(name, func(t *testing.T) {
			store := newStore(t, 1)
			res, err := activedata.ImportCSV(context.Background(), store, testFeeds(t), "crm", strings.NewReader(file), activedata.ImportOptions{})
			if err != nil || res.Report.Len() != 0 {
				t.Fatalf("ImportCSV: %v %v", err, res.Report.Issues())
			}
			if diff := cmp.Diff(want, custom(t, store, "1")); diff != "" {
				t.Errorf("values (-want +got):\n%s", diff)
			}
		})
	}
}

func TestImportCSVEmptyCellRemovesValue(t *testing.T) {
	store := newStore(t, 2)
	ctx := context.Background()
	set := testFeeds(t)
	if _, err := activedata.ImportCSV(ctx, store, set, "crm", strings.NewReader("customerNo,tier,points\n1,Gold,5\n2,Silver,7\n"), activedata.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	res, err := activedata.ImportCSV(ctx, store, set, "crm", strings.NewReader("customerNo,points\n1,\n2,7\n"), activedata.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Updated != 1 || res.Unchanged != 1 {
		t.Errorf("updated %d, unchanged %d; want 1 and 1", res.Updated, res.Unchanged)
	}
	if diff := cmp.Diff([]customer.Attribute{{ID: "tier", Values: []string{"Gold"}}}, custom(t, store, "1")); diff != "" {
		t.Errorf("customer 1: the empty cell should remove points and the missing column keep tier (-want +got):\n%s", diff)
	}
}

func TestImportCSVDryRunAgreesWithRun(t *testing.T) {
	file := "customerNo,tier\n1,Gold\n2,\n99,Gold\n3,Bronze\n"
	ctx := context.Background()
	dry, err := activedata.ImportCSV(ctx, newStore(t, 3), testFeeds(t), "crm", strings.NewReader(file), activedata.ImportOptions{Options: impex.Options{DryRun: true}})
	if err != nil {
		t.Fatal(err)
	}
	store := newStore(t, 3)
	var progress []impex.Progress
	real, err := activedata.ImportCSV(ctx, store, testFeeds(t), "crm", strings.NewReader(file),
		activedata.ImportOptions{Options: impex.Options{BatchSize: 1, Progress: func(p impex.Progress) { progress = append(progress, p) }}})
	if err != nil {
		t.Fatal(err)
	}
	if dry.Counts != real.Counts {
		t.Errorf("dry run counts %+v, real run %+v", dry.Counts, real.Counts)
	}
	want := impex.Counts{Read: 4, Valid: 3, Rejected: 1, Updated: 2, Unchanged: 1}
	if real.Counts != want {
		t.Errorf("counts %+v, want %+v", real.Counts, want)
	}
	if len(progress) < 3 {
		t.Errorf("progress called %d times with batches of one", len(progress))
	}
	if got := custom(t, store, "3"); len(got) != 1 {
		t.Errorf("customer 3: %v", got)
	}
}

func TestImportCSVAllOrNothing(t *testing.T) {
	store := newStore(t, 2)
	res, err := activedata.ImportCSV(context.Background(), store, testFeeds(t), "crm", strings.NewReader("customerNo,points\n1,5\n2,five\n"),
		activedata.ImportOptions{Options: impex.Options{Policy: impex.AllOrNothing}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Updated != 0 || custom(t, store, "1") != nil {
		t.Errorf("a rejected row let the rest be applied: %+v", res.Counts)
	}
}

// genValues returns random canonical values for every attribute of crm,
// some left out.
func genValues(r *rand.Rand, set *activedata.FeedSet) []customer.Attribute {
	f, _ := set.Feed("crm")
	var out []customer.Attribute
	for _, a := range f.Attributes {
		if r.IntN(5) == 0 {
			continue
		}
		var text string
		switch a.Type {
		case activedata.TypeString:
			text = []string{"Gold", "=1+1", "-x", "'quoted", "a,b;c", "line\nbreak", "@home", " spaced ", "ä€"}[r.IntN(9)]
		case activedata.TypeInt:
			text = strconv.Itoa(r.IntN(2000) - 1000)
		case activedata.TypeNumber:
			text = strconv.FormatFloat((r.Float64()-0.5)*1e6, 'f', r.IntN(4), 64)
		case activedata.TypeBoolean:
			text = strconv.FormatBool(r.IntN(2) == 0)
		case activedata.TypeDate:
			text = fmt.Sprintf("%04d-%02d-%02d", 1950+r.IntN(80), 1+r.IntN(12), 1+r.IntN(28))
		case activedata.TypeDateTime:
			text = fmt.Sprintf("%04d-%02d-%02dT%02d:%02d:%02d.%03d+02:00", 2000+r.IntN(30), 1+r.IntN(12), 1+r.IntN(28), r.IntN(24), r.IntN(60), r.IntN(60), r.IntN(1000))
		case activedata.TypeStringSet:
			text = []string{"acme|globex", `=x|a\|b`, "-1|b", "solo"}[r.IntN(4)]
		case activedata.TypeNumberSet:
			text = fmt.Sprintf("%d|%g", r.IntN(100)-50, r.Float64())
		}
		values, err := a.Type.Parse(text, false)
		if err != nil {
			panic(err)
		}
		if len(values) > 0 {
			out = append(out, customer.Attribute{ID: a.ID, Values: values})
		}
	}
	return out
}

// Active data of 10,000 customers, exported and imported again, changes
// nothing, in comma and semicolon files.
func TestCSVRoundTrip(t *testing.T) {
	const n = 10000
	set := testFeeds(t)
	ctx := context.Background()
	store := memstore.New(memstore.Options{})
	r := rand.New(rand.NewPCG(8, 8))
	var ops []customer.Op
	for i := 1; i <= n; i++ {
		c := &customer.Customer{Kind: customer.KindPerson, Number: fmt.Sprintf("%08d", i)}
		if i%7 != 0 {
			c.ActiveData = &customer.ActiveData{OrderValueMonth: float64(i), Custom: genValues(r, set)}
		}
		ops = append(ops, customer.Put(c))
	}
	if _, err := store.Write(ctx, ops); err != nil {
		t.Fatal(err)
	}
	for _, comma := range []rune{',', ';'} {
		t.Run(fmt.Sprintf("separator %c", comma), func(t *testing.T) {
			var buf bytes.Buffer
			rows, err := activedata.ExportCSV(ctx, &buf, store, set, "crm", activedata.ExportOptions{Comma: comma, CRLF: comma == ';'})
			if err != nil {
				t.Fatal(err)
			}
			if rows < n/2 {
				t.Fatalf("exported only %d rows", rows)
			}
			for _, line := range strings.Split(buf.String(), "\n") {
				for _, cell := range strings.Split(line, string(comma)) {
					if cell != "" && strings.ContainsRune("=+@", rune(cell[0])) {
						t.Fatalf("a cell starts like a formula: %q", cell)
					}
				}
			}
			res, err := activedata.ImportCSV(ctx, store, set, "crm", bytes.NewReader(buf.Bytes()), activedata.ImportOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if res.Report.Len() != 0 {
				t.Fatalf("issues: %v", res.Report.Issues()[:min(5, res.Report.Len())])
			}
			if res.Unchanged != rows || res.Updated != 0 {
				t.Errorf("re-import: %+v; want %d unchanged and nothing else", res.Counts, rows)
			}
			// And into a store without the values, it gives the same values.
			fresh := memstore.New(memstore.Options{})
			var ops []customer.Op
			for c, err := range store.List(ctx, customer.Filter{}) {
				if err != nil {
					t.Fatal(err)
				}
				ops = append(ops, customer.Put(&customer.Customer{Kind: customer.KindPerson, Number: c.Number}))
			}
			if _, err := fresh.Write(ctx, ops); err != nil {
				t.Fatal(err)
			}
			if _, err := activedata.ImportCSV(ctx, fresh, set, "crm", bytes.NewReader(buf.Bytes()), activedata.ImportOptions{}); err != nil {
				t.Fatal(err)
			}
			for c, err := range store.List(ctx, customer.Filter{}) {
				if err != nil {
					t.Fatal(err)
				}
				var want []customer.Attribute
				if c.ActiveData != nil {
					want = c.ActiveData.Custom
				}
				if diff := cmp.Diff(want, custom(t, fresh, c.Number)); diff != "" {
					t.Fatalf("customer %s (-exported +imported):\n%s", c.Number, diff)
				}
			}
		})
	}
}

// A negative number is written as a number, not neutralised: a spreadsheet
// computes with it. A string or set starting with a minus is neutralised.
func TestExportCSVNegativeNumbers(t *testing.T) {
	store := newStore(t, 1)
	set := testFeeds(t)
	ctx := context.Background()
	in := "customerNo,tier,spend,points,sizes\n1,'-x,-12.5,-3,'-1|2\n"
	if _, err := activedata.ImportCSV(ctx, store, set, "crm", strings.NewReader(in), activedata.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := activedata.ExportCSV(ctx, &buf, store, set, "crm", activedata.ExportOptions{}); err != nil {
		t.Fatal(err)
	}
	want := "customerNo,tier,points,spend,vip,since,seen,brands,sizes\n1,'-x,-3,-12.5,,,,,'-1|2\n"
	if buf.String() != want {
		t.Errorf("export:\n%s\nwant:\n%s", buf.String(), want)
	}
	if diff := cmp.Diff([]string{"-x"}, must(activedata.Values(mustGet(t, store, "1"), "tier"))); diff != "" {
		t.Error(diff)
	}
}

func mustGet(t testing.TB, s *memstore.Store, number string) *customer.Customer {
	c, err := s.ByNumber(context.Background(), "", number)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func must(v []string, _ bool) []string { return v }
