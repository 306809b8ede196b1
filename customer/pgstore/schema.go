package pgstore

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"

	"github.com/impexkit/impex/groups"
)

// migrations are the schema changes in order; migration i brings the schema
// to version i+1. Applied migrations are never edited: a change to the schema
// is a new entry.
//
// Text columns that hold keys and IDs use the "C" collation, so ORDER BY
// sorts exactly as Go compares strings (byte by byte), whatever the
// database's locale, and so comparisons are as cheap as they get.
var migrations = []string{
	// 1: customers, their keys, sequences, buyer numbers and groups.
	`
CREATE TABLE customers (
	id             text COLLATE "C" PRIMARY KEY,
	version        bigint   NOT NULL,
	list           text COLLATE "C" NOT NULL,
	kind           smallint NOT NULL,
	credit_allowed boolean  NOT NULL,
	-- CreatedAt and UpdatedAt to the microsecond, the precision of
	-- timestamptz, and the nanoseconds below it, so the times are exact.
	created_at     timestamptz NOT NULL,
	created_nsec   integer     NOT NULL,
	updated_at     timestamptz NOT NULL,
	updated_nsec   integer     NOT NULL,
	-- IDs of the static groups the customer is an explicit member of.
	groups         text[]   NOT NULL,
	-- The lower-cased texts a free-text search looks in, separated by U+001F.
	search         text     NOT NULL,
	-- The whole customer.Customer as JSON. The json type keeps the text as
	-- written, which is several times cheaper to write and to read back than
	-- jsonb; cast to jsonb to query it.
	data           json     NOT NULL
);
CREATE INDEX customers_list_idx ON customers (list, id);
CREATE INDEX customers_updated_idx ON customers (updated_at, updated_nsec);
CREATE INDEX customers_groups_idx ON customers USING gin (groups);

-- One row per key a customer holds: number, login and e-mail per list,
-- identifiers across the store (list ''). uniq marks the keys that must be
-- unique; the partial unique index enforces it across concurrent
-- transactions. Two partial indexes instead of one unique and one plain
-- index keep every row to two index entries, which imports feel.
CREATE TABLE customer_keys (
	key         text COLLATE "C" NOT NULL,
	list        text COLLATE "C" NOT NULL,
	value       text COLLATE "C" NOT NULL,
	customer_id text COLLATE "C" NOT NULL,
	uniq        boolean NOT NULL
);
CREATE UNIQUE INDEX customer_keys_unique_idx ON customer_keys (key, list, value) WHERE uniq;
CREATE INDEX customer_keys_shared_idx ON customer_keys (key, list, value) WHERE NOT uniq;
CREATE INDEX customer_keys_customer_idx ON customer_keys (customer_id);

CREATE SEQUENCE customer_ids;

CREATE TABLE number_sequences (
	list text COLLATE "C" PRIMARY KEY,
	last bigint NOT NULL
);

CREATE TABLE buyer_numbers (
	number text COLLATE "C" PRIMARY KEY
);

CREATE TABLE customer_groups (
	id   text COLLATE "C" PRIMARY KEY,
	kind smallint NOT NULL,
	-- The whole groups.Group as JSON, its rule included.
	data json     NOT NULL
);
`,
	// 2: an empty value holds no key (customer.Constraints.Keys). Version 1
	// stored a key row for each empty card slot; no other key is ever empty.
	`DELETE FROM customer_keys WHERE value = ''`,
	// 3: cheaper writes, with the indexes the queries use and no more.
	//
	// A customer's row lists its keys (customers.keys), so a batch reads
	// them with the row it locks and finds their rows in customer_keys by
	// value: the index on customer_id goes. One unique index on (key, list,
	// value, and '' for a unique key or the holder's ID for a shared one)
	// replaces the two partial ones: it keeps unique keys unique, a shared
	// key once per holder, and serves every lookup by value, whether the
	// query says which kind of key it wants or not. The groups index covers
	// only the customers in a group, which the group filter asks for.
	`
ALTER TABLE customers ADD COLUMN keys text[] NOT NULL DEFAULT '{}';
UPDATE customers AS c SET keys = k.keys
FROM (
	SELECT customer_id, array_agg(e ORDER BY key, list, value, n) AS keys
	FROM customer_keys, unnest(ARRAY[key, list, value, CASE WHEN uniq THEN 't' ELSE 'f' END]) WITH ORDINALITY AS u(e, n)
	GROUP BY customer_id
) AS k
WHERE c.id = k.customer_id;
ALTER TABLE customers ALTER COLUMN keys DROP DEFAULT;

DROP INDEX customer_keys_unique_idx, customer_keys_shared_idx, customer_keys_customer_idx;
CREATE UNIQUE INDEX customer_keys_value_idx ON customer_keys (key, list, value, (CASE WHEN uniq THEN '' ELSE customer_id END));

DROP INDEX customers_groups_idx;
CREATE INDEX customers_groups_idx ON customers USING gin (groups) WHERE groups <> '{}';
`,
	// 4: the facts group rules read (facts.go), so that PostgreSQL decides
	// a rule without parsing the records' JSON, in a table of their own, as
	// narrow as they are, so that deciding a rule scans a fraction of what
	// the customers table holds. backfillFacts fills it for the customers
	// stored before, in Go, the only place facts are derived.
	`
CREATE TABLE customer_facts (
	id    text COLLATE "C" PRIMARY KEY,
	facts jsonb NOT NULL
);
`,
	// 5: a key row holds its key as a hash (keyHash), not as three texts,
	// which customers.keys keeps. The index of 16-byte hashes is two
	// thirds of the size, and in an import of 50,000 workbook rows
	// PostgreSQL spent 27-39% less time writing the key rows and 31-46%
	// less answering the lookups (BENCHMARKS.md), which set the pace.
	`
CREATE FUNCTION customer_key_hash(key text, list text, value text) RETURNS uuid
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
SELECT encode(substring(sha256(
	convert_to(key, 'UTF8') || '\x00'::bytea || convert_to(list, 'UTF8') || '\x00'::bytea || convert_to(value, 'UTF8') || '\x00'::bytea
) FROM 1 FOR 16), 'hex')::uuid
$$;

CREATE TABLE customer_key_hashes (
	h           uuid NOT NULL,
	customer_id text COLLATE "C" NOT NULL,
	uniq        boolean NOT NULL
);
INSERT INTO customer_key_hashes (h, customer_id, uniq)
SELECT customer_key_hash(key, list, value), customer_id, uniq FROM customer_keys;
DROP TABLE customer_keys;
ALTER TABLE customer_key_hashes RENAME TO customer_keys;
CREATE UNIQUE INDEX customer_keys_hash_idx ON customer_keys (h, (CASE WHEN uniq THEN '' ELSE customer_id END));
`,
	// 6: cheaper customer rows to write. customers.keys holds what the
	// customer's rows of customer_keys hold, 17 bytes a key (keyRef): the
	// hash, then 1 for a unique key or 0. A text[] of four texts a key was
	// more than twice the size, and reading its array literal was a few
	// percent of the server's work in an import. The record's JSON is
	// text: the json type checks every record it is given, which pgstore
	// writes with encoding/json and checks itself, and the check was a
	// tenth of the server's work in a COPY of customers (BENCHMARKS.md,
	// "Keys as hashes in the customer's row").
	`
ALTER TABLE customers ADD COLUMN key_refs bytea;
UPDATE customers AS c SET key_refs = coalesce((
	SELECT string_agg(uuid_send(customer_key_hash(c.keys[i], c.keys[i+1], c.keys[i+2])) ||
		CASE WHEN c.keys[i+3] = 't' THEN '\x01'::bytea ELSE '\x00'::bytea END, ''::bytea ORDER BY i)
	FROM generate_series(1, cardinality(c.keys), 4) AS i
), ''::bytea);
ALTER TABLE customers DROP COLUMN keys;
ALTER TABLE customers RENAME COLUMN key_refs TO keys;
ALTER TABLE customers ALTER COLUMN keys SET NOT NULL;
ALTER TABLE customers ALTER COLUMN data TYPE text;
`,
}

