package impex_test

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/impexkit/impex/activedata"
	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/excelio"
	"github.com/impexkit/impex/validate"
	"github.com/impexkit/impex/xmlio"
)

// shop is a program outside the module, as an integrator would write it:
// it imports a workbook, an SFCC customers document and an active-data CSV
// through the public API only, each with its own mode, policy and dry run,
// reads every result through the same impex.Result fields, and writes the
// rejected rows of the workbook in Finnish. It imports no language package.
const shop = `package main

import (
	"context"
	"fmt"
	"os"

	"github.com/impexkit/impex"
	"github.com/impexkit/impex/activedata"
	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/customer/memstore"
	"github.com/impexkit/impex/excelio"
	"github.com/impexkit/impex/validate"
	"github.com/impexkit/impex/xmlio"
)

func main() {
	if err := run(context.Background(), os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "shop:", err)
		os.Exit(1)
	}
}

// show prints what every import reports, whatever its format.
func show(name string, res *impex.Result) {
	c := res.Counts
	fmt.Printf("%s dry=%t read=%d created=%d updated=%d rejected=%d applied=%d\n",
		name, res.DryRun, c.Read, c.Created, c.Updated, c.Rejected, c.Applied())
	for is := range res.Report.All() {
		fmt.Printf("  %s row=%d record=%d\n", is.Code, is.Row, is.Record)
	}
}

func run(ctx context.Context, args []string) error {
	workbook, customers, points, rejected := args[0], args[1], args[2], args[3]
	store := memstore.New(memstore.Options{})

	merge, err := impex.ParseMode("merge")
	if err != nil {
		return err
	}
	for _, dry := range []bool{true, false} {
		res, err := excelio.ImportFile(ctx, store, workbook, excelio.ImportOptions{
			Options: impex.Options{Mode: merge, Policy: impex.SkipInvalid, DryRun: dry},
		})
		if err != nil {
			return err
		}
		show("workbook", &res.Result)
		fmt.Printf("  stored=%d\n", store.Len())
		if !dry {
			f, err := os.Create(rejected)
			if err != nil {
				return err
			}
			if err := res.WriteRejected(f, excelio.RejectedOptions{Language: validate.Finnish}); err != nil {
				f.Close()
				return err
			}
			if err := f.Close(); err != nil {
				return err
			}
		}
	}

	policy, err := impex.ParsePolicy("stop-after")
	if err != nil {
		return err
	}
	f, err := os.Open(customers)
	if err != nil {
		return err
	}
	defer f.Close()
	xres, err := xmlio.Import(ctx, store, f, xmlio.ImportOptions{
		Options:  impex.Options{Mode: impex.ModeUpdate, Policy: policy, MaxErrors: 5},
		Document: customers,
		Hasher:   customer.PasswordHasher{},
	})
	if err != nil {
		return err
	}
	show("customers", &xres.Result)

	feeds, err := activedata.NewFeedSet(0, activedata.Feed{
		ID:         "crm",
		Attributes: []activedata.Attribute{{ID: "points", Type: activedata.TypeInt}},
	})
	if err != nil {
		return err
	}
	g, err := os.Open(points)
	if err != nil {
		return err
	}
	defer g.Close()
	ares, err := activedata.ImportCSV(ctx, store, feeds, "crm", g, activedata.ImportOptions{Document: points})
	if err != nil {
		return err
	}
	show("points", ares)
	return nil
}
`

