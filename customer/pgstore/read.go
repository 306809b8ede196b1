package pgstore

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/impexkit/impex/customer"
)

// Get returns the customer with the given ID, or an error wrapping
// customer.ErrNotFound. Other errors come from the database or the context.
func (s *Store) Get(ctx context.Context, id string) (*customer.Customer, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var version int64
	var data []byte
	err := pgx.ErrNoRows
	if storable(id) {
		err = s.pool.QueryRow(ctx, `SELECT version, data FROM customers WHERE id = $1`, id).Scan(&version, &data)
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("%w: id %q", customer.ErrNotFound, id)
	}
	if err != nil {
		return nil, s.readError(ctx, err)
	}
	return decode(id, version, data)
}

// scanCustomer reads the current row of rows, whose columns are a
// customer's id, version and data, and decodes the customer. A failed scan
// is returned as readError makes it.
func (s *Store) scanCustomer(ctx context.Context, rows pgx.Rows) (*customer.Customer, error) {
	var id string
	var version int64
	var data []byte
	if err := rows.Scan(&id, &version, &data); err != nil {
		return nil, s.readError(ctx, err)
	}
	return decode(id, version, data)
}

// readError returns the context's error when it ended the query, and the
// database error otherwise.
func (s *Store) readError(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return fmt.Errorf("pgstore: %w", err)
}

