package excelio_test

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/excelio"
	"github.com/impexkit/impex/validate"
)

// The rejected-rows workbook carries no plain identity number, valid or
// not, in any part of its archive unless the caller asks to keep them; the
// ssn cells are emptied with a comment and a reason.
func TestRejectedWorkbookLeavesOutIdentityNumbers(t *testing.T) {
	valid := fiSSN(time.Date(1985, 3, 4, 0, 0, 0, 0, time.UTC), 123)
	invalid := valid[:len(valid)-1] + "Z" // a wrong check character
	if invalid == valid {
		invalid = valid[:len(valid)-1] + "Y"
	}
	header := []string{"id", "email", "firstName", "lastName", "ssn"}
	b := workbook(t, "Person Customers", header,
		[]any{"", "not an e-mail", "Aino", "Aalto", valid}, // rejected for its e-mail
		[]any{"", "b@example.fi", "Eino", "Eklund", invalid},
		[]any{"", "c@example.fi", "Oona", "Ojala", ""},
	)
	res, err := importBytes(t, newStore(), b, excelio.ImportOptions{})
	if err != nil || res.Rejected != 2 {
		t.Fatalf("import: %v, %+v; want 2 rejected", err, res.Counts)
	}
	write := func(opts excelio.RejectedOptions) []byte {
		var buf bytes.Buffer
		if err := res.WriteRejected(&buf, opts); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	// archiveText is every part of the workbook, inflated.
	archiveText := func(b []byte) string {
		zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			t.Fatal(err)
		}
		var all strings.Builder
		for _, f := range zr.File {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(&all, rc)
			rc.Close()
		}
		return all.String()
	}

	def := write(excelio.RejectedOptions{})
	text := archiveText(def)
	for _, n := range []string{valid, invalid} {
		if strings.Contains(text, n) {
			t.Errorf("the rejected workbook holds the identity number %s", n)
		}
	}
	rows := readSheet(t, def)
	removed := validate.New(validate.CodeSSNRemoved, validate.Where{}).Message(validate.English)
	for i, row := range rows[1:] {
		if row[4] != "" || !strings.Contains(row[5], "ssn: "+removed) {
			t.Errorf("row %d: ssn %q, _errors %q; want the cell empty and the reason given", i+2, row[4], row[5])
		}
	}
	if !strings.Contains(text, removed) {
		t.Error("no cell comment says the number was removed")
	}

	kept := archiveText(write(excelio.RejectedOptions{KeepSSN: true}))
	for _, n := range []string{valid, invalid} {
		if !strings.Contains(kept, n) {
			t.Errorf("with KeepSSN the workbook lacks %s", n)
		}
	}
}

// Issues about a key's value, found in the file or against the store,
// point at the value's cell, so the rejected workbook comments that cell:
// a card another customer has, an e-mail the file gives twice, a number
// the store holds.
func TestKeyIssuesCommentTheirCells(t *testing.T) {
	store, existing := newColumnFixture(t)
	other := &customer.Customer{Kind: customer.KindPerson, Number: "2000002"}
	if _, err := store.Write(context.Background(), []customer.Op{customer.Put(other)}); err != nil {
		t.Fatal(err)
	}
	header := []string{"id", "sequenceNumber", "email", "firstName", "lastName", "customerCard:1"}
	file := workbook(t, "Person Customers", header,
		[]any{"", "", "a@example.fi", "A", "A", existing.Identifiers.Cards[0]},
		[]any{"", "", "twice@example.fi", "B", "B", ""},
		[]any{"", "", "twice@example.fi", "C", "C", ""},
		[]any{existing.ID, other.Number, "aino@example.fi", "Aino", "Virtanen", ""},
	)
	res, err := importBytes(t, store, file, excelio.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[validate.Code]string{validate.CodeCardTaken: "F2", validate.CodeDuplicateInFile: "C4", validate.CodeDuplicateInStore: "B5"}
	for is := range res.Report.All() {
		cell, ok := want[is.Code]
		if !ok {
			t.Errorf("unexpected issue %v", is)
			continue
		}
		if got := fmt.Sprintf("%s%d", is.Column, is.Row); got != cell {
			t.Errorf("%s at %q, want %s", is.Code, got, cell)
		}
	}
	var buf bytes.Buffer
	if err := res.WriteRejected(&buf, excelio.RejectedOptions{}); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	comments, err := x.GetComments(x.GetSheetList()[0])
	if err != nil {
		t.Fatal(err)
	}
	var cells []string
	for _, c := range comments {
		cells = append(cells, c.Cell)
	}
	// The rejected rows are rows 2 to 4 of the rejected workbook.
	if diff := cmp.Diff([]string{"B4", "C3", "F2"}, sorted(cells)); diff != "" {
		t.Errorf("comments on cells (-want +got):\n%s", diff)
	}
}
