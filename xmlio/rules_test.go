package xmlio

import (
	"bytes"
	"context"
	"errors"
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

// customersDoc wraps customer elements in a customers document.
func customersDoc(body string) []byte {
	return []byte(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<customers xmlns="` + NSCustomer + `">` + body + `</customers>`)
}

// ruleStore is a store with one stored customer (number 100, login
// stored@example.com, female, a note, two static groups), a static, a
// dynamic group, and buyer number B1.
func ruleStore(t *testing.T) *memstore.Store {
	t.Helper()
	st := memstore.New(memstore.Options{BuyerNumbers: []string{"B1"}})
	ctx := context.Background()
	if err := st.WriteGroups(ctx, []groups.Op{
		groups.Create(&groups.Group{ID: "static", Kind: groups.Static}),
		groups.Create(&groups.Group{ID: "other", Kind: groups.Static}),
		groups.Create(&groups.Group{ID: "dynamic", Kind: groups.Dynamic, Rule: &groups.Rule{Included: []groups.ConditionGroup{{Mode: groups.MatchAll,
			Conditions: []groups.Condition{{Path: "customer.registered", Operator: groups.IsTrue}}}}}}),
	}); err != nil {
		t.Fatal(err)
	}
	yes := true
	c := &customer.Customer{Kind: customer.KindPerson, Number: "100",
		Credentials: customer.Credentials{Login: "stored@example.com", Password: customer.PasswordHash{Scheme: customer.SchemeMD5, Hash: "abc"}},
		Profile:     customer.Profile{FirstName: "Stored", LastName: "Customer", Gender: customer.GenderFemale, EmailVerified: &yes, Email: "stored@example.com"},
		Note:        "kept", Groups: []string{"other", "static"},
		Addresses: []customer.Address{{ID: "Home", Preferred: true, City: "Espoo"}},
	}
	if _, err := st.Write(ctx, []customer.Op{customer.Put(c)}); err != nil {
		t.Fatal(err)
	}
	return st
}

func stored(t *testing.T, st *memstore.Store, number string) *customer.Customer {
	t.Helper()
	c, err := st.ByNumber(context.Background(), "", number)
	if err != nil {
		t.Fatalf("customer %s: %v", number, err)
	}
	return c
}

// codes lists the issues of a result as "severity code path".
func codes(res *Result) []string {
	var out []string
	for is := range res.Report.All() {
		if is.Code == validate.CodeNoValidRows || is.Code == validate.CodeNoRows {
			continue
		}
		out = append(out, is.Severity.String()+" "+string(is.Code)+" "+is.Path)
	}
	return out
}

func TestImportRules(t *testing.T) {
	tests := []struct {
		name  string
		body  string
		mode  impex.Mode
		check func(t *testing.T, st *memstore.Store, res *Result)
		want  []string // issues
	}{
		{
			name: "a customer-no that exists identifies the customer",
			body: `<customer customer-no="100"><profile><first-name>New</first-name></profile></customer>`,
			check: func(t *testing.T, st *memstore.Store, res *Result) {
				c := stored(t, st, "100")
				if c.Profile.FirstName != "New" || c.Profile.LastName != "Customer" || res.Updated != 1 {
					t.Errorf("got %q %q, %+v", c.Profile.FirstName, c.Profile.LastName, res.Counts)
				}
			},
		},
		{
			name: "a new customer-no creates the customer with that number",
			body: `<customer customer-no="200"><credentials><login>new@example.com</login></credentials></customer>`,
			check: func(t *testing.T, st *memstore.Store, res *Result) {
				if c := stored(t, st, "200"); c.Credentials.Login != "new@example.com" || res.Created != 1 {
					t.Errorf("got %+v", c.Credentials)
				}
			},
		},
		{
			name: "without a customer-no the login identifies the customer",
			body: `<customer><credentials><login>stored@example.com</login></credentials><note>by login</note></customer>`,
			check: func(t *testing.T, st *memstore.Store, res *Result) {
				if c := stored(t, st, "100"); c.Note != "by login" || res.Updated != 1 || st.Len() != 1 {
					t.Errorf("got note %q, %+v", c.Note, res.Counts)
				}
			},
		},
		{
			name: "an unknown login creates a customer with the next number of the sequence",
			body: `<customer><credentials><login>fresh@example.com</login></credentials></customer>`,
			check: func(t *testing.T, st *memstore.Store, res *Result) {
				c, err := st.ByLogin(context.Background(), "", "fresh@example.com")
				if err != nil || c.Number != "1" {
					t.Errorf("got %v, %v", c, err)
				}
			},
		},
		{
			name: "a customer-no equal to a buyer number is rejected",
			body: `<customer customer-no="B1"/>`,
			want: []string{"error customer.buyer-number customers/customer"},
		},
		{
			name: "an absent gender element leaves the gender",
			body: `<customer customer-no="100"><profile><first-name>X</first-name></profile></customer>`,
			check: func(t *testing.T, st *memstore.Store, _ *Result) {
				if g := stored(t, st, "100").Profile.Gender; g != customer.GenderFemale {
					t.Errorf("gender %v", g)
				}
			},
		},
		{
			name: "an empty gender element unsets the gender",
			body: `<customer customer-no="100"><profile><gender/></profile></customer>`,
			check: func(t *testing.T, st *memstore.Store, _ *Result) {
				if g := stored(t, st, "100").Profile.Gender; g.Valid {
					t.Errorf("gender %v", g)
				}
			},
		},
		{
			name: "male is gender 1",
			body: `<customer customer-no="100"><profile><gender>male</gender></profile></customer>`,
			check: func(t *testing.T, st *memstore.Store, _ *Result) {
				if g := stored(t, st, "100").Profile.Gender; g != customer.GenderMale {
					t.Errorf("gender %v", g)
				}
			},
		},
		{
			name: "female is gender 2",
			body: `<customer customer-no="300"><profile><gender>female</gender></profile></customer>`,
			check: func(t *testing.T, st *memstore.Store, _ *Result) {
				if g := stored(t, st, "300").Profile.Gender; g != customer.GenderFemale {
					t.Errorf("gender %v", g)
				}
			},
		},
		{
			name: "an integer gender is stored as it is",
			body: `<customer customer-no="100"><profile><gender>7</gender></profile></customer>`,
			check: func(t *testing.T, st *memstore.Store, _ *Result) {
				if g := stored(t, st, "100").Profile.Gender; g != (customer.Gender{Code: 7, Valid: true}) {
					t.Errorf("gender %v", g)
				}
			},
		},
		{
			name: "any other gender is an error",
			body: `<customer customer-no="100"><profile><gender>other</gender></profile></customer>`,
			want: []string{"error gender customers/customer/profile/gender"},
		},
		{
			name: "preferred=true makes the address the default",
			body: `<customer customer-no="300"><addresses><address address-id="A"><city>x</city></address><address address-id="B" preferred="true"/></addresses></customer>`,
			check: func(t *testing.T, st *memstore.Store, _ *Result) {
				if p := stored(t, st, "300").PreferredAddress(); p == nil || p.ID != "B" {
					t.Errorf("preferred %+v", p)
				}
			},
		},
		{
			name: "an address marked preferred=false never becomes the default",
			body: `<customer customer-no="300"><addresses><address address-id="A" preferred="false"/><address address-id="B" preferred="false"/></addresses></customer>`,
			check: func(t *testing.T, st *memstore.Store, _ *Result) {
				if p := stored(t, st, "300").PreferredAddress(); p != nil {
					t.Errorf("preferred %+v, want none", p)
				}
			},
		},
		{
			name: "an address that does not say becomes the default when none is preferred",
			body: `<customer customer-no="300"><addresses><address address-id="A" preferred="false"/><address address-id="B"/></addresses></customer>`,
			check: func(t *testing.T, st *memstore.Store, _ *Result) {
				if p := stored(t, st, "300").PreferredAddress(); p == nil || p.ID != "B" {
					t.Errorf("preferred %+v", p)
				}
			},
		},
		{
			name: "country codes of one or two characters keep their case, address ids their white space",
			body: `<customer customer-no="300"><addresses><address address-id=" Mom's place "><country-code>x</country-code></address><address address-id="B"><country-code>Fi</country-code></address></addresses></customer>`,
			check: func(t *testing.T, st *memstore.Store, _ *Result) {
				c := stored(t, st, "300")
				if c.Addresses[0].ID != " Mom's place " || c.Addresses[0].CountryCode != "x" || c.Addresses[1].CountryCode != "Fi" {
					t.Errorf("addresses %+v", c.Addresses)
				}
				var buf bytes.Buffer
				if _, err := ExportCustomers(context.Background(), &buf, st, ExportOptions{}); err != nil || !bytes.Contains(buf.Bytes(), []byte(`address-id=" Mom's place "`)) {
					t.Errorf("export lost the address id's white space: %v", err)
				}
			},
		},
		{
			name: "a three-character country code is an error",
			body: `<customer customer-no="300"><addresses><address address-id="A"><country-code>FIN</country-code></address></addresses></customer>`,
			want: []string{"error too-long customers/customer/addresses/address/country-code"},
		},
		{
			name: "customer-groups assign static groups and refuse dynamic ones with a warning",
			body: `<customer customer-no="300"><customer-groups><customer-group group-id="static"/><customer-group group-id="dynamic"/></customer-groups></customer>`,
			want: []string{"warning group.assignment-refused customers/customer/customer-groups/customer-group"},
			check: func(t *testing.T, st *memstore.Store, _ *Result) {
				if g := stored(t, st, "300").Groups; !cmp.Equal(g, []string{"static"}) {
					t.Errorf("groups %v", g)
				}
			},
		},
		{
			name: "group-assignment assigns a customer to a static group",
			body: `<customer customer-no="300"/><group-assignment group-id="static" customer-no="300"/>`,
			check: func(t *testing.T, st *memstore.Store, res *Result) {
				if !stored(t, st, "300").InGroup("static") || res.Assignments.Assigned != 1 {
					t.Errorf("not assigned: %+v", res.Assignments)
				}
			},
		},
		{
			name: "group-assignment to a dynamic group is refused with a warning",
			body: `<group-assignment group-id="dynamic" customer-no="100"/>`,
			want: []string{"warning group.assignment-refused customers/group-assignment"},
		},
		{
			name: "group-assignment with mode=delete removes the assignment",
			body: `<group-assignment mode="delete" group-id="static" customer-no="100"/>`,
			check: func(t *testing.T, st *memstore.Store, res *Result) {
				if g := stored(t, st, "100").Groups; !cmp.Equal(g, []string{"other"}) {
					t.Errorf("groups %v", g)
				}
			},
		},
		{
			name: "group-assignment with mode=delete and only a customer-no removes all the customer's assignments",
			body: `<group-assignment mode="delete" customer-no="100"/>`,
			check: func(t *testing.T, st *memstore.Store, res *Result) {
				if g := stored(t, st, "100").Groups; len(g) != 0 || res.Assignments.Removed != 2 {
					t.Errorf("groups %v, %+v", g, res.Assignments)
				}
			},
		},
		{
			name: "group-assignment with mode=delete and only a group-id removes all the group's assignments",
			body: `<customer customer-no="300"><customer-groups><customer-group group-id="static"/></customer-groups></customer><group-assignment mode="delete" group-id="static"/>`,
			check: func(t *testing.T, st *memstore.Store, res *Result) {
				if stored(t, st, "100").InGroup("static") || stored(t, st, "300").InGroup("static") || !stored(t, st, "100").InGroup("other") {
					t.Errorf("static memberships left: %+v", res.Assignments)
				}
			},
		},
		{
			name: "mode=delete on a customer deletes it",
			body: `<customer customer-no="100" mode="delete"/>`,
			check: func(t *testing.T, st *memstore.Store, res *Result) {
				if st.Len() != 0 || res.Deleted != 1 {
					t.Errorf("len %d, %+v", st.Len(), res.Counts)
				}
			},
		},
		{
			name: "update mode reports an unknown customer instead of creating it",
			mode: impex.ModeUpdate,
			body: `<customer customer-no="999"/>`,
			want: []string{"error customer.unknown customers/customer"},
		},
		{
			name: "replace mode clears what the record does not give",
			mode: impex.ModeReplace,
			body: `<customer customer-no="100"><credentials><login>stored@example.com</login></credentials><profile><first-name>Only</first-name></profile></customer>`,
			check: func(t *testing.T, st *memstore.Store, _ *Result) {
				c := stored(t, st, "100")
				if c.Profile.FirstName != "Only" || c.Profile.LastName != "" || c.Note != "" || len(c.Addresses) != 0 ||
					c.Credentials.Password.IsZero() || len(c.Groups) != 2 {
					t.Errorf("got %+v", c)
				}
			},
		},
		{
			name: "delete mode deletes the customers the document names",
			mode: impex.ModeDelete,
			body: `<customer customer-no="100"/>`,
			check: func(t *testing.T, st *memstore.Store, _ *Result) {
				if st.Len() != 0 {
					t.Errorf("len %d", st.Len())
				}
			},
		},
		{
			name: "email-verified-flag is read-only",
			body: `<customer customer-no="100"><profile><email-verified-flag>false</email-verified-flag></profile></customer>`,
			check: func(t *testing.T, st *memstore.Store, res *Result) {
				if v := stored(t, st, "100").Profile.EmailVerified; v == nil || !*v || res.Unchanged != 1 {
					t.Errorf("email verified %v, %+v", v, res.Counts)
				}
			},
		},
		{
			name: "a plain password is hashed with scrypt",
			body: `<customer customer-no="100"><credentials><login>stored@example.com</login><password encrypted="false">s3cret!</password></credentials></customer>`,
			check: func(t *testing.T, st *memstore.Store, _ *Result) {
				h := stored(t, st, "100").Credentials.Password
				if h.Scheme != customer.SchemeScrypt || customer.VerifyPassword(h, "s3cret!") != nil {
					t.Errorf("password %v does not verify", h)
				}
			},
		},
		{
			name: "an encrypted password is stored as given with its scheme",
			body: `<customer customer-no="100"><credentials><login>stored@example.com</login><password encrypted="true" encryptionScheme="s0001">opaque</password></credentials></customer>`,
			check: func(t *testing.T, st *memstore.Store, _ *Result) {
				if h := stored(t, st, "100").Credentials.Password; h != (customer.PasswordHash{Scheme: customer.SchemeS0001, Hash: "opaque"}) {
					t.Errorf("password %+v", h)
				}
				var buf bytes.Buffer
				_, _ = ExportCustomers(context.Background(), &buf, st, ExportOptions{})
				if !bytes.Contains(buf.Bytes(), []byte(`<password encrypted="true" encryptionScheme="s0001">opaque</password>`)) {
					t.Errorf("export does not write the stored password:\n%s", buf.Bytes())
				}
			},
		},
		{
			name: "an unknown password scheme is an error",
			body: `<customer customer-no="100"><credentials><login>stored@example.com</login><password encrypted="true" encryptionScheme="sha1">x</password></credentials></customer>`,
			want: []string{"error password.scheme customers/customer/credentials/password"},
		},
		{
			name: "the same customer-no twice in a file is reported on the second record",
			body: `<customer customer-no="400"/><customer customer-no="400"/>`,
			want: []string{"error duplicate.file customers/customer"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := ruleStore(t)
			res, err := Import(context.Background(), st, bytes.NewReader(customersDoc(tt.body)),
				ImportOptions{Options: impex.Options{Mode: tt.mode}, Hasher: cheapHasher})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, codes(res)); diff != "" {
				t.Errorf("issues (-want +got):\n%s", diff)
			}
			if tt.check != nil {
				tt.check(t, st, res)
			}
		})
	}
}

func TestCustomerGroupsAreIgnoredInACustomerList(t *testing.T) {
	st := ruleStore(t)
	doc := `<customer-list xmlns="` + NSCustomer + `" list-id="L"><customer customer-no="1"><customer-groups><customer-group group-id="static"/></customer-groups></customer></customer-list>`
	res, err := Import(context.Background(), st, strings.NewReader(doc), ImportOptions{})
	if err != nil || res.Created != 1 {
		t.Fatalf("%v, %+v", err, res.Counts)
	}
	c, err := st.ByNumber(context.Background(), "L", "1")
	if err != nil || len(c.Groups) != 0 {
		t.Fatalf("customer %+v, %v", c, err)
	}
}

func TestDecodeTellsAbsentFromEmpty(t *testing.T) {
	doc := customersDoc(`<customer customer-no="1"><profile><first-name/><email>a@b.c</email></profile></customer>`)
	rec, err := NewDecoder(bytes.NewReader(doc), DecodeOptions{}).Next()
	if err != nil {
		t.Fatal(err)
	}
	p := rec.(*CustomerRecord).Patch
	for f, want := range map[customer.Field]bool{customer.FieldFirstName: true, customer.FieldEmail: true, customer.FieldLastName: false, customer.FieldNote: false, customer.FieldNumber: true} {
		if p.Given(f) != want {
			t.Errorf("%v given = %v, want %v", f, p.Given(f), want)
		}
	}
}

func TestDocumentErrors(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want error
		code validate.Code
	}{
		{"a mismatched tag is a syntax error", `<customers xmlns="` + NSCustomer + `"><customer></customers>`, impex.ErrDamaged, validate.CodeXMLSyntax},
		{"a truncated document is a syntax error", `<customers xmlns="` + NSCustomer + `"><customer customer-no="1">`, impex.ErrDamaged, validate.CodeXMLSyntax},
		{"an entity declaration is refused", `<!DOCTYPE customers [<!ENTITY x SYSTEM "file:///etc/passwd">]><customers xmlns="` + NSCustomer + `"><customer customer-no="&x;"/></customers>`, validate.CodeXMLEntity, validate.CodeXMLEntity},
		{"a foreign root is refused", `<orders xmlns="urn:x"/>`, validate.CodeXMLRoot, validate.CodeXMLRoot},
		{"a customer-lists document has nothing to import", `<customer-lists xmlns="` + NSCustomerList + `"/>`, validate.CodeXMLRoot, validate.CodeXMLRoot},
		{"an empty file has no root", ``, validate.CodeXMLNoRoot, validate.CodeXMLNoRoot},
		{"a declaration and a comment have no root", "<?xml version=\"1.0\"?>\n<!-- nothing -->\n", validate.CodeXMLNoRoot, validate.CodeXMLNoRoot},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Import(context.Background(), memstore.New(memstore.Options{}), strings.NewReader(tt.doc), ImportOptions{})
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
			if res.Report.ByCode()[tt.code] != 1 {
				t.Fatalf("report lacks %s: %v", tt.code, res.Report.Issues())
			}
			// The message names what is wrong, without an empty name in it.
			if msg := res.Report.Issues()[0].Message(validate.English); strings.HasSuffix(msg, " ") || strings.Contains(msg, "root element the") {
				t.Errorf("message %q", msg)
			}
			if strings.HasSuffix(err.Error(), " ") {
				t.Errorf("error %q ends in a space", err)
			}
		})
	}
}

func TestSniff(t *testing.T) {
	for doc, want := range map[string]DocumentKind{
		`<?xml version="1.0"?><customers xmlns="` + NSCustomer + `"/>`: DocCustomers,
		`<customers xmlns="` + NSPaymentInstrument + `"/>`:             DocPaymentInstruments,
		`<customer-list xmlns="` + NSCustomer + `" list-id="x"/>`:      DocCustomerList,
		`<!-- c --><customer-lists xmlns="` + NSCustomerList + `"/>`:   DocCustomerLists,
		`<customer-groups xmlns="` + NSCustomerGroup + `"/>`:           DocCustomerGroups,
		`<slot-configurations xmlns="` + NSSlot + `"/>`:                DocSlots,
		`<customer-active-data-list xmlns="` + NSActiveData + `"/>`:    DocActiveData,
		`<customers/>`:                   DocCustomers,
		`<customers xmlns="urn:other"/>`: DocUnknown,
	} {
		kind, r, err := Sniff(strings.NewReader(doc))
		if err != nil || kind != want {
			t.Errorf("%s: %v, %v; want %v", doc, kind, err, want)
			continue
		}
		var buf bytes.Buffer
		if _, err := buf.ReadFrom(r); err != nil || buf.String() != doc {
			t.Errorf("Sniff's reader does not replay the input: %q", buf.String())
		}
	}
}

// A customer created without a number never draws one a later record of
// the document gives: the draw skips every number the document holds, so
// the dry run (which draws nothing) and the real run agree.
func TestDrawnNumbersSkipTheDocumentsNumbers(t *testing.T) {
	doc := customersDoc(`<customer><credentials><login>a@example.com</login></credentials></customer>` +
		`<customer customer-no="3"><credentials><login>b@example.com</login></credentials></customer>` +
		`<customer><credentials><login>c@example.com</login></credentials></customer>` +
		`<customer><credentials><login>d@example.com</login></credentials></customer>`)
	for _, dry := range []bool{true, false} {
		st := memstore.New(memstore.Options{})
		if _, err := st.NextNumber(context.Background(), ""); err != nil { // the sequence is at 1
			t.Fatal(err)
		}
		res, err := Import(context.Background(), st, bytes.NewReader(doc), ImportOptions{Options: impex.Options{DryRun: dry}})
		if err != nil {
			t.Fatal(err)
		}
		if res.Created != 4 || res.Rejected != 0 {
			t.Fatalf("dry run %v: %+v, issues %v; want all four created", dry, res.Counts, res.Report.Issues())
		}
		if dry {
			continue
		}
		for login, want := range map[string]string{"a@example.com": "2", "b@example.com": "3", "c@example.com": "4", "d@example.com": "5"} {
			if c, err := st.ByLogin(context.Background(), "", login); err != nil || c.Number != want {
				t.Errorf("%s: %v, %v; want number %s", login, c, err, want)
			}
		}
	}
}

// A customers document of group assignments alone applies them and is
// not reported as empty; an assignment to a system group is refused as
// such, not as one to a dynamic group.
func TestAnAssignmentsOnlyDocumentIsNotEmpty(t *testing.T) {
	st := ruleStore(t)
	doc := customersDoc(`<group-assignment group-id="other" customer-no="100" mode="delete"/>` +
		`<group-assignment group-id="Registered" customer-no="100"/>` +
		`<group-assignment group-id="dynamic" customer-no="100"/>`)
	res, err := Import(context.Background(), st, bytes.NewReader(doc), ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if want := (AssignmentCounts{Read: 3, Removed: 1, Refused: 2}); res.Assignments != want {
		t.Errorf("assignments %+v, want %+v", res.Assignments, want)
	}
	var codes []validate.Code
	for is := range res.Report.All() {
		codes = append(codes, is.Code)
	}
	want := []validate.Code{validate.CodeSystemGroupAssignmentRefused, validate.CodeGroupAssignmentRefused}
	if !slices.Equal(codes, want) {
		t.Errorf("issues %v, want %v", codes, want)
	}
	if msg := res.Report.Issues()[0].Message(validate.English); !strings.Contains(msg, "system group") || strings.Contains(msg, "dynamic") {
		t.Errorf("the system group's refusal says %q", msg)
	}
	if stored(t, st, "100").InGroup("other") {
		t.Error("the removal was not applied")
	}
}

// Issues of XML documents speak of documents, records and elements, never
// of spreadsheets: no header row, data rows, TRUE or FALSE, or cell words.
func TestXMLIssuesUseNoSpreadsheetWords(t *testing.T) {
	docs := []string{
		string(customersDoc(``)),
		string(customersDoc(`<customer customer-no="1"><credentials><enabled-flag>yes</enabled-flag></credentials></customer>`)),
		string(customersDoc(`<customer customer-no="2"><credentials><password encrypted="TRUE">x</password></credentials></customer>`)),
		string(customersDoc(`<customer customer-no="3"><profile><addresses><address address-id="a" preferred="TRUE"/></addresses></profile></customer>`)),
		string(customersDoc(`<customer customer-no="4" mode="delete"/>`)),
	}
	for i, doc := range docs {
		res, _ := Import(context.Background(), memstore.New(memstore.Options{}), strings.NewReader(doc), ImportOptions{})
		if res.Report.Len() == 0 {
			t.Errorf("document %d: no issues", i)
		}
		for is := range res.Report.All() {
			for _, lang := range []validate.Language{validate.English, "fi", "sv"} {
				text := is.Text(lang)
				for _, word := range []string{"header row", "data row", "TRUE", "FALSE", "column", "otsikkorivi", "rubrikrad", "sarake", "kolumn"} {
					if strings.Contains(text, word) {
						t.Errorf("document %d, %s: %q says %q", i, lang, text, word)
					}
				}
			}
		}
	}
}

// A customer-list document goes into the list the options name, and its
// header is reported for that list; DefaultListID names the default list.
func TestACustomerListGoesIntoTheListImportedInto(t *testing.T) {
	doc := `<customer-list xmlns="` + NSCustomer + `" list-id="default"><header><max-failed-logins>7</max-failed-logins></header>` +
		`<customer customer-no="1"/></customer-list>`
	for _, tc := range []struct {
		opts ImportOptions
		want string
	}{
		{ImportOptions{}, "default"},
		{ImportOptions{DefaultListID: "default"}, ""},
		{ImportOptions{List: "X", DefaultListID: "default"}, "X"},
	} {
		st := memstore.New(memstore.Options{})
		res, err := Import(context.Background(), st, strings.NewReader(doc), tc.opts)
		if err != nil || res.Created != 1 {
			t.Fatalf("%+v: %v, %+v", tc.opts, err, res.Counts)
		}
		if _, err := st.ByNumber(context.Background(), tc.want, "1"); err != nil {
			t.Errorf("%+v: the customer is not in list %q: %v", tc.opts, tc.want, err)
		}
		if res.List == nil || res.List.ID != tc.want || res.List.MaxFailedLogins == nil || *res.List.MaxFailedLogins != 7 {
			t.Errorf("%+v: header %+v; want list %q with its settings", tc.opts, res.List, tc.want)
		}
	}
}

func TestDecodersSayADocumentHasNoRoot(t *testing.T) {
	const doc = "<?xml version=\"1.0\"?>\n<!-- nothing else -->\n"
	_, err := NewDecoder(strings.NewReader(doc), DecodeOptions{}).Next()
	if !errors.Is(err, validate.CodeXMLNoRoot) {
		t.Errorf("Decoder: %v, want %s", err, validate.CodeXMLNoRoot)
	}
	_, err = NewGroupDecoder(strings.NewReader(doc), DecodeOptions{}).Next()
	if !errors.Is(err, validate.CodeXMLNoRoot) {
		t.Errorf("GroupDecoder: %v, want %s", err, validate.CodeXMLNoRoot)
	}
}
