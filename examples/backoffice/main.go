// Command backoffice is a web back office for customer data built on the
// impex library: the customer list with search and filters, the export of
// the two-workbook ZIP, imports of workbooks and SFCC XML queued as jobs
// that survive a restart, live progress, the issues and rejected rows of
// each import, a result e-mail, and the customer groups with rule
// previews and explanations.
//
//	go run .                          # an embedded store with demo data and a demo user
//	go run . --postgres URL           # customers in PostgreSQL, jobs through River
//	go run . user add [--name N] EMAIL   # add a user or set a password (read from stdin)
package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run is the program with its inputs and outputs given, so tests run it
// in-process. It returns the exit code: 0, 1 for a failure, 2 for bad
// usage.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	if len(args) >= 2 && args[0] == "user" && args[1] == "add" {
		return userAdd(args[2:], stdin, stdout, stderr)
	}
	fl, err := parseServeFlags(args, stderr)
	if err != nil {
		return 2
	}
	fl.cfg.Logger = logger
	if err := serveMain(ctx, fl, stdout); err != nil {
		fmt.Fprintln(stderr, "backoffice:", err)
		return 1
	}
	return 0
}
