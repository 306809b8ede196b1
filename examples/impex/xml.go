package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/impexkit/impex"
	"github.com/impexkit/impex/activedata"
	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/validate"
	"github.com/impexkit/impex/xmlio"
)

func init() {
	register(&command{
		name:    "xml import",
		summary: "Import an SFCC customers or customer-list document, or active data.",
		usage:   "FILE",
		details: `
The document's root element decides what it is: <customers>, <customer-list>,
<customer-lists>, <customer-active-data-list> or <customer-groups> (see
groups import). Customers are identified by
customer-no, else by login, and created with a number from the sequence when
new; passwords given in plain text are hashed with scrypt. --dry-run plans
every record and writes nothing.`,
		examples: []string{
			"impex xml export -o list.xml",
			"impex xml import --dry-run list.xml",
			"impex xml import list.xml",
			"impex xml import --mode update --json list.xml",
		},
		flags: func(fs *flag.FlagSet, g *globalFlags) func(context.Context, []string, *env) error {
			o := importFlags(fs)
			list := fs.String("list", "", "the customer `list` to import into (default: a customer-list document's list-id, else the store's only list)")
			kind := fs.String("kind", "person", "the `kind` of customers the import creates: person or company")
			return func(ctx context.Context, args []string, e *env) error {
				if len(args) != 1 {
					return usagef("want one XML file")
				}
				opts, err := o.options(e, g)
				if err != nil {
					return err
				}
				k, ok := parseKind(*kind)
				if !ok {
					return usagef("--kind %q: want person or company", *kind)
				}
				store, closeStore, err := g.openImportStore(e, args[0], opts.DryRun)
				if err != nil {
					return err
				}
				defer closeStore()
				res, err := importXML(ctx, args[0], store, opts, *list, flagGiven(fs, "list"), k)
				o.done()
				switch {
				case errors.Is(err, errGroupsDocument):
					return importGroupsFile(ctx, args[0], store, opts.DryRun, g, e)
				case errors.Is(err, errListsDocument):
					return importListSettings(ctx, args[0], store, opts.DryRun, g, e)
				}
				if err == nil && !opts.DryRun {
					err = keepList(ctx, store, res)
				}
				return finishImport(ctx, args[0], store, res, err, g, e, nil, false)
			}
		},
	})
	register(&command{
		name:    "xml export",
		summary: "Export customers as an SFCC customer-list (or customers) document.",
		details: `
Writes a <customer-list list-id="..."> document (customerlist2.xsd) of the
customers of one list, --list (needed when the store has several), with the
list's settings as its header, or a <customers> document (customer.xsd, with
static group memberships) with --customers. The output is deterministic and
valid against the schemas. The filters are those of excel export.`,
		examples: []string{
			"impex xml export -o list.xml",
			"impex xml export --customers --kind person -o customers.xml",
		},
		flags: func(fs *flag.FlagSet, g *globalFlags) func(context.Context, []string, *env) error {
			var out, listID string
			var customers bool
			f := filterFlags(fs)
			fs.StringVar(&out, "o", "customers.xml", "output `file`")
			fs.StringVar(&listID, "list-id", "", "the list-id written into a customer-list document (default: the list's, or \"default\" for the default list)")
			fs.BoolVar(&customers, "customers", false, "write a <customers> document instead of a customer list")
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
				// A list export writes one list, with its stored settings:
				// --list, or the store's only list.
				var settings customer.ListSettings
				if !customers {
					if flagGiven(fs, "list") {
						settings, err = findList(ctx, store, f.list)
					} else {
						settings, err = onlyList(ctx, store)
					}
					if err != nil {
						return err
					}
					filter.Lists = []string{settings.ID}
					if listID != "" {
						settings.ID = listID
					} else if settings.ID == "" {
						settings.ID = defaultListID
					}
				}
				n := 0
				err = e.writeFile(out, func(w io.Writer) error {
					bw := bufio.NewWriterSize(w, 1<<20)
					var err error
					if customers {
						n, err = xmlio.ExportCustomers(ctx, bw, store, xmlio.ExportOptions{Filter: filter, Groups: store})
					} else {
						n, err = xmlio.ExportCustomerList(ctx, bw, store, settings, xmlio.ExportOptions{Filter: filter})
					}
					if err != nil {
						return err
					}
					return bw.Flush()
				})
				if err != nil {
					return fmt.Errorf("%s: %w", out, err)
				}
				g.reply(e, map[string]any{"file": out, "customers": n}, func(w io.Writer) { fmt.Fprintf(w, "wrote %s: %d customers\n", out, n) })
				return nil
			}
		},
	})
	register(&command{
		name:    "activedata import",
		summary: "Import a merchant-defined active-data feed (CSV).",
		usage:   "FILE",
		details: `
Reads a CSV file of one feed: a customerNo column and attribute columns of
that feed, comma or semicolon separated, as spreadsheet programs save it.
--feeds names a JSON file defining the feeds, such as
  [{"ID": "crm", "Attributes": [{"ID": "loyaltyPoints", "Type": "int"}]}]
Active data belongs to existing customers; unknown customer numbers are
reported.`,
		examples: []string{
			"impex activedata import --feeds feeds.json --feed crm crm.csv",
		},
		flags: func(fs *flag.FlagSet, g *globalFlags) func(context.Context, []string, *env) error {
			o := importFlags(fs)
			feedsFile := fs.String("feeds", "feeds.json", "the feed definitions `file` (JSON)")
			feed := fs.String("feed", "", "the `feed` the file belongs to")
			reserved := fs.Int("reserved", 0, "feeds reserved by the system")
			return func(ctx context.Context, args []string, e *env) error {
				if len(args) != 1 || *feed == "" {
					return usagef("want --feed and one CSV file")
				}
				opts, err := o.options(e, g)
				if err != nil {
					return err
				}
				set, err := loadFeeds(*feedsFile, *reserved)
				if err != nil {
					return err
				}
				store, closeStore, err := g.openImportStore(e, args[0], opts.DryRun)
				if err != nil {
					return err
				}
				defer closeStore()
				f, err := os.Open(args[0])
				if err != nil {
					return err
				}
				defer f.Close()
				res, err := activedata.ImportCSV(ctx, store, set, *feed, f, activedata.ImportOptions{Options: opts, Document: args[0]})
				o.done()
				return finishImport(ctx, args[0], store, &imported{Result: res}, err, g, e, nil, false)
			}
		},
	})
}

