package pgstore

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgproto3"
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
// own. Round trips are a batch's largest fixed cost once the server is
// across a network, and the server idles through each, so a batchTx spends
// as few as it can:
//
//   - BEGIN goes with the batch's first statement, in the same pipeline as
//     a pgx.Batch (see SendBatch), which the server runs no further than the
//     first statement that fails, or in the same message as the COPYs;
//   - COPYs wait (see copy) for the next statement and go together, in
//     one message with their rows behind it, so that the server goes from
//     one to the next without waiting for the client;
//   - COMMIT goes in the same message as the COPYs before it.
//
// A batch of new customers is then one round trip: BEGIN, its three COPYs
// and COMMIT. With the server on the same machine, an update of one
// customer (BenchmarkUpdateOne) took 358-364 µs against 425-430 µs with
// BEGIN sent alone, and BENCHMARKS.md has what the COPYs gained.
type batchTx struct {
	conn   *pgx.Conn
	begun  bool
	copies []queuedCopy // sent with the next statement
}

// queuedCopy is a COPY ... FROM STDIN (FORMAT binary) and its rows.
type queuedCopy struct {
	sql  string
	rows *copyRows
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

// Exec runs sql in the transaction, after the COPYs waiting.
func (t *batchTx) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	if err := t.sendCopies(ctx, false); err != nil {
		return pgconn.CommandTag{}, err
	}
	if err := t.begin(ctx); err != nil {
		return pgconn.CommandTag{}, err
	}
	return t.conn.Exec(ctx, sql, args...)
}

