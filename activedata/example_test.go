package activedata_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"strings"

	"github.com/impexkit/impex"
	"github.com/impexkit/impex/activedata"
	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/customer/memstore"
	"github.com/impexkit/impex/groups"
)

// Example defines a feed, imports its CSV file (semicolon-separated, as a
// spreadsheet writes it), finds the members of a dynamic group on a custom
// value, and exports the feed again.
func Example() {
	ctx := context.Background()
	feeds, err := activedata.NewFeedSet(0, activedata.Feed{ID: "loyalty", Attributes: []activedata.Attribute{
		{ID: "points", Type: activedata.TypeInt},
		{ID: "balance", Type: activedata.TypeNumber},
	}})
	if err != nil {
		panic(err)
	}
	store := memstore.New(memstore.Options{})
	for _, no := range []string{"1001", "1002", "1003"} {
		if _, err := store.Write(ctx, []customer.Op{customer.Put(&customer.Customer{Kind: customer.KindPerson, Number: no})}); err != nil {
			panic(err)
		}
	}

	file := "customerNo;points;balance\r\n1001;1200;-12,50\r\n1002;300;0\r\n9999;1;1\r\n"
	res, err := activedata.ImportCSV(ctx, store, feeds, "loyalty", strings.NewReader(file), activedata.ImportOptions{Document: "loyalty.csv"})
	if err != nil {
		panic(err)
	}
	fmt.Printf("updated %d, rejected %d\n", res.Updated, res.Rejected)
	for _, is := range res.Report.Issues() {
		fmt.Println(is)
	}

	rule := &groups.Rule{Included: []groups.ConditionGroup{{Mode: groups.MatchAll, Conditions: []groups.Condition{{
		Path: activedata.RulePath("points"), Operator: groups.IsGreaterThanOrEqual, Value: groups.ValueInts(1000),
	}}}}}
	gold, err := groups.Compile(rule, groups.Options{CustomTypes: feeds.CustomTypes()})
	if err != nil {
		panic(err)
	}
	for c, err := range store.List(ctx, customer.Filter{}) {
		if err != nil {
			panic(err)
		}
		if gold.Match(&groups.Subject{Customer: c}) {
			fmt.Println("gold:", c.Number)
		}
	}

	if _, err := activedata.ExportCSV(ctx, os.Stdout, store, feeds, "loyalty", activedata.ExportOptions{}); err != nil {
		panic(err)
	}
	// Output:
	// updated 2, rejected 1
	// sheet "loyalty.csv", row 4, column A (customerNo): no customer has this identifier; value "9999"
	// gold: 1001
	// customerNo,points,balance
	// 1001,1200,-12.5
	// 1002,300,0
}

// ImportCSV with the all-or-nothing policy applies nothing when one row is
// wrong, and says which.
func ExampleImportCSV() {
	ctx := context.Background()
	feeds, err := activedata.NewFeedSet(0, activedata.Feed{ID: "crm", Attributes: []activedata.Attribute{{ID: "points", Type: activedata.TypeInt}}})
	if err != nil {
		log.Fatal(err)
	}
	store := memstore.New(memstore.Options{})
	ops := []customer.Op{
		customer.Put(&customer.Customer{Kind: customer.KindPerson, Number: "1001"}),
		customer.Put(&customer.Customer{Kind: customer.KindPerson, Number: "1002"}),
	}
	if _, err := store.Write(ctx, ops); err != nil {
		log.Fatal(err)
	}

	file := "customerNo,points\n1001,120\n1002,many\n"
	res, err := activedata.ImportCSV(ctx, store, feeds, "crm", strings.NewReader(file), activedata.ImportOptions{
		Options:  impex.Options{Policy: impex.AllOrNothing},
		Document: "crm.csv",
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("read %d, valid %d, applied %d\n", res.Read, res.Valid, res.Applied())
	for is := range res.Report.All() {
		fmt.Println(is)
	}
	// Output:
	// read 2, valid 1, applied 0
	// sheet "crm.csv", row 3, column B (points): not a whole number; value "many"
}
