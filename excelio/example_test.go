package excelio_test

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log"
	"os"
	"path/filepath"

	"github.com/xuri/excelize/v2"

	"github.com/impexkit/impex"
	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/customer/memstore"
	"github.com/impexkit/impex/excelio"
	"github.com/impexkit/impex/validate"
)

// ainoStore returns a store holding one person, Aino Virtanen, number 1001.
func ainoStore(ctx context.Context) *memstore.Store {
	store := memstore.New(memstore.Options{})
	aino := &customer.Customer{Kind: customer.KindPerson, Number: "1001",
		Profile: customer.Profile{FirstName: "Aino", LastName: "Virtanen", Email: "aino@example.fi"}}
	if _, err := store.Write(ctx, []customer.Op{customer.Put(aino)}); err != nil {
		log.Fatal(err)
	}
	return store
}

// editedWorkbook exports store and edits its person workbook as a user
// would: Aino's first name changes, and a row is added for a new customer
// whose e-mail address is broken.
func editedWorkbook(ctx context.Context, store customer.Repository) []byte {
	var zipped bytes.Buffer
	if _, err := excelio.Export(ctx, &zipped, store, customer.Filter{}, excelio.ExportOptions{}); err != nil {
		log.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(zipped.Bytes()), int64(zipped.Len()))
	if err != nil {
		log.Fatal(err)
	}
	f, err := zr.Open("Person Customers.xlsx")
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	x, err := excelize.OpenReader(f)
	if err != nil {
		log.Fatal(err)
	}
	defer x.Close()
	if err := x.SetCellStr("Person Customers", "D2", "Aino-Maria"); err != nil {
		log.Fatal(err)
	}
	if err := x.SetSheetRow("Person Customers", "A3", &[]any{"", "", "broken@", "Eino", "Mäkinen"}); err != nil {
		log.Fatal(err)
	}
	var edited bytes.Buffer
	if err := x.Write(&edited); err != nil {
		log.Fatal(err)
	}
	return edited.Bytes()
}

// Export a store, change a name in the person workbook, and import it back.
func Example() {
	ctx := context.Background()
	store := ainoStore(ctx)
	book := editedWorkbook(ctx, store)

	result, err := excelio.Import(ctx, store, bytes.NewReader(book), int64(len(book)), excelio.ImportOptions{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(result.Updated, "updated,", result.Rejected, "rejected")
	for is := range result.Report.All() {
		fmt.Println(is)
	}
	// Output:
	// 1 updated, 1 rejected
	// sheet "Person Customers", row 3, column C (email): the part after the @ is not a domain name such as example.com; value "broken@"
}

// Export writes one ZIP of two workbooks, both always present.
func ExampleExport() {
	ctx := context.Background()
	store := ainoStore(ctx)

	var zipped bytes.Buffer
	res, err := excelio.Export(ctx, &zipped, store, customer.Filter{}, excelio.ExportOptions{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("exported", res.Persons, "persons and", res.Companies, "companies")
	zr, err := zip.NewReader(bytes.NewReader(zipped.Bytes()), int64(zipped.Len()))
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range zr.File {
		fmt.Println(f.Name)
	}
	// Output:
	// exported 1 persons and 0 companies
	// Person Customers.xlsx
	// Company Customers.xlsx
}

// A dry run checks a workbook file and plans every row without writing;
// a file that is not there is a *impex.FileError wrapping fs.ErrNotExist.
func ExampleImportFile() {
	ctx := context.Background()
	store := ainoStore(ctx)
	dir, err := os.MkdirTemp("", "impex-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "Person Customers.xlsx")
	if err := os.WriteFile(path, editedWorkbook(ctx, store), 0o600); err != nil {
		log.Fatal(err)
	}

	res, err := excelio.ImportFile(ctx, store, path, excelio.ImportOptions{Options: impex.Options{DryRun: true}})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("dry run: read %d, would update %d, rejected %d\n", res.Read, res.Updated, res.Rejected)
	c, err := store.ByNumber(ctx, "", "1001")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("stored first name:", c.Profile.FirstName)

	_, err = excelio.ImportFile(ctx, store, filepath.Join(dir, "missing.xlsx"), excelio.ImportOptions{})
	var fe *impex.FileError
	fmt.Println("missing file:", errors.As(err, &fe), errors.Is(err, fs.ErrNotExist))
	// Output:
	// dry run: read 2, would update 1, rejected 1
	// stored first name: Aino
	// missing file: true true
}

// WriteRejected gives the user back the rows to fix, with the reasons in
// their language.
func ExampleResult_WriteRejected() {
	ctx := context.Background()
	store := ainoStore(ctx)
	book := editedWorkbook(ctx, store)
	res, err := excelio.Import(ctx, store, bytes.NewReader(book), int64(len(book)), excelio.ImportOptions{})
	if err != nil {
		log.Fatal(err)
	}

	var rejected bytes.Buffer
	if err := res.WriteRejected(&rejected, excelio.RejectedOptions{Language: validate.Finnish}); err != nil {
		log.Fatal(err)
	}
	x, err := excelize.OpenReader(&rejected)
	if err != nil {
		log.Fatal(err)
	}
	defer x.Close()
	rows, err := x.GetRows(x.GetSheetName(0))
	if err != nil {
		log.Fatal(err)
	}
	for _, row := range rows {
		fmt.Printf("%q ... %q\n", row[:3], row[len(row)-1])
	}
	// Output:
	// ["id" "sequenceNumber" "email"] ... "_errors"
	// ["" "" "broken@"] ... "email: @-merkin jälkeinen osa ei ole verkkotunnus, kuten example.com"
}
