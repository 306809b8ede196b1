package excelio_test

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"github.com/impexkit/impex"
	"github.com/impexkit/impex/cards"
	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/excelio"
	"github.com/impexkit/impex/groups"
	"github.com/impexkit/impex/validate"
)

var newPersonHeader = []string{"id", "sequenceNumber", "email", "firstName", "lastName"}

func person(n int) []any {
	return []any{"", fmt.Sprintf("%d", 5000+n), fmt.Sprintf("p%d@example.fi", n), "First", fmt.Sprintf("Last%d", n)}
}

func TestFileLevelErrorsApplyNothing(t *testing.T) {
	zipFile := func() []byte {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		w, _ := zw.Create("notes.txt")
		w.Write([]byte("hello"))
		zw.Close()
		return buf.Bytes()
	}()
	twoRows := func(header []string) []byte {
		return workbook(t, "Person Customers", header, person(1), person(2))
	}
	for _, tc := range []struct {
		name string
		file []byte
		opts excelio.ImportOptions
		code validate.Code
	}{
		{"a CSV file renamed to .xlsx", []byte("id,email,firstName\n,a@b.fi,Aino\n"), excelio.ImportOptions{}, validate.CodeCSV},
		{"a ZIP archive that is not a workbook", zipFile, excelio.ImportOptions{}, validate.CodeZipArchive},
		{"random bytes", []byte("\x00\x01\x02 not a workbook at all"), excelio.ImportOptions{}, validate.CodeWrongFormat},
		{"a truncated workbook", twoRows(newPersonHeader)[:300], excelio.ImportOptions{}, validate.CodeCorrupt},
		{"person and company columns in one file", twoRows(append(cloneStrings(newPersonHeader), "companyName")), excelio.ImportOptions{}, validate.CodeMixedSchemas},
		{"an unknown header", twoRows(append(cloneStrings(newPersonHeader), "shoeSize")), excelio.ImportOptions{}, validate.CodeUnknownHeader},
		{"a header in another case", twoRows([]string{"id", "sequenceNumber", "Email", "firstName", "lastName"}), excelio.ImportOptions{}, validate.CodeUnknownHeader},
		{"a duplicated header", twoRows(append(cloneStrings(newPersonHeader), "email")), excelio.ImportOptions{}, validate.CodeDuplicateHeader},
		{"no id column", workbook(t, "Person Customers", newPersonHeader[1:], person(1)[1:]), excelio.ImportOptions{}, validate.CodeMissingColumn},
		{"a card column with a bad index", twoRows(append(cloneStrings(newPersonHeader), "customerCard:0")), excelio.ImportOptions{}, validate.CodeUnknownHeader},
		{"more rows than allowed", twoRows(newPersonHeader), excelio.ImportOptions{MaxRows: 1}, validate.CodeTooManyRows},
		{"a group column naming a dynamic group", twoRows(append(cloneStrings(newPersonHeader), "group:big")), excelio.ImportOptions{}, validate.CodeGroupNotStatic},
		{"a group column naming a system group", twoRows(append(cloneStrings(newPersonHeader), "group:Registered")), excelio.ImportOptions{}, validate.CodeGroupNotStatic},
		{"a value under an empty header", workbook(t, "Person Customers", append(cloneStrings(newPersonHeader), ""), append(person(1), "stray")), excelio.ImportOptions{}, validate.CodeEmptyHeader},
		{"an empty workbook", workbook(t, "Person Customers", nil), excelio.ImportOptions{}, validate.CodeEmptyFile},
		{"a file of no bytes, a failed upload", nil, excelio.ImportOptions{}, validate.CodeEmptyFile},
	} {
		t.Run(tc.name, func(t *testing.T) {
			store := newStore()
			dyn := &groups.Group{ID: "big", Kind: groups.Dynamic, Name: "big", Rule: testRule()}
			if err := store.WriteGroups(context.Background(), []groups.Op{groups.Create(dyn)}); err != nil {
				t.Fatal(err)
			}
			res, err := importBytes(t, store, tc.file, tc.opts)
			if !errors.Is(err, tc.code) {
				t.Fatalf("error %v, want a file-level %s", err, tc.code)
			}
			if res == nil || res.Report.ByCode()[tc.code] != 1 {
				t.Fatalf("the result's report does not hold the %s issue", tc.code)
			}
			if store.Len() != 0 {
				t.Fatalf("a file-level error stored %d customers", store.Len())
			}
		})
	}
}

