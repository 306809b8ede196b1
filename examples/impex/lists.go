package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"reflect"
	"strconv"
	"strings"

	"github.com/impexkit/impex"
	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/validate"
	"github.com/impexkit/impex/xmlio"
)

// The store keeps its customer lists (customer.Lists): a customer-list
// document's header is stored by its import and written back by the list's
// export, a customer-lists document's settings are stored, and a document
// that names no list goes into the store's only one.

// defaultListID is the list-id the default list "" is exported under, and
// read back as, since a customer-list document needs one.
const defaultListID = "default"

// listName is how messages name a list: the default list, "", by that.
func listName(id string) string {
	if id == "" {
		return "the default list"
	}
	return strconv.Quote(id)
}

// onlyList returns the list a document that names none goes into, with its
// settings: the store's only list, or the default list of a store with
// none. A store
// with several needs --list, and the usage error names them.
func onlyList(ctx context.Context, store customer.Lists) (customer.ListSettings, error) {
	lists, err := store.Lists(ctx)
	if err != nil {
		return customer.ListSettings{}, err
	}
	switch len(lists) {
	case 0:
		return customer.ListSettings{}, nil
	case 1:
		return lists[0], nil
	}
	names := make([]string, len(lists))
	for i, l := range lists {
		names[i] = listName(l.ID)
	}
	// The store, not the command line, is at odds with the command: one
	// line says what to add, without the command's help.
	return customer.ListSettings{}, &codedError{codeUsage, fmt.Errorf("the store has %d customer lists (%s): name one with --list", len(lists), strings.Join(names, ", "))}
}

// flagGiven reports whether the flag name was set on the command line.
func flagGiven(fs *flag.FlagSet, name string) bool {
	given := false
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == name })
	return given
}

// listFlag returns the list a command works on: --list when given (the
// default list when given empty), else the store's only list.
func listFlag(ctx context.Context, fs *flag.FlagSet, store customer.Lists, list string) (string, error) {
	if flagGiven(fs, "list") {
		return list, nil
	}
	l, err := onlyList(ctx, store)
	return l.ID, err
}

// findList returns the stored settings of list id, or a not-found error
// naming the lists the store has.
func findList(ctx context.Context, store customer.Lists, id string) (customer.ListSettings, error) {
	lists, err := store.Lists(ctx)
	if err != nil {
		return customer.ListSettings{}, err
	}
	names := make([]string, len(lists))
	for i, l := range lists {
		if l.ID == id {
			return l, nil
		}
		names[i] = listName(l.ID)
	}
	return customer.ListSettings{}, &codedError{codeNotFound, fmt.Errorf("the store has no customer list %s; it has %s", listName(id), strings.Join(names, ", "))}
}

// hasSettings reports whether l sets anything beyond its ID: a customer-list
// document without a header gives only the ID, which must not replace the
// settings stored.
func hasSettings(l customer.ListSettings) bool {
	return !reflect.DeepEqual(l, customer.ListSettings{ID: l.ID})
}

// errListsDocument is a customer-lists document, whose list settings
// importListSettings stores.
var errListsDocument = errors.New("a customer-lists document")

// importListSettings stores the lists of a customer-lists document, the
// older settings format; a list the document deletes is reported and kept,
// since the store keeps a list as long as it knows it.
func importListSettings(ctx context.Context, path string, store cliStore, dry bool, g *globalFlags, e *env) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	d := xmlio.NewDecoder(bufio.NewReader(f), xmlio.DecodeOptions{Document: path})
	var lists []customer.ListSettings
	var rep validate.Report
	deleted := 0
	for rec, err := range d.All() {
		if err != nil {
			rep.Add(fileIssues(err)...)
			return finishImport(ctx, path, store, &imported{Result: &impex.Result{DryRun: dry, Report: rep}}, err, g, e, nil, false)
		}
		l, ok := rec.(*xmlio.ListRecord)
		if !ok {
			continue
		}
		switch {
		case len(l.Issues) > 0:
			rep.Add(l.Issues...)
		case l.Delete:
			deleted++
		default:
			lists = append(lists, l.Settings)
		}
	}
	rep.Add(d.Issues()...)
	if !dry && !rep.HasErrors() {
		for _, l := range lists {
			if err := store.PutList(ctx, l); err != nil {
				return err
			}
		}
	}
	out := map[string]any{"file": path, "dryRun": dry, "lists": len(lists), "deletesIgnored": deleted,
		"applied": !dry && !rep.HasErrors(), "report": g.reportJSON(&rep)}
	g.reply(e, out, func(w io.Writer) {
		verb := "imported"
		switch {
		case dry:
			verb = "checked (dry run, nothing written)"
		case rep.HasErrors():
			verb = "refused (nothing written)"
		}
		fmt.Fprintf(w, "%s %s: the settings of %s\n", verb, path, count(len(lists), "customer list", "customer lists"))
		if deleted > 0 {
			fmt.Fprintf(w, "  %s ignored: the store keeps its lists\n", count(deleted, "list deletion", "list deletions"))
		}
		g.printIssues(w, &rep)
	})
	if rep.HasErrors() {
		return &rejectedError{rep.Errors()}
	}
	return nil
}

// noteOtherLists adds a note when the import created customers in list
// whose number or login a customer of another list already has: a sign
// that the file was meant for that list, which a user who imported it
// under another name would otherwise only find as every customer twice.
func (res *imported) noteOtherLists(ctx context.Context, store cliStore, list string) error {
	n, lists, err := otherListHolders(ctx, store, res.Result, list)
	if n > 0 {
		res.notes = append(res.notes, fmt.Sprintf("%d customers created in %s have a number or login that %s already has: was the file meant for that list (--list)?",
			n, listName(list), strings.Join(lists, ", ")))
	}
	return err
}

// holds turns a lookup's answer into whether a customer was found; an
// error other than customer.ErrNotFound is the store's.
func holds(_ *customer.Customer, err error) (bool, error) {
	if errors.Is(err, customer.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// otherListHolders counts the customers the import created in list whose
// number or login a customer of another list of the store already has,
// and names those lists.
func otherListHolders(ctx context.Context, store cliStore, res *impex.Result, list string) (int, []string, error) {
	lists, err := store.Lists(ctx)
	if err != nil || len(lists) < 2 || res.DryRun {
		return 0, nil, err
	}
	n, where := 0, map[string]bool{}
	for _, row := range res.Rows {
		if row.Action != impex.ActionCreate || row.CustomerID == "" {
			continue
		}
		c, err := store.Get(ctx, row.CustomerID)
		if err != nil {
			return 0, nil, err
		}
		for _, l := range lists {
			if l.ID == list {
				continue
			}
			found, err := holds(store.ByNumber(ctx, l.ID, c.Number))
			if err == nil && !found && c.Credentials.Login != "" {
				found, err = holds(store.ByLogin(ctx, l.ID, c.Credentials.Login))
			}
			if err != nil {
				return 0, nil, err
			}
			if found {
				n++
				where[l.ID] = true
				break
			}
		}
	}
	var names []string
	for _, l := range lists {
		if where[l.ID] {
			names = append(names, listName(l.ID))
		}
	}
	return n, names, nil
}
