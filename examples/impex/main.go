// Command impex does every job of the impex library on real files: Excel
// export and import of the back office's customer workbooks, SFCC XML,
// customer groups and their rules, active data, and validation reports. It
// keeps its customers in one local store file between runs.
//
//	go run ./examples/impex help
//	go install github.com/impexkit/impex/examples/impex@latest
//
// Exit codes: 0 success; 1 the input was processed but some rows were
// rejected; 2 the input could not be processed (a file-level error, bad
// usage, an interrupted run).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/term"

	"github.com/impexkit/impex"
	"github.com/impexkit/impex/validate"
)

// Exit codes.
const (
	exitOK       = 0
	exitRejected = 1
	exitFailed   = 2
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], newEnv()))
}

// env is what a run needs from the outside world, so tests can run the
// command in-process.
type env struct {
	stdout, stderr io.Writer
	getenv         func(string) string
	now            func() time.Time
	// terminal reports whether stderr is a terminal, for the progress bar;
	// columns, when not nil, returns its width now (0 when unknown).
	terminal bool
	columns  func() int
	// onProgress, when set, sees every progress report (tests use it to
	// interrupt an import midway).
	onProgress func(impex.Progress)
	// wrapOutput, when set, wraps the writer of every file the command
	// writes (tests use it to fill the disk).
	wrapOutput func(io.Writer) io.Writer
	// result is what the command gives --json (see globalFlags.reply).
	result any
}

func newEnv() *env {
	fd := int(os.Stderr.Fd())
	columns := func() int {
		w, _, err := term.GetSize(fd)
		if err != nil {
			return 0
		}
		return w
	}
	return &env{stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv, now: time.Now, terminal: term.IsTerminal(fd), columns: columns}
}

// command is one subcommand, described as data: its help text and
// examples live with it, and a test runs every example.
type command struct {
	name     string
	summary  string
	usage    string // the arguments after the name
	details  string
	examples []string // each a full command line starting with "impex"
	flags    func(fs *flag.FlagSet, o *globalFlags) func(ctx context.Context, args []string, e *env) error
}

// globalFlags are accepted by every subcommand.
type globalFlags struct {
	store   string
	wait    time.Duration
	json    bool
	lang    string
	keyFile string
}

func (g *globalFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&g.store, "store", "impex.db", "the store `file`; seed and imports create it")
	fs.DurationVar(&g.wait, "wait", 5*time.Second, "how long to wait for a store another impex process is using")
	fs.BoolVar(&g.json, "json", false, "print the result as JSON")
	fs.StringVar(&g.lang, "lang", "en", "language of messages: en, fi or sv")
	fs.StringVar(&g.keyFile, "ssn-key-file", "", "`file` holding the SSN key (hex); default: $IMPEX_SSN_KEY")
}

// openStore opens --store for a command's use; see storeUse.
func (g *globalFlags) openStore(e *env, use storeUse) (cliStore, func(), error) {
	return openStore(g.store, e, use, g.wait)
}

// openImportStore opens the store an import of input writes, or in a dry
// run checks against without creating it, once input is known to open: a
// mistyped file name creates no store, and neither does an input the
// import refuses before writing anything (see openStore).
func (g *globalFlags) openImportStore(e *env, input string, dryRun bool) (cliStore, func(), error) {
	f, err := os.Open(input)
	if err != nil {
		return nil, nil, err
	}
	f.Close()
	if dryRun {
		return g.openStore(e, checksAgainstStore)
	}
	return g.openStore(e, writesStore)
}

// language is the language of messages: any BCP 47 tag, matched to
// English, Finnish or Swedish.
func (g *globalFlags) language() validate.Language { return validate.Language(g.lang) }

var commands []*command

func register(c *command) { commands = append(commands, c) }

func lookup(name string) *command {
	for _, c := range commands {
		if c.name == name {
			return c
		}
	}
	return nil
}

// usageError is bad usage: exit code 2 with the subcommand's help.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