// SendBatch sends q in the transaction, after the COPYs waiting, beginning
// it in the same pipeline when it has not begun. The results are q's: those
// of BEGIN are read here, and should it fail, the server has run none of q,
// and q's results report the failure. A COPY's failure is reported by the
// results as theirs.
func (t *batchTx) SendBatch(ctx context.Context, q *pgx.Batch) pgx.BatchResults {
	if err := t.sendCopies(ctx, false); err != nil {
		return failedBatch{err}
	}
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

// failedBatch is the results of a pgx.Batch that was not sent.
type failedBatch struct{ err error }

func (f failedBatch) Exec() (pgconn.CommandTag, error) { return pgconn.CommandTag{}, f.err }
func (f failedBatch) Query() (pgx.Rows, error)         { return nil, f.err }
func (f failedBatch) QueryRow() pgx.Row                { return failedRow(f) }
func (f failedBatch) Close() error                     { return f.err }
func (f failedBatch) Tx() pgx.Tx                       { return nil }

type failedRow struct{ err error }

func (f failedRow) Scan(...any) error { return f.err }

// copy queues a COPY ... FROM STDIN (FORMAT binary), sql, of the rows, to be
// sent with the next statement or the commit. Its failure, and the rows'
// own error, is that statement's.
func (t *batchTx) copy(sql string, rows *copyRows) {
	t.copies = append(t.copies, queuedCopy{sql, rows})
}

// commit sends the COPYs waiting and commits the transaction, which may not
// have begun when the batch sent nothing. It fails with
// pgx.ErrTxCommitRollback when the server rolled the transaction back
// instead, as it does one that failed.
func (t *batchTx) commit(ctx context.Context) error {
	if !t.begun && len(t.copies) == 0 {
		return nil
	}
	return t.sendCopies(ctx, true)
}

// rollback drops the COPYs waiting and rolls the transaction back, if it
// began. Its error is not reported: the connection goes back to the pool
// either way, which closes one left in a transaction.
func (t *batchTx) rollback(ctx context.Context) {
	t.copies = nil
	if t.begun && !t.conn.IsClosed() {
		_, _ = t.conn.Exec(ctx, "ROLLBACK")
	}
	t.begun = false
}

// sendCopies sends the COPYs waiting, BEGIN first when the transaction has
// not begun and COMMIT last when commit says so, in one simple query: the
// statements, then each COPY's rows, as the server will read them. The
// server runs the statements in turn, each COPY reading its rows from what
// the connection already holds, and stops at the first that fails; it
// ignores the rows of the COPYs it no longer runs.
//
// A COPY's rows are encoded as they are sent, so that the client encodes
// while the server inserts. When a row cannot be encoded its COPY is
// failed (CopyFail) and the rows' error is returned.
//
// What it returns is what the server did. When ctx has ended, it sends
// nothing. When ctx ends while the rows are sent, the connection is closed with the query unfinished, which the
// server rolls back. When ctx ends once the query is sent, the server is
// asked to cancel it, and the answer is read to its end: the COMMIT may
// have run first. A connection that fails to send or receive, or that a
// cancel was sent for, is closed.
func (t *batchTx) sendCopies(ctx context.Context, commit bool) error {
	if len(t.copies) == 0 && !commit {
		return nil
	}
	copies := t.copies
	t.copies = nil
	if err := ctx.Err(); err != nil {
		return err
	}
	var sql strings.Builder
	if !t.begun {
		sql.WriteString(beginSQL + "; ")
	}
	for _, c := range copies {
		sql.WriteString(c.sql + "; ")
	}
	if commit {
		sql.WriteString("COMMIT")
	}
	pc := t.conn.PgConn()
	rowsErr, err := sendQuery(ctx, pc, sql.String(), copies)
	var tag string
	cancelled := false
	if err == nil {
		tag, cancelled, err = readResults(ctx, pc)
	}
	var pgErr *pgconn.PgError
	if cancelled || err != nil && !errors.As(err, &pgErr) {
		// Out of step with the server, or a cancel on its way that could
		// end the next query.
		closeCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
		defer cancel()
		_ = pc.Close(closeCtx)
	}
	t.begun = !pc.IsClosed() && pc.TxStatus() != 'I'
	switch {
	case rowsErr != nil:
		return rowsErr
	case err != nil:
		return err
	case commit && tag != "COMMIT":
		return pgx.ErrTxCommitRollback
	}
	return nil
}

// sendQuery sends sql, a simple query, and the rows of its COPYs, in
// order, each COPY's rows as CopyData messages of a chunk each and then
// CopyDone. When a COPY's rows cannot be encoded, it sends CopyFail
// instead, sends nothing more and returns the rows' error as rowsErr. err
// is a failure to send, or ctx's error when ctx ended it.
func sendQuery(ctx context.Context, pc *pgconn.PgConn, sql string, copies []queuedCopy) (rowsErr, err error) {
	// A write blocks only while the server reads slower than the client
	// encodes; when ctx ends, the write fails.
	conn := pc.Conn()
	var mu sync.Mutex
	sent := false
	stop := context.AfterFunc(ctx, func() {
		mu.Lock()
		defer mu.Unlock()
		if !sent {
			_ = conn.SetWriteDeadline(time.Now())
		}
	})
	defer func() {
		mu.Lock()
		sent = true
		mu.Unlock()
		if !stop() {
			_ = conn.SetWriteDeadline(time.Time{})
			if err != nil {
				err = ctx.Err()
			}
		}
	}()
	fe := pc.Frontend()
	fe.SendQuery(&pgproto3.Query{String: sql})
	for _, c := range copies {
		if err := c.rows.sendTo(fe); err != nil {
			return nil, err
		}
		if c.rows.err != nil {
			fe.Send(&pgproto3.CopyFail{Message: c.rows.err.Error()})
			return c.rows.err, fe.Flush()
		}
		fe.Send(&pgproto3.CopyDone{})
	}
	return nil, fe.Flush()
}

// cancelWait is how long the answer to a query may take once the server
// was asked to cancel it.
const cancelWait = 10 * time.Second

// readResults reads the server's answers to a simple query up to the end,
// and returns the tag of the last statement that completed, or the
// failure of the one that failed. When ctx ends first, it asks the server
// to cancel the query, says so (cancelled), and reads on, for at most
// cancelWait.
func readResults(ctx context.Context, pc *pgconn.PgConn) (tag string, cancelled bool, err error) {
	asked := make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		defer close(asked)
		_ = pc.Conn().SetReadDeadline(time.Now().Add(cancelWait))
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cancelWait)
		defer cancel()
		_ = pc.CancelRequest(cctx)
	})
	defer func() {
		if !stop() {
			<-asked
			cancelled = true
		}
	}()
	rctx := context.WithoutCancel(ctx)
	var pgErr error
	for {
		msg, err := pc.ReceiveMessage(rctx)
		if err != nil {
			return "", false, err
		}
		switch m := msg.(type) {
		case *pgproto3.CommandComplete:
			tag = string(m.CommandTag)
		case *pgproto3.ErrorResponse:
			pgErr = pgconn.ErrorResponseToPgError(m)
		case *pgproto3.ReadyForQuery:
			return tag, false, pgErr
		}
	}
}