// afterMigration are steps in Go that complete a migration, by the version
// it brings the schema to. They run in the migration's transaction.
var afterMigration = map[int]func(ctx context.Context, tx pgx.Tx) error{
	4: backfillFacts,
}

// backfillFacts derives the facts of every stored customer from its record,
// a page of customers at a time.
func backfillFacts(ctx context.Context, tx pgx.Tx) error {
	const page = 1000
	after := ""
	for {
		rows, err := tx.Query(ctx, `SELECT id, version, data FROM customers WHERE id > $1 ORDER BY id LIMIT `+strconv.Itoa(page), after)
		if err != nil {
			return err
		}
		var ids, fs []string
		for rows.Next() {
			var id string
			var version int64
			var data []byte
			if err := rows.Scan(&id, &version, &data); err != nil {
				rows.Close()
				return err
			}
			c, err := decode(id, version, data)
			if err != nil {
				rows.Close()
				return err
			}
			f, err := factsOf(c)
			if err != nil {
				rows.Close()
				return fmt.Errorf("customer %q: facts: %w", id, err)
			}
			ids, fs, after = append(ids, id), append(fs, string(f)), id
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if len(ids) > 0 {
			if _, err := tx.Exec(ctx, `INSERT INTO customer_facts (id, facts) SELECT id, facts::jsonb FROM unnest($1::text[], $2::text[]) AS u(id, facts)`, ids, fs); err != nil {
				return err
			}
		}
		if len(ids) < page {
			return nil
		}
	}
}

// SchemaVersion is the schema version this package creates and expects.
var SchemaVersion = len(migrations)

// Migrate creates the store's tables in the pool's current schema, or brings
// them up to date, and adds the system groups when they are missing. It is
// idempotent and safe to call from several processes at once: migrations run
// in one transaction under an advisory lock, and the schema_version table
// records what was applied. It fails when the schema is newer than this
// package knows.
func (s *Store) Migrate(ctx context.Context) error { return s.migrate(ctx, len(migrations)) }

// migrate brings the schema to version target, which is below SchemaVersion
// only in tests of the migrations.
func (s *Store) migrate(ctx context.Context, target int) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("pgstore: migrate: %w", err)
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('impex/pgstore migrate ' || current_schema()))`); err != nil {
		return fmt.Errorf("pgstore: migrate: lock: %w", err)
	}
	if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL)`); err != nil {
		return fmt.Errorf("pgstore: migrate: %w", err)
	}
	var version int
	err = tx.QueryRow(ctx, `SELECT version FROM schema_version`).Scan(&version)
	switch {
	case err == pgx.ErrNoRows:
		if _, err := tx.Exec(ctx, `INSERT INTO schema_version (version) VALUES (0)`); err != nil {
			return fmt.Errorf("pgstore: migrate: %w", err)
		}
	case err != nil:
		return fmt.Errorf("pgstore: migrate: reading the schema version: %w", err)
	case version > len(migrations):
		return fmt.Errorf("pgstore: migrate: the schema is at version %d; this package knows versions up to %d", version, len(migrations))
	}
	for v := version; v < target; v++ {
		if _, err := tx.Exec(ctx, migrations[v]); err != nil {
			return fmt.Errorf("pgstore: migrate to version %d: %w", v+1, err)
		}
		if after := afterMigration[v+1]; after != nil {
			if err := after(ctx, tx); err != nil {
				return fmt.Errorf("pgstore: migrate to version %d: %w", v+1, err)
			}
		}
	}
	if _, err := tx.Exec(ctx, `UPDATE schema_version SET version = $1`, max(version, target)); err != nil {
		return fmt.Errorf("pgstore: migrate: %w", err)
	}
	for _, g := range groups.SystemGroups() {
		data, err := json.Marshal(g)
		if err != nil {
			return fmt.Errorf("pgstore: migrate: %w", err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO customer_groups (id, kind, data) VALUES ($1, $2, $3::text::json) ON CONFLICT (id) DO NOTHING`,
			g.ID, int16(g.Kind), string(data)); err != nil {
			return fmt.Errorf("pgstore: migrate: system group %s: %w", g.ID, err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("pgstore: migrate: commit: %w", err)
	}
	return nil
}
