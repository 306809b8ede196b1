package impex_test

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/impexkit/impex"
	"github.com/impexkit/impex/activedata"
	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/customer/memstore"
	"github.com/impexkit/impex/excelio"
	"github.com/impexkit/impex/groups"
	"github.com/impexkit/impex/validate"
	"github.com/impexkit/impex/xmlio"
)

// seeded returns a store of n person customers with numbers 10001 on, each
// with a loyalty value in the "crm" active-data feed, and a static group.
func seeded(t *testing.T, n int) *memstore.Store {
	t.Helper()
	s := memstore.New(memstore.Options{})
	ctx := context.Background()
	if err := s.WriteGroups(ctx, []groups.Op{groups.Create(&groups.Group{ID: "vip", Kind: groups.Static})}); err != nil {
		t.Fatal(err)
	}
	var ops []customer.Op
	for i := range n {
		c := &customer.Customer{Kind: customer.KindPerson, Number: fmt.Sprint(10001 + i)}
		c.Profile.FirstName = "Aino"
		c.Profile.LastName = fmt.Sprintf("Virtanen %d", i)
		c.Profile.Email = fmt.Sprintf("aino%d@example.fi", i)
		c.ActiveData = &customer.ActiveData{Orders: 1, Custom: []customer.Attribute{{ID: "points", Values: []string{fmt.Sprint(i)}}}}
		ops = append(ops, customer.Put(c))
	}
	if _, err := s.Write(ctx, ops); err != nil {
		t.Fatal(err)
	}
	return s
}

func feeds(t *testing.T) *activedata.FeedSet {
	t.Helper()
	set, err := activedata.NewFeedSet(0, activedata.Feed{ID: "crm", Attributes: []activedata.Attribute{{ID: "points", Type: activedata.TypeInt}}})
	if err != nil {
		t.Fatal(err)
	}
	return set
}

// inputs are the files every import reads, exported from a seeded store and
// edited so that a re-import changes every customer.
type inputs struct {
	workbook, customers, activeData, activeDataXML, groupsDoc []byte
}

func makeInputs(t *testing.T, n int) inputs {
	t.Helper()
	ctx := context.Background()
	s := seeded(t, n)
	var in inputs
	var zipped bytes.Buffer
	if _, err := excelio.Export(ctx, &zipped, s, customer.Filter{}, excelio.ExportOptions{}); err != nil {
		t.Fatal(err)
	}
	in.workbook = personWorkbook(t, zipped.Bytes(), "Virtanen", "Korhonen")
	var b bytes.Buffer
	if _, err := xmlio.ExportCustomers(ctx, &b, s, xmlio.ExportOptions{}); err != nil {
		t.Fatal(err)
	}
	in.customers = bytes.ReplaceAll(b.Bytes(), []byte("Virtanen"), []byte("Korhonen"))
	b.Reset()
	if _, err := activedata.ExportCSV(ctx, &b, s, feeds(t), "crm", activedata.ExportOptions{}); err != nil {
		t.Fatal(err)
	}
	header, records, _ := bytes.Cut(b.Bytes(), []byte("\n"))
	in.activeData = append(append(header, '\n'), bytes.ReplaceAll(records, []byte(","), []byte(",1"))...)
	b.Reset()
	if _, err := xmlio.ExportActiveData(ctx, &b, s, xmlio.ExportOptions{}); err != nil {
		t.Fatal(err)
	}
	in.activeDataXML = bytes.ReplaceAll(b.Bytes(), []byte("<orders>1<"), []byte("<orders>2<"))
	if bytes.Equal(in.activeDataXML, b.Bytes()) {
		t.Fatalf("the active-data export has no orders to edit:\n%s", b.Bytes())
	}
	b.Reset()
	if _, err := xmlio.ExportGroups(ctx, &b, s, xmlio.GroupExportOptions{}); err != nil {
		t.Fatal(err)
	}
	in.groupsDoc = bytes.ReplaceAll(b.Bytes(), []byte(`group-id="vip"`), []byte(`group-id="vip2"`))
	return in
}

// slowStore lets its first write through and holds every later one until
// the context ends, as a store on a slow network would: an import with a
// deadline stops part-way. Its listing stops likewise after two customers.
type slowStore struct {
	*memstore.Store
	writes int
	// quick turns the stalling off.
	quick bool
}

