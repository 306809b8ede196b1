package main

import (
	"archive/zip"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/impexkit/impex"
	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/excelio"
	"github.com/impexkit/impex/validate"
)

func init() {
	register(&command{
		name:    "excel export",
		summary: "Export customers to the back office's ZIP of two workbooks.",
		usage:   "",
		details: `
Writes "Person Customers.xlsx" and "Company Customers.xlsx" into one ZIP (or,
with --split, side by side into a directory). The filters are the customer
view's: kind, credit allowed, group, list, update time and free text.`,
		examples: []string{
			"impex seed --customers 40",
			"impex excel export -o customers.zip",
			"impex excel export --kind company --credit yes -o credit-companies.zip",
			"impex excel export --split -o workbooks",
		},
		flags: func(fs *flag.FlagSet, g *globalFlags) func(context.Context, []string, *env) error {
			var out string
			var split bool
			f := filterFlags(fs)
			fs.StringVar(&out, "o", "customers.zip", "output `file` (a directory with --split)")
			fs.BoolVar(&split, "split", false, "write the two workbooks into a directory instead of a ZIP")
			return func(ctx context.Context, args []string, e *env) error {
				if len(args) > 0 {
					return usagef("unexpected arguments %q", args)
				}
				filter, err := f.filter()
				if err != nil {
					return &usageError{err.Error()}
				}
				store, closeStore, err := g.openStore(e, readsStore)
				if err != nil {
					return err
				}
				defer closeStore()
				return exportExcel(ctx, store, filter, out, split, g, e)
			}
		},
	})
	register(&command{
		name:    "excel import",
		summary: "Import a person or company workbook (.xlsx or .xls).",
		usage:   "FILE",
		details: `
Applies the workbook's rows to the store: rows with an id update that
customer, rows without one create a customer. Rejected rows are written to
"<name> - rejected.xlsx" next to the input (or --rejected FILE), with the
reasons in an _errors column and comments on the offending cells; fix them
and import that file again. --dry-run plans every row and writes nothing.`,
		examples: []string{
			"impex excel import --dry-run workbooks/Person\\ Customers.xlsx",
			"impex excel import workbooks/Person\\ Customers.xlsx",
			"impex excel import --policy stop-first --json workbooks/Company\\ Customers.xlsx",
		},
		flags: func(fs *flag.FlagSet, g *globalFlags) func(context.Context, []string, *env) error {
			o := importFlags(fs)
			var rejected, ssnCountry, list string
			var matchEmail, strict bool
			var maxRows int
			fs.StringVar(&rejected, "rejected", "", "where to write the rejected rows `file` (default: next to the input)")
			fs.BoolVar(&matchEmail, "match-email", false, "key rows by e-mail instead of id")
			fs.StringVar(&list, "list", "", "the customer `list` of the rows' numbers and new customers (default: the store's only list)")
			fs.StringVar(&ssnCountry, "ssn-country", "", "country of the identity numbers (FI, SE, NO, DK); default: detect")
			fs.BoolVar(&strict, "strict-ssn", false, "reject every SSN hash, even an unchanged one")
			fs.IntVar(&maxRows, "max-rows", excelio.DefaultMaxRows, "the most data rows a workbook may have")
			return func(ctx context.Context, args []string, e *env) error {
				if len(args) != 1 {
					return usagef("want one workbook file, got %d arguments", len(args))
				}
				opts, err := o.options(e, g)
				if err != nil {
					return err
				}
				hasher, err := ssnHasher(g, e)
				if err != nil {
					return err
				}
				store, closeStore, err := g.openImportStore(e, args[0], opts.DryRun)
				if err != nil {
					return err
				}
				defer closeStore()
				if list, err = listFlag(ctx, fs, store, list); err != nil {
					// A signal may land before the import starts.
					return finishImport(ctx, args[0], store, &imported{Result: &impex.Result{DryRun: opts.DryRun}}, err, g, e, nil, false)
				}
				res, err := excelio.ImportFile(ctx, store, args[0], excelio.ImportOptions{Options: opts, MatchByEmail: matchEmail, List: list,
					SSN: hasher, SSNCountry: ssnCountry, StrictSSN: strict, MaxRows: maxRows, Now: e.now})
				o.done()
				out := &imported{Result: &res.Result}
				if err == nil {
					err = out.noteOtherLists(ctx, store, list)
				}
				return finishImport(ctx, args[0], store, out, err, g, e, func() (string, error) {
					return writeRejected(args[0], rejected, res, g, e)
				}, len(res.RejectedRows()) > 0 && !opts.DryRun)
			}
		},
	})
}

// filterSet holds the listing filter flags.
type filterSet struct {
	kind, credit, group, list, search, from, to string
}

