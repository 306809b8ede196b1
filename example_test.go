package impex_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"strings"

	"github.com/impexkit/impex"
	"github.com/impexkit/impex/activedata"
	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/customer/memstore"
	"github.com/impexkit/impex/validate"
	"github.com/impexkit/impex/xmlio"
)

// A front end turns its user's choices into impex.Options, runs an import
// of any format, and reads every result and error the same way.
func Example() {
	ctx := context.Background()
	store := memstore.New(memstore.Options{})
	if _, err := store.Write(ctx, []customer.Op{customer.Put(&customer.Customer{Kind: customer.KindPerson, Number: "1001"})}); err != nil {
		log.Fatal(err)
	}
	feeds, err := activedata.NewFeedSet(0, activedata.Feed{ID: "crm", Attributes: []activedata.Attribute{{ID: "points", Type: activedata.TypeInt}}})
	if err != nil {
		log.Fatal(err)
	}

	// What a form or a command line would pass.
	mode, err := impex.ParseMode("update")
	if err != nil {
		log.Fatal(err)
	}
	policy, err := impex.ParsePolicy("skip")
	if err != nil {
		log.Fatal(err)
	}
	opts := impex.Options{Mode: mode, Policy: policy}

	imports := map[string]func() (*impex.Result, error){
		"customers.xml": func() (*impex.Result, error) {
			doc := `<customers xmlns="http://www.demandware.com/xml/impex/customer/2006-10-31">
  <customer customer-no="1001"><profile><first-name>Aino</first-name></profile></customer>
  <customer customer-no="1002"><profile><first-name>Eino</first-name></profile></customer>
</customers>`
			res, err := xmlio.Import(ctx, store, strings.NewReader(doc), xmlio.ImportOptions{Options: opts, Document: "customers.xml"})
			return &res.Result, err
		},
		"points.csv": func() (*impex.Result, error) {
			return activedata.ImportCSV(ctx, store, feeds, "crm", strings.NewReader("customerNo,points\n1001,40\n"),
				activedata.ImportOptions{Options: opts, Document: "points.csv"})
		},
		"notes.txt": func() (*impex.Result, error) {
			res, err := xmlio.Import(ctx, store, strings.NewReader("just some notes"), xmlio.ImportOptions{Options: opts, Document: "notes.txt"})
			return &res.Result, err
		},
	}
	for _, name := range []string{"customers.xml", "points.csv", "notes.txt"} {
		res, err := imports[name]()
		var fileErr *impex.FileError
		var fatal *impex.FatalError
		switch {
		case errors.As(err, &fileErr):
			fmt.Printf("%s: cannot be imported (not this format: %t)\n", name, errors.Is(err, impex.ErrFormat))
		case errors.As(err, &fatal):
			fmt.Printf("%s: stopped after %d rows: %v\n", name, res.Applied(), err)
		default:
			fmt.Printf("%s: updated %d, rejected %d\n", name, res.Updated, res.Rejected)
		}
		for is := range res.Report.All() {
			fmt.Println("  " + is.Text(validate.Finnish))
		}
	}
	// Output:
	// customers.xml: updated 1, rejected 1
	//   customers.xml, tietue 2, rivi 3 (customers/customer): tällä tunnisteella ei ole asiakasta; arvo "1002"
	// points.csv: updated 1, rejected 0
	// notes.txt: cannot be imported (not this format: true)
	//   notes.txt, rivi 1: tiedosto ei ole XML-asiakirja
}