func loadFeeds(path string, reserved int) (*activedata.FeedSet, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("feed definitions: %w", err)
	}
	var feeds []activedata.Feed
	if err := json.Unmarshal(b, &feeds); err != nil {
		return nil, fmt.Errorf("feed definitions %s: %w", path, err)
	}
	return activedata.NewFeedSet(reserved, feeds...)
}

// errGroupsDocument sends a customer-groups document to the group import.
var errGroupsDocument = errors.New("a customer-groups document")

// errSlotsDocument is a slot-configurations document, which validate
// checks and slots targets reads, and nothing imports.
var errSlotsDocument = &codedError{codeFile, errors.New("a slot-configurations document holds no customers to import; check it with impex validate, or use it with impex slots targets")}

// fileIssues returns the issues of a *impex.FileError.
func fileIssues(err error) []validate.Issue {
	var fe *impex.FileError
	if errors.As(err, &fe) {
		return fe.Issues
	}
	return nil
}

// importXML imports any SFCC customer or active-data document. The result
// is never nil.
//
// A customers or active-data document goes into list when listGiven, else
// into the store's only list; a customer-list document names its own.
func importXML(ctx context.Context, path string, store cliStore, opts impex.Options, list string, listGiven bool, kind customer.Kind) (*imported, error) {
	none := &imported{Result: &impex.Result{DryRun: opts.DryRun}}
	f, err := os.Open(path)
	if err != nil {
		return none, err
	}
	defer f.Close()
	// The file goes to Sniff as it is: a reader that can seek back lets
	// the import check the whole document before it applies anything.
	doc, r, err := xmlio.Sniff(f)
	if err != nil {
		// Sniff reads no document name: its issues get the file's.
		issues := fileIssues(err)
		for i := range issues {
			if issues[i].Where.Document == "" {
				issues[i].Where.Document = path
			}
		}
		none.Report.Add(issues...)
		return none, err
	}
	switch doc {
	case xmlio.DocCustomerGroups:
		return none, errGroupsDocument
	case xmlio.DocSlots:
		return none, errSlotsDocument
	case xmlio.DocCustomerLists:
		return none, errListsDocument
	case xmlio.DocCustomers, xmlio.DocActiveData:
		if !listGiven {
			l, err := onlyList(ctx, store)
			if err != nil {
				return none, err
			}
			list = l.ID
		}
	}
	if doc == xmlio.DocActiveData {
		res, err := xmlio.ImportActiveData(ctx, store, r, xmlio.ActiveDataImportOptions{Options: opts, Document: path, List: list})
		return &imported{Result: res}, err
	}
	defaultID := defaultListID
	if _, err := findList(ctx, store, defaultListID); err == nil {
		defaultID = "" // the store has a list of that name: it means itself
	}
	res, err := xmlio.Import(ctx, store, r, xmlio.ImportOptions{Options: opts, Document: path, List: list, Kind: kind,
		DefaultListID: defaultID, Hasher: customer.PasswordHasher{LogN: 14}})
	out := &imported{Result: &res.Result, assignments: &res.Assignments, list: res.List}
	if res.List != nil {
		list = res.List.ID
	}
	if lerr := out.noteOtherLists(ctx, store, list); err == nil {
		err = lerr
	}
	return out, err
}