func filterFlags(fs *flag.FlagSet) *filterSet {
	f := &filterSet{}
	fs.StringVar(&f.kind, "kind", "", "only `person` or company customers")
	fs.StringVar(&f.credit, "credit", "", "only customers whose credit is allowed (`yes`) or not (no)")
	fs.StringVar(&f.group, "group", "", "only explicit members of the static `group`")
	fs.StringVar(&f.list, "list", "", "only customers of the customer `list`")
	fs.StringVar(&f.search, "search", "", "free `text` in names, e-mail, number or phone")
	fs.StringVar(&f.from, "updated-from", "", "only customers updated on or after `date` (YYYY-MM-DD)")
	fs.StringVar(&f.to, "updated-to", "", "only customers updated before `date` (YYYY-MM-DD)")
	return f
}

// parseKind reads a --kind flag's value.
func parseKind(s string) (customer.Kind, bool) {
	switch s {
	case "person":
		return customer.KindPerson, true
	case "company":
		return customer.KindCompany, true
	}
	return 0, false
}

func (f *filterSet) filter() (customer.Filter, error) {
	var out customer.Filter
	if f.kind != "" {
		k, ok := parseKind(f.kind)
		if !ok {
			return out, fmt.Errorf("--kind %q: want person or company", f.kind)
		}
		out.Kind = k
	}
	switch f.credit {
	case "":
	case "yes", "no":
		b := f.credit == "yes"
		out.CreditAllowed = &b
	default:
		return out, fmt.Errorf("--credit %q: want yes or no", f.credit)
	}
	out.Group, out.Search = f.group, f.search
	if f.list != "" {
		out.Lists = []string{f.list}
	}
	for _, d := range []struct {
		flag, v string
		dst     *time.Time
	}{{"--updated-from", f.from, &out.UpdatedFrom}, {"--updated-to", f.to, &out.UpdatedTo}} {
		if d.v == "" {
			continue
		}
		t, err := time.Parse(time.DateOnly, d.v)
		if err != nil {
			return out, fmt.Errorf("%s %q: want a date such as 2026-01-31", d.flag, d.v)
		}
		*d.dst = t
	}
	return out, nil
}

func exportExcel(ctx context.Context, store customer.Repository, f customer.Filter, out string, split bool, g *globalFlags, e *env) error {
	var res excelio.ExportResult
	export := func(w io.Writer) error {
		var err error
		res, err = excelio.Export(ctx, w, store, f, excelio.ExportOptions{Now: e.now})
		return err
	}
	var err error
	if split {
		err = exportSplit(out, export, e)
	} else {
		err = e.writeFile(out, export)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", out, err)
	}
	g.reply(e, map[string]any{"file": out, "persons": res.Persons, "companies": res.Companies}, func(w io.Writer) {
		fmt.Fprintf(w, "wrote %s: %d persons, %d companies\n", out, res.Persons, res.Companies)
	})
	return nil
}

