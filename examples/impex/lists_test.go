package main

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/impexkit/impex"
	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/customer/memstore"
	"github.com/impexkit/impex/xmlio"
)

// listHeader returns the list settings of a customer-list document, as
// the library reads them.
func listHeader(t *testing.T, path string) customer.ListSettings {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res, err := xmlio.Import(context.Background(), memstore.New(memstore.Options{}), f, xmlio.ImportOptions{Options: impex.Options{DryRun: true}})
	if err != nil || res.List == nil {
		t.Fatalf("%s: %v, list %v", path, err, res.List)
	}
	return *res.List
}

// The store keeps its lists: a customer-list document's header comes back
// in the export of that list, a customer-lists document's settings are
// stored, an export of one list holds only its customers, a document that
// names no list needs --list once the store has several, and creating
// customers that another list already has is pointed out.
func TestTheStoreKeepsItsLists(t *testing.T) {
	training := shared(t, "testdata", "sfcc", "academy_customer-lists_Training.xml")
	settings := shared(t, "testdata", "sfcc", "sfra-demo_customer-lists.xml")
	customers := shared(t, "testdata", "sfcc", "sfra-demo_RefArch_customers.xml")
	t.Chdir(t.TempDir())
	cli := func(want int, args ...string) string {
		t.Helper()
		code, stdout, stderr := runCLI(t, context.Background(), nil, args...)
		if code != want {
			t.Fatalf("impex %s: exit %d, want %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, want, stdout, stderr)
		}
		return stdout + stderr
	}

	cli(exitOK, "xml", "import", training)
	cli(exitOK, "xml", "export", "--list", "Training", "-o", "training.xml")
	if diff := cmp.Diff(listHeader(t, training), listHeader(t, "training.xml")); diff != "" {
		t.Errorf("the Training list's header after import and export (-imported +exported):\n%s", diff)
	}

	if out := cli(exitOK, "xml", "import", settings); !strings.Contains(out, "the settings of 1 customer list\n") {
		t.Errorf("customer-lists import: %s", out)
	}
	cli(exitOK, "xml", "import", "--list", "RefArch", customers)
	cli(exitOK, "xml", "export", "--list", "RefArch", "-o", "refarch.xml")
	header := listHeader(t, "refarch.xml")
	if header.MaxFailedLogins == nil || *header.MaxFailedLogins != 10 || header.CustomerLockoutEnabled == nil || *header.CustomerLockoutEnabled {
		t.Errorf("RefArch's exported header %+v lacks the customer-lists document's settings", header)
	}
	b, _ := os.ReadFile("refarch.xml")
	if n := strings.Count(string(b), "<customer "); n != 13 {
		t.Errorf("the RefArch export holds %d customers, want its 13", n)
	}
	cli(exitOK, "xml", "export", "--list", "Training", "-o", "training.xml")
	if b, _ = os.ReadFile("training.xml"); strings.Contains(string(b), "<customer ") {
		t.Errorf("the Training export holds another list's customers")
	}
	if out := cli(exitFailed, "xml", "export", "--list", "Nope"); !strings.Contains(out, `no customer list "Nope"; it has "RefArch", "Training"`) {
		t.Errorf("an unknown list: %s", out)
	}

	if out := cli(exitFailed, "xml", "import", customers); !strings.Contains(out, `the store has 2 customer lists ("RefArch", "Training"): name one with --list`) ||
		strings.Count(out, "\n") != 1 {
		t.Errorf("a customers document into a store of two lists: %q, want the one line saying so", out)
	}
	out := cli(exitOK, "xml", "import", "--list", "Training", customers)
	if !strings.Contains(out, `note: 13 customers created in "Training" have a number or login that "RefArch" already has`) {
		t.Errorf("the same customers under another list: %s", out)
	}
}

// The default list goes out under the list-id "default" and comes back
// into the default list: exporting and importing again changes nothing
// and makes no second list.
func TestTheDefaultListRoundTrips(t *testing.T) {
	t.Chdir(t.TempDir())
	if code, _, stderr := runCLI(t, context.Background(), nil, "seed", "--customers", "20"); code != exitOK {
		t.Fatalf("seed: %s", stderr)
	}
	if code, _, stderr := runCLI(t, context.Background(), nil, "xml", "export", "-o", "list.xml"); code != exitOK {
		t.Fatalf("export: %s", stderr)
	}
	code, stdout, stderr := runCLI(t, context.Background(), nil, "xml", "import", "list.xml")
	if code != exitOK || !strings.Contains(stdout, "20 rows read, 0 created, 0 updated, 20 unchanged") || strings.Contains(stdout, "note:") {
		t.Fatalf("import of the export: exit %d\n%s%s", code, stdout, stderr)
	}
	if b, _ := os.ReadFile("list.xml"); !strings.Contains(string(b), `list-id="default"`) {
		t.Errorf("the default list was not exported as list-id default")
	}
	code, stdout, _ = runCLI(t, context.Background(), nil, "store", "dump", "-o", "-")
	if code != exitOK || strings.Count(stdout, `{"list":`) != 1 {
		t.Errorf("the store has other lists than the default one:\n%s", stdout)
	}
}
