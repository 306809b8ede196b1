package xmlio

import (
	"bytes"
	"context"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/impexkit/impex"
	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/customer/memstore"
	"github.com/impexkit/impex/groups"
	"github.com/impexkit/impex/validate"
)

// groupDoc wraps customer-group (and group-assignment) elements in a
// customer-groups root.
func groupDoc(body string) []byte {
	return []byte(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<customer-groups xmlns="` + NSCustomerGroup + `">` + "\n" + body + "</customer-groups>\n")
}

// importGroups imports doc into store and fails the test on an error.
func importGroups(t *testing.T, store groups.Store, doc []byte, opts GroupImportOptions) *GroupImportResult {
	t.Helper()
	res, err := ImportGroups(context.Background(), store, bytes.NewReader(doc), opts)
	if err != nil {
		t.Fatalf("ImportGroups: %v", err)
	}
	return res
}

// storedGroups lists the groups of store.
func storedGroups(t *testing.T, store groups.Store) []*groups.Group {
	t.Helper()
	var out []*groups.Group
	for g, err := range store.Groups(context.Background()) {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, g)
	}
	return out
}

// exportGroups exports store's groups, failing the test on an error.
func exportGroups(t *testing.T, store groups.Store, opts GroupExportOptions) []byte {
	t.Helper()
	var b bytes.Buffer
	if _, err := ExportGroups(context.Background(), &b, store, opts); err != nil {
		t.Fatalf("ExportGroups: %v", err)
	}
	return b.Bytes()
}

// issueCodes lists the codes of a report's issues, in order.
func issueCodes(rep *validate.Report) []validate.Code {
	var out []validate.Code
	for is := range rep.All() {
		out = append(out, is.Code)
	}
	return out
}

func noErrors(t *testing.T, rep *validate.Report) {
	t.Helper()
	if rep.HasErrors() {
		t.Fatalf("unexpected errors:\n%s", rep.Text(validate.English))
	}
}

var realGroupFiles = []string{
	"esw_demo_customer_groups.xml",
	"sfra-demo_RefArch_customer-groups.xml",
	"ua_site_demo_US_customer-groups.xml",
}

func TestGroupFilesImportExportAndReimport(t *testing.T) {
	for _, name := range realGroupFiles {
		t.Run(name, func(t *testing.T) {
			doc, err := os.ReadFile(fixture(t, name))
			if err != nil {
				t.Fatal(err)
			}
			first := memstore.New(memstore.Options{})
			res := importGroups(t, first, doc, GroupImportOptions{Document: name})
			noErrors(t, &res.Report)
			if !res.Applied || res.Rejected != 0 || res.Read == 0 {
				t.Fatalf("applied %v, read %d, rejected %d", res.Applied, res.Read, res.Rejected)
			}
			out := exportGroups(t, first, GroupExportOptions{})
			xmllint(t, "customergroup.xsd", out)

			second := memstore.New(memstore.Options{})
			noErrors(t, &importGroups(t, second, out, GroupImportOptions{}).Report)
			if diff := cmp.Diff(storedGroups(t, first), storedGroups(t, second)); diff != "" {
				t.Errorf("groups after importing the export differ (-first +second):\n%s", diff)
			}
			again := importGroups(t, first, out, GroupImportOptions{})
			if again.Unchanged != again.Read || again.Created+again.Updated+again.Deleted != 0 {
				t.Errorf("re-importing the export changed something: %+v", again.Outcomes)
			}
			if out2 := exportGroups(t, second, GroupExportOptions{}); !bytes.Equal(out, out2) {
				t.Errorf("the second export differs from the first")
			}
		})
	}
}

func TestGroupExportKeepsNumberText(t *testing.T) {
	store := memstore.New(memstore.Options{})
	importGroups(t, store, mustRead(t, fixture(t, "sfra-demo_RefArch_customer-groups.xml")), GroupImportOptions{})
	out := string(exportGroups(t, store, GroupExportOptions{}))
	if !strings.Contains(out, "<number>200.0</number>") {
		t.Errorf("export lost the number's text:\n%s", out)
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestSlotsReportTheDanglingGroupOfTheUAFiles(t *testing.T) {
	store := memstore.New(memstore.Options{})
	noErrors(t, &importGroups(t, store, mustRead(t, fixture(t, "ua_site_demo_US_customer-groups.xml")), GroupImportOptions{}).Report)
	var known []string
	for _, g := range storedGroups(t, store) {
		known = append(known, g.ID)
	}
	slots, err := DecodeSlots(bytes.NewReader(mustRead(t, fixture(t, "ua_site_demo_US_slots.xml"))), DecodeOptions{Document: "slots.xml"})
	if err != nil {
		t.Fatal(err)
	}
	if len(slots.Configurations) != 21 || len(slots.Issues) != 0 {
		t.Fatalf("%d configurations, issues %v; want 21 and none", len(slots.Configurations), slots.Issues)
	}
	want := []SlotReference{{
		Where:   validate.Where{Document: "slots.xml", Record: 20, Line: 185, Path: "slot-configurations/slot-configuration/customer-groups/customer-group"},
		GroupID: "Registered Minus Loyalty", SlotID: "loyalty-enrollment-registered", ConfigurationID: "loyalty-enrollment-registered",
	}}
	if diff := cmp.Diff(want, slots.Dangling(known)); diff != "" {
		t.Errorf("Dangling (-want +got):\n%s", diff)
	}
	issues := slots.DanglingIssues(known)
	if len(issues) != 1 || issues[0].Code != validate.CodeGroupUnknown || !strings.Contains(issues[0].Params.Name, "Registered Minus Loyalty") {
		t.Errorf("DanglingIssues = %v", issues)
	}
	ids := func(cs []SlotConfiguration) []string {
		var out []string
		for _, c := range cs {
			out = append(out, c.SlotID)
		}
		return out
	}
	for _, tc := range []struct {
		member []string
		want   []string
	}{
		{[]string{"Loyalty", "Registered"}, []string{"loyalty-order-points"}},
		{[]string{"Registered Minus Loyalty"}, []string{"loyalty-enrollment-registered"}},
		{[]string{"Everyone"}, nil},
	} {
		if got := ids(slots.For(tc.member)); !slices.Equal(got, tc.want) {
			t.Errorf("For(%q) = %q, want %q", tc.member, got, tc.want)
		}
	}
}

func TestSlotsDecodeCampaignQualifiersAndFlags(t *testing.T) {
	doc := `<?xml version="1.0" encoding="UTF-8"?>
<slot-configurations xmlns="` + NSSlot + `">
    <slot-configuration slot-id="s1" context="category" context-id="c" configuration-id="cfg" default="true" mode="delete">
        <description>skipped</description>
        <enabled-flag>1</enabled-flag>
        <schedule><start-date>2024-01-01T00:00:00Z</start-date></schedule>
        <content><products><product product-id="p"/></products></content>
        <customer-groups><customer-group group-id="VIP"/></customer-groups>
    </slot-configuration>
    <slot-configuration slot-id="s2" assigned-to-site="false"/>
    <slot-configuration-campaign-assignment slot-id="s1" context="global" configuration-id="cfg" campaign-id="summer">
        <qualifiers><customer-groups><customer-group group-id="VIP"/><customer-group group-id="Nobody"/></customer-groups></qualifiers>
        <rank>2</rank>
    </slot-configuration-campaign-assignment>
</slot-configurations>
`
	xmllint(t, "slot.xsd", []byte(doc))
	s, err := DecodeSlots(strings.NewReader(doc), DecodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got := []SlotConfiguration{s.Configurations[0], s.Configurations[1]}
	for i := range got {
		got[i].groupLines, got[i].Where = nil, validate.Where{}
	}
	want := []SlotConfiguration{
		{SlotID: "s1", Context: "category", ContextID: "c", ConfigurationID: "cfg", Default: true, AssignedToSite: true, Enabled: true, Delete: true, CustomerGroups: []string{"VIP"}},
		{SlotID: "s2"},
	}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(SlotConfiguration{})); diff != "" {
		t.Errorf("configurations (-want +got):\n%s", diff)
	}
	if len(s.For([]string{"VIP"})) != 0 {
		t.Error("For returned a configuration with mode=delete")
	}
	camp := s.CampaignsFor([]string{"VIP"})
	if len(camp) != 1 || camp[0].CampaignID != "summer" || !slices.Equal(camp[0].CustomerGroups, []string{"VIP", "Nobody"}) {
		t.Errorf("CampaignsFor = %+v", camp)
	}
	d := s.Dangling([]string{"VIP"})
	if len(d) != 1 || d[0].GroupID != "Nobody" || d[0].CampaignID != "summer" || d[0].Where.Line != 12 {
		t.Errorf("Dangling = %+v", d)
	}
}

func TestSlotsRefuseOtherDocuments(t *testing.T) {
	_, err := DecodeSlots(bytes.NewReader(groupDoc("")), DecodeOptions{})
	if !errors.Is(err, validate.CodeXMLRoot) {
		t.Errorf("err = %v, want validate.CodeXMLRoot", err)
	}
	_, err = DecodeSlots(strings.NewReader(`<slot-configurations xmlns="`+NSSlot+`"><slot-configuration slot-id="a">`), DecodeOptions{})
	if !errors.Is(err, impex.ErrDamaged) {
		t.Errorf("truncated document: err = %v, want impex.ErrDamaged", err)
	}
}

// The seed's session.custom conversion, with the exact XML before and after.
func TestGroupSessionCustomNormalisationMatchesTheSeed(t *testing.T) {
	for _, tc := range []struct{ name, before, after string }{
		{
			name: "numeric strings become numbers",
			before: `<condition>
<attribute-path>session.custom.myAttribute</attribute-path>
<operator>is-equal</operator>
<string>1.0</string>
<string>2.0</string>
<string>3.0</string>
</condition>`,
			after: `<condition>
<attribute-path>session.custom.myAttribute</attribute-path>
<operator>is-equal</operator>
<number>1.0</number>
<number>2.0</number>
<number>3.0</number>
</condition>`,
		},
		{
			name: "true becomes is-true",
			before: `<condition>
<attribute-path>session.custom.myAttribute</attribute-path>
<operator>is-equal</operator>
<string>true</string>
</condition>`,
			after: `<condition>
<attribute-path>session.custom.myAttribute</attribute-path>
<operator>is-true</operator>
</condition>`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := groupDoc(`<customer-group group-id="seed"><membership-rule><included-customers><condition-group match-mode="all">` +
				tc.before + `</condition-group></included-customers></membership-rule></customer-group>`)
			xmllint(t, "customergroup.xsd", doc)
			store := memstore.New(memstore.Options{})
			noErrors(t, &importGroups(t, store, doc, GroupImportOptions{}).Report)
			out := string(exportGroups(t, store, GroupExportOptions{Select: func(g *groups.Group) bool { return g.ID == "seed" }}))
			start, end := strings.Index(out, "<condition>"), strings.Index(out, "</condition>")
			if start < 0 || end < 0 {
				t.Fatalf("no condition in the export:\n%s", out)
			}
			var lines []string
			for _, l := range strings.Split(out[start:end+len("</condition>")], "\n") {
				lines = append(lines, strings.TrimSpace(l))
			}
			if diff := cmp.Diff(tc.after, strings.Join(lines, "\n")); diff != "" {
				t.Errorf("exported condition (-seed +got):\n%s", diff)
			}
		})
	}
}

func TestGroupRuleErrorsSurfaceAsIssuesAndApplyNothing(t *testing.T) {
	cond := func(path, op, value string) string {
		return `<condition><attribute-path>` + path + `</attribute-path><operator>` + op + `</operator>` + value + `</condition>`
	}
	group := func(id string, conds ...string) string {
		return `<customer-group group-id="` + id + `">` + "\n" + `<membership-rule><included-customers><condition-group match-mode="all">` + "\n" +
			strings.Join(conds, "\n") + "\n" + `</condition-group></included-customers></membership-rule></customer-group>` + "\n"
	}
	for _, tc := range []struct {
		name string
		body string
		code validate.Code
		line int
		has  string // in the issue's Name
	}{
		{
			name: "an unknown attribute path",
			body: group("vip", cond("customer.profile.email", "contains", "<string>@x</string>"), cond("customer.profile.emial", "contains", "<string>@x</string>")),
			code: validate.CodeRulePath, line: 7, has: `customer.profile.emial (group vip, included condition group 1, condition 2)`,
		},
		{
			name: "a value that does not fit the operator",
			body: group("big", cond("customer.activeData.orderValueMonth", "is-greater-than", "<date-range><from>2024-01-01</from><to>2024-02-01</to></date-range>")),
			code: validate.CodeRuleOperator, line: 6, has: "group big, included condition group 1, condition 1",
		},
		{
			name: "an operator that does not apply to the attribute",
			body: group("mail", cond("customer.profile.email", "is-greater-than", "<int>3</int>")),
			code: validate.CodeRuleOperator, line: 6, has: "group mail",
		},
		{
			name: "rules that depend on each other in a cycle",
			body: group("a", cond("customer.customerGroups", "is-equal", "<string>b</string>")) +
				group("b", cond("customer.customerGroups", "is-equal", "<string>a</string>")),
			code: validate.CodeRuleCycle, line: 6, has: "a -> b -> a",
		},
		{
			name: "a rule naming a group that does not exist",
			body: group("c", cond("customer.customerGroups", "is-equal", "<string>nowhere</string>")),
			code: validate.CodeGroupUnknown, line: 6, has: "nowhere",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := groupDoc(`<customer-group group-id="fine"/>` + "\n" + tc.body)
			store := memstore.New(memstore.Options{})
			for _, dry := range []bool{true, false} {
				res := importGroups(t, store, doc, GroupImportOptions{Document: "g.xml", DryRun: dry})
				if res.Applied || res.Rejected == 0 {
					t.Errorf("dry run %v: applied %v, rejected %d; want nothing applied", dry, res.Applied, res.Rejected)
				}
				var found *validate.Issue
				for is := range res.Report.All() {
					if is.Code == tc.code {
						found = &is
						break
					}
				}
				if found == nil {
					t.Fatalf("no %s issue in %v", tc.code, issueCodes(&res.Report))
				}
				if found.Line != tc.line || found.Document != "g.xml" || found.Record == 0 || !strings.Contains(found.Params.Name, tc.has) {
					t.Errorf("issue = %+v; want line %d and a name with %q", *found, tc.line, tc.has)
				}
				if tc.code != validate.CodeRuleCycle && tc.code != validate.CodeGroupUnknown && !strings.HasSuffix(found.Path, "/condition") {
					t.Errorf("issue path %q does not name the condition", found.Path)
				}
			}
			if got := len(storedGroups(t, store)); got != 3 {
				t.Errorf("the store holds %d groups; want only the 3 system groups", got)
			}
		})
	}
}

func TestGroupCycleThroughAStoredGroupIsFound(t *testing.T) {
	store := memstore.New(memstore.Options{})
	noErrors(t, &importGroups(t, store, groupDoc(`<customer-group group-id="a"/><customer-group group-id="b"><membership-rule><included-customers><condition-group match-mode="any">`+
		`<condition><attribute-path>customer.customerGroups</attribute-path><operator>is-equal</operator><string>a</string></condition>`+
		`</condition-group></included-customers></membership-rule></customer-group>`), GroupImportOptions{}).Report)
	// a becomes dynamic and depends on b, which the store holds.
	res := importGroups(t, store, groupDoc(`<customer-group group-id="a"><membership-rule><included-customers><condition-group match-mode="any">`+
		`<condition><attribute-path>customer.customerGroups</attribute-path><operator>is-equal</operator><string>b</string></condition>`+
		`</condition-group></included-customers></membership-rule></customer-group>`), GroupImportOptions{})
	if !slices.Contains(issueCodes(&res.Report), validate.CodeRuleCycle) || res.Applied {
		t.Errorf("codes %v, applied %v; want a cycle and nothing applied", issueCodes(&res.Report), res.Applied)
	}
	// Deleting b, which a's rule would need, is an error on the delete.
	store2 := memstore.New(memstore.Options{})
	noErrors(t, &importGroups(t, store2, groupDoc(`<customer-group group-id="a"/><customer-group group-id="b"><membership-rule><included-customers><condition-group match-mode="any">`+
		`<condition><attribute-path>customer.customerGroups</attribute-path><operator>is-equal</operator><string>a</string></condition>`+
		`</condition-group></included-customers></membership-rule></customer-group>`), GroupImportOptions{}).Report)
	res = importGroups(t, store2, groupDoc(`<customer-group group-id="a" mode="delete"/>`), GroupImportOptions{})
	if !slices.Contains(issueCodes(&res.Report), validate.CodeGroupUnknown) || res.Applied || res.Outcomes[0].Action != impex.ActionReject {
		t.Errorf("codes %v, applied %v, outcomes %+v; want the delete rejected", issueCodes(&res.Report), res.Applied, res.Outcomes)
	}
}

// storeWithCustomer returns a store holding one customer with number "1".
func storeWithCustomer(t *testing.T) (*memstore.Store, string) {
	t.Helper()
	store := memstore.New(memstore.Options{})
	w, err := store.Write(context.Background(), []customer.Op{customer.Put(&customer.Customer{Kind: customer.KindPerson, Number: "1", Credentials: customer.Credentials{Login: "anna@example.com"}})})
	if err != nil {
		t.Fatal(err)
	}
	return store, w[0].ID
}

func TestGroupDeleteAndReplaceKeepMemberships(t *testing.T) {
	ctx := context.Background()
	store, id := storeWithCustomer(t)
	res := importGroups(t, store, groupDoc(`<customer-group group-id="vip"><description>first</description></customer-group>
<group-assignment group-id="vip" customer-no="1"/>
`), GroupImportOptions{})
	noErrors(t, &res.Report)
	if res.Assignments.Assigned != 1 || !slices.Contains(issueCodes(&res.Report), validate.CodeAssignmentInGroupFile) {
		t.Fatalf("assignments %+v, codes %v", res.Assignments, issueCodes(&res.Report))
	}
	member := func() bool {
		c, err := store.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return c.InGroup("vip")
	}
	if !member() {
		t.Fatal("the assignment was not applied")
	}
	res = importGroups(t, store, groupDoc(`<customer-group group-id="vip"><description>second</description></customer-group>`), GroupImportOptions{})
	if res.Updated != 1 || !member() {
		t.Errorf("replacing: updated %d, member %v; want 1 and still a member", res.Updated, member())
	}
	res = importGroups(t, store, groupDoc(`<customer-group group-id="vip" mode="delete"/>`), GroupImportOptions{})
	if res.Deleted != 1 || !member() {
		t.Errorf("deleting: deleted %d, member %v; want 1 and the membership kept", res.Deleted, member())
	}
	if _, err := store.Group(ctx, "vip"); !errors.Is(err, groups.ErrNotFound) {
		t.Errorf("the group is still there: %v", err)
	}
	res = importGroups(t, store, groupDoc(`<customer-group group-id="vip" mode="delete"/>`), GroupImportOptions{})
	if res.Unchanged != 1 || res.Report.Warnings() != 1 || res.Report.HasErrors() {
		t.Errorf("deleting a missing group: %+v, codes %v; want unchanged with a warning", res.Outcomes, issueCodes(&res.Report))
	}
}

func TestGroupAssignmentsInAGroupFile(t *testing.T) {
	ctx := context.Background()
	doc := groupDoc(`<customer-group group-id="news"/>
<customer-group group-id="dyn"><membership-rule><included-customers><condition-group match-mode="all"><condition><attribute-path>customer.registered</attribute-path><operator>is-true</operator></condition></condition-group></included-customers></membership-rule></customer-group>
<group-assignment group-id="news" customer-no="1"/>
<group-assignment group-id="dyn" customer-no="1"/>
<group-assignment group-id="Everyone" customer-no="1"/>
`)
	xmllint(t, "customergroup.xsd", doc)
	store, id := storeWithCustomer(t)
	dry := importGroups(t, store, doc, GroupImportOptions{DryRun: true})
	if c, _ := store.Get(ctx, id); c.InGroup("news") || len(storedGroups(t, store)) != 3 {
		t.Fatal("a dry run wrote")
	}
	real := importGroups(t, store, doc, GroupImportOptions{})
	want := AssignmentCounts{Read: 3, Assigned: 1, Refused: 2}
	for _, res := range []*GroupImportResult{dry, real} {
		noErrors(t, &res.Report)
		if diff := cmp.Diff(want, res.Assignments); diff != "" {
			t.Errorf("dry run %v: assignments (-want +got):\n%s", res.DryRun, diff)
		}
		if diff := cmp.Diff(issueCodes(&dry.Report), issueCodes(&res.Report)); diff != "" {
			t.Errorf("dry run and real run report differently:\n%s", diff)
		}
	}
	if c, _ := store.Get(ctx, id); !c.InGroup("news") {
		t.Error("the assignment was not applied")
	}
	// An unknown customer rejects the whole document.
	res := importGroups(t, store, groupDoc(`<customer-group group-id="later"/><group-assignment group-id="news" customer-no="404"/>`), GroupImportOptions{})
	if res.Applied || res.Assignments.Rejected != 1 || !slices.Contains(issueCodes(&res.Report), validate.CodeUnknownCustomer) {
		t.Errorf("applied %v, assignments %+v, codes %v", res.Applied, res.Assignments, issueCodes(&res.Report))
	}
	if _, err := store.Group(ctx, "later"); err == nil {
		t.Error("a group of a rejected document was written")
	}
	// A delete with only the group-id empties the group.
	res = importGroups(t, store, groupDoc(`<group-assignment mode="delete" group-id="news"/>`), GroupImportOptions{})
	if res.Assignments.Removed != 1 {
		t.Errorf("assignments %+v; want one removed", res.Assignments)
	}
	if c, _ := store.Get(ctx, id); c.InGroup("news") {
		t.Error("the membership was not removed")
	}
}

func TestGroupSystemGroupsTakeOnlyDescriptionAndAttributes(t *testing.T) {
	doc := groupDoc(`<customer-group group-id="Everyone">
<description>All of them &amp; more</description>
<membership-rule><included-customers><condition-group match-mode="all"><condition><attribute-path>customer.registered</attribute-path><operator>is-true</operator></condition></condition-group></included-customers></membership-rule>
<custom-attributes>
<custom-attribute attribute-id="banner" xml:lang="fi">Tervetuloa</custom-attribute>
<custom-attribute attribute-id="tags"><value>a</value><value>b</value></custom-attribute>
</custom-attributes>
</customer-group>
<customer-group group-id="Registered" mode="delete"/>
`)
	store := memstore.New(memstore.Options{})
	res := importGroups(t, store, doc, GroupImportOptions{})
	noErrors(t, &res.Report)
	if res.Report.Warnings() != 2 || res.Updated != 1 || res.Unchanged != 1 {
		t.Errorf("warnings %d, outcomes %+v; want the rule and the delete ignored with warnings", res.Report.Warnings(), res.Outcomes)
	}
	g, err := store.Group(context.Background(), "Everyone")
	if err != nil {
		t.Fatal(err)
	}
	want := &groups.Group{ID: "Everyone", Kind: groups.System, Name: "Everyone", Description: "All of them & more",
		Attributes: []customer.Attribute{{ID: "banner", Lang: "fi", Values: []string{"Tervetuloa"}}, {ID: "tags", Values: []string{"a", "b"}}}}
	if diff := cmp.Diff(want, g); diff != "" {
		t.Errorf("Everyone (-want +got):\n%s", diff)
	}
	out := exportGroups(t, store, GroupExportOptions{})
	xmllint(t, "customergroup.xsd", out)
	second := memstore.New(memstore.Options{})
	noErrors(t, &importGroups(t, second, out, GroupImportOptions{}).Report)
	if diff := cmp.Diff(storedGroups(t, store), storedGroups(t, second)); diff != "" {
		t.Errorf("round trip (-first +second):\n%s", diff)
	}
}

// everyValueKind is a document in the encoder's own layout with a
// condition of every value kind; importing and exporting it gives the same
// bytes.
const everyValueKind = `<?xml version="1.0" encoding="UTF-8"?>
<customer-groups xmlns="http://www.demandware.com/xml/impex/customergroup/2007-06-30">
    <customer-group group-id="all kinds">
        <description>Every value &lt;kind&gt; &amp; "quotes"</description>
        <membership-rule>
            <included-customers>
                <condition-group match-mode="any">
                    <condition>
                        <attribute-path>customer.profile.email</attribute-path>
                        <operator>ends-with</operator>
                        <string>@example.com</string>
                        <string>@example.org</string>
                    </condition>
                    <condition>
                        <attribute-path>customer.activeData.orders</attribute-path>
                        <operator>is-equal</operator>
                        <int>1</int>
                        <int>-2</int>
                    </condition>
                    <condition>
                        <attribute-path>customer.activeData.visitsMonth</attribute-path>
                        <operator>is-in-range</operator>
                        <int-range>
                            <min>1</min>
                            <max>5</max>
                        </int-range>
                    </condition>
                    <condition>
                        <attribute-path>customer.activeData.orderValueMonth</attribute-path>
                        <operator>is-greater-than-or-equal</operator>
                        <number>200.0</number>
                    </condition>
                    <condition>
                        <attribute-path>customer.activeData.orderValue</attribute-path>
                        <operator>is-not-in-range</operator>
                        <number-range>
                            <min>10.50</min>
                            <max>99</max>
                        </number-range>
                    </condition>
                    <condition>
                        <attribute-path>customer.profile.birthday</attribute-path>
                        <operator>is-before</operator>
                        <date>2000-02-29</date>
                    </condition>
                    <condition>
                        <attribute-path>customer.profile.creationDate</attribute-path>
                        <operator>is-in-range</operator>
                        <date-range>
                            <from>2024-01-01</from>
                            <to>2024-12-31</to>
                        </date-range>
                    </condition>
                    <condition>
                        <attribute-path>customer.profile.lastLoginTime</attribute-path>
                        <operator>is-in-the-last-x-days</operator>
                        <number-of-days>30</number-of-days>
                    </condition>
                    <condition>
                        <attribute-path>customer.activeData.lastOrderDate</attribute-path>
                        <operator>is-in-the-current</operator>
                        <time-period>month</time-period>
                    </condition>
                    <condition>
                        <attribute-path>customer.profile.custom.tier</attribute-path>
                        <operator>exists</operator>
                    </condition>
                </condition-group>
            </included-customers>
            <excluded-customers>
                <condition-group match-mode="all">
                    <condition>
                        <attribute-path>session.custom.blocked</attribute-path>
                        <operator>is-true</operator>
                    </condition>
                </condition-group>
            </excluded-customers>
        </membership-rule>
        <custom-attributes>
            <custom-attribute attribute-id="note" xml:lang="en">one</custom-attribute>
            <custom-attribute attribute-id="list">
                <value>x</value>
                <value>y</value>
            </custom-attribute>
        </custom-attributes>
    </customer-group>
    <customer-group group-id="static one"/>
</customer-groups>
`

func TestGroupEveryValueKindRoundTripsByteForByte(t *testing.T) {
	xmllint(t, "customergroup.xsd", []byte(everyValueKind))
	store := memstore.New(memstore.Options{})
	res := importGroups(t, store, []byte(everyValueKind), GroupImportOptions{})
	noErrors(t, &res.Report)
	if res.Report.Len() != 0 {
		t.Errorf("issues: %v", res.Report.Issues())
	}
	out := exportGroups(t, store, GroupExportOptions{Select: func(g *groups.Group) bool { return g.Kind != groups.System }})
	if diff := cmp.Diff(everyValueKind, string(out)); diff != "" {
		t.Errorf("export (-want +got):\n%s", diff)
	}
	xmllint(t, "customergroup.xsd", out)
	g, err := store.Group(context.Background(), "all kinds")
	if err != nil {
		t.Fatal(err)
	}
	conds := g.Rule.Included[0].Conditions
	wantValues := []groups.Value{
		groups.ValueStrings("@example.com", "@example.org"),
		groups.ValueInts(1, -2),
		groups.ValueIntRange(1, 5),
		groups.ValueNumbers(groups.Number{Value: 200, Text: "200.0"}),
		groups.ValueNumberRange(groups.Number{Value: 10.5, Text: "10.50"}, groups.Number{Value: 99, Text: "99"}),
		groups.ValueDate(groups.Date{Year: 2000, Month: 2, Day: 29}),
		groups.ValueDateRange(groups.Date{Year: 2024, Month: 1, Day: 1}, groups.Date{Year: 2024, Month: 12, Day: 31}),
		groups.ValueDays(30),
		groups.ValuePeriod(groups.Month),
		{},
	}
	var got []groups.Value
	for _, c := range conds {
		got = append(got, c.Value)
	}
	if diff := cmp.Diff(wantValues, got); diff != "" {
		t.Errorf("values (-want +got):\n%s", diff)
	}
}

func TestGroupLegacyRuleIsConvertedAndExportedAsMembershipRule(t *testing.T) {
	doc := groupDoc(`<customer-group group-id="old">
<description>legacy</description>
<rule>
  <included-customers>
    <condition-group match-mode="all">
      <string-condition><attribute-path>customer.profile.email</attribute-path><operator>contains</operator><string>@shop.example</string></string-condition>
      <int-condition><attribute-path>customer.activeData.orders</attribute-path><operator>is-in-range</operator><int-range><min>2</min><max>9</max></int-range></int-condition>
      <date-condition><attribute-path>customer.profile.lastVisitTime</attribute-path><operator>is-in-the-last-x-days</operator><relative-date-range><number-of-days>14</number-of-days></relative-date-range></date-condition>
    </condition-group>
    <condition-group match-mode="any">
      <boolean-condition><attribute-path>customer.registered</attribute-path><operator>is-equal</operator><boolean>false</boolean></boolean-condition>
      <date-condition><attribute-path>customer.profile.birthday</attribute-path><operator>is-in-range</operator><date-range><from>1990-01-01</from><to>1999-12-31</to></date-range></date-condition>
    </condition-group>
  </included-customers>
  <excluded-customers>
    <condition-group match-mode="all">
      <date-condition><attribute-path>customer.profile.creationDate</attribute-path><operator>is-in-the-current</operator><relative-date-range><time-period>year</time-period></relative-date-range></date-condition>
    </condition-group>
  </excluded-customers>
</rule>
</customer-group>
`)
	rec := firstGroupRecord(t, doc)
	if !rec.Legacy || len(rec.Issues) != 0 {
		t.Fatalf("legacy %v, issues %v", rec.Legacy, rec.Issues)
	}
	want := &groups.Rule{
		Included: []groups.ConditionGroup{
			{Mode: groups.MatchAll, Conditions: []groups.Condition{
				{Path: "customer.profile.email", Operator: groups.Contains, Value: groups.ValueStrings("@shop.example")},
				{Path: "customer.activeData.orders", Operator: groups.IsInRange, Value: groups.ValueIntRange(2, 9)},
				{Path: "customer.profile.lastVisitTime", Operator: groups.IsInTheLastXDays, Value: groups.ValueDays(14)},
			}},
			{Mode: groups.MatchAny, Conditions: []groups.Condition{
				{Path: "customer.registered", Operator: groups.IsFalse},
				{Path: "customer.profile.birthday", Operator: groups.IsInRange,
					Value: groups.ValueDateRange(groups.Date{Year: 1990, Month: 1, Day: 1}, groups.Date{Year: 1999, Month: 12, Day: 31})},
			}},
		},
		Excluded: []groups.ConditionGroup{
			{Mode: groups.MatchAll, Conditions: []groups.Condition{
				{Path: "customer.profile.creationDate", Operator: groups.IsInTheCurrent, Value: groups.ValuePeriod(groups.Year)},
			}},
		},
	}
	if diff := cmp.Diff(want, rec.Group.Rule); diff != "" {
		t.Errorf("converted rule (-want +got):\n%s", diff)
	}
	store := memstore.New(memstore.Options{})
	noErrors(t, &importGroups(t, store, doc, GroupImportOptions{}).Report)
	out := exportGroups(t, store, GroupExportOptions{})
	if bytes.Contains(out, []byte("<rule>")) || !bytes.Contains(out, []byte("<membership-rule>")) {
		t.Errorf("the export is not in the membership-rule form:\n%s", out)
	}
	xmllint(t, "customergroup.xsd", out)

	// A legacy value that does not read as its type is an issue.
	bad := firstGroupRecord(t, groupDoc(`<customer-group group-id="old"><rule><included-customers><condition-group match-mode="all">`+
		`<int-condition><attribute-path>customer.activeData.orders</attribute-path><operator>is-equal</operator><int>many</int></int-condition>`+
		`</condition-group></included-customers></rule></customer-group>`))
	if len(bad.Issues) != 1 || bad.Issues[0].Code != validate.CodeInvalidValue || !strings.Contains(bad.Issues[0].Params.Expected, "many") {
		t.Errorf("issues = %v", bad.Issues)
	}
}

// firstGroupRecord decodes doc's first customer-group.
func firstGroupRecord(t *testing.T, doc []byte) *GroupRecord {
	t.Helper()
	rec, err := NewGroupDecoder(bytes.NewReader(doc), DecodeOptions{}).Next()
	if err != nil {
		t.Fatal(err)
	}
	g, ok := rec.(*GroupRecord)
	if !ok {
		t.Fatalf("first record is %T", rec)
	}
	return g
}

func TestGroupDecodeIssuesAreLocated(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		code       validate.Code
		path       string
		line       int
	}{
		{"a group without group-id", `<customer-group><description>x</description></customer-group>`,
			validate.CodeXMLMissing, "customer-groups/customer-group/@group-id", 3},
		{"a group-id with white space at an end", `<customer-group group-id="x "/>`,
			validate.CodeWhitespace, "customer-groups/customer-group/@group-id", 3},
		{"a bad match mode", `<customer-group group-id="x"><membership-rule><included-customers>` + "\n" + `<condition-group match-mode="some"><condition><attribute-path>customer.registered</attribute-path><operator>is-true</operator></condition></condition-group></included-customers></membership-rule></customer-group>`,
			validate.CodeInvalidValue, "customer-groups/customer-group/membership-rule/included-customers/condition-group/@match-mode", 4},
		{"an int that is not one", `<customer-group group-id="x"><membership-rule><included-customers><condition-group match-mode="all"><condition>` + "\n" + `<attribute-path>customer.activeData.orders</attribute-path><operator>is-equal</operator>` + "\n" + `<int>1.5</int></condition></condition-group></included-customers></membership-rule></customer-group>`,
			validate.CodeInvalidNumber, "customer-groups/customer-group/membership-rule/included-customers/condition-group/condition/int", 5},
		{"an unknown operator", `<customer-group group-id="x"><membership-rule><included-customers><condition-group match-mode="all"><condition><attribute-path>customer.registered</attribute-path><operator>is-truthy</operator></condition></condition-group></included-customers></membership-rule></customer-group>`,
			validate.CodeRuleOperator, "customer-groups/customer-group/membership-rule/included-customers/condition-group/condition/operator", 3},
		{"two kinds of value", `<customer-group group-id="x"><membership-rule><included-customers><condition-group match-mode="all"><condition><attribute-path>customer.activeData.orders</attribute-path><operator>is-equal</operator><int>1</int><number>2</number></condition></condition-group></included-customers></membership-rule></customer-group>`,
			validate.CodeXMLUnknownElement, "customer-groups/customer-group/membership-rule/included-customers/condition-group/condition/number", 3},
		{"a rule without included customers", `<customer-group group-id="x"><membership-rule/></customer-group>`,
			validate.CodeXMLMissing, "customer-groups/customer-group/membership-rule", 3},
		{"a bad mode", `<customer-group group-id="x" mode="remove"/>`,
			validate.CodeInvalidValue, "customer-groups/customer-group/@mode", 3},
		{"a duplicate group", `<customer-group group-id="x"/>` + "\n" + `<customer-group group-id="x"/>`,
			validate.CodeDuplicateInFile, "customer-groups/customer-group", 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := importGroups(t, memstore.New(memstore.Options{}), groupDoc(tc.body), GroupImportOptions{})
			if res.Applied {
				t.Error("a document with errors was applied")
			}
			issues := res.Report.Issues()
			if len(issues) == 0 {
				t.Fatal("no issues")
			}
			is := issues[0]
			if is.Code != tc.code || is.Path != tc.path || is.Line != tc.line {
				t.Errorf("first issue %s at %s line %d; want %s at %s line %d (all: %v)", is.Code, is.Path, is.Line, tc.code, tc.path, tc.line, issues)
			}
		})
	}
}

func TestGroupImportRefusesUnreadableDocuments(t *testing.T) {
	store := memstore.New(memstore.Options{})
	for _, tc := range []struct {
		name string
		doc  string
		want error
	}{
		{"another document", `<customers xmlns="` + NSCustomer + `"/>`, validate.CodeXMLRoot},
		{"a truncated document", `<customer-groups xmlns="` + NSCustomerGroup + `"><customer-group group-id="a">`, impex.ErrDamaged},
		{"an entity declaration", `<!DOCTYPE x [<!ENTITY e "x">]><customer-groups/>`, validate.CodeXMLEntity},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := ImportGroups(context.Background(), store, strings.NewReader(tc.doc), GroupImportOptions{})
			if !errors.Is(err, tc.want) || res.Applied || !res.Report.HasErrors() {
				t.Errorf("err %v, applied %v, report %v", err, res.Applied, issueCodes(&res.Report))
			}
		})
	}
	res, err := ImportGroups(context.Background(), store, bytes.NewReader(groupDoc(`<customer-group group-id="a"/><customer-group group-id="b"/>`)), GroupImportOptions{MaxRecords: 1})
	if !errors.Is(err, impex.ErrTooLarge) || res.Applied {
		t.Errorf("over MaxRecords: err %v, applied %v", err, res.Applied)
	}
}

func TestGroupEncoderRefusesWhatTheSchemaCannotCarry(t *testing.T) {
	for _, tc := range []struct {
		name string
		g    *groups.Group
	}{
		{"an ID with a space at the end", &groups.Group{ID: "x ", Kind: groups.Static}},
		{"a dynamic group without included conditions", &groups.Group{ID: "x", Kind: groups.Dynamic, Rule: &groups.Rule{}}},
		{"an empty string value", &groups.Group{ID: "x", Kind: groups.Dynamic, Rule: &groups.Rule{Included: []groups.ConditionGroup{{Mode: groups.MatchAll,
			Conditions: []groups.Condition{{Path: "customer.profile.email", Operator: groups.Contains, Value: groups.ValueStrings("")}}}}}}},
		{"a number of days of zero", &groups.Group{ID: "x", Kind: groups.Dynamic, Rule: &groups.Rule{Included: []groups.ConditionGroup{{Mode: groups.MatchAll,
			Conditions: []groups.Condition{{Path: "customer.profile.lastLoginTime", Operator: groups.IsInTheLastXDays, Value: groups.ValueDays(0)}}}}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			enc := NewGroupEncoder(&b)
			if err := enc.WriteGroup(tc.g); !errors.Is(err, ErrGroupValue) {
				t.Errorf("err = %v, want ErrGroupValue", err)
			}
			if err := enc.Close(); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(b.String(), "customer-group ") {
				t.Errorf("part of the group was written:\n%s", b.String())
			}
		})
	}
	var b bytes.Buffer
	enc := NewGroupEncoder(&b)
	if err := enc.WriteGroupAssignment(GroupAssignment{GroupID: "g", CustomerNo: "1"}); err != nil {
		t.Fatal(err)
	}
	if err := enc.WriteGroup(&groups.Group{ID: "late", Kind: groups.Static}); !errors.Is(err, ErrOrder) {
		t.Errorf("a group after an assignment: err = %v, want ErrOrder", err)
	}
	if err := enc.WriteGroupDelete("late"); !errors.Is(err, ErrOrder) {
		t.Errorf("a delete after an assignment: err = %v, want ErrOrder", err)
	}
	if err := enc.Close(); err != nil {
		t.Fatal(err)
	}
	var d bytes.Buffer
	enc = NewGroupEncoder(&d)
	if err := enc.WriteGroupDelete("gone"); err != nil {
		t.Fatal(err)
	}
	if err := enc.WriteGroupAssignment(GroupAssignment{GroupID: "g", Delete: true}); err != nil {
		t.Fatal(err)
	}
	if err := enc.Close(); err != nil {
		t.Fatal(err)
	}
	xmllint(t, "customergroup.xsd", d.Bytes())
}

// A warning about an element inside a group points at that element's
// line, not at the group's.
func TestGroupWarningsPointAtTheirElement(t *testing.T) {
	doc := groupDoc(`<customer-group group-id="Everyone">
<description>All</description>
<membership-rule><included-customers><condition-group match-mode="all"><condition><attribute-path>customer.registered</attribute-path><operator>is-true</operator></condition></condition-group></included-customers></membership-rule>
</customer-group>`)
	res := importGroups(t, memstore.New(memstore.Options{}), doc, GroupImportOptions{})
	issues := res.Report.Issues()
	if len(issues) != 1 || issues[0].Line != 5 || issues[0].Path != "customer-groups/customer-group/membership-rule" {
		t.Fatalf("issues %v; want one warning at the membership-rule, line 5", issues)
	}
}
