package xmlio_test

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/impexkit/impex/customer/memstore"
	"github.com/impexkit/impex/groups"
	"github.com/impexkit/impex/xmlio"
)

func ExampleImportGroups() {
	const doc = `<?xml version="1.0" encoding="UTF-8"?>
<customer-groups xmlns="http://www.demandware.com/xml/impex/customergroup/2007-06-30">
    <customer-group group-id="Registered">
        <description>Customers with an account</description>
    </customer-group>
    <customer-group group-id="Nordic">
        <membership-rule>
            <included-customers>
                <condition-group match-mode="all">
                    <condition>
                        <attribute-path>session.custom.region</attribute-path>
                        <operator>is-equal</operator>
                        <string>7</string>
                    </condition>
                </condition-group>
            </included-customers>
        </membership-rule>
    </customer-group>
    <customer-group group-id="Broken">
        <membership-rule>
            <included-customers>
                <condition-group match-mode="all">
                    <condition>
                        <attribute-path>customer.profile.emial</attribute-path>
                        <operator>exists</operator>
                    </condition>
                </condition-group>
            </included-customers>
        </membership-rule>
    </customer-group>
</customer-groups>`

	ctx := context.Background()
	store := memstore.New(memstore.Options{})
	// A document applies all or nothing: the unknown path stops it.
	res, err := xmlio.ImportGroups(ctx, store, strings.NewReader(doc), xmlio.GroupImportOptions{Document: "groups.xml"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("applied %v, rejected %d\n", res.Applied, res.Rejected)
	for is := range res.Report.All() {
		fmt.Printf("%s: record %d, line %d\n", is.Code, is.Record, is.Line)
	}

	// Without the broken group it applies; the session.custom condition is
	// normalised as SFCC does, and the export writes the number.
	fixed := doc[:strings.Index(doc, `    <customer-group group-id="Broken">`)] + "</customer-groups>"
	res, err = xmlio.ImportGroups(ctx, store, strings.NewReader(fixed), xmlio.GroupImportOptions{Document: "groups.xml"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("applied %v, created %d, updated %d\n", res.Applied, res.Created, res.Updated)
	_, err = xmlio.ExportGroups(ctx, os.Stdout, store, xmlio.GroupExportOptions{
		Select: func(g *groups.Group) bool { return g.ID == "Nordic" },
	})
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// applied false, rejected 1
	// rule.path: record 3, line 23
	// applied true, created 1, updated 1
	// <?xml version="1.0" encoding="UTF-8"?>
	// <customer-groups xmlns="http://www.demandware.com/xml/impex/customergroup/2007-06-30">
	//     <customer-group group-id="Nordic">
	//         <membership-rule>
	//             <included-customers>
	//                 <condition-group match-mode="all">
	//                     <condition>
	//                         <attribute-path>session.custom.region</attribute-path>
	//                         <operator>is-equal</operator>
	//                         <number>7</number>
	//                     </condition>
	//                 </condition-group>
	//             </included-customers>
	//         </membership-rule>
	//     </customer-group>
	// </customer-groups>
}

func ExampleDecodeSlots() {
	const doc = `<slot-configurations xmlns="http://www.demandware.com/xml/impex/slot/2008-09-08">
    <slot-configuration slot-id="banner" context="global" configuration-id="members">
        <content><html><body xml:lang="x-default">Welcome back</body></html></content>
        <customer-groups><customer-group group-id="Loyalty"/></customer-groups>
    </slot-configuration>
    <slot-configuration slot-id="banner" context="global" configuration-id="vip">
        <customer-groups><customer-group group-id="VIP"/></customer-groups>
    </slot-configuration>
</slot-configurations>`
	slots, err := xmlio.DecodeSlots(strings.NewReader(doc), xmlio.DecodeOptions{Document: "slots.xml"})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range slots.For([]string{"Registered", "Loyalty"}) {
		fmt.Println("shown:", c.SlotID, c.ConfigurationID)
	}
	for _, ref := range slots.Dangling([]string{"Loyalty"}) {
		fmt.Printf("dangling: %s in %s/%s, line %d\n", ref.GroupID, ref.SlotID, ref.ConfigurationID, ref.Where.Line)
	}
	// Output:
	// shown: banner members
	// dangling: VIP in banner/vip, line 7
}
