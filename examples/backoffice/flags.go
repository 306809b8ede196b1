package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/impexkit/impex/customer"
)

// serveFlags are the command line of the server.
type serveFlags struct {
	cfg            Config
	demo           bool
	sessionKeyFile string
}

func parseServeFlags(args []string, stderr io.Writer) (*serveFlags, error) {
	fs := flag.NewFlagSet("backoffice", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var f serveFlags
	var maxMB int64
	var cost uint
	fs.StringVar(&f.cfg.Addr, "addr", "127.0.0.1:8080", "listen `address` (port 0 picks a free port)")
	fs.StringVar(&f.cfg.DataDir, "data", "backoffice-data", "`directory` of the store, the job spool, the outbox and the keys")
	fs.StringVar(&f.cfg.Postgres, "postgres", "", "PostgreSQL `URL`: customers in pgstore, jobs through River, shared by several instances")
	fs.StringVar(&f.cfg.SMTP, "smtp", "", "mail server `host:port`; without one, e-mails are written as .eml files into --outbox")
	fs.StringVar(&f.cfg.MailFrom, "from", "", "sender `address` of result e-mails")
	fs.StringVar(&f.cfg.Outbox, "outbox", "", "`directory` for .eml files (default DATA/outbox)")
	fs.StringVar(&f.cfg.BaseURL, "base-url", "", "the `URL` users reach the back office at, for links in e-mails")
	fs.StringVar(&f.cfg.UsersFile, "users", "", "users `file` (default DATA/users.json)")
	fs.Int64Var(&maxMB, "max-upload-mb", defaultMaxUpload>>20, "largest upload in `MB`")
	fs.IntVar(&f.cfg.BatchSize, "batch-size", 0, "rows per atomic write of an import (default: the library's)")
	fs.BoolVar(&f.cfg.SecureCookies, "secure-cookies", false, "mark cookies Secure on plain HTTP too (behind a TLS proxy)")
	fs.BoolVar(&f.demo, "demo", true, "seed an empty store with demo customers and give demo@example.com a new password at every start")
	fs.StringVar(&f.sessionKeyFile, "session-key-file", "", "`file` of the key that signs sessions, shared by instances (default DATA/session.key)")
	fs.UintVar(&cost, "password-cost", 17, "scrypt cost of users' passwords, log2 of N")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "backoffice: unexpected arguments %q\n", fs.Args())
		return nil, flag.ErrHelp
	}
	f.cfg.MaxUpload = maxMB << 20
	f.cfg.Passwords = customer.PasswordHasher{LogN: uint8(cost)}
	return &f, nil
}

// usersPath is the users file of cfg.
func usersPath(cfg Config) string {
	if cfg.UsersFile != "" {
		return cfg.UsersFile
	}
	return filepath.Join(cfg.DataDir, "users.json")
}

// userAdd is `backoffice user add [--data DIR] [--users FILE] [--name NAME]
// EMAIL`: it adds a user, or sets the password of one, reading the
// password from the first line of stdin so it stays out of the shell's
// history and the process list.
func userAdd(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("backoffice user add", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg Config
	var name string
	var cost uint
	fs.StringVar(&cfg.DataDir, "data", "backoffice-data", "data `directory`")
	fs.StringVar(&cfg.UsersFile, "users", "", "users `file` (default DATA/users.json)")
	fs.StringVar(&name, "name", "", "the user's display `name`")
	fs.UintVar(&cost, "password-cost", 17, "scrypt cost, log2 of N")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "usage: backoffice user add [--data DIR] [--name NAME] EMAIL  (password on stdin)")
		return 2
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && line == "" {
		fmt.Fprintln(stderr, "backoffice: give the password on standard input")
		return 2
	}
	u := &userFile{path: usersPath(cfg), hasher: customer.PasswordHasher{LogN: uint8(cost)}}
	if err := ensureDir(filepath.Dir(u.path)); err != nil {
		fmt.Fprintln(stderr, "backoffice:", err)
		return 1
	}
	if err := u.set(fs.Arg(0), name, strings.TrimRight(line, "\r\n")); err != nil {
		fmt.Fprintln(stderr, "backoffice:", err)
		return 1
	}
	fmt.Fprintf(stdout, "user %s saved in %s\n", fs.Arg(0), u.path)
	return 0
}