// TestAnOutsideModuleUsesThePublicAPI builds shop in a module of its own,
// with a replace directive to this checkout, and runs it on files exported
// from a store and then damaged in one row each.
func TestAnOutsideModuleUsesThePublicAPI(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a program in a module of its own")
	}
	root, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name string, b []byte) string { return writeFile(t, dir, name, b) }
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	write("go.sum", sum)
	write("go.mod", []byte("module example.com/shop\n\ngo 1.25.0\n\nrequire github.com/impexkit/impex v0.0.0\n\nreplace github.com/impexkit/impex => "+root+"\n"))
	write("main.go", []byte(shop))

	// Five customers 10001-10005. The workbook breaks 10002's e-mail, so
	// that customer is never created; the customers document, imported in
	// update mode, gives 10004 a number nobody has; the CSV gives 10005
	// points that are not a number.
	ctx := context.Background()
	s := seeded(t, 5)
	var zipped, doc, csv bytes.Buffer
	if _, err := excelio.Export(ctx, &zipped, s, customer.Filter{}, excelio.ExportOptions{}); err != nil {
		t.Fatal(err)
	}
	// The shop's store is empty: the rows lose the ids of the store they
	// came from and create customers with their sequence numbers.
	edits := []string{"aino1@example.fi", "aino1.example.fi"}
	for c, err := range s.List(ctx, customer.Filter{}) {
		if err != nil {
			t.Fatal(err)
		}
		edits = append(edits, ">"+c.ID+"</t>", "></t>")
	}
	workbook := write("customers.xlsx", personWorkbook(t, zipped.Bytes(), edits...))
	if _, err := xmlio.ExportCustomers(ctx, &doc, s, xmlio.ExportOptions{}); err != nil {
		t.Fatal(err)
	}
	customers := write("customers.xml", []byte(strings.NewReplacer("Virtanen", "Korhonen", `customer-no="10004"`, `customer-no="10 004"`).Replace(doc.String())))
	if _, err := activedata.ExportCSV(ctx, &csv, s, feeds(t), "crm", activedata.ExportOptions{}); err != nil {
		t.Fatal(err)
	}
	points := write("points.csv", []byte(strings.Replace(csv.String(), "10005,4", "10005,four", 1)))
	rejected := filepath.Join(dir, "rejected.xlsx")

	goCmd := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("go", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	goCmd("mod", "tidy")
	mod, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(mod, []byte("\ngo 1.25.0\n")) {
		t.Errorf("go mod tidy moved the consumer's go line:\n%s", mod)
	}
	if imports := goCmd("list", "-f", "{{join .Imports \" \"}}", "."); strings.Contains(imports, "golang.org/x/text") {
		t.Errorf("the consumer imports x/text: %s", imports)
	}
	goCmd("vet", ".")
	got := goCmd("run", ".", workbook, customers, points, rejected)
	want := `workbook dry=true read=5 created=4 updated=0 rejected=1 applied=4
  email.no-at row=3 record=0
  stored=0
workbook dry=false read=5 created=4 updated=0 rejected=1 applied=4
  email.no-at row=3 record=0
  stored=4
customers dry=false read=5 created=0 updated=3 rejected=2 applied=3
  customer.unknown row=0 record=2
  customer.unknown row=0 record=4
points dry=false read=5 created=0 updated=3 rejected=2 applied=3
  customer.unknown row=3 record=0
  number row=6 record=0
`
	if got != want {
		t.Errorf("shop printed\n%s\nwant\n%s", got, want)
	}

	// The rejected workbook holds the one bad row with its reason in Finnish.
	b, err := os.ReadFile(rejected)
	if err != nil {
		t.Fatal(err)
	}
	text := partsText(t, b)
	fi := validate.New(validate.CodeEmailNoAt, validate.Where{}).Message(validate.Finnish)
	if !strings.Contains(text, fi) || !strings.Contains(text, "aino1.example.fi") || strings.Contains(text, "aino0@example.fi") {
		t.Errorf("the rejected workbook lacks the Finnish reason %q for the one bad row, or has other rows", fi)
	}
}

// partsText returns the text of every part of an xlsx, concatenated.
func partsText(t *testing.T, xlsx []byte) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(xlsx), int64(len(xlsx)))
	if err != nil {
		t.Fatal(err)
	}
	var all strings.Builder
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(&all, rc); err != nil {
			t.Fatal(err)
		}
		rc.Close()
	}
	return all.String()
}