// lookup returns the holder of a key with the lowest ID, a *customer.KeyNotFoundError,
// or, when ambiguous is set and several customers hold the key, an error
// wrapping customer.ErrAmbiguous.
func (s *Store) lookup(ctx context.Context, l customer.Lookup, ambiguous bool) (*customer.Customer, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	k := l.IndexKey()
	if !storable(k.List) || !storable(k.Value) {
		return nil, &customer.KeyNotFoundError{Key: k}
	}
	limit := 1
	if ambiguous {
		limit = 2
	}
	// The first two rows in the index's order hold the lowest ID (see Find).
	rows, err := s.pool.Query(ctx, `
SELECT c.id, c.version, c.data
FROM (SELECT k.customer_id FROM customer_keys k WHERE k.h = $1 ORDER BY `+keySlot+` LIMIT 2) AS k
JOIN customers c ON c.id = k.customer_id
ORDER BY c.id
LIMIT `+strconv.Itoa(limit), keyHash(k))
	if err != nil {
		return nil, s.readError(ctx, err)
	}
	var found []*customer.Customer
	for rows.Next() {
		c, err := s.scanCustomer(ctx, rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		found = append(found, c)
	}
	if err := rows.Err(); err != nil {
		return nil, s.readError(ctx, err)
	}
	switch {
	case len(found) == 0:
		return nil, &customer.KeyNotFoundError{Key: k}
	case len(found) > 1:
		return nil, ambiguousError(k)
	}
	return found[0], nil
}

// ByNumber returns the customer of list with the given number, or an error
// wrapping customer.ErrNotFound.
func (s *Store) ByNumber(ctx context.Context, list, number string) (*customer.Customer, error) {
	return s.lookup(ctx, customer.Lookup{Key: customer.KeyNumber, List: list, Value: number}, false)
}

// ByLogin returns the customer of list with the given login, or an error
// wrapping customer.ErrNotFound.
func (s *Store) ByLogin(ctx context.Context, list, login string) (*customer.Customer, error) {
	return s.lookup(ctx, customer.Lookup{Key: customer.KeyLogin, List: list, Value: login}, false)
}

// ByEmail returns the customer of list with the given e-mail address,
// compared case-insensitively, or an error wrapping customer.ErrNotFound, or
// customer.ErrAmbiguous when several customers share the address.
func (s *Store) ByEmail(ctx context.Context, list, email string) (*customer.Customer, error) {
	return s.lookup(ctx, customer.Lookup{Key: customer.KeyEmail, List: list, Value: email}, true)
}

// ByIdentifier returns the customer holding the identifier, or an error
// wrapping customer.ErrNotFound. For a custom type that is not unique it
// returns the holder with the lowest ID.
func (s *Store) ByIdentifier(ctx context.Context, id customer.Identifier) (*customer.Customer, error) {
	return s.lookup(ctx, customer.Lookup{Key: customer.Key(id.Type), Value: id.Value}, false)
}

// ListPageSize is how many customers List fetches per query.
const ListPageSize = 500

// List yields the customers that pass f, in ID order. It fetches them one
// page at a time, each page a single query that continues after the last ID
// seen, so no transaction or cursor stays open while the caller's loop body
// runs, writes made meanwhile may show up, and no customer is yielded twice.
// Every filter is evaluated by PostgreSQL and selects exactly what
// customer.Filter.Match selects. Iteration stops at the first error, yielded
// with a nil customer: the context's error when ctx is done, or a database
// error.
func (s *Store) List(ctx context.Context, f customer.Filter) iter.Seq2[*customer.Customer, error] {
	where, args, inGo, none := filterSQL(f)
	if none {
		return func(func(*customer.Customer, error) bool) {}
	}
	return s.list(ctx, where, args, inGo, f)
}

// list is List of the customers that pass where, conditions each starting
// with " AND " whose arguments are args from args[1] on, and f.Match when
// inGo is set.
func (s *Store) list(ctx context.Context, where string, args []any, inGo bool, f customer.Filter) iter.Seq2[*customer.Customer, error] {
	return func(yield func(*customer.Customer, error) bool) {
		args := slices.Clone(args)
		query := `SELECT id, version, data FROM customers WHERE id > $1` + where +
			` ORDER BY id LIMIT ` + strconv.Itoa(ListPageSize)
		after := ""
		page := make([]*customer.Customer, 0, ListPageSize)
		for {
			fetched := 0
			if err := ctx.Err(); err != nil {
				yield(nil, err)
				return
			}
			page = page[:0]
			args[0] = after
			rows, err := s.pool.Query(ctx, query, args...)
			if err != nil {
				yield(nil, s.readError(ctx, err))
				return
			}
			for rows.Next() {
				var c *customer.Customer
				if c, err = s.scanCustomer(ctx, rows); err != nil {
					break
				}
				fetched++
				after = c.ID
				if !inGo || f.Match(c) {
					page = append(page, c)
				}
			}
			rows.Close()
			if err == nil && rows.Err() != nil {
				err = s.readError(ctx, rows.Err())
			}
			if err != nil {
				yield(nil, err)
				return
			}
			for _, c := range page {
				if !yield(c, nil) {
					return
				}
			}
			if fetched < ListPageSize {
				return
			}
		}
	}
}

// filterSQL returns the conditions that select what f.Match selects, each
// starting with " AND ", and the query arguments; args[0] is left for the
// keyset bound. inGo is true when the search text holds the separator of the
// search column or is not storable, and the listing must apply f.Match
// itself; none is true when the filter names a group PostgreSQL cannot hold,
// which no customer is a member of.
func filterSQL(f customer.Filter) (where string, args []any, inGo, none bool) {
	var b strings.Builder
	args = []any{""}
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if f.Kind != 0 {
		b.WriteString(" AND kind = " + arg(int16(f.Kind)))
	}
	if f.CreditAllowed != nil {
		b.WriteString(" AND credit_allowed = " + arg(*f.CreditAllowed))
	}
	if !f.UpdatedFrom.IsZero() {
		at, ns := splitTime(f.UpdatedFrom)
		b.WriteString(" AND (updated_at, updated_nsec) >= (" + arg(at) + "::timestamptz, " + arg(ns) + "::integer)")
	}
	if !f.UpdatedTo.IsZero() {
		at, ns := splitTime(f.UpdatedTo)
		b.WriteString(" AND (updated_at, updated_nsec) < (" + arg(at) + "::timestamptz, " + arg(ns) + "::integer)")
	}
	if f.Group != "" && !storable(f.Group) {
		return "", nil, false, true
	}
	if f.Group != "" {
		// groups <> '{}' says what the partial index on groups covers.
		b.WriteString(" AND groups <> '{}' AND groups @> ARRAY[" + arg(f.Group) + "::text]")
	}
	if f.Lists != nil {
		lists := slices.DeleteFunc(slices.Clone(f.Lists), func(l string) bool { return !storable(l) })
		b.WriteString(" AND list = ANY(" + arg(lists) + "::text[])")
	}
	if q := strings.TrimSpace(f.Search); q != "" {
		// strpos on text lower-cased by Go, not ILIKE: the query may hold %
		// or _, and Go's case folding is what Filter.Match uses.
		if strings.Contains(q, searchSep) || !storable(q) {
			inGo = true
		} else {
			b.WriteString(" AND strpos(search, " + arg(strings.ToLower(q)) + "::text) > 0")
		}
	}
	return b.String(), args, inGo, false
}

// Find answers many lookups with one query; see customer.Finder. Each
// answer is what the lookup method it names would return: the customer, or
// an error wrapping customer.ErrNotFound or, for an e-mail address several
// customers share, customer.ErrAmbiguous. Lookups that find the same
// customer share one *customer.Customer. The error return is the
// context's or the database's.
func (s *Store) Find(ctx context.Context, lookups []customer.Lookup) ([]customer.Found, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := make([]customer.Found, len(lookups))
	ks := make([]customer.IndexKey, len(lookups))
	var idAt, keyAt []int32
	var ids []string
	var hs [][16]byte
	for i, l := range lookups {
		k := l.IndexKey()
		ks[i] = k
		switch {
		case !storable(k.List) || !storable(k.Value):
			// No stored customer holds it: not found, unasked.
		case k.Key == customer.KeyID:
			idAt, ids = append(idAt, int32(i)), append(ids, k.Value)
		default:
			keyAt, hs = append(keyAt, int32(i)), append(hs, keyHash(k))
		}
	}
	if len(idAt)+len(keyAt) == 0 {
		return notFound(out, ks), nil
	}
	// The first holder of each lookup in ID order, and whether there is a
	// second, so that a shared e-mail address can be told apart: the first
	// two rows of a key in the index's order (keySlot) are its unique
	// holder, if any, and its shared holders in ID order, so the lower ID of
	// the two is the lowest of all. Each lookup probes the index on its own
	// (LATERAL, LIMIT): joined, the planner read the key table whole
	// whenever its statistics were behind it, as they are during an import,
	// and a Find of 3,000 lookups took up to 45 ms instead of 10. The query
	// is planned for the arrays at hand each time (an unnamed statement, its
	// description cached), not once for whatever size the tables had then.
	rows, err := s.pool.Query(ctx, `
WITH hits AS (
	SELECT q.i, h.id FROM unnest($1::int[], $2::text[]) AS q(i, id) CROSS JOIN LATERAL (
		SELECT c.id FROM customers c WHERE c.id = q.id LIMIT 1
	) AS h
	UNION ALL
	SELECT q.i, h.customer_id FROM unnest($3::int[], $4::uuid[]) AS q(i, h) CROSS JOIN LATERAL (
		SELECT k.customer_id FROM customer_keys k WHERE k.h = q.h ORDER BY `+keySlot+` LIMIT 2
	) AS h
), first AS (
	SELECT i, min(id) AS id, count(*) AS holders FROM hits GROUP BY i
)
SELECT f.i, f.holders, c.id, c.version, c.data FROM first f JOIN customers c ON c.id = f.id`,
		pgx.QueryExecModeCacheDescribe, idAt, ids, keyAt, hs)
	if err != nil {
		return nil, s.readError(ctx, err)
	}
	defer rows.Close()
	decoded := make(map[string]*customer.Customer)
	for rows.Next() {
		var i int32
		var holders, version int64
		var id string
		var data []byte
		if err := rows.Scan(&i, &holders, &id, &version, &data); err != nil {
			return nil, s.readError(ctx, err)
		}
		if i < 0 || int(i) >= len(out) {
			return nil, fmt.Errorf("pgstore: Find: the database answered lookup %d of %d", i, len(out))
		}
		if holders > 1 && ks[i].Key == customer.KeyEmail {
			out[i].Err = ambiguousError(ks[i])
			continue
		}
		c := decoded[id]
		if c == nil {
			if c, err = decode(id, version, data); err != nil {
				return nil, err
			}
			decoded[id] = c
		}
		out[i] = customer.Found{Customer: c}
	}
	if err := rows.Err(); err != nil {
		return nil, s.readError(ctx, err)
	}
	return notFound(out, ks), nil
}

// notFound gives each lookup of out the query found nothing for the error
// of key ks[i], which no customer holds, and returns out.
func notFound(out []customer.Found, ks []customer.IndexKey) []customer.Found {
	for i := range out {
		if out[i].Customer == nil && out[i].Err == nil {
			out[i].Err = &customer.KeyNotFoundError{Key: ks[i]}
		}
	}
	return out
}

// ambiguousError reports an e-mail address several customers share.
func ambiguousError(k customer.IndexKey) error {
	return fmt.Errorf("%w: several customers have %s %q", customer.ErrAmbiguous, k.Key, k.Value)
}
