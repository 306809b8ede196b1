package main

import (
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/customer/boltstore"
	"github.com/impexkit/impex/customer/memstore"
	"github.com/impexkit/impex/groups"
)

// cliStore is what the commands ask of a store: customers and groups.
type cliStore interface {
	customer.Repository
	customer.Lists
	groups.Store
	Len() int
}

// storeUse says what a command does with the store file.
type storeUse int

const (
	// writesStore: the command changes the store, which is created when
	// the file does not exist.
	writesStore storeUse = iota
	// readsStore: the command shows what the store holds; a missing file
	// is an error, so a typo in --store is not an empty store.
	readsStore
	// checksAgainstStore: a dry run or validation. It reads the store when
	// there is one and plans against an empty one when there is none,
	// creating nothing.
	checksAgainstStore
)

// openStore opens the store file for use, and returns it with the function
// that closes it. The store is one boltstore file: each batch an import
// applies is committed to it as it is applied, so nothing is loaded whole,
// an interrupted run keeps every batch it committed, and a second impex
// process waits for the first (up to --wait) and then says the store is in
// use.
func openStore(path string, e *env, use storeUse, wait time.Duration) (cliStore, func(), error) {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		switch use {
		case readsStore:
			return nil, nil, &codedError{codeNoStore, fmt.Errorf("there is no store %s: seed one or import into it first, or name another with --store", path)}
		case checksAgainstStore:
			return memstore.New(memstore.Options{Now: e.now}), func() {}, nil
		}
	}
	s, err := boltstore.Open(path, boltstore.Options{Now: e.now, LockTimeout: wait})
	switch {
	case errors.Is(err, boltstore.ErrInUse):
		return nil, nil, fmt.Errorf("%w; run the command again when the other one has finished", err)
	case err != nil:
		return nil, nil, fmt.Errorf("the store %s is damaged or not an impex store (%v); restore it from a dump (impex store load) or move it away to start empty", path, err)
	}
	if use == writesStore {
		// A command that created the store and then wrote nothing, such
		// as an import of a file it refused, leaves no store behind.
		return s, func() { s.CloseUnused() }, nil
	}
	return s, func() { s.Close() }, nil
}

// nothingReplaced ends the message of a file that could not be written.
const nothingReplaced = "nothing was replaced, the files there before are unchanged"

// outFile is one file a command writes: its path and what goes in it.
type outFile struct {
	path  string
	write func(io.Writer) error
}

// writeFile writes one file; see writeFiles.
func (e *env) writeFile(path string, write func(io.Writer) error) error {
	return e.writeFiles([]outFile{{path, write}})
}

// writeFiles writes every file into a temporary file beside it (mode
// 0600, for what the command writes is personal data), syncs them, and
// renames them into place only when all are complete: a failure, such as a
// full disk, leaves every previous file as it was and no temporary behind.
func (e *env) writeFiles(files []outFile) (err error) {
	var temps []string
	defer func() {
		for _, t := range temps {
			os.Remove(t) // a no-op for those renamed
		}
	}()
	for _, f := range files {
		tmp, err := os.CreateTemp(filepath.Dir(f.path), "."+filepath.Base(f.path)+".tmp-*")
		if err != nil {
			return err
		}
		temps = append(temps, tmp.Name())
		var w io.Writer = tmp
		if e.wrapOutput != nil {
			w = e.wrapOutput(w)
		}
		err = f.write(w)
		if err == nil {
			err = tmp.Sync()
		}
		if cerr := tmp.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("%w; %s", err, nothingReplaced)
		}
	}
	for i, f := range files {
		if err := os.Rename(temps[i], f.path); err != nil {
			return err
		}
	}
	dirs := map[string]bool{}
	for _, f := range files {
		dirs[filepath.Dir(f.path)] = true
	}
	for dir := range dirs {
		if d, err := os.Open(dir); err == nil {
			d.Sync()
			d.Close()
		}
	}
	return nil
}

// errNoKey explains how to give the command an SSN key.
var errNoKey = errors.New("no SSN key: set IMPEX_SSN_KEY to at least 32 hex characters " +
	"(for example: export IMPEX_SSN_KEY=$(openssl rand -hex 32)) or pass --ssn-key-file FILE; " +
	"keep the key: every stored SSN hash depends on it")

// ssnHasher returns the hasher for the key from --ssn-key-file or
// $IMPEX_SSN_KEY, nil when neither is set. The key ID comes from
// $IMPEX_SSN_KEY_ID (default "k1").
func ssnHasher(g *globalFlags, e *env) (*customer.SSNHasher, error) {
	text := e.getenv("IMPEX_SSN_KEY")
	if g.keyFile != "" {
		b, err := os.ReadFile(g.keyFile)
		if err != nil {
			return nil, fmt.Errorf("SSN key file: %w", err)
		}
		text = string(b)
	}
	text = strings.TrimSpace(text)
	if text == "" {
		return nil, nil
	}
	secret, err := hex.DecodeString(text)
	if err != nil || len(secret) < 16 {
		return nil, fmt.Errorf("the SSN key must be at least 32 hex characters: %w", errNoKey)
	}
	id := e.getenv("IMPEX_SSN_KEY_ID")
	if id == "" {
		id = "k1"
	}
	return customer.NewSSNHasher(customer.SSNKey{ID: id, Secret: secret})
}
