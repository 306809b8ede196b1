package xmlio_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"strings"

	"github.com/impexkit/impex"
	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/customer/memstore"
	"github.com/impexkit/impex/xmlio"
)

// A customers document imported in update mode with a dry run first:
// the dry run plans, the real run applies the same plan.
func ExampleImport() {
	const doc = `<customers xmlns="http://www.demandware.com/xml/impex/customer/2006-10-31">
    <customer customer-no="1001"><profile><last-name>Korhonen</last-name></profile></customer>
    <customer customer-no="1002"><profile><last-name>Nieminen</last-name></profile></customer>
</customers>`
	ctx := context.Background()
	store := memstore.New(memstore.Options{})
	aino := &customer.Customer{Kind: customer.KindPerson, Number: "1001", Profile: customer.Profile{FirstName: "Aino", LastName: "Virtanen"}}
	if _, err := store.Write(ctx, []customer.Op{customer.Put(aino)}); err != nil {
		log.Fatal(err)
	}

	for _, dry := range []bool{true, false} {
		res, err := xmlio.Import(ctx, store, strings.NewReader(doc), xmlio.ImportOptions{
			Options:  impex.Options{Mode: impex.ModeUpdate, DryRun: dry},
			Document: "customers.xml",
		})
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("dry run %t: updated %d, rejected %d\n", res.DryRun, res.Updated, res.Rejected)
		for is := range res.Report.All() {
			fmt.Println(" ", is)
		}
	}
	c, err := store.ByNumber(ctx, "", "1001")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(c.DisplayName())
	// Output:
	// dry run true: updated 1, rejected 1
	//   customers.xml, record 2, line 3 (customers/customer): no customer has this identifier; value "1002"
	// dry run false: updated 1, rejected 1
	//   customers.xml, record 2, line 3 (customers/customer): no customer has this identifier; value "1002"
	// Aino Korhonen
}

// ExportCustomerList writes the list's header settings before its
// customers.
func ExampleExportCustomerList() {
	ctx := context.Background()
	store := memstore.New(memstore.Options{})
	aino := &customer.Customer{Kind: customer.KindPerson, Number: "1001", Credentials: customer.Credentials{Login: "aino@example.fi"},
		Profile: customer.Profile{FirstName: "Aino", LastName: "Virtanen"}}
	if _, err := store.Write(ctx, []customer.Op{customer.Put(aino)}); err != nil {
		log.Fatal(err)
	}
	minLength := int64(10)
	list := customer.ListSettings{ID: "nordic", Description: "Nordic shops", MinPasswordLength: &minLength}
	n, err := xmlio.ExportCustomerList(ctx, os.Stdout, store, list, xmlio.ExportOptions{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(n, "customer")
	// Output:
	// <?xml version="1.0" encoding="UTF-8"?>
	// <customer-list xmlns="http://www.demandware.com/xml/impex/customer/2006-10-31" list-id="nordic">
	//     <header>
	//         <description>Nordic shops</description>
	//         <min-password-length>10</min-password-length>
	//     </header>
	//     <customer customer-no="1001">
	//         <credentials>
	//             <login>aino@example.fi</login>
	//             <enabled-flag>true</enabled-flag>
	//         </credentials>
	//         <profile>
	//             <first-name>Aino</first-name>
	//             <last-name>Virtanen</last-name>
	//         </profile>
	//     </customer>
	// </customer-list>
	// 1 customer
}

// A Decoder yields a document's records one at a time, each with the
// issues found in it, for programs that apply records themselves.
func ExampleNewDecoder() {
	const doc = `<customers xmlns="http://www.demandware.com/xml/impex/customer/2006-10-31">
    <customer customer-no="1001"><profile><first-name>Aino</first-name><gender>sometimes</gender></profile></customer>
    <group-assignment group-id="vip" customer-no="1001"/>
</customers>`
	dec := xmlio.NewDecoder(strings.NewReader(doc), xmlio.DecodeOptions{Document: "customers.xml"})
	for rec, err := range dec.All() {
		if err != nil {
			log.Fatal(err)
		}
		switch rec := rec.(type) {
		case *xmlio.CustomerRecord:
			fmt.Println("customer", rec.Patch.Set.Number, rec.Patch.Set.Profile.FirstName)
		case *xmlio.GroupAssignment:
			fmt.Println("assignment of", rec.CustomerNo, "to", rec.GroupID)
		}
		for _, is := range rec.Problems() {
			fmt.Println(" ", is)
		}
	}
	// Output:
	// customer 1001 Aino
	//   customers.xml, record 1, line 2 (customers/customer/profile/gender): not a gender: use male, female or a whole number; value "sometimes"
	// assignment of 1001 to vip
}

// An Encoder writes records as they come, in a fixed layout.
func ExampleNewEncoder() {
	enc, err := xmlio.NewEncoder(os.Stdout, xmlio.DocCustomers, xmlio.EncodeOptions{})
	if err != nil {
		log.Fatal(err)
	}
	aino := &customer.Customer{Number: "1001", Profile: customer.Profile{FirstName: "Aino", LastName: "Virtanen & Co"}}
	if err := enc.WriteCustomer(aino); err != nil {
		log.Fatal(err)
	}
	if err := enc.WriteGroupAssignment(xmlio.GroupAssignment{GroupID: "vip", CustomerNo: "1001"}); err != nil {
		log.Fatal(err)
	}
	if err := enc.Close(); err != nil {
		log.Fatal(err)
	}
	// Output:
	// <?xml version="1.0" encoding="UTF-8"?>
	// <customers xmlns="http://www.demandware.com/xml/impex/customer/2006-10-31">
	//     <customer customer-no="1001">
	//         <profile>
	//             <first-name>Aino</first-name>
	//             <last-name>Virtanen &amp; Co</last-name>
	//         </profile>
	//     </customer>
	//     <group-assignment group-id="vip" customer-no="1001"/>
	// </customers>
}
