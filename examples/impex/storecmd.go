package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/groups"
)

// dumpLine is one line of a store dump: a group, a list or a customer.
type dumpLine struct {
	Group    *groups.Group          `json:"group,omitempty"`
	List     *customer.ListSettings `json:"list,omitempty"`
	Customer *customer.Customer     `json:"customer,omitempty"`
}

func init() {
	register(&command{
		name:    "store dump",
		summary: "Write the store as JSON lines, to inspect, back up or move it.",
		details: `
Writes one JSON object per line: {"group": ...} for each group,
{"list": ...} for each customer list with its settings, then {"customer": ...}
for each customer, in ID order. The dump holds personal data
(hashes, not plain identity numbers or passwords) and is written 0600; -o -
writes to standard output.`,
		examples: []string{"impex store dump -o backup.jsonl"},
		flags: func(fs *flag.FlagSet, g *globalFlags) func(context.Context, []string, *env) error {
			out := fs.String("o", "store.jsonl", "output `file`, or - for standard output")
			return func(ctx context.Context, args []string, e *env) error {
				if len(args) > 0 {
					return usagef("unexpected arguments %q", args)
				}
				store, closeStore, err := g.openStore(e, readsStore)
				if err != nil {
					return err
				}
				defer closeStore()
				var n int
				dump := func(w io.Writer) error {
					var err error
					n, err = dumpStore(ctx, store, w)
					return err
				}
				if *out == "-" {
					err = dump(e.stdout)
				} else {
					err = e.writeFile(*out, dump)
				}
				if err != nil {
					return err
				}
				if *out != "-" {
					g.reply(e, map[string]any{"file": *out, "customers": n}, func(w io.Writer) { fmt.Fprintf(w, "wrote %s: %d customers\n", *out, n) })
				}
				return nil
			}
		},
	})
	register(&command{
		name:    "store load",
		summary: "Add the groups and customers of a dump to the store.",
		usage:   "FILE",
		details: `
Reads a dump written by "impex store dump" into the store, creating it when
missing: groups and customers as they were, IDs, versions and timestamps
kept. A customer whose ID, number or other unique key the store already holds
stops the load; the batches of 1,000 before it are kept.`,
		examples: []string{"impex store load --store copy.db backup.jsonl"},
		flags: func(fs *flag.FlagSet, g *globalFlags) func(context.Context, []string, *env) error {
			return func(ctx context.Context, args []string, e *env) error {
				if len(args) != 1 {
					return usagef("want one dump file")
				}
				f, err := os.Open(args[0])
				if err != nil {
					return err
				}
				defer f.Close()
				store, closeStore, err := g.openStore(e, writesStore)
				if err != nil {
					return err
				}
				defer closeStore()
				n, err := loadStore(ctx, store, f)
				if err != nil {
					return fmt.Errorf("%s: %w (%d customers were loaded before it)", args[0], err, n)
				}
				total := store.Len()
				g.reply(e, map[string]any{"file": args[0], "loaded": n, "store": g.store, "customers": total}, func(w io.Writer) {
					fmt.Fprintf(w, "loaded %s: %d customers; the store %s now holds %d\n", args[0], n, g.store, total)
				})
				return nil
			}
		},
	})
}

// dumpStore writes the groups, the lists, then the customers of store to w
// as JSON lines and returns the number of customers.
func dumpStore(ctx context.Context, store cliStore, w io.Writer) (int, error) {
	bw := bufio.NewWriterSize(w, 1<<20)
	enc := json.NewEncoder(bw)
	for g, err := range store.Groups(ctx) {
		if err != nil {
			return 0, err
		}
		if err := enc.Encode(dumpLine{Group: g}); err != nil {
			return 0, err
		}
	}
	lists, err := store.Lists(ctx)
	if err != nil {
		return 0, err
	}
	for i := range lists {
		if err := enc.Encode(dumpLine{List: &lists[i]}); err != nil {
			return 0, err
		}
	}
	n := 0
	for c, err := range store.List(ctx, customer.Filter{}) {
		if err != nil {
			return n, err
		}
		if err := enc.Encode(dumpLine{Customer: c}); err != nil {
			return n, err
		}
		n++
	}
	return n, bw.Flush()
}

// loadStore reads a dump into store in batches of 1,000 customers and
// returns the number of customers created.
func loadStore(ctx context.Context, store cliStore, r io.Reader) (int, error) {
	dec := json.NewDecoder(bufio.NewReaderSize(r, 1<<20))
	var batch []*customer.Customer
	n, line := 0, 0
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if err := restore(ctx, store, batch); err != nil {
			return err
		}
		n += len(batch)
		batch = batch[:0]
		return nil
	}
	for {
		var l dumpLine
		err := dec.Decode(&l)
		if err == io.EOF {
			return n, flush()
		}
		line++
		if err != nil {
			return n, fmt.Errorf("record %d: %w", line, err)
		}
		switch {
		case l.Group != nil:
			if l.Group.Kind == groups.System {
				continue // every store has them
			}
			if err := store.WriteGroups(ctx, []groups.Op{groups.Put(l.Group)}); err != nil {
				return n, fmt.Errorf("record %d: %w", line, err)
			}
		case l.List != nil:
			if err := store.PutList(ctx, *l.List); err != nil {
				return n, fmt.Errorf("record %d: %w", line, err)
			}
		case l.Customer != nil:
			batch = append(batch, l.Customer)
			if len(batch) == 1000 {
				if err := flush(); err != nil {
					return n, err
				}
			}
		default:
			return n, fmt.Errorf("record %d: neither a group, a list nor a customer", line)
		}
	}
}

// restore writes customers as they are, IDs, versions and timestamps
// kept. load opens the store for writing, which is always a boltstore.
func restore(ctx context.Context, store cliStore, cs []*customer.Customer) error {
	r, ok := store.(interface {
		Restore(context.Context, []*customer.Customer) error
	})
	if !ok {
		return fmt.Errorf("a %T cannot restore customers as they were", store)
	}
	return r.Restore(ctx, cs)
}
