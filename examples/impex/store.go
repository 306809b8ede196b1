package main

import (
	"bufio"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/customer/memstore"
)

// storeFile is the format of the store on disk: a version and the
// memstore snapshot.
type storeFile struct {
	Format   string
	Snapshot *memstore.Snapshot
}

const storeFormat = "impex-store/1"

// openStore loads the store file, or returns an empty store when the file
// does not exist. A damaged file is an error that says so; it is never
// overwritten silently.
func openStore(path string, e *env) (*memstore.Store, error) {
	opts := memstore.Options{Now: e.now}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return memstore.New(opts), nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var sf storeFile
	dec := json.NewDecoder(bufio.NewReaderSize(f, 1<<20))
	if err := dec.Decode(&sf); err != nil {
		return nil, fmt.Errorf("store %s is damaged (%v); restore it from a backup or move it away to start empty", path, err)
	}
	if sf.Format != storeFormat || sf.Snapshot == nil {
		return nil, fmt.Errorf("store %s is not an impex store (format %q, want %q)", path, sf.Format, storeFormat)
	}
	s, err := memstore.Restore(opts, sf.Snapshot)
	if err != nil {
		return nil, fmt.Errorf("store %s is damaged: %v", path, err)
	}
	return s, nil
}

// saveStore writes the store atomically: a temporary file in the same
// directory, synced, then renamed over the old one, so a crash leaves
// either the old store or the new one, never half of each.
func saveStore(path string, s *memstore.Store) error {
	return writeAtomically(path, func(f io.Writer) error {
		w := bufio.NewWriterSize(f, 1<<20)
		if err := json.NewEncoder(w).Encode(storeFile{Format: storeFormat, Snapshot: s.Snapshot()}); err != nil {
			return err
		}
		return w.Flush()
	})
}

// writeAtomically writes path through write: into a temporary file in the
// same directory, synced, then renamed over path.
func writeAtomically(path string, write func(io.Writer) error) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // a no-op after the rename
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
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
