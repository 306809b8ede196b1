package pgstore

import (
	"cmp"
	"context"
	"encoding/binary"
	"fmt"
	"math/bits"
	"slices"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

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

// keyRow is a row of customer_keys: a key and its holder.
type keyRow struct {
	keyRef
	id string
}

// slot returns the value keySlot has for the row.
func (r *keyRow) slot() string {
	if r.unique {
		return ""
	}
	return r.id
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
		var keys []keyRef // the rows the customer leaves
		if st.present {
			keys = st.rec.keys
		}
		for _, k := range st.storedKeys {
			if !slices.Contains(keys, k) {
				ch.removed = append(ch.removed, keyRow{k, id})
			}
		}
		for _, k := range keys {
			if !slices.Contains(st.storedKeys, k) {
				ch.added = append(ch.added, keyRow{k, id})
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
	// In the index's order, so that inserting them walks the index from
	// left to right once instead of jumping about it.
	ch.added = sortKeyRows(ch.added)
	return ch
}

// sortKeyRows returns rows in the order of their hashes, the index's. The
// hashes are uniform, so a counting sort on their top bits, into about as
// many buckets as rows, leaves each row next to its place, and an insertion
// sort puts the few that share a bucket in order. It costs a tenth of a
// comparison sort's time for a batch's thousands of rows, time the server
// waits for the batch.
func sortKeyRows(rows []keyRow) []keyRow {
	if len(rows) < 64 {
		slices.SortFunc(rows, compareKeyRows)
		return rows
	}
	width := bits.Len(uint(len(rows)))
	bucket := func(r *keyRow) int { return int(binary.BigEndian.Uint64(r.h[:8]) >> (64 - width)) }
	start := make([]int32, 1<<width+1) // where each bucket begins in out
	for i := range rows {
		start[bucket(&rows[i])+1]++
	}
	for b := 1; b < len(start); b++ {
		start[b] += start[b-1]
	}
	out := make([]keyRow, len(rows))
	for i := range rows {
		b := bucket(&rows[i])
		out[start[b]] = rows[i]
		start[b]++
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && compareKeyRows(out[j-1], out[j]) > 0; j-- {
			out[j-1], out[j] = out[j], out[j-1]
		}
	}
	return out
}

// compareKeyRows orders key rows by hash, as bytes.Compare orders them.
func compareKeyRows(a, b keyRow) int {
	if c := cmp.Compare(binary.BigEndian.Uint64(a.h[:8]), binary.BigEndian.Uint64(b.h[:8])); c != 0 {
		return c
	}
	return cmp.Compare(binary.BigEndian.Uint64(a.h[8:]), binary.BigEndian.Uint64(b.h[8:]))
}

// write stores the changes, but for the COPYs it queues, which go with the
// commit (see batchTx). The deletes come first, of customers and of key
// rows, so that a key moving between customers of the batch never meets
// itself in the unique index. Then the updates, and the new key rows and
// the new customers and their facts are copied in, with a COPY each, the
// cheapest way into PostgreSQL. Each customer's record is encoded as its
// row is sent, so that the encoding overlaps the server's inserts.
func (ch *changes) write(ctx context.Context, tx *batchTx) error {
	if err := ch.delete(ctx, tx); err != nil {
		return err
	}
	if err := updateCustomers(ctx, tx, ch.updates, ch.stored); err != nil {
		return err
	}
	copyKeys(tx, ch.added)
	insertCustomers(tx, ch.inserts)
	return nil
}

// copyKeys queues the COPY of rows into customer_keys.
func copyKeys(tx *batchTx, rows []keyRow) {
	copyEach(tx, `customer_keys (h, customer_id, uniq)`, binaryFormat, len(rows),
		func(w *copyRows, i int) error {
			r := &rows[i]
			w.row(3)
			w.uuid(r.h)
			w.text(r.id)
			w.bool(r.unique)
			return nil
		})
}

// insertCustomers queues the COPYs of new customers into customers, then of
// their facts into customer_facts. A record that cannot be encoded ends the
// COPY with its error, wrapping customer.ErrInvalid.
func insertCustomers(tx *batchTx, recs []record) {
	copyEach(tx, `customers (`+customerColumns+`)`, textFormat, len(recs),
		func(w *copyRows, i int) error {
			if err := w.customer(&recs[i]); err != nil {
				return err
			}
			w.endRow()
			return nil
		})
	copyEach(tx, `customer_facts (id, facts)`, textFormat, len(recs),
		func(w *copyRows, i int) error {
			w.textField(recs[i].c.ID)
			if err := w.facts(recs[i].c); err != nil {
				return err
			}
			w.endRow()
			return nil
		})
}

// delete removes the deleted customers and the removed key rows in one
// round trip. Each key row is found in the index on its own (see
// batch.load) and deleted by its address.
func (ch *changes) delete(ctx context.Context, tx *batchTx) error {
	q := &pgx.Batch{}
	if len(ch.deleted) > 0 {
		q.Queue(`DELETE FROM customers WHERE id = ANY($1::text[])`, ch.deleted)
		q.Queue(`DELETE FROM customer_facts WHERE id = ANY($1::text[])`, ch.deleted)
	}
	if len(ch.removed) > 0 {
		hs := make([][16]byte, len(ch.removed))
		ids, slots := make([]string, len(ch.removed)), make([]string, len(ch.removed))
		for i, r := range ch.removed {
			hs[i], ids[i], slots[i] = r.h, r.id, r.slot()
		}
		q.Queue(`
DELETE FROM customer_keys WHERE ctid = ANY(ARRAY(
	SELECT r.ctid
	FROM unnest($1::uuid[], $2::text[], $3::text[]) AS d(h, slot, customer_id)
	CROSS JOIN LATERAL (
		SELECT k.ctid FROM customer_keys k WHERE k.h = d.h AND `+keySlot+` = d.slot AND k.customer_id = d.customer_id
	) AS r))`, hs, slots, ids)
	}
	if q.Len() == 0 {
		return nil
	}
	return tx.SendBatch(ctx, q).Close()
}

// customerColumns are the columns of customers, in the order of
// record.values and copyRows.customer.
const customerColumns = "id, version, list, kind, credit_allowed, created_at, created_nsec, " +
	"updated_at, updated_nsec, groups, search, keys, data"

// values returns the record, whose JSON is data, as a row of customers.
func (r *record) values(data []byte) []any {
	cat, cns := splitTime(r.c.CreatedAt)
	at, ns := splitTime(r.c.UpdatedAt)
	groups := r.c.Groups
	if groups == nil {
		groups = []string{} // the column is NOT NULL
	}
	return []any{r.c.ID, r.c.Version, r.c.List, int16(r.c.Kind), r.c.Flags.CreditAllowed,
		cat, cns, at, ns, groups, r.search(),
		appendKeyRefs(make([]byte, 0, keyRefSize*len(r.keys)), r.keys), // not nil, which would be NULL
		data}
}

// copyEach queues a COPY of n rows in format into target, a table and its
// columns, row writing the i-th as it is sent; nothing when n is 0. An
// error of row's ends the COPY, and is what the statement that sends the
// COPY returns (see batchTx.hold).
func copyEach(tx *batchTx, target string, format copyFormat, n int, row func(w *copyRows, i int) error) {
	if n == 0 {
		return
	}
	i := 0
	sql := "COPY " + target + " FROM STDIN (FORMAT " + string(format) + ")"
	tx.hold(sql, newCopyRows(format, func(w *copyRows) (bool, error) {
		if i == n {
			return false, nil
		}
		err := row(w, i)
		i++
		return true, err
	}), nil)
}

// customer writes r's fields of a row of customers, in the text format,
// its record encoded as JSON in place. The caller ends the row.
func (w *copyRows) customer(r *record) error {
	c := r.c
	cat, cns := splitTime(c.CreatedAt)
	at, ns := splitTime(c.UpdatedAt)
	w.textField(c.ID)
	w.intField(c.Version)
	w.textField(c.List)
	w.intField(int64(c.Kind))
	w.boolField(c.Flags.CreditAllowed)
	w.timeField(cat)
	w.intField(int64(cns))
	w.timeField(at)
	w.intField(int64(ns))
	w.arrayField(c.Groups)
	start := len(w.buf)
	w.buf = r.appendSearch(w.buf)
	w.escapedFrom(start)
	w.keysField(r.keys)
	start = len(w.buf)
	var err error
	if w.buf, err = appendRecord(w.buf, c); err != nil {
		return err
	}
	w.escapedFrom(start)
	return nil
}

// facts writes the facts of c as a jsonb field, in the text format.
func (w *copyRows) facts(c *customer.Customer) error {
	start := len(w.buf)
	var err error
	if w.buf, err = appendFacts(w.buf, c); err != nil {
		return err
	}
	w.escapedFrom(start)
	return nil
}

// copiedUpdates is how many updated customers a batch must hold for
// updateCustomers to copy them in rather than update them one by one. The
// temporary table costs 2 to 4 ms a batch, most of it when it is dropped at
// commit, and saves about 30 µs an update (BenchmarkUpdateOne and
// BenchmarkUpdate50kInBatchesOf1000 either way).
const copiedUpdates = 100

// updateCustomers overwrites stored customers with recs, each only if its
// row is still at the version stored holds at the same index. Few are
// updated each with a statement of its own, all sent at once; more are
// copied into a temporary table, dropped at commit, and applied with one
// UPDATE, these statements too sent at once. The rows are locked, so an
// update that changes no row means it was changed outside the store, which
// is reported as a conflict.
func updateCustomers(ctx context.Context, tx *batchTx, recs []record, stored []int64) error {
	switch {
	case len(recs) == 0:
		return nil
	case len(recs) < copiedUpdates:
		return updateEach(ctx, tx, recs, stored)
	}
	var updated pgconn.CommandTag
	tx.hold(`CREATE TEMP TABLE pgstore_updates (LIKE customers, stored_version bigint, facts jsonb) ON COMMIT DROP`, nil, nil)
	copyEach(tx, `pg_temp.pgstore_updates (`+customerColumns+`, stored_version, facts)`, textFormat, len(recs),
		func(w *copyRows, i int) error {
			if err := w.customer(&recs[i]); err != nil {
				return err
			}
			w.intField(stored[i])
			if err := w.facts(recs[i].c); err != nil {
				return err
			}
			w.endRow()
			return nil
		})
	tx.hold(`
UPDATE customers AS c SET version = u.version, list = u.list, kind = u.kind, credit_allowed = u.credit_allowed,
	created_at = u.created_at, created_nsec = u.created_nsec, updated_at = u.updated_at, updated_nsec = u.updated_nsec,
	groups = u.groups, search = u.search, keys = u.keys, data = u.data
FROM pg_temp.pgstore_updates AS u
WHERE c.id = u.id AND c.version = u.stored_version`, nil, &updated)
	tx.hold(`UPDATE customer_facts AS f SET facts = u.facts FROM pg_temp.pgstore_updates AS u WHERE f.id = u.id`, nil, nil)
	if err := tx.send(ctx); err != nil {
		return err
	}
	return checkUpdated(updated.RowsAffected(), len(recs))
}

// updateEach overwrites stored customers as updateCustomers does, with one
// UPDATE each, sent in one round trip. A record that cannot be encoded is
// refused with an error wrapping customer.ErrInvalid.
func updateEach(ctx context.Context, tx *batchTx, recs []record, stored []int64) error {
	var js jsonBuffer
	q := &pgx.Batch{}
	for i := range recs {
		data, err := js.marshal(recs[i].c)
		if err != nil {
			return err
		}
		facts, err := factsOf(recs[i].c)
		if err != nil {
			return err
		}
		q.Queue(`
UPDATE customers SET version = $2, list = $3, kind = $4, credit_allowed = $5, created_at = $6, created_nsec = $7,
	updated_at = $8, updated_nsec = $9, groups = $10, search = $11, keys = $12, data = $13
WHERE id = $1 AND version = $14`, append(recs[i].values(data), stored[i])...)
		q.Queue(`UPDATE customer_facts SET facts = $2 WHERE id = $1`, recs[i].c.ID, facts)
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
