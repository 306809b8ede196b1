package pgstore

import (
	"context"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"

	"github.com/impexkit/impex/customer"
)

// changes are the rows a checked batch writes, each kind in ID order, so
// that concurrent batches meet rows and index entries in the same order.
type changes struct {
	deleted []string // IDs of the stored customers the batch deletes
	removed []keyRow // key rows of deleted customers, and the ones updated customers give up
	added   []keyRow
	inserts []record
	updates []record
	// stored are the versions of the rows the updates replace.
	stored []int64
}

// keyRow is a row of customer_keys.
type keyRow struct {
	id string
	k  customer.IndexKey
}

// changes returns what the batch's operations leave to write.
func (b *batch) changes() *changes {
	ids := make([]string, 0, len(b.states))
	rows := 0
	for id, st := range b.states {
		if st.changed {
			ids = append(ids, id)
			rows += len(st.rec.keys)
		}
	}
	slices.Sort(ids)
	ch := &changes{inserts: make([]record, 0, len(ids)), added: make([]keyRow, 0, rows)}
	for _, id := range ids {
		st := b.states[id]
		var keys []customer.IndexKey // the rows the customer leaves
		if st.present {
			keys = st.rec.keys
		}
		for _, k := range st.storedKeys {
			if !slices.Contains(keys, k) {
				ch.removed = append(ch.removed, keyRow{id, k})
			}
		}
		for _, k := range keys {
			if !slices.Contains(st.storedKeys, k) {
				ch.added = append(ch.added, keyRow{id, k})
			}
		}
		switch {
		case st.stored && !st.present:
			ch.deleted = append(ch.deleted, id)
		case st.stored && st.present:
			ch.updates = append(ch.updates, st.rec)
			ch.stored = append(ch.stored, st.storedVer)
		case !st.stored && st.present:
			ch.inserts = append(ch.inserts, st.rec)
		}
	}
	return ch
}

// write stores the changes. The deletes come first, of customers and of key
// rows, so that a key moving between customers of the batch never meets
// itself in the unique index. Then the new key rows and the new customers
// are copied in with one COPY each, the cheapest way into PostgreSQL, and
// the updated customers are written (see updateCustomers). The customers'
// records are encoded meanwhile, so that the encoding overlaps the server's
// work on the deletes and the key rows.
func (ch *changes) write(ctx context.Context, tx pgx.Tx) error {
	updates, inserts := encodeAsync(ch.updates), encodeAsync(ch.inserts)
	// The encoding reads the caller's customers: it is over before Write
	// returns.
	defer updates.wait()
	defer inserts.wait()
	if err := ch.delete(ctx, tx); err != nil {
		return err
	}
	if len(ch.added) > 0 {
		_, err := tx.CopyFrom(ctx, pgx.Identifier{"customer_keys"}, []string{"key", "list", "value", "customer_id", "uniq"},
			pgx.CopyFromSlice(len(ch.added), func(i int) ([]any, error) {
				r := &ch.added[i]
				return []any{string(r.k.Key), r.k.List, r.k.Value, r.id, r.k.Unique}, nil
			}))
		if err != nil {
			return err
		}
	}
	data, err := updates.wait()
	if err != nil {
		return err
	}
	if err := updateCustomers(ctx, tx, ch.updates, data, ch.stored); err != nil {
		return err
	}
	if data, err = inserts.wait(); err != nil {
		return err
	}
	if err := copyRecords(ctx, tx, pgx.Identifier{"customers"}, customerColumns, ch.inserts, data, nil); err != nil {
		return err
	}
	return copyFacts(ctx, tx, ch.inserts)
}

// copyFacts copies the facts of new customers into customer_facts.
func copyFacts(ctx context.Context, tx pgx.Tx, recs []record) error {
	if len(recs) == 0 {
		return nil
	}
	_, err := tx.CopyFrom(ctx, pgx.Identifier{"customer_facts"}, []string{"id", "facts"},
		pgx.CopyFromSlice(len(recs), func(i int) ([]any, error) { return []any{recs[i].c.ID, recs[i].facts}, nil }))
	return err
}

