package pgstore_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/customer/pgstore"
	"github.com/impexkit/impex/excelio"
	"github.com/impexkit/impex/validate"
)

// importer applies "add one to the customer numbered n's counter, creating
// the customer if needed" for a run of numbers, in batches, rereading and
// retrying a batch that fails with a conflict or a duplicate. It is what two
// imports of overlapping files do to one store.
func importer(ctx context.Context, s customer.Repository, numbers []int, batch int) (retries int, err error) {
	for start := 0; start < len(numbers); start += batch {
		part := numbers[start:min(start+batch, len(numbers))]
		for {
			ops := make([]customer.Op, 0, len(part))
			for _, n := range part {
				c, err := s.ByNumber(ctx, "", strconv.Itoa(n))
				switch {
				case errors.Is(err, customer.ErrNotFound):
					c = &customer.Customer{Kind: customer.KindPerson, Number: strconv.Itoa(n),
						Profile: customer.Profile{LastName: fmt.Sprintf("Customer %d", n)}}
				case err != nil:
					return retries, err
				}
				c.Attributes = customer.SetAttribute(c.Attributes, "imports", "", strconv.Itoa(count(c)+1))
				ops = append(ops, customer.Put(c))
			}
			_, err := s.Write(ctx, ops)
			if err == nil {
				break
			}
			if !errors.Is(err, customer.ErrConflict) && !errors.Is(err, customer.ErrDuplicate) {
				return retries, err
			}
			retries++ // another importer got there first: read again
		}
	}
	return retries, nil
}

func count(c *customer.Customer) int {
	v, _ := c.Attribute("imports", "")
	if len(v) == 0 {
		return 0
	}
	n, _ := strconv.Atoi(v[0])
	return n
}

func TestConcurrentOverlappingImportsApplyEveryRowOnce(t *testing.T) {
	s := newStore(t, pgstore.Options{})
	ctx := context.Background()
	// Importer A covers 0..599, B covers 300..899; both start with the
	// shared 300..599 in the same order, so they collide on creates and on
	// updates, then go their own ways.
	var a, b []int
	for n := range 300 {
		a = append(a, 300+n)
		b = append(b, 300+n)
	}
	for n := range 300 {
		a = append(a, n)
		b = append(b, 600+n)
	}
	var wg sync.WaitGroup
	retries := make([]int, 2)
	errs := make([]error, 2)
	for i, numbers := range [][]int{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			retries[i], errs[i] = importer(ctx, s, numbers, 10)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("importer %d: %v", i, err)
		}
	}
	t.Logf("batches retried after a conflict or duplicate: %d and %d", retries[0], retries[1])

	seen := make(map[string]bool)
	total := 0
	for c, err := range s.List(ctx, customer.Filter{}) {
		if err != nil {
			t.Fatal(err)
		}
		if seen[c.Number] {
			t.Fatalf("customer number %s is stored twice", c.Number)
		}
		seen[c.Number] = true
		n, _ := strconv.Atoi(c.Number)
		want := 1
		if n >= 300 && n < 600 {
			want = 2
		}
		if got := count(c); got != want {
			t.Errorf("customer %s: %d increments applied, want %d", c.Number, got, want)
		}
		if c.Version != int64(want) {
			t.Errorf("customer %s at version %d, want %d (one write per applied increment)", c.Number, c.Version, want)
		}
		total += count(c)
	}
	if len(seen) != 900 || total != 1200 {
		t.Fatalf("%d customers with %d increments; want 900 customers and 1200 increments", len(seen), total)
	}
}

// personWorkbook builds a person-customer workbook whose rows carry the
// sequence numbers 5000+n for each n.
func personWorkbook(t testing.TB, ns []int) []byte {
	t.Helper()
	x := excelize.NewFile()
	defer x.Close()
	const sheet = "Person Customers"
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		t.Fatal(err)
	}
	rows := [][]any{{"id", "sequenceNumber", "email", "firstName", "lastName"}}
	for _, n := range ns {
		rows = append(rows, []any{"", strconv.Itoa(5000 + n), fmt.Sprintf("p%d@example.fi", n), "Aino", fmt.Sprintf("Virtanen%d", n)})
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := x.SetSheetRow(sheet, cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestConcurrentExcelImportsOfOverlappingFiles(t *testing.T) {
	s := newStore(t, pgstore.Options{})
	ctx := context.Background()
	var a, b []int
	for n := range 400 {
		a = append(a, n)
		b = append(b, 599-n) // 200..599, backwards
	}
	files := [][]byte{personWorkbook(t, a), personWorkbook(t, b)}
	run := func(file []byte) (*excelio.Result, error) {
		return excelio.Import(ctx, s, bytes.NewReader(file), int64(len(file)), excelio.ImportOptions{})
	}

	results := make([]*excelio.Result, 2)
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for i, f := range files {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = run(f)
		}()
	}
	wg.Wait()
	created, rejected := 0, 0
	for i, res := range results {
		if errs[i] != nil {
			t.Fatalf("import %d: %v", i, errs[i])
		}
		created += res.Created
		rejected += res.Rejected
		// A row may lose a race to the other import; it must then be
		// reported as a conflict or a duplicate, never silently dropped.
		reported := make(map[int]bool)
		for _, is := range res.Report.Issues() {
			if is.Code != validate.CodeConflict && is.Code != validate.CodeDuplicateInStore {
				t.Fatalf("import %d: unexpected issue %v", i, is)
			}
			reported[is.Row] = true
		}
		for _, row := range res.Rows {
			if row.Action.String() == "reject" && !reported[row.Where.Row] {
				t.Fatalf("import %d rejected row %d without reporting why", i, row.Where.Row)
			}
		}
		t.Logf("import %d: %+v", i, res.Counts)
	}

	// Importing both files again applies what lost a race and changes
	// nothing else.
	for i, f := range files {
		res, err := run(f)
		if err != nil {
			t.Fatalf("re-import %d: %v", i, err)
		}
		if res.Rejected != 0 {
			t.Fatalf("re-import %d rejected %d rows: %v", i, res.Rejected, res.Report.Issues())
		}
		created += res.Created
	}
	if created != 600 {
		t.Fatalf("%d customers created over all runs, want exactly 600 (one per distinct row)", created)
	}
	seen := make(map[string]bool)
	for c, err := range s.List(ctx, customer.Filter{}) {
		if err != nil {
			t.Fatal(err)
		}
		if seen[c.Number] {
			t.Fatalf("customer number %s is stored twice", c.Number)
		}
		seen[c.Number] = true
		n, _ := strconv.Atoi(c.Number)
		if want := fmt.Sprintf("Virtanen%d", n-5000); c.Profile.LastName != want {
			t.Errorf("customer %s has last name %q, want %q", c.Number, c.Profile.LastName, want)
		}
	}
	if len(seen) != 600 {
		t.Fatalf("%d customers stored, want 600", len(seen))
	}
}