// count is n and the noun in the number n takes: "1 customer list",
// "2 customer lists".
func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// rejectedError says the input was processed but rows were rejected.
type rejectedError struct{ n int }

func (e *rejectedError) Error() string {
	if e.n == 1 {
		return "1 row was rejected"
	}
	return fmt.Sprintf("%d rows were rejected", e.n)
}

func run(ctx context.Context, args []string, e *env) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		if len(args) > 1 {
			if c := lookupArgs(args[1:]); c != nil {
				printHelp(e.stdout, c)
				return exitOK
			}
		}
		if len(args) == 0 {
			printOverview(e.stderr) // a mistake: the usage goes with the errors
			return exitFailed
		}
		printOverview(e.stdout)
		return exitOK
	}
	if args[0] == "--version" || args[0] == "version" {
		fmt.Fprintln(e.stdout, version())
		return exitOK
	}
	c, rest := resolve(args)
	if c == nil && isGroup(args[0]) {
		// "impex excel" or "impex excel --help": the group's commands.
		help := len(args) > 1 && (args[1] == "--help" || args[1] == "-h" || args[1] == "help")
		w := e.stderr
		if help {
			w = e.stdout
		}
		printGroup(w, args[0])
		if help {
			return exitOK
		}
		return exitFailed
	}
	if c == nil {
		typed := strings.Join(args[:min(2, len(args))], " ")
		if near := nearest(typed); near != "" {
			fmt.Fprintf(e.stderr, "impex: unknown command %q; did you mean %q? (run 'impex help')\n", typed, near)
		} else {
			fmt.Fprintf(e.stderr, "impex: unknown command %q; run 'impex help'\n", typed)
		}
		return exitFailed
	}
	fs := flag.NewFlagSet("impex "+c.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var g globalFlags
	g.register(fs)
	do := c.flags(fs, &g)
	positional, err := parseInterleaved(fs, rest)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printHelp(e.stdout, c)
			return exitOK
		}
		if g.json {
			printEnvelope(e, c.name, &usageError{err.Error()})
			return exitFailed
		}
		fmt.Fprintf(e.stderr, "impex %s: %v\n\n", c.name, err)
		printHelp(e.stderr, c)
		return exitFailed
	}
	err = do(ctx, positional, e)
	var ue *usageError
	var re *rejectedError
	switch {
	case g.json:
		printEnvelope(e, c.name, err)
		if err == nil {
			return exitOK
		}
		if errors.As(err, &re) {
			return exitRejected
		}
		return exitFailed
	case err == nil:
		return exitOK
	case errors.As(err, &re):
		return exitRejected
	case errors.As(err, &ue):
		fmt.Fprintf(e.stderr, "impex %s: %v\n\n", c.name, err)
		printHelp(e.stderr, c)
		return exitFailed
	}
	fmt.Fprintf(e.stderr, "impex %s: %v\n", c.name, err)
	return exitFailed
}

// resolve finds the command named by the first one or two words.
func resolve(args []string) (*command, []string) {
	if len(args) >= 2 {
		if c := lookup(args[0] + " " + args[1]); c != nil {
			return c, args[2:]
		}
	}
	if c := lookup(args[0]); c != nil {
		return c, args[1:]
	}
	return nil, nil
}

func lookupArgs(args []string) *command {
	c, _ := resolve(args)
	return c
}

// isGroup reports whether name is the first word of commands with
// subcommands, such as excel.
func isGroup(name string) bool {
	for _, c := range commands {
		if strings.HasPrefix(c.name, name+" ") {
			return true
		}
	}
	return false
}

// printGroup lists the commands of the group name.
func printGroup(w io.Writer, name string) {
	fmt.Fprintf(w, "Usage: impex %s <command> [flags] [arguments]\n\nCommands:\n", name)
	for _, c := range commands {
		if strings.HasPrefix(c.name, name+" ") {
			fmt.Fprintf(w, "  %-20s %s\n", c.name, c.summary)
		}
	}
	fmt.Fprintf(w, "\nRun 'impex help %s <command>' for a command's flags and examples.\n", name)
}