// delete removes the deleted customers and the removed key rows in one
// round trip. Each key row is found in the index on its own (see
// batch.load) and deleted by its address.
func (ch *changes) delete(ctx context.Context, tx pgx.Tx) error {
	q := &pgx.Batch{}
	if len(ch.deleted) > 0 {
		q.Queue(`DELETE FROM customers WHERE id = ANY($1::text[])`, ch.deleted)
		q.Queue(`DELETE FROM customer_facts WHERE id = ANY($1::text[])`, ch.deleted)
	}
	if len(ch.removed) > 0 {
		keys := make([]customer.IndexKey, len(ch.removed))
		ids := make([]string, len(ch.removed))
		for i, r := range ch.removed {
			keys[i], ids[i] = r.k, r.id
		}
		key, list, value := keyColumns(keys)
		q.Queue(`
DELETE FROM customer_keys WHERE ctid = ANY(ARRAY(
	SELECT h.ctid
	FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS d(key, list, value, customer_id)
	CROSS JOIN LATERAL (
		SELECT k.ctid FROM customer_keys k
		WHERE k.key = d.key AND k.list = d.list AND k.value = d.value AND k.customer_id = d.customer_id
		LIMIT 1
	) AS h))`, key, list, value, ids)
	}
	if q.Len() == 0 {
		return nil
	}
	return tx.SendBatch(ctx, q).Close()
}

// customerColumns are the columns of customers, in the order of
// record.values.
var customerColumns = []string{"id", "version", "list", "kind", "credit_allowed",
	"created_at", "created_nsec", "updated_at", "updated_nsec", "groups", "search", "keys", "data"}

// values returns the record, whose JSON is data, as a row of customers.
func (r *record) values(data []byte) []any {
	cat, cns := splitTime(r.c.CreatedAt)
	at, ns := splitTime(r.c.UpdatedAt)
	groups := r.c.Groups
	if groups == nil {
		groups = []string{} // the column is NOT NULL
	}
	return []any{r.c.ID, r.c.Version, r.c.List, int16(r.c.Kind), r.c.Flags.CreditAllowed,
		cat, cns, at, ns, groups, r.search(), keysColumn(r.keys), data}
}

// copyRecords copies recs, whose JSON is data, into table with COPY, each
// row the record's values and, when stored is not nil, the stored version
// at its index and the record's facts.
func copyRecords(ctx context.Context, tx pgx.Tx, table pgx.Identifier, columns []string, recs []record, data [][]byte, stored []int64) error {
	if len(recs) == 0 {
		return nil
	}
	_, err := tx.CopyFrom(ctx, table, columns, pgx.CopyFromSlice(len(recs), func(i int) ([]any, error) {
		row := recs[i].values(data[i])
		if stored != nil {
			row = append(row, stored[i], recs[i].facts)
		}
		return row, nil
	}))
	return err
}

// copiedUpdates is how many updated customers a batch must hold for
// updateCustomers to copy them in rather than update them one by one. The
// temporary table costs 2 to 4 ms a batch, most of it when it is dropped at
// commit, and saves about 30 µs an update (BenchmarkUpdateOne and
// BenchmarkUpdate50kInBatchesOf1000 either way).
const copiedUpdates = 100