// exportSplit writes the export's workbooks into the directory dir: the
// ZIP to a temporary file there first, then its workbooks, all of them
// renamed into place only when each is complete.
func exportSplit(dir string, export func(io.Writer) error, e *env) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".export-*.zip")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	var w io.Writer = tmp
	if e.wrapOutput != nil {
		w = e.wrapOutput(w)
	}
	err = export(w)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("%w; %s", err, nothingReplaced)
	}
	zr, err := zip.OpenReader(tmp.Name())
	if err != nil {
		return err
	}
	defer zr.Close()
	var files []outFile
	for _, f := range zr.File {
		if strings.ContainsAny(f.Name, `/\`) {
			continue
		}
		files = append(files, outFile{filepath.Join(dir, f.Name), func(w io.Writer) error {
			rc, err := f.Open()
			if err != nil {
				return err
			}
			defer rc.Close()
			_, err = io.Copy(w, rc)
			return err
		}})
	}
	return e.writeFiles(files)
}

// writeRejected writes the rejected-rows workbook and returns its path.
func writeRejected(input, path string, res *excelio.Result, g *globalFlags, e *env) (string, error) {
	if path == "" {
		ext := filepath.Ext(input)
		path = strings.TrimSuffix(input, ext) + " - rejected.xlsx"
	}
	// Rejected rows are personal data: the file is written 0600, whole or
	// not at all, and without the rows' identity numbers.
	err := e.writeFile(path, func(w io.Writer) error {
		return res.WriteRejected(w, excelio.RejectedOptions{Language: g.language()})
	})
	if err != nil {
		return "", err
	}
	return path, nil
}

// importSet holds the flags every import shares.
type importSet struct {
	mode, policy string
	maxErrors    int
	dryRun       bool
	batch        int
	bar          *progressBar
}

func importFlags(fs *flag.FlagSet) *importSet {
	o := &importSet{}
	fs.StringVar(&o.mode, "mode", "merge", "`mode`: merge, update, replace or delete")
	fs.StringVar(&o.policy, "policy", "skip", "on invalid rows: skip, stop-first, stop-after or all-or-nothing (`policy`)")
	fs.IntVar(&o.maxErrors, "max-errors", 100, "with --policy stop-after: stop after `n` rejected rows")
	fs.BoolVar(&o.dryRun, "dry-run", false, "check and plan every row, write nothing")
	fs.IntVar(&o.batch, "batch", impex.DefaultBatchSize, "rows per atomic write")
	return o
}

func (o *importSet) options(e *env, g *globalFlags) (impex.Options, error) {
	mode, err := impex.ParseMode(o.mode)
	if err != nil {
		return impex.Options{}, &usageError{err.Error()}
	}
	policy, err := impex.ParsePolicy(o.policy)
	if err != nil {
		return impex.Options{}, &usageError{err.Error()}
	}
	o.bar = newProgressBar(e, g.json)
	return impex.Options{Mode: mode, Policy: policy, MaxErrors: o.maxErrors, DryRun: o.dryRun, BatchSize: o.batch,
		Progress: func(p impex.Progress) {
			o.bar.update(p)
			if e.onProgress != nil {
				e.onProgress(p)
			}
		}}, nil
}

func (o *importSet) done() { o.bar.finish() }

// finishImport prints the result and turns it into the exit status: a
// file-level error or an interruption is an error; rejected rows are a
// rejectedError. What the import applied is in the store already, batch by
// batch.
func finishImport(ctx context.Context, input string, store cliStore, res *imported, importErr error,
	g *globalFlags, e *env, writeRejected func() (string, error), hasRejected bool) error {
	var fatal *impex.FatalError
	var fe *impex.FileError
	var pe *fs.PathError
	switch {
	case errors.Is(importErr, excelio.ErrNoSSNHasher):
		return fmt.Errorf("%s holds identity numbers in its ssn column: %w", input, errNoKey)
	case importErr != nil && ctx.Err() != nil:
		// Whatever step the signal stopped (the import, or a lookup
		// before or after it), the store holds whole batches.
		return &codedError{codeInterrupted, fmt.Errorf("%s: interrupted; the store keeps the %d changes of the batches applied before it (run the same command again to finish)", input, res.Applied())}
	case errors.As(importErr, &fatal):
		return fmt.Errorf("%s: %v; the store keeps the %d changes applied before the failure", input, fatal, res.Applied())
	case errors.As(importErr, &fe):
		if g.json {
			e.result = newImportJSON(g, input, res, "")
		}
		if len(fe.Issues) == 0 {
			return &codedError{codeFile, fmt.Errorf("%s: %w", input, fe.Err)}
		}
		if !g.json {
			for _, is := range fe.Issues[1:] {
				fmt.Fprintln(e.stderr, fileIssueLine(input, is, g.language()))
			}
		}
		return &codedError{codeFile, errors.New(fileIssueLine(input, fe.Issues[0], g.language()))}
	case errors.As(importErr, &pe):
		return pe // it names the file
	case importErr != nil:
		return fmt.Errorf("%s: %w", input, importErr)
	}
	rejectedPath := ""
	if hasRejected && writeRejected != nil {
		p, err := writeRejected()
		if err != nil {
			// The rows that were applied are in the store: say so, and
			// exit as for rejected rows, not as for a failed import.
			printResult(e, g, input, res, "")
			fmt.Fprintf(e.stderr, "%s: the rejected rows could not be written (%v); the %d changes applied are saved in the store\n", input, err, res.Applied())
			return &rejectedError{res.Rejected}
		}
		rejectedPath = p
	}
	printResult(e, g, input, res, rejectedPath)
	if res.Rejected > 0 || res.Report.HasErrors() {
		return &rejectedError{res.Rejected}
	}
	return nil
}

// fileIssueLine is a file-level issue of input as one line that names
// input once: the issue of an XML document, or of a CSV file read as a
// sheet, names the file itself.
func fileIssueLine(input string, is validate.Issue, lang validate.Language) string {
	if is.Where.Document == input || is.Where.Sheet == input {
		return is.Text(lang)
	}
	return input + ": " + is.Text(lang)
}

func printResult(e *env, g *globalFlags, input string, res *imported, rejectedPath string) {
	if g.json {
		e.result = newImportJSON(g, input, res, rejectedPath)
		return
	}
	verb := "imported"
	if res.DryRun {
		verb = "checked (dry run, nothing written)"
	}
	fmt.Fprintf(e.stdout, "%s %s: %d rows read, %d created, %d updated, %d unchanged, %d deleted, %d rejected\n",
		verb, input, res.Read, res.Created, res.Updated, res.Unchanged, res.Deleted, res.Rejected)
	g.printIssues(e.stdout, &res.Report)
	for _, n := range res.notes {
		fmt.Fprintf(e.stdout, "  note: %s\n", n)
	}
	printAssignments(e.stdout, res.assignments)
	if res.Stopped {
		fmt.Fprintln(e.stdout, "  stopped early by the error policy")
	}
	if rejectedPath != "" {
		fmt.Fprintf(e.stdout, "rejected rows written to %s\n", rejectedPath)
	}
}
