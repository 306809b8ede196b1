package xmlio_test

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/customer/memstore"
	"github.com/impexkit/impex/xmlio"
)

func Example() {
	const doc = `<?xml version="1.0" encoding="UTF-8"?>
<customers xmlns="http://www.demandware.com/xml/impex/customer/2006-10-31">
    <customer customer-no="00001">
        <credentials>
            <login>anna@example.com</login>
            <password encrypted="false">correct horse</password>
        </credentials>
        <profile>
            <first-name>Anna</first-name>
            <last-name>Virtanen &amp; Co</last-name>
            <gender>female</gender>
        </profile>
        <addresses>
            <address address-id="Home" preferred="true">
                <city>Helsinki</city>
                <country-code>FI</country-code>
            </address>
        </addresses>
    </customer>
    <customer>
        <credentials><login>matti@example.com</login></credentials>
        <profile><gender>sometimes</gender></profile>
    </customer>
</customers>`

	ctx := context.Background()
	store := memstore.New(memstore.Options{})
	res, err := xmlio.Import(ctx, store, strings.NewReader(doc), xmlio.ImportOptions{
		Document: "customers.xml",
		// Cheap scrypt parameters keep the example fast; use the defaults
		// in production.
		Hasher: customer.PasswordHasher{LogN: 4, R: 1, P: 1},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("read %d, created %d, rejected %d\n", res.Read, res.Created, res.Rejected)
	for is := range res.Report.All() {
		fmt.Printf("%s: record %d, line %d, %s, value %q\n", is.Code, is.Record, is.Line, is.Path, is.Value)
	}

	// Export writes what is stored: the hashed password, gender as a code.
	var out strings.Builder
	if _, err := xmlio.ExportCustomers(ctx, &out, store, xmlio.ExportOptions{}); err != nil {
		fmt.Println(err)
		return
	}
	for _, line := range strings.Split(out.String(), "\n") {
		if strings.Contains(line, "<password") {
			line = line[:strings.Index(line, ">")+1] + "…"
		}
		fmt.Fprintln(os.Stdout, line)
	}
	// Output:
	// read 2, created 1, rejected 1
	// gender: record 2, line 22, customers/customer/profile/gender, value "sometimes"
	// <?xml version="1.0" encoding="UTF-8"?>
	// <customers xmlns="http://www.demandware.com/xml/impex/customer/2006-10-31">
	//     <customer customer-no="00001">
	//         <credentials>
	//             <login>anna@example.com</login>
	//             <password encrypted="true" encryptionScheme="scrypt">…
	//             <enabled-flag>true</enabled-flag>
	//         </credentials>
	//         <profile>
	//             <first-name>Anna</first-name>
	//             <last-name>Virtanen &amp; Co</last-name>
	//             <gender>2</gender>
	//         </profile>
	//         <addresses>
	//             <address address-id="Home" preferred="true">
	//                 <city>Helsinki</city>
	//                 <country-code>FI</country-code>
	//             </address>
	//         </addresses>
	//     </customer>
	// </customers>
}