func cloneStrings(s []string) []string { return append([]string(nil), s...) }

func TestRejectedRowsRoundTrip(t *testing.T) {
	store := newStore()
	header := []string{"id", "sequenceNumber", "email", "firstName", "lastName", "creditAllowed"}
	var rows [][]any
	for i := range 100 {
		rows = append(rows, []any{"", fmt.Sprint(7000 + i), fmt.Sprintf("r%d@example.fi", i), "Aino", fmt.Sprintf("Row%d", i), i%2 == 0})
	}
	rows[10][2] = "not an e-mail"         // row 12: email
	rows[40][4] = nil                     // row 42: lastName required
	rows[70][5], rows[70][3] = "yes", nil // row 72: boolean and firstName
	res, err := importBytes(t, store, workbook(t, "Person Customers", header, rows...), excelio.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Created != 97 || res.Rejected != 3 {
		t.Fatalf("created %d rejected %d, want 97 and 3", res.Created, res.Rejected)
	}
	if diff := cmp.Diff([]int{12, 42, 72}, res.RejectedRows()); diff != "" {
		t.Fatalf("rejected rows (-want +got):\n%s", diff)
	}
	var buf bytes.Buffer
	if err := res.WriteRejected(&buf, excelio.RejectedOptions{Language: validate.English}); err != nil {
		t.Fatal(err)
	}
	got := readSheet(t, buf.Bytes())
	if len(got) != 4 || got[0][len(header)] != "_errors" {
		t.Fatalf("rejected workbook has %d rows and header %v; want a header with _errors and 3 rows", len(got), got[0])
	}
	for i, want := range []string{"email:", "lastName: required", "creditAllowed:"} {
		errs := got[i+1][len(header)]
		if !strings.Contains(errs, want) {
			t.Errorf("row %d _errors %q lacks %q", i+2, errs, want)
		}
	}
	if !strings.Contains(got[3][len(header)], "firstName: required") {
		t.Errorf("row 4 _errors %q does not name both causes", got[3][len(header)])
	}
	if got[1][2] != "not an e-mail" || got[1][1] != "7010" {
		t.Errorf("the rejected row lost its original values: %v", got[1])
	}
	x, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	comments, err := x.GetComments(x.GetSheetList()[0])
	if err != nil {
		t.Fatal(err)
	}
	var where []string
	for _, c := range comments {
		where = append(where, c.Cell)
	}
	if diff := cmp.Diff([]string{"C2", "D4", "E3", "F4"}, sorted(where)); diff != "" {
		t.Errorf("comments on cells (-want +got):\n%s", diff)
	}

	// Fix the cells and import the rejected workbook.
	sheet := x.GetSheetList()[0]
	x.SetCellStr(sheet, "C2", "fixed@example.fi")
	x.SetCellStr(sheet, "E3", "Fixed")
	x.SetCellBool(sheet, "F4", true)
	x.SetCellStr(sheet, "D4", "Aino")
	var fixed bytes.Buffer
	if err := x.Write(&fixed); err != nil {
		t.Fatal(err)
	}
	x.Close()
	again, err := importBytes(t, store, fixed.Bytes(), excelio.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if again.Created != 3 || again.Report.Len() != 0 {
		t.Fatalf("re-import: %+v issues %v, want 3 creates and no issues", again.Counts, issueCodes(again))
	}
}

func sorted(s []string) []string {
	out := append([]string(nil), s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

func TestDryRunAgreesWithTheRealRun(t *testing.T) {
	store := newStore()
	generate(t, store, 200, testHasher(t))
	files := export(t, store, customer.Filter{})
	x, err := excelize.OpenReader(bytes.NewReader(files["Person Customers.xlsx"]))
	if err != nil {
		t.Fatal(err)
	}
	sheet := x.GetSheetList()[0]
	x.SetCellStr(sheet, "D2", "Changed") // an update
	x.SetCellStr(sheet, "C3", "bad@")    // a rejection
	x.SetCellStr(sheet, "A4", "no-such") // an unknown id
	x.SetSheetRow(sheet, "A200", &[]any{"", "", "new@example.fi", "New", "Person"})
	var buf bytes.Buffer
	x.Write(&buf)
	x.Close()

	before := snapshot(t, store)
	dry, err := importBytes(t, store, buf.Bytes(), excelio.ImportOptions{Options: impex.Options{DryRun: true}})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(before, snapshot(t, store), storeOpts); diff != "" {
		t.Fatalf("a dry run changed the store:\n%s", diff)
	}
	real, err := importBytes(t, store, buf.Bytes(), excelio.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	plan := func(res *excelio.Result) []string {
		var out []string
		for _, r := range res.Rows {
			out = append(out, fmt.Sprintf("%d:%s", r.Where.Row, r.Action))
		}
		return out
	}
	if diff := cmp.Diff(plan(dry), plan(real)); diff != "" {
		t.Fatalf("dry run and real run disagree (-dry +real):\n%s", diff)
	}
	if dry.Counts != real.Counts || real.Updated != 1 || real.Created != 1 || real.Rejected != 2 {
		t.Fatalf("dry %+v real %+v; want 1 update, 1 create, 2 rejects in both", dry.Counts, real.Counts)
	}
	if diff := cmp.Diff(issueCodes(dry), issueCodes(real)); diff != "" {
		t.Fatalf("dry run and real run issues differ (-dry +real):\n%s", diff)
	}
}

// failingRepo fails its nth write with a plain error.
type failingRepo struct {
	customer.Repository
	groups.Store
	writes, failOn int
}

func (r *failingRepo) Write(ctx context.Context, ops []customer.Op) ([]customer.Written, error) {
	r.writes++
	if r.writes == r.failOn {
		return nil, errors.New("storage unavailable")
	}
	return r.Repository.Write(ctx, ops)
}

func TestAFailureOnTheThirdBatchKeepsTwoAndARerunCompletes(t *testing.T) {
	store := newStore()
	var rows [][]any
	for i := range 25 {
		rows = append(rows, person(i))
	}
	file := workbook(t, "Person Customers", newPersonHeader, rows...)
	repo := &failingRepo{Repository: store, Store: store, failOn: 3}
	res, err := importBytes(t, repo, file, excelio.ImportOptions{Options: impex.Options{BatchSize: 10}})
	var fe *impex.FatalError
	if !errors.As(err, &fe) || fe.Where.Row != 22 {
		t.Fatalf("error %v, want a fatal error at row 22, the first row of the third batch", err)
	}
	if store.Len() != 20 || res.Created != 20 {
		t.Fatalf("stored %d, result says %d created; want the first two batches, 20", store.Len(), res.Created)
	}
	applied := 0
	for _, r := range res.Rows {
		if r.Applied {
			applied++
		}
	}
	if applied != 20 {
		t.Fatalf("%d rows marked applied, want 20", applied)
	}
	again, err := importBytes(t, store, file, excelio.ImportOptions{Options: impex.Options{BatchSize: 10}})
	if err != nil {
		t.Fatal(err)
	}
	if store.Len() != 25 || again.Created != 5 || again.Unchanged != 20 {
		t.Fatalf("rerun: stored %d, %+v; want 25 customers, 5 created and 20 unchanged", store.Len(), again.Counts)
	}
}

func TestDuplicatesWithinTheFileNameBothRows(t *testing.T) {
	// With room for three keys a read, the file's 11 keys are recorded in
	// rounds, reading the file more often.
	once := testDuplicatesWithinTheFile(t, 0)
	inRounds := testDuplicatesWithinTheFile(t, 3)
	if inRounds < 3*once {
		t.Errorf("the import read %d bytes with 3 keys a read and %d with the default, want at least three times as many", inRounds, once)
	}
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.ReaderAt
	n int64
}

func (c *countingReader) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.r.ReadAt(p, off)
	c.n += int64(n)
	return n, err
}

// testDuplicatesWithinTheFile imports a file of in-file duplicates and
// returns the bytes the import read.
func testDuplicatesWithinTheFile(t *testing.T, keysPerRead int) int64 {
	store := newStore()
	header := []string{"id", "email", "firstName", "lastName", "customerCard:1", "ssn"}
	file := workbook(t, "Person Customers", header,
		[]any{"", "a@example.fi", "A", "A", "600100000001", "131052-308T"},
		[]any{"", "A@example.fi", "B", "B", "600100000002", ""},
		[]any{"", "c@example.fi", "C", "C", "600100000001", ""},
		[]any{"", "d@example.fi", "D", "D", "", "131052-308T"},
		// The number's hash, as an export writes it, is the same key.
		[]any{"", "e@example.fi", "E", "E", "", testHasher(t).Hash("131052-308T")},
	)
	in := &countingReader{r: bytes.NewReader(file)}
	res, err := excelio.Import(context.Background(), store, in, int64(len(file)), excelio.ImportOptions{KeysPerRead: keysPerRead, SSN: testHasher(t), Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, is := range res.Report.Issues() {
		got = append(got, fmt.Sprintf("row %d %s duplicates row %d", is.Row, is.Field, is.Params.OtherRow))
		if strings.Contains(is.Error(), "131052") {
			t.Errorf("an issue shows the SSN: %s", is.Error())
		}
	}
	want := []string{"row 3 email duplicates row 2", "row 4 customerCard duplicates row 2", "row 5 ssn duplicates row 2",
		"row 6 ssn duplicates row 2"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("%d keys a read (-want +got):\n%s", keysPerRead, diff)
	}
	return in.n
}

func TestGenerateCards(t *testing.T) {
	store := newStore()
	ctx := context.Background()
	w, _ := store.Write(ctx, []customer.Op{
		customer.Put(&customer.Customer{Kind: customer.KindPerson, Number: "1", Profile: customer.Profile{FirstName: "Has", LastName: "Card"},
			Identifiers: customer.Identifiers{Cards: []string{"600100000001"}}}),
		customer.Put(&customer.Customer{Kind: customer.KindPerson, Number: "2", Profile: customer.Profile{FirstName: "No", LastName: "Card"}}),
	})
	header := []string{"id", "email", "firstName", "lastName", "customerCard:1"}
	format := cards.Format{Prefix: "7001", Length: 12}
	file := workbook(t, "Person Customers", header,
		[]any{w[0].ID, "", "Has", "Card", "generate()"},
		[]any{w[1].ID, "", "No", "Card", " GENERATE() "},
		[]any{"", "n1@example.fi", "New", "One", "generate()"},
		[]any{"", "n2@example.fi", "New", "Two", "Generate()"},
	)
	res, err := importBytes(t, store, file, excelio.ImportOptions{Cards: format})
	if err != nil {
		t.Fatal(err)
	}
	if res.Report.Errors() != 0 || res.Report.Warnings() != 1 || res.Report.ByCode()[validate.CodeGenerateIgnored] != 1 {
		t.Fatalf("issues %v, want exactly one generate-ignored warning", issueCodes(res))
	}
	if is := res.Report.Issues()[0]; is.Row != 2 || is.Column != "E" {
		t.Fatalf("the warning points at row %d column %s, want row 2 column E", is.Row, is.Column)
	}
	has, _ := store.Get(ctx, w[0].ID)
	if diff := cmp.Diff([]string{"600100000001"}, has.Identifiers.Cards); diff != "" {
		t.Fatalf("a customer with a card got another (-want +got):\n%s", diff)
	}
	seen := map[string]bool{}
	for _, c := range snapshot(t, store)[1:] {
		if len(c.Identifiers.Cards) != 1 || !format.Valid(c.Identifiers.Cards[0]) || seen[c.Identifiers.Cards[0]] {
			t.Fatalf("customer %s got cards %v, want one unique valid generated card", c.Number, c.Identifiers.Cards)
		}
		seen[c.Identifiers.Cards[0]] = true
	}
}

func TestACardGivenInTheFileIsNeverGeneratedForAnotherRow(t *testing.T) {
	format := cards.Format{Prefix: "7001", Length: 12}
	random := make([]byte, 4096)
	for i := range random {
		random[i] = byte(i*7 + i/3)
	}
	// The number the generator draws first from this randomness is given
	// to a later row of the file.
	first, err := (&cards.Generator{Format: format, Rand: bytes.NewReader(random)}).Generate(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	file := workbook(t, "Person Customers", []string{"id", "email", "firstName", "lastName", "customerCard:1"},
		[]any{"", "a@example.fi", "A", "A", "generate()"},
		[]any{"", "b@example.fi", "B", "B", first},
	)
	store := newStore()
	res, err := importBytes(t, store, file, excelio.ImportOptions{Cards: format, CardRand: bytes.NewReader(random)})
	if err != nil {
		t.Fatal(err)
	}
	if res.Created != 2 || res.Report.Len() != 0 {
		t.Fatalf("created %d, issues %v; want both rows created", res.Created, issueCodes(res))
	}
	got := snapshot(t, store)
	if a, b := got[0].Identifiers.Cards, got[1].Identifiers.Cards; len(a) != 1 || a[0] == first || !format.Valid(a[0]) || !slices.Equal(b, []string{first}) {
		t.Fatalf("cards %v and %v: want a new valid number for row 2, and %s for row 3", a, b, first)
	}
}

func TestLiteralCardOfAnotherCustomerIsRejected(t *testing.T) {
	store := newStore()
	store.Write(context.Background(), []customer.Op{customer.Put(&customer.Customer{Kind: customer.KindPerson, Number: "1",
		Identifiers: customer.Identifiers{Cards: []string{"600100000001"}}})})
	file := workbook(t, "Person Customers", []string{"id", "email", "firstName", "lastName", "customerCard:1"},
		[]any{"", "x@example.fi", "X", "Y", "600100000001"})
	res, err := importBytes(t, store, file, excelio.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Report.ByCode()[validate.CodeCardTaken] != 1 || res.Created != 0 {
		t.Fatalf("issues %v, want card.taken and no create", issueCodes(res))
	}
}

func TestGroupColumns(t *testing.T) {
	store := newStore()
	ctx := context.Background()
	w, _ := store.Write(ctx, []customer.Op{customer.Put(&customer.Customer{Kind: customer.KindPerson, Number: "1",
		Profile: customer.Profile{FirstName: "A", LastName: "B"}, Groups: []string{"old"}})})
	store.WriteGroups(ctx, []groups.Op{groups.Create(&groups.Group{ID: "old", Kind: groups.Static, Name: "old"})})
	file := workbook(t, "Person Customers", []string{"id", "firstName", "lastName", "group:NEWGROUP", "group:old"},
		[]any{w[0].ID, "A", "B", true, false})
	res, err := importBytes(t, store, file, excelio.ImportOptions{})
	if err != nil || res.Updated != 1 {
		t.Fatalf("err %v result %+v", err, res.Counts)
	}
	g, err := store.Group(ctx, "NEWGROUP")
	if err != nil || g.Kind != groups.Static || g.Name != "NEWGROUP" {
		t.Fatalf("group NEWGROUP = %+v, %v; want a static group named after its ID", g, err)
	}
	c, _ := store.Get(ctx, w[0].ID)
	if diff := cmp.Diff([]string{"NEWGROUP"}, c.Groups); diff != "" {
		t.Fatalf("memberships (-want +got):\n%s", diff)
	}
	dry := newStore()
	if _, err := importBytes(t, dry, workbook(t, "Person Customers", []string{"id", "email", "firstName", "lastName", "group:G"},
		[]any{"", "g@example.fi", "A", "B", true}), excelio.ImportOptions{Options: impex.Options{DryRun: true}}); err != nil {
		t.Fatal(err)
	}
	if _, err := dry.Group(ctx, "G"); !errors.Is(err, groups.ErrNotFound) {
		t.Fatalf("a dry run created a group (error %v)", err)
	}
}

func TestSSNCells(t *testing.T) {
	hasher := testHasher(t)
	other, _ := customer.NewSSNHasher(customer.SSNKey{ID: "t2", Secret: bytes.Repeat([]byte{7}, 32)})
	for _, tc := range []struct {
		name   string
		cell   string
		strict bool
		code   validate.Code
		want   string // the stored hash after import
	}{
		{"the stored hash re-imports as a no-op", hasher.Hash(existingSSN), false, "", hasher.Hash(existingSSN)},
		{"the stored hash is refused in strict mode", hasher.Hash(existingSSN), true, validate.CodeHashNotImportable, hasher.Hash(existingSSN)},
		{"another hash is refused", other.Hash("010190-123M"), false, validate.CodeHashNotImportable, hasher.Hash(existingSSN)},
		{"a plain number is stored as its hash", "010190-123M", false, "", hasher.Hash("010190-123M")},
		{"the same number in lower case changes nothing", "131052-308t", false, "", hasher.Hash(existingSSN)},
		{"a bad checksum is refused", "131052-308U", false, validate.CodeSSNChecksum, hasher.Hash(existingSSN)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			store, existing := newColumnFixture(t)
			file := workbook(t, "Person Customers", []string{"id", "ssn"}, []any{existing.ID, tc.cell})
			res, err := importBytes(t, store, file, excelio.ImportOptions{SSN: hasher, StrictSSN: tc.strict})
			if err != nil {
				t.Fatal(err)
			}
			if tc.code != "" {
				issues := res.Report.Row(2)
				if len(issues) != 1 || issues[0].Code != tc.code || issues[0].Column != "B" {
					t.Fatalf("issues %v, want one %s at column B", issueCodes(res), tc.code)
				}
				for _, text := range []string{issues[0].Error(), issues[0].Value} {
					if strings.Contains(text, tc.cell[:6]) {
						t.Fatalf("the issue shows the value: %q", text)
					}
				}
			} else if res.Report.Len() != 0 {
				t.Fatalf("unexpected issues %v", issueCodes(res))
			}
			got, _ := store.Get(context.Background(), existing.ID)
			if got.Identifiers.SSNHash != tc.want {
				t.Fatalf("stored hash %q, want %q", got.Identifiers.SSNHash, tc.want)
			}
		})
	}
	t.Run("a workbook with an ssn column needs a hasher", func(t *testing.T) {
		file := workbook(t, "Person Customers", []string{"id", "ssn"}, []any{"", "010190-123M"})
		_, err := excelio.Import(context.Background(), newStore(), bytes.NewReader(file), int64(len(file)), excelio.ImportOptions{})
		if !errors.Is(err, excelio.ErrNoSSNHasher) {
			t.Fatalf("got %v, want ErrNoSSNHasher", err)
		}
	})
}

func TestCellTypes(t *testing.T) {
	store, existing := newColumnFixture(t)
	header := []string{"id", "sequenceNumber", "creditAllowed", "marketingSms", "marketingEmail", "gdprRestricted", "customerCard:3"}
	file := workbook(t, "Person Customers", header,
		[]any{existing.ID, "1000001", "1", "FALSE", "true", 0, nil},
		[]any{existing.ID + "x", "", "yes", nil, nil, nil, nil},
	)
	res, err := importBytes(t, store, file, excelio.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// The second row names nobody, and its "yes" is no boolean either.
	want := []string{"3A:customer.unknown", "3C:boolean"}
	if diff := cmp.Diff(want, issueCodes(res)); diff != "" {
		t.Fatalf("issues (-want +got):\n%s", diff)
	}
	got, _ := store.Get(context.Background(), existing.ID)
	if !got.Flags.CreditAllowed || got.Flags.MarketingSMS || !got.Flags.MarketingEmail || got.Flags.GDPRRestricted {
		t.Fatalf("flags %+v, want credit true, sms false, email true, gdpr false", got.Flags)
	}
	lost := workbook(t, "Person Customers", []string{"id", "customerCard:3"}, []any{existing.ID, 6.0012345678901e+15})
	res, _ = importBytes(t, store, lost, excelio.ImportOptions{})
	if diff := cmp.Diff([]string{"2B:number.precision", "0:file.no-valid-rows"}, issueCodes(res)); diff != "" {
		t.Fatalf("a card that lost digits (-want +got):\n%s", diff)
	}
	bad := workbook(t, "Person Customers", []string{"id", "creditAllowed"}, []any{existing.ID, "yes"})
	res, _ = importBytes(t, store, bad, excelio.ImportOptions{})
	if diff := cmp.Diff([]string{"2B:boolean", "0:file.no-valid-rows"}, issueCodes(res)); diff != "" {
		t.Fatalf("a non-boolean (-want +got):\n%s", diff)
	}
}

func TestMatchByEmail(t *testing.T) {
	store, existing := newColumnFixture(t)
	file := workbook(t, "Person Customers", []string{"email", "firstName", "lastName"},
		[]any{"AINO@example.fi", "Aino-Maria", "Virtanen"},
		[]any{"someone@example.fi", "Some", "One"})
	res, err := importBytes(t, store, file, excelio.ImportOptions{MatchByEmail: true})
	if err != nil || res.Updated != 1 || res.Created != 1 {
		t.Fatalf("err %v %+v, want one update and one create", err, res.Counts)
	}
	got, _ := store.Get(context.Background(), existing.ID)
	if got.Profile.FirstName != "Aino-Maria" {
		t.Fatalf("first name %q", got.Profile.FirstName)
	}
}

// A row that names no customer it can change still reports what is wrong
// with its cells, so that one reading of the file says everything wrong
// with the row; a delete, which reads only what names the customer, does
// not.
func TestARowNamingNoCustomerStillReportsItsCells(t *testing.T) {
	header := []string{"id", "email", "firstName", "lastName", "phone"}
	row := []any{"nosuch", "bad@", "A", "B", "12"}
	for _, tc := range []struct {
		mode impex.Mode
		want map[validate.Code]int
	}{
		{impex.ModeMerge, map[validate.Code]int{validate.CodeUnknownCustomer: 1, validate.CodeEmailDomain: 1, validate.CodePhoneLength: 1}},
		{impex.ModeUpdate, map[validate.Code]int{validate.CodeUnknownCustomer: 1, validate.CodeEmailDomain: 1, validate.CodePhoneLength: 1}},
		{impex.ModeDelete, map[validate.Code]int{validate.CodeUnknownCustomer: 1}},
	} {
		store := newStore()
		res, err := importBytes(t, store, workbook(t, "Person Customers", header, row), excelio.ImportOptions{Options: impex.Options{Mode: tc.mode}})
		if err != nil {
			t.Fatal(err)
		}
		got := res.Report.ByCode()
		delete(got, validate.CodeNoValidRows)
		if diff := cmp.Diff(tc.want, got); diff != "" || res.Rejected != 1 {
			t.Errorf("mode %v: rejected %d, issues by code (-want +got):\n%s", tc.mode, res.Rejected, diff)
		}
	}
}

func TestModes(t *testing.T) {
	t.Run("update refuses new customers", func(t *testing.T) {
		store := newStore()
		res, _ := importBytes(t, store, workbook(t, "Person Customers", newPersonHeader, person(1)),
			excelio.ImportOptions{Options: impex.Options{Mode: impex.ModeUpdate}})
		if res.Report.ByCode()[validate.CodeUnknownCustomer] != 1 || store.Len() != 0 {
			t.Fatalf("issues %v stored %d", issueCodes(res), store.Len())
		}
	})
	t.Run("delete removes the named customers", func(t *testing.T) {
		store, existing := newColumnFixture(t)
		res, err := importBytes(t, store, workbook(t, "Person Customers", []string{"id"}, []any{existing.ID}),
			excelio.ImportOptions{Options: impex.Options{Mode: impex.ModeDelete}})
		if err != nil || res.Deleted != 1 || store.Len() != 0 {
			t.Fatalf("err %v %+v stored %d", err, res.Counts, store.Len())
		}
	})
	t.Run("replace clears what the file does not carry", func(t *testing.T) {
		store, existing := newColumnFixture(t)
		res, err := importBytes(t, store, workbook(t, "Person Customers", []string{"id", "firstName", "lastName"},
			[]any{existing.ID, "Aino", "Virtanen"}), excelio.ImportOptions{Options: impex.Options{Mode: impex.ModeReplace}})
		if err != nil || res.Updated != 1 {
			t.Fatalf("err %v %+v", err, res.Counts)
		}
		got, _ := store.Get(context.Background(), existing.ID)
		if got.Profile.Email != "" || got.Note != "" || len(got.Identifiers.Cards) != 0 || got.Number != existing.Number {
			t.Fatalf("after replace: %+v", got)
		}
	})
}

func TestImportWritesNoTemporaryFiles(t *testing.T) {
	store := newStore()
	var rows [][]any
	for i := range 2000 {
		rows = append(rows, person(i))
	}
	b := workbook(t, "Person Customers", newPersonHeader, rows...)
	// A temporary directory below a regular file can never be created, so
	// any attempt to write a temporary file fails and with it the import.
	blocker := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TMPDIR", filepath.Join(blocker, "tmp"))
	if _, err := os.CreateTemp("", "probe"); err == nil {
		t.Fatal("a temporary file could still be created; the test proves nothing")
	}
	res, err := importBytes(t, store, b, excelio.ImportOptions{})
	if err != nil || res.Created != 2000 {
		t.Fatalf("err %v %+v", err, res.Counts)
	}
}

func TestAStoredValueTheRulesNowRefuseIsKeptWhileItsCellIsUnedited(t *testing.T) {
	store := newStore()
	ctx := context.Background()
	w, err := store.Write(ctx, []customer.Op{customer.Put(&customer.Customer{Kind: customer.KindPerson, Number: "1",
		Profile: customer.Profile{FirstName: "Old", LastName: "Phone", Phones: customer.Phones{Mobile: "12"}}})}) // stored before the phone rule
	if err != nil {
		t.Fatal(err)
	}
	header := []string{"id", "firstName", "lastName", "phone"}
	unedited := workbook(t, "Person Customers", header, []any{w[0].ID, "Old", "Phone", "12"})
	res, err := importBytes(t, store, unedited, excelio.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Unchanged != 1 || res.Report.Len() != 0 {
		t.Fatalf("the unedited row: %+v, issues %v; want it unchanged and no issue", res.Counts, issueCodes(res))
	}
	edited := workbook(t, "Person Customers", header, []any{w[0].ID, "Old", "Phone", "13"})
	res, err = importBytes(t, store, edited, excelio.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if is := res.Report.Issues(); res.Rejected != 1 || len(is) == 0 || is[0].Column != "D" || is[0].Row != 2 {
		t.Fatalf("the edited row: %+v, issues %v; want it rejected for cell D2", res.Counts, is)
	}
}

func TestTheStoredNumberUnderAnOlderKeyChangesNothing(t *testing.T) {
	store, existing := newColumnFixture(t) // its hash made with key t1
	rotated, err := customer.NewSSNHasher(customer.SSNKey{ID: "t3", Secret: bytes.Repeat([]byte{3}, 32)},
		customer.SSNKey{ID: "t1", Secret: bytes.Repeat([]byte{42}, 32)})
	if err != nil {
		t.Fatal(err)
	}
	file := workbook(t, "Person Customers", []string{"id", "ssn"}, []any{existing.ID, existingSSN})
	res, err := importBytes(t, store, file, excelio.ImportOptions{SSN: rotated})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := store.Get(context.Background(), existing.ID)
	if res.Unchanged != 1 || res.Report.Len() != 0 || got.Identifiers.SSNHash != existing.Identifiers.SSNHash {
		t.Fatalf("%+v, issues %v, stored hash %q; want the row unchanged and the t1 hash kept", res.Counts, issueCodes(res), got.Identifiers.SSNHash)
	}
}

// A row without a sequenceNumber never draws a number a later row gives:
// the draw skips the numbers the first pass saw, so the dry run and the
// real run agree.
func TestDrawnNumbersSkipTheFilesNumbers(t *testing.T) {
	file := workbook(t, "Person Customers", []string{"id", "sequenceNumber", "email", "firstName", "lastName"},
		[]any{"", "", "a@example.fi", "A", "A"},
		[]any{"", "3", "b@example.fi", "B", "B"},
		[]any{"", "", "c@example.fi", "C", "C"},
		[]any{"", "", "d@example.fi", "D", "D"},
	)
	for _, dry := range []bool{true, false} {
		store := newStore()
		if _, err := store.NextNumber(context.Background(), ""); err != nil { // the sequence is at 1
			t.Fatal(err)
		}
		res, err := importBytes(t, store, file, excelio.ImportOptions{Options: impex.Options{DryRun: dry}})
		if err != nil {
			t.Fatal(err)
		}
		if res.Created != 4 || res.Rejected != 0 {
			t.Fatalf("dry run %v: %+v, issues %v; want all four created", dry, res.Counts, issueCodes(res))
		}
		if dry {
			continue
		}
		for email, want := range map[string]string{"a@example.fi": "2", "b@example.fi": "3", "c@example.fi": "4", "d@example.fi": "5"} {
			if c, err := store.ByEmail(context.Background(), "", email); err != nil || c.Number != want {
				t.Errorf("%s: %v, %v; want number %s", email, c, err, want)
			}
		}
	}
}