func (s *slowStore) Write(ctx context.Context, ops []customer.Op) ([]customer.Written, error) {
	if s.writes++; s.writes > 1 && !s.quick {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	return s.Store.Write(ctx, ops)
}

func (s *slowStore) WriteGroups(ctx context.Context, ops []groups.Op) error {
	if s.quick {
		return s.Store.WriteGroups(ctx, ops)
	}
	<-ctx.Done()
	return ctx.Err()
}

func (s *slowStore) Groups(ctx context.Context) iter.Seq2[*groups.Group, error] {
	if s.quick {
		return s.Store.Groups(ctx)
	}
	return func(yield func(*groups.Group, error) bool) {
		for g, err := range s.Store.Groups(ctx) {
			if !yield(g, err) || err != nil {
				return
			}
			if ctx.Err() == nil && g.ID == "vip" {
				break // the last group; the others are the system groups
			}
		}
		<-ctx.Done()
		yield(nil, ctx.Err())
	}
}

func (s *slowStore) List(ctx context.Context, f customer.Filter) iter.Seq2[*customer.Customer, error] {
	if s.quick {
		return s.Store.List(ctx, f)
	}
	return func(yield func(*customer.Customer, error) bool) {
		n := 0
		for c, err := range s.Store.List(ctx, f) {
			if n++; n > 2 {
				<-ctx.Done()
				yield(nil, ctx.Err())
				return
			}
			if !yield(c, err) {
				return
			}
		}
	}
}

// importer runs one import entry point on a file's bytes (or on the file
// at path, for the entry points that open files themselves).
type importer struct {
	name string
	// input is the valid input of the entry point.
	input func(inputs) []byte
	run   func(ctx context.Context, s *slowStore, path string, r io.Reader) (*impex.Result, error)
}

func importers(t *testing.T) []importer {
	opts := impex.Options{BatchSize: 2}
	readerAt := func(r io.Reader) (io.ReaderAt, int64, error) {
		if f, ok := r.(*os.File); ok {
			st, err := f.Stat()
			if err != nil {
				return nil, 0, err
			}
			return f, st.Size(), nil
		}
		if r, ok := r.(iotestErrReader); ok {
			return r, 1 << 10, nil
		}
		b, err := io.ReadAll(r)
		return bytes.NewReader(b), int64(len(b)), err
	}
	return []importer{
		{"excelio.ImportFile", func(in inputs) []byte { return in.workbook },
			func(ctx context.Context, s *slowStore, path string, _ io.Reader) (*impex.Result, error) {
				res, err := excelio.ImportFile(ctx, s, path, excelio.ImportOptions{Options: opts})
				return &res.Result, err
			}},
		{"excelio.Import", func(in inputs) []byte { return in.workbook },
			func(ctx context.Context, s *slowStore, _ string, r io.Reader) (*impex.Result, error) {
				ra, size, err := readerAt(r)
				if err != nil {
					t.Fatal(err)
				}
				res, err := excelio.Import(ctx, s, ra, size, excelio.ImportOptions{Options: opts})
				return &res.Result, err
			}},
		{"xmlio.Import", func(in inputs) []byte { return in.customers },
			func(ctx context.Context, s *slowStore, path string, r io.Reader) (*impex.Result, error) {
				res, err := xmlio.Import(ctx, s, r, xmlio.ImportOptions{Options: opts, Document: path, Hasher: customer.PasswordHasher{LogN: 4}})
				return &res.Result, err
			}},
		{"xmlio.ImportActiveData", func(in inputs) []byte { return in.activeDataXML },
			func(ctx context.Context, s *slowStore, path string, r io.Reader) (*impex.Result, error) {
				return xmlio.ImportActiveData(ctx, s, r, xmlio.ActiveDataImportOptions{Options: opts, Document: path})
			}},
		{"xmlio.ImportGroups", func(in inputs) []byte { return in.groupsDoc },
			func(ctx context.Context, s *slowStore, path string, r io.Reader) (*impex.Result, error) {
				res, err := xmlio.ImportGroups(ctx, s, r, xmlio.GroupImportOptions{Document: path})
				return &res.Result, err
			}},
		{"activedata.ImportCSV", func(in inputs) []byte { return in.activeData },
			func(ctx context.Context, s *slowStore, path string, r io.Reader) (*impex.Result, error) {
				return activedata.ImportCSV(ctx, s, feeds(t), "crm", r, activedata.ImportOptions{Options: opts, Document: path})
			}},
	}
}

// TestEveryImportFailsTheDocumentedWay runs every import entry point on
// inputs that cannot be imported, and on a context that ends before or
// during the import: each returns a non-nil result with the documented
// error, and none panics.
func TestEveryImportFailsTheDocumentedWay(t *testing.T) {
	const rows = 9
	in := makeInputs(t, rows)
	dir := t.TempDir()
	write := func(name string, b []byte) string { return writeFile(t, dir, name, b) }
	missing := filepath.Join(dir, "missing.file")
	csvPath := write("customers.csv", []byte("id,email\n1,aino@example.fi\n"))
	// A workbook where each entry point wants its own format; the CSV
	// import is given the workbook instead.
	workbookPath := write("workbook.xlsx", in.workbook)

	for _, imp := range importers(t) {
		open := func(t *testing.T, path string) io.Reader {
			f, err := os.Open(path)
			if err != nil {
				// Readers of a missing file fail on the first read, as a
				// file whose opening failed elsewhere would.
				return iotestErrReader{err}
			}
			t.Cleanup(func() { f.Close() })
			return f
		}
		wrongFormat := csvPath
		if imp.name == "activedata.ImportCSV" {
			wrongFormat = workbookPath
		}
		t.Run(imp.name+": a missing file is a FileError wrapping fs.ErrNotExist", func(t *testing.T) {
			res, err := imp.run(context.Background(), &slowStore{Store: seeded(t, 0)}, missing, open(t, missing))
			var fe *impex.FileError
			if !errors.As(err, &fe) || !errors.Is(err, fs.ErrNotExist) {
				t.Fatalf("err = %v (%T), want a *impex.FileError wrapping fs.ErrNotExist", err, err)
			}
			checkResult(t, res, err)
		})
		t.Run(imp.name+": a directory is a FileError wrapping an *fs.PathError", func(t *testing.T) {
			res, err := imp.run(context.Background(), &slowStore{Store: seeded(t, 0)}, dir, open(t, dir))
			var fe *impex.FileError
			var pe *fs.PathError
			if !errors.As(err, &fe) || !errors.As(err, &pe) {
				t.Fatalf("err = %v (%T), want a *impex.FileError wrapping an *fs.PathError", err, err)
			}
			checkResult(t, res, err)
		})
		t.Run(imp.name+": a file of another format is a FileError wrapping impex.ErrFormat", func(t *testing.T) {
			store := seeded(t, 0)
			res, err := imp.run(context.Background(), &slowStore{Store: store}, wrongFormat, open(t, wrongFormat))
			var fe *impex.FileError
			if !errors.As(err, &fe) || !errors.Is(err, impex.ErrFormat) || len(fe.Issues) == 0 {
				t.Fatalf("err = %v (%T), want a *impex.FileError with issues wrapping impex.ErrFormat", err, err)
			}
			checkResult(t, res, err)
			if store.Len() != 0 {
				t.Errorf("the store holds %d customers after a file error", store.Len())
			}
		})
		t.Run(imp.name+": a cancelled context is a FatalError matching context.Canceled", func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			path := write("input-"+imp.name, imp.input(in))
			res, err := imp.run(ctx, &slowStore{Store: seeded(t, rows)}, path, open(t, path))
			var fatal *impex.FatalError
			if !errors.As(err, &fatal) || !errors.Is(err, context.Canceled) {
				t.Fatalf("err = %v (%T), want a *impex.FatalError matching context.Canceled", err, err)
			}
			checkResult(t, res, err)
			if res.Applied() != 0 {
				t.Errorf("a cancelled import applied %d rows", res.Applied())
			}
		})
		t.Run(imp.name+": a deadline passed mid-import is a FatalError matching context.DeadlineExceeded, with what was applied", func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
			defer cancel()
			path := write("input-"+imp.name, imp.input(in))
			res, err := imp.run(ctx, &slowStore{Store: seeded(t, rows)}, path, open(t, path))
			var fatal *impex.FatalError
			if !errors.As(err, &fatal) || !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("err = %v (%T), want a *impex.FatalError matching context.DeadlineExceeded", err, err)
			}
			checkResult(t, res, err)
			// The group import writes once, all or nothing; the others
			// applied their first batch before the store stalled.
			if want := 2; imp.name != "xmlio.ImportGroups" && res.Applied() != want {
				t.Errorf("applied %d rows before the deadline, want the first batch of %d (%+v)", res.Applied(), want, res.Counts)
			}
		})
	}
}

