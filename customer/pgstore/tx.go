package pgstore

import (
	"context"
	"fmt"
	"io"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// The statements that begin a batch's transaction. A batch's queries look
// rows up by the arrays they are given. Planned for the arrays at hand and
// the tables as they are, they use the indexes; a generic plan, which the
// server may keep for a prepared statement, is made without either, and one
// made while the tables were small reads them whole once they are not.
const (
	beginTx       = `BEGIN`
	beginSettings = `SET LOCAL plan_cache_mode = force_custom_plan`
	beginSQL      = beginTx + `; ` + beginSettings
)

// batchTx is the transaction a batch is written in, on a connection of its
// own. Its BEGIN does not cost a round trip of its own: it goes with the
// batch's first statement, in the same message as a COPY (see copyIn) and
// in the same pipeline as a pgx.Batch (see SendBatch), which the server
// runs no further than the first statement that fails. A round trip is a
// batch's largest fixed cost once the server is across a network; here,
// with the server on the same machine, an update of one customer
// (BenchmarkUpdateOne) took 358-364 µs against 425-430 µs with BEGIN sent
// alone.
type batchTx struct {
	conn  *pgx.Conn
	begun bool
}

// begin sends BEGIN, unless it was sent.
func (t *batchTx) begin(ctx context.Context) error {
	if t.begun {
		return nil
	}
	if _, err := t.conn.Exec(ctx, beginSQL); err != nil {
		return fmt.Errorf("pgstore: begin: %w", err)
	}
	t.begun = true
	return nil
}

// Exec runs sql in the transaction.
func (t *batchTx) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	if err := t.begin(ctx); err != nil {
		return pgconn.CommandTag{}, err
	}
	return t.conn.Exec(ctx, sql, args...)
}

// SendBatch sends q in the transaction, beginning it in the same pipeline
// when it has not begun. The results are q's: those of BEGIN are read here,
// and should it fail, the server has run none of q, and q's results report
// the failure.
func (t *batchTx) SendBatch(ctx context.Context, q *pgx.Batch) pgx.BatchResults {
	if t.begun {
		return t.conn.SendBatch(ctx, q)
	}
	t.begun = true
	b := &pgx.Batch{}
	b.Queue(beginTx)
	b.Queue(beginSettings)
	b.QueuedQueries = append(b.QueuedQueries, q.QueuedQueries...)
	br := t.conn.SendBatch(ctx, b)
	_, _ = br.Exec()
	_, _ = br.Exec()
	return br
}

// copyIn runs sql, a COPY ... FROM STDIN, with the rows r reads, in the
// transaction, beginning it in the same message when it has not begun: a
// simple query may hold several statements, and the server runs the COPY
// once BEGIN has run.
func (t *batchTx) copyIn(ctx context.Context, r io.Reader, sql string) (pgconn.CommandTag, error) {
	if !t.begun {
		sql = beginSQL + "; " + sql
		t.begun = true
	}
	return t.conn.PgConn().CopyFrom(ctx, r, sql)
}

// commit commits the transaction, which may not have begun when the batch
// sent nothing. It fails with pgx.ErrTxCommitRollback when the server rolled
// the transaction back instead, as it does one that failed.
func (t *batchTx) commit(ctx context.Context) error {
	if !t.begun {
		return nil
	}
	tag, err := t.conn.Exec(ctx, "COMMIT")
	t.begun = false
	if err != nil {
		return err
	}
	if tag.String() == "ROLLBACK" {
		return pgx.ErrTxCommitRollback
	}
	return nil
}

// rollback rolls the transaction back, if it began. Its error is not
// reported: the connection goes back to the pool either way, which closes
// one left in a transaction.
func (t *batchTx) rollback(ctx context.Context) {
	if t.begun {
		_, _ = t.conn.Exec(ctx, "ROLLBACK")
		t.begun = false
	}
}
