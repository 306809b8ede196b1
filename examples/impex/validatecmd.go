package main

import (
	"context"
	"flag"
	"strings"

	"github.com/impexkit/impex"
	"github.com/impexkit/impex/excelio"
)

func init() {
	register(&command{
		name:    "validate",
		summary: "Check a file without changing the store: a dry run with the full report.",
		usage:   "FILE",
		details: `
Runs the import of FILE as a dry run against the current store and prints
every issue: row, column, header and reason. Excel workbooks (.xlsx, .xls)
and SFCC XML documents are accepted; a slot-configurations document is
checked for its own problems and for customer groups the store lacks.`,
		examples: []string{
			"impex validate workbooks/Person\\ Customers.xlsx",
			"impex validate --lang fi --json workbooks/Person\\ Customers.xlsx",
		},
		flags: func(fs *flag.FlagSet, g *globalFlags) func(context.Context, []string, *env) error {
			matchEmail := fs.Bool("match-email", false, "key rows by e-mail instead of id")
			return func(ctx context.Context, args []string, e *env) error {
				if len(args) != 1 {
					return usagef("want one file")
				}
				hasher, err := ssnHasher(g, e)
				if err != nil {
					return err
				}
				store, closeStore, err := g.openStore(e, checksAgainstStore)
				if err != nil {
					return err
				}
				defer closeStore()
				name := strings.ToLower(args[0])
				if strings.HasSuffix(name, ".xml") {
					return validateXML(ctx, args[0], store, g, e)
				}
				res, err := excelio.ImportFile(ctx, store, args[0], excelio.ImportOptions{
					Options: impex.Options{DryRun: true}, MatchByEmail: *matchEmail, SSN: hasher, Now: e.now})
				return finishImport(ctx, args[0], store, &imported{Result: &res.Result}, err, g, e, nil, false)
			}
		},
	})
}