// checkResult checks what every failed import promises of its result.
func checkResult(t *testing.T, res *impex.Result, err error) {
	t.Helper()
	if res == nil {
		t.Fatal("the result is nil")
	}
	if res.Err != err {
		t.Errorf("result.Err = %v, want the returned error %v", res.Err, err)
	}
	var fe *impex.FileError
	if errors.As(err, &fe) {
		for _, is := range fe.Issues {
			if !slicesContainsIssue(res.Report.Issues(), is) {
				t.Errorf("the report lacks the file's issue %v", is)
			}
		}
	}
}

func slicesContainsIssue(list []validate.Issue, is validate.Issue) bool {
	for _, x := range list {
		if x == is {
			return true
		}
	}
	return false
}

type iotestErrReader struct{ err error }

func (r iotestErrReader) Read([]byte) (int, error)          { return 0, r.err }
func (r iotestErrReader) ReadAt([]byte, int64) (int, error) { return 0, r.err }

// TestEveryExportFailsTheDocumentedWay runs every export entry point with a
// context that ends before or during the export, and onto a writer that
// fails: each returns an error that errors.Is and errors.As can read.
func TestEveryExportFailsTheDocumentedWay(t *testing.T) {
	set := feeds(t)
	exports := []struct {
		name string
		run  func(ctx context.Context, w io.Writer, s *slowStore) error
	}{
		{"excelio.Export", func(ctx context.Context, w io.Writer, s *slowStore) error {
			_, err := excelio.Export(ctx, w, s, customer.Filter{}, excelio.ExportOptions{})
			return err
		}},
		{"xmlio.ExportCustomers", func(ctx context.Context, w io.Writer, s *slowStore) error {
			_, err := xmlio.ExportCustomers(ctx, w, s, xmlio.ExportOptions{})
			return err
		}},
		{"xmlio.ExportCustomerList", func(ctx context.Context, w io.Writer, s *slowStore) error {
			_, err := xmlio.ExportCustomerList(ctx, w, s, customer.ListSettings{ID: "default"}, xmlio.ExportOptions{})
			return err
		}},
		{"xmlio.ExportActiveData", func(ctx context.Context, w io.Writer, s *slowStore) error {
			_, err := xmlio.ExportActiveData(ctx, w, s, xmlio.ExportOptions{})
			return err
		}},
		{"xmlio.ExportGroups", func(ctx context.Context, w io.Writer, s *slowStore) error {
			_, err := xmlio.ExportGroups(ctx, w, s, xmlio.GroupExportOptions{})
			return err
		}},
		{"activedata.ExportCSV", func(ctx context.Context, w io.Writer, s *slowStore) error {
			_, err := activedata.ExportCSV(ctx, w, s, set, "crm", activedata.ExportOptions{})
			return err
		}},
	}
	dir, err := os.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer dir.Close()
	for _, ex := range exports {
		t.Run(ex.name+": a cancelled context matches context.Canceled", func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			if err := ex.run(ctx, io.Discard, &slowStore{Store: seeded(t, 5)}); !errors.Is(err, context.Canceled) {
				t.Fatalf("err = %v, want one matching context.Canceled", err)
			}
		})
		t.Run(ex.name+": a deadline passed mid-export matches context.DeadlineExceeded", func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
			defer cancel()
			if err := ex.run(ctx, io.Discard, &slowStore{Store: seeded(t, 5)}); !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("err = %v, want one matching context.DeadlineExceeded", err)
			}
		})
		t.Run(ex.name+": a writer that fails is an error wrapping its *fs.PathError", func(t *testing.T) {
			err := ex.run(context.Background(), dir, &slowStore{Store: seeded(t, 5), quick: true})
			var pe *fs.PathError
			if !errors.As(err, &pe) {
				t.Fatalf("err = %v (%T), want one wrapping the writer's *fs.PathError", err, err)
			}
		})
	}
}

// writeFile writes b to the file name in dir and returns its path.
func writeFile(t *testing.T, dir, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// personWorkbook returns the person workbook of an export's ZIP, with the
// replacements (old, new pairs, as strings.NewReplacer takes them) made in
// every part, so that a re-import changes the customers.
func personWorkbook(t *testing.T, zipped []byte, replacements ...string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(zipped), int64(len(zipped)))
	if err != nil {
		t.Fatal(err)
	}
	f, err := zr.Open("Person Customers.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	wr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	var edited bytes.Buffer
	zw := zip.NewWriter(&edited)
	for _, e := range wr.File {
		part, err := e.Open()
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(part)
		if err != nil {
			t.Fatal(err)
		}
		w, err := zw.Create(e.Name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := strings.NewReplacer(replacements...).WriteString(w, string(body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(edited.Bytes(), b) {
		t.Fatal("the workbook was not edited")
	}
	return edited.Bytes()
}
