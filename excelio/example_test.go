package excelio_test

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"

	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/customer/memstore"
	"github.com/impexkit/impex/excelio"
)

// Export a store, change a name in the person workbook, and import it back.
func Example() {
	ctx := context.Background()
	store := memstore.New(memstore.Options{})
	store.Write(ctx, []customer.Op{customer.Put(&customer.Customer{Kind: customer.KindPerson, Number: "1001",
		Profile: customer.Profile{FirstName: "Aino", LastName: "Virtanen", Email: "aino@example.fi"}})})

	var zipped bytes.Buffer
	res, _ := excelio.Export(ctx, &zipped, store, customer.Filter{}, excelio.ExportOptions{})
	fmt.Println("exported", res.Persons, "persons and", res.Companies, "companies")

	// The user edits the person workbook: a new first name, and a new
	// customer with a broken e-mail address.
	zr, _ := zip.NewReader(bytes.NewReader(zipped.Bytes()), int64(zipped.Len()))
	f, _ := zr.Open("Person Customers.xlsx")
	book, _ := io.ReadAll(f)
	x, _ := excelize.OpenReader(bytes.NewReader(book))
	x.SetCellStr("Person Customers", "D2", "Aino-Maria")
	x.SetSheetRow("Person Customers", "A3", &[]any{"", "", "broken@", "Eino", "Mäkinen"})
	var edited bytes.Buffer
	x.Write(&edited)

	result, err := excelio.Import(ctx, store, bytes.NewReader(edited.Bytes()), int64(edited.Len()), excelio.ImportOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(result.Updated, "updated,", result.Rejected, "rejected")
	for is := range result.Report.All() {
		fmt.Println(is)
	}
	// Output:
	// exported 1 persons and 0 companies
	// 1 updated, 1 rejected
	// sheet "Person Customers", row 3, column C (email): the part after the @ is not a domain name such as example.com; value "broken@"
}
