// Package pgstore is a customer.Repository, customer.BuyerNumbers and
// groups.Store kept in PostgreSQL, for applications that outgrow the
// in-memory customer/memstore and want several processes to share one store.
//
// It keeps the semantics of memstore, the reference implementation, and
// passes the same conformance suite (customer/repotest):
//
//   - every customer is one row of the customers table: its full record as
//     JSON (times kept to the nanosecond as RFC 3339 text), its keys, and the
//     columns listings filter on;
//   - every key a customer holds (number, login, e-mail, identifiers) is
//     also a row of customer_keys, as a 128-bit hash of its texts, whose
//     unique index keeps the unique ones unique even against writers in
//     other processes;
//   - a batch is one transaction of a few statements, whatever its size: the
//     rows it touches are locked with SELECT ... FOR UPDATE, the operations
//     are checked in Go exactly as memstore checks them, the new rows are
//     copied in with COPY, and the unique index checks the new keys against
//     the stored ones; a batch that fails is checked again with the holder of
//     every key it claims looked up, to report what memstore reports;
//   - listings page through the customers by ID (keyset pagination), one
//     short query per page and no transaction left open while the caller's
//     loop body runs;
//   - group rules are decided by PostgreSQL (the Store is a
//     groups.RuleEvaluator) over customer_facts, a narrow table of what
//     rules read of each customer, prepared in Go at every write so that the
//     SQL selects exactly what the Go evaluator selects; rules that read the
//     session or the request fall back to Go (see PreviewRule).
//
// # Use
//
// The caller owns the connection pool and chooses the schema through the
// pool's search_path; Migrate creates the tables in it:
//
//	pool, err := pgxpool.New(ctx, "postgres://app@db/shop")
//	...
//	store := pgstore.New(pool, pgstore.Options{})
//	if err := store.Migrate(ctx); err != nil { ... }
//
// # Limits
//
// The record is stored as JSON, so a customer whose text is not valid UTF-8
// or holds a NUL character, or whose active data holds a NaN or infinite
// number, is refused with customer.ErrInvalid instead of being stored
// altered; memstore stores such records. The uniqueness of e-mail addresses
// and custom identifier types follows the Options of the store that wrote
// each customer, so every process sharing a database should use the same
// Constraints. Keys are compared by a 128-bit hash of their texts: two
// different keys that hash alike, about one chance in 2^128 for a pair,
// would be taken for one.
package pgstore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/groups"
)

// Options configure a Store. The zero value adds no uniqueness rules, uses
// the system clock and plain decimal customer numbers.
type Options struct {
	// Constraints add uniqueness rules (unique e-mail within a list, unique
	// custom identifier types).
	Constraints customer.Constraints
	// Now is the clock for CreatedAt and UpdatedAt; nil means time.Now.
	Now func() time.Time
	// FormatNumber turns the n-th number of a list's sequence into a
	// customer number; nil means plain decimal ("1", "2", ...).
	FormatNumber func(list string, n uint64) string
	// MaxAttempts bounds how often a batch is retried after losing a race
	// with another writer (a deadlock, or a unique key taken by a concurrent
	// transaction); 0 means 5.
	MaxAttempts int
}

// Store is a customer.Repository, customer.BuyerNumbers and groups.Store in
// PostgreSQL. It is safe for concurrent use, and several Stores, in one
// process or many, may share a database schema.
type Store struct {
	pool         *pgxpool.Pool
	now          func() time.Time
	formatNumber func(list string, n uint64) string
	cons         customer.Constraints
	maxAttempts  int
	spare        spareIDs
}

var (
	_ customer.Repository   = (*Store)(nil)
	_ customer.Finder       = (*Store)(nil)
	_ customer.BuyerNumbers = (*Store)(nil)
	_ groups.Store          = (*Store)(nil)
)

// New returns a store that keeps its tables in the schema the pool's
// search_path names first (normally "public"). It does not touch the
// database; call Migrate before first use. The caller keeps ownership of the
// pool and closes it.
func New(pool *pgxpool.Pool, opts Options) *Store {
	s := &Store{
		pool:         pool,
		now:          opts.Now,
		formatNumber: opts.FormatNumber,
		cons:         customer.Constraints{UniqueEmail: opts.Constraints.UniqueEmail, UniqueIdentifiers: slices.Clone(opts.Constraints.UniqueIdentifiers)},
		maxAttempts:  opts.MaxAttempts,
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.formatNumber == nil {
		s.formatNumber = func(_ string, n uint64) string { return strconv.FormatUint(n, 10) }
	}
	if s.maxAttempts <= 0 {
		s.maxAttempts = 5
	}
	return s
}

// Constraints returns the uniqueness rules the store keeps, so that a dry
// run can check a write as the store would.
func (s *Store) Constraints() customer.Constraints {
	return customer.Constraints{UniqueEmail: s.cons.UniqueEmail, UniqueIdentifiers: slices.Clone(s.cons.UniqueIdentifiers)}
}

// Pool returns the connection pool the store uses.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// PostgreSQL error codes the store reacts to.
const (
	codeUniqueViolation      = "23505"
	codeSerializationFailure = "40001"
	codeDeadlockDetected     = "40P01"
)

// isUniqueViolation reports whether err is PostgreSQL's refusal of a row
// that a unique index already holds.
func isUniqueViolation(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == codeUniqueViolation
}

// raceError reports a batch attempt that lost a race with a concurrent
// transaction; the batch is retried from the start.
type raceError struct{ err *pgconn.PgError }

func (e *raceError) Error() string { return "lost a race with a concurrent writer: " + e.err.Error() }
func (e *raceError) Unwrap() error { return e.err }

// asRace turns the PostgreSQL errors that a retry can cure into a
// *raceError and returns other errors unchanged.
func asRace(err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case codeUniqueViolation, codeSerializationFailure, codeDeadlockDetected:
			return &raceError{pe}
		}
	}
	return err
}

// inTx runs fn in a transaction and commits it, retrying the whole
// transaction when fn or the commit lost a race with another writer. When the
// attempts run out it returns the last *raceError. A context error is
// returned as ctx.Err(); an attempt that committed succeeded, even when
// ctx ended meanwhile.
func (s *Store) inTx(ctx context.Context, fn func(tx *batchTx) error) error {
	var err error
	for attempt := 0; attempt < s.maxAttempts; attempt++ {
		err = s.tryTx(ctx, fn)
		if err != nil && ctx.Err() != nil {
			return ctx.Err()
		}
		var race *raceError
		if !errors.As(err, &race) {
			return err
		}
		// Give the winner time to commit before looking again.
		time.Sleep(time.Duration(attempt+1) * time.Millisecond)
	}
	return err
}

func (s *Store) tryTx(ctx context.Context, fn func(tx *batchTx) error) (err error) {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("pgstore: begin: %w", err)
	}
	defer conn.Release()
	tx := &batchTx{conn: conn.Conn()}
	defer func() {
		if err != nil {
			tx.rollback(context.WithoutCancel(ctx))
		}
	}()
	if err := fn(tx); err != nil {
		return asRace(err)
	}
	if err := tx.commit(ctx); err != nil {
		return asRace(fmt.Errorf("pgstore: commit: %w", err))
	}
	return nil
}
