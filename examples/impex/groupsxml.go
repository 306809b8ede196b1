package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/impexkit/impex"
	"github.com/impexkit/impex/groups"
	"github.com/impexkit/impex/xmlio"
)

func init() {
	register(&command{
		name:    "groups import",
		summary: "Import an SFCC customer-groups document: static, dynamic and system groups.",
		usage:   "FILE",
		details: `
Reads <customer-groups> (customergroup.xsd). Every dynamic rule is compiled
and the groups are checked together for dependency cycles before anything is
written: a file with an error applies nothing. Deleting or replacing a static
group keeps its members. group-assignment elements are applied, with a
warning, since customer files are their usual home.`,
		examples: []string{
			"impex groups export -o groups.xml",
			"impex groups import --dry-run groups.xml",
			"impex groups import groups.xml",
		},
		flags: func(fs *flag.FlagSet, g *globalFlags) func(context.Context, []string, *env) error {
			dry := fs.Bool("dry-run", false, "check everything, write nothing")
			return func(ctx context.Context, args []string, e *env) error {
				if len(args) != 1 {
					return usagef("want one customer-groups XML file")
				}
				store, closeStore, err := g.openImportStore(e, args[0], *dry)
				if err != nil {
					return err
				}
				defer closeStore()
				return importGroupsFile(ctx, args[0], store, *dry, g, e)
			}
		},
	})
	register(&command{
		name:     "groups export",
		summary:  "Export every customer group as an SFCC customer-groups document.",
		examples: []string{"impex groups export -o groups.xml"},
		flags: func(fs *flag.FlagSet, g *globalFlags) func(context.Context, []string, *env) error {
			out := fs.String("o", "customer-groups.xml", "output `file`")
			return func(ctx context.Context, args []string, e *env) error {
				if len(args) > 0 {
					return usagef("unexpected arguments %q", args)
				}
				store, closeStore, err := g.openStore(e, readsStore)
				if err != nil {
					return err
				}
				defer closeStore()
				n := 0
				err = e.writeFile(*out, func(w io.Writer) error {
					bw := bufio.NewWriter(w)
					var err error
					if n, err = xmlio.ExportGroups(ctx, bw, store, xmlio.GroupExportOptions{}); err != nil {
						return err
					}
					return bw.Flush()
				})
				if err != nil {
					return fmt.Errorf("%s: %w", *out, err)
				}
				g.reply(e, map[string]any{"file": *out, "groups": n}, func(w io.Writer) { fmt.Fprintf(w, "wrote %s: %d groups\n", *out, n) })
				return nil
			}
		},
	})
	register(&command{
		name:    "slots targets",
		summary: "Show which slot configurations target a customer, and dangling group references.",
		usage:   "SLOTS.xml NUMBER",
		details: `
Reads an SFCC slot-configurations document, evaluates the customer's groups
(static, system and dynamic) and lists the configurations restricted to one
of them. References to groups the store does not hold are reported.`,
		examples: []string{"impex slots targets slots.xml 10003"},
		flags: func(fs *flag.FlagSet, g *globalFlags) func(context.Context, []string, *env) error {
			sess := sessionFlags(fs)
			return func(ctx context.Context, args []string, e *env) error {
				if len(args) != 2 {
					return usagef("want a slots file and a customer number")
				}
				f, err := os.Open(args[0])
				if err != nil {
					return err
				}
				defer f.Close()
				slots, err := xmlio.DecodeSlots(bufio.NewReader(f), xmlio.DecodeOptions{Document: args[0]})
				if err != nil {
					return fmt.Errorf("%s: %w", args[0], err)
				}
				store, closeStore, err := g.openStore(e, readsStore)
				if err != nil {
					return err
				}
				defer closeStore()
				set, sub, err := subjectFor(ctx, store, e, args[1:], sess)
				if err != nil {
					return err
				}
				members := set.Members(sub, nil)
				var known []string
				for grp, err := range store.Groups(ctx) {
					if err != nil {
						return err
					}
					known = append(known, grp.ID)
				}
				targets := slots.For(members)
				dangling := slots.DanglingIssues(known)
				slices.Sort(members)
				ids, problems := []string{}, []string{}
				for _, c := range targets {
					ids = append(ids, c.SlotID+"/"+c.ConfigurationID)
				}
				for _, is := range dangling {
					problems = append(problems, is.Text(g.language()))
				}
				g.reply(e, map[string]any{"customer": sub.Customer.Number, "groups": members, "configurations": ids, "dangling": problems}, func(w io.Writer) {
					fmt.Fprintf(w, "%s (%s) belongs to: %s\n", sub.Customer.DisplayName(), sub.Customer.Number, strings.Join(members, ", "))
					fmt.Fprintf(w, "%d slot configurations target those groups\n", len(targets))
					for _, c := range targets {
						fmt.Fprintf(w, "  %s / %s (%s) for %s\n", c.SlotID, c.ConfigurationID, c.Context, strings.Join(c.CustomerGroups, ", "))
					}
					for _, p := range problems {
						fmt.Fprintf(w, "  warning: %s\n", p)
					}
				})
				return nil
			}
		},
	})
}

// importGroupsFile imports a customer-groups document and prints the result.
func importGroupsFile(ctx context.Context, path string, store cliStore, dry bool, g *globalFlags, e *env) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	res, err := xmlio.ImportGroups(ctx, store, bufio.NewReader(f), xmlio.GroupImportOptions{Document: path, DryRun: dry,
		Rules: groups.Options{Location: time.Local, Now: e.now}})
	if err != nil && res == nil {
		return &codedError{codeFile, fmt.Errorf("%s: %w", path, err)}
	}
	out := map[string]any{"file": path, "counts": res.Counts, "dryRun": dry, "applied": res.Applied,
		"assignments": res.Assignments, "report": g.reportJSON(&res.Report)}
	g.reply(e, out, func(w io.Writer) {
		verb := "imported"
		if dry {
			verb = "checked (dry run, nothing written)"
		} else if !res.Applied {
			verb = "refused (nothing written)"
		}
		fmt.Fprintf(w, "%s %s: %d groups read, %d created, %d updated, %d unchanged, %d deleted, %d rejected\n",
			verb, path, res.Read, res.Created, res.Updated, res.Unchanged, res.Deleted, res.Rejected)
		printAssignments(w, &res.Assignments)
		g.printIssues(w, &res.Report)
	})
	var fe *impex.FileError
	switch {
	case errors.As(err, &fe) && len(fe.Issues) > 0:
		return &codedError{codeFile, errors.New(fileIssueLine(path, fe.Issues[0], g.language()))}
	case err != nil:
		return fmt.Errorf("%s: %w", path, err)
	case res.Report.HasErrors():
		return &rejectedError{res.Rejected}
	}
	return nil
}