// updateCustomers overwrites stored customers with recs, whose JSON is
// data, each only if its row is still at the version stored holds at the
// same index. Few are updated each with a statement of its own, all sent
// at once; more are copied into a temporary table, dropped at commit, and
// applied with one UPDATE. The rows are locked, so an update that changes
// no row means it was changed outside the store, which is reported as a
// conflict.
func updateCustomers(ctx context.Context, tx pgx.Tx, recs []record, data [][]byte, stored []int64) error {
	switch {
	case len(recs) == 0:
		return nil
	case len(recs) < copiedUpdates:
		return updateEach(ctx, tx, recs, data, stored)
	}
	if _, err := tx.Exec(ctx, `CREATE TEMP TABLE pgstore_updates (LIKE customers, stored_version bigint, facts jsonb) ON COMMIT DROP`); err != nil {
		return err
	}
	err := copyRecords(ctx, tx, pgx.Identifier{"pg_temp", "pgstore_updates"}, append(slices.Clip(customerColumns), "stored_version", "facts"), recs, data, stored)
	if err != nil {
		return err
	}
	tag, err := tx.Exec(ctx, `
UPDATE customers AS c SET version = u.version, list = u.list, kind = u.kind, credit_allowed = u.credit_allowed,
	created_at = u.created_at, created_nsec = u.created_nsec, updated_at = u.updated_at, updated_nsec = u.updated_nsec,
	groups = u.groups, search = u.search, keys = u.keys, data = u.data
FROM pg_temp.pgstore_updates AS u
WHERE c.id = u.id AND c.version = u.stored_version`)
	if err != nil {
		return err
	}
	if err := checkUpdated(tag.RowsAffected(), len(recs)); err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `UPDATE customer_facts AS f SET facts = u.facts FROM pg_temp.pgstore_updates AS u WHERE f.id = u.id`)
	return err
}

// updateEach overwrites stored customers as updateCustomers does, with one
// UPDATE each, sent in one round trip.
func updateEach(ctx context.Context, tx pgx.Tx, recs []record, data [][]byte, stored []int64) error {
	q := &pgx.Batch{}
	for i := range recs {
		q.Queue(`
UPDATE customers SET version = $2, list = $3, kind = $4, credit_allowed = $5, created_at = $6, created_nsec = $7,
	updated_at = $8, updated_nsec = $9, groups = $10, search = $11, keys = $12, data = $13
WHERE id = $1 AND version = $14`, append(recs[i].values(data[i]), stored[i])...)
		q.Queue(`UPDATE customer_facts SET facts = $2 WHERE id = $1`, recs[i].c.ID, recs[i].facts)
	}
	br := tx.SendBatch(ctx, q)
	defer br.Close()
	var updated int64
	for range recs {
		tag, err := br.Exec()
		if err != nil {
			return err
		}
		updated += tag.RowsAffected()
		if _, err := br.Exec(); err != nil {
			return err
		}
	}
	if err := checkUpdated(updated, len(recs)); err != nil {
		return err
	}
	return br.Close()
}

// checkUpdated returns an error wrapping customer.ErrConflict when fewer
// than want customers were updated.
func checkUpdated(updated int64, want int) error {
	if updated != int64(want) {
		return fmt.Errorf("pgstore: %w: %d of %d updated customers changed under the batch's lock",
			customer.ErrConflict, int64(want)-updated, want)
	}
	return nil
}

// dedupe drops repeated keys (only a non-unique key can repeat in a stored
// customer: a custom type and a built-in key that coincide), keeping the
// first.
func dedupe(keys []customer.IndexKey) []customer.IndexKey {
	var out []customer.IndexKey // nil while keys repeat none
	for i, k := range keys {
		if slices.ContainsFunc(keys[:i], func(o customer.IndexKey) bool { return o.Key == k.Key && o.List == k.List && o.Value == k.Value }) {
			if out == nil {
				out = slices.Clip(keys[:i])
			}
			continue
		}
		if out != nil {
			out = append(out, k)
		}
	}
	if out == nil {
		return keys
	}
	return out
}

// keyColumns returns keys as column arrays, for unnest.
func keyColumns(keys []customer.IndexKey) (key, list, value []string) {
	key, list, value = make([]string, len(keys)), make([]string, len(keys)), make([]string, len(keys))
	for i, k := range keys {
		key[i], list[i], value[i] = string(k.Key), k.List, k.Value
	}
	return key, list, value
}