// keepList stores the header of a customer-list document the import read;
// a document without one leaves the stored settings as they are.
func keepList(ctx context.Context, store cliStore, res *imported) error {
	if res.list == nil || !hasSettings(*res.list) {
		return nil
	}
	return store.PutList(ctx, *res.list)
}

// validateXML runs an SFCC XML import as a dry run.
func validateXML(ctx context.Context, path string, store cliStore, g *globalFlags, e *env) error {
	res, err := importXML(ctx, path, store, impex.Options{DryRun: true}, "", false, customer.KindPerson)
	switch {
	case errors.Is(err, errGroupsDocument):
		return importGroupsFile(ctx, path, store, true, g, e)
	case errors.Is(err, errListsDocument):
		return importListSettings(ctx, path, store, true, g, e)
	case errors.Is(err, errSlotsDocument):
		return validateSlots(ctx, path, store, g, e)
	}
	return finishImport(ctx, path, store, res, err, g, e, nil, false)
}

// validateSlots checks a slot-configurations document: its own issues, and
// its references to customer groups the store does not hold.
func validateSlots(ctx context.Context, path string, store cliStore, g *globalFlags, e *env) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	slots, err := xmlio.DecodeSlots(bufio.NewReader(f), xmlio.DecodeOptions{Document: path})
	if err != nil {
		return &codedError{codeFile, fmt.Errorf("%s: %w", path, err)}
	}
	var known []string
	for grp, err := range store.Groups(ctx) {
		if err != nil {
			return err
		}
		known = append(known, grp.ID)
	}
	var rep validate.Report
	rep.Add(slots.Issues...)
	rep.Add(slots.DanglingIssues(known)...)
	out := map[string]any{"file": path, "configurations": len(slots.Configurations),
		"campaignAssignments": len(slots.CampaignAssignments), "report": g.reportJSON(&rep)}
	g.reply(e, out, func(w io.Writer) {
		fmt.Fprintf(w, "checked %s: %d slot configurations, %d campaign assignments\n", path, len(slots.Configurations), len(slots.CampaignAssignments))
		g.printIssues(w, &rep)
	})
	if rep.HasErrors() {
		return &rejectedError{rep.Errors()}
	}
	return nil
}