func printOverview(w io.Writer) {
	fmt.Fprintln(w, "impex moves customer data in and out of commerce systems.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Usage: impex <command> [flags] [arguments]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands:")
	sorted := append([]*command(nil), commands...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].name < sorted[j].name })
	for _, c := range sorted {
		fmt.Fprintf(w, "  %-20s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run 'impex help <command>' for a command's flags and examples.")
	fmt.Fprintln(w, "Exit codes: 0 success, 1 some rows rejected, 2 file-level error, bad usage or interrupted.")
	fmt.Fprintln(w, "The SSN key comes from $IMPEX_SSN_KEY (hex, at least 32 characters) or --ssn-key-file.")
}

func printHelp(w io.Writer, c *command) {
	fmt.Fprintf(w, "Usage: impex %s [flags] %s\n\n%s\n", c.name, c.usage, c.summary)
	if c.details != "" {
		fmt.Fprintf(w, "\n%s\n", strings.TrimSpace(c.details))
	}
	fmt.Fprintln(w, "\nFlags:")
	fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
	var g globalFlags
	g.register(fs)
	c.flags(fs, &g)
	printFlags(w, fs)
	if len(c.examples) > 0 {
		fmt.Fprintln(w, "\nExamples:")
		for _, ex := range c.examples {
			fmt.Fprintf(w, "  %s\n", ex)
		}
	}
	fmt.Fprintln(w, "\nExit codes: 0 success, 1 some rows rejected, 2 file-level error, bad usage or interrupted.")
}

// printFlags lists the flags as they are written on the command line,
// "--name value", each with its usage and a default that is not the zero
// value; flag.PrintDefaults would write "-name".
func printFlags(w io.Writer, fs *flag.FlagSet) {
	fs.VisitAll(func(f *flag.Flag) {
		name, usage := flag.UnquoteUsage(f)
		line := "  --" + f.Name
		if name != "" {
			line += " " + name
		}
		fmt.Fprintf(w, "%s\n    \t%s", line, strings.ReplaceAll(usage, "\n", "\n    \t"))
		if d := f.DefValue; d != "" && d != "false" && d != "0" && d != "0s" {
			if name == "string" || strings.ContainsAny(d, " ") {
				d = strconv.Quote(d)
			}
			fmt.Fprintf(w, " (default %s)", d)
		}
		fmt.Fprintln(w)
	})
}

// parseInterleaved parses args with fs, flags before, between or after the
// arguments (groups eval 10003 --json), and returns the arguments. "--"
// ends the flags: what follows is arguments even when it starts with -.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var flags, positional []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			return append(positional, args[i+1:]...), fs.Parse(flags)
		case len(a) > 1 && a[0] == '-':
			flags = append(flags, a)
			name := strings.TrimLeft(a, "-")
			if strings.Contains(name, "=") {
				continue
			}
			// A flag that takes a value takes the next argument as it.
			if f := fs.Lookup(name); f != nil && i+1 < len(args) {
				if b, ok := f.Value.(interface{ IsBoolFlag() bool }); !ok || !b.IsBoolFlag() {
					i++
					flags = append(flags, args[i])
				}
			}
		default:
			positional = append(positional, a)
		}
	}
	return positional, fs.Parse(flags)
}

// version returns the module version and the commit the command was built
// from, as the build recorded them.
func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "impex (no build information)"
	}
	v := "impex " + info.Main.Version
	for _, st := range info.Settings {
		switch st.Key {
		case "vcs.revision":
			v += " commit " + st.Value
		case "vcs.modified":
			if st.Value == "true" {
				v += " (modified)"
			}
		}
	}
	return v + " " + info.GoVersion
}

// nearest returns the command whose name is closest to typed, or "" when
// none is close enough to be what was meant.
func nearest(typed string) string {
	best, bestDist := "", 4
	for _, c := range commands {
		for _, candidate := range []string{c.name, strings.SplitN(c.name, " ", 2)[0]} {
			if d := editDistance(typed, candidate); d < bestDist {
				best, bestDist = candidate, d
			}
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}
