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
//     first statement that fails, or in the same message as the statements
//     that wait;
//   - statements without parameters, COPYs above all, wait (see queue) and
//     go together, in one message with the COPYs' rows behind it, so that
//     the server goes from one to the next without waiting for the client;
//   - COMMIT goes in the same message as the statements before it.
//
// A batch of new customers is then one round trip: BEGIN, its three COPYs
// and COMMIT. With the server on the same machine, a write of one new
// customer (BenchmarkWriteOne) took 441-442 µs against 702-751 µs with each
// statement sent on its own, and an update of one (BenchmarkUpdateOne)
// 358-364 µs against 425-430 µs with BEGIN sent alone.
type batchTx struct {
	conn  *pgx.Conn
	queue []statement // sent together, before anything else
}

// begun reports whether the transaction has begun, as the server last said
// (every statement's answer ends with the connection's transaction status).
func (t *batchTx) begun() bool {
	pc := t.conn.PgConn()
	return !pc.IsClosed() && pc.TxStatus() != 'I'
}

// statement is one a batchTx holds back: its SQL, which has no parameters,
// the rows of a COPY ... FROM STDIN (in either format), and where to keep its
// command tag once it has run.
type statement struct {
	sql  string
	rows *copyRows          // nil but for a COPY
	tag  *pgconn.CommandTag // or nil
}

// SendBatch sends q in the transaction, after the statements waiting,
// beginning it in the same pipeline when it has not begun. The results are
// q's: those of BEGIN are read here, and should it fail, the server has run
// none of q, and q's results report the failure. The failure of a statement
// that waited is reported by the results as theirs.
func (t *batchTx) SendBatch(ctx context.Context, q *pgx.Batch) pgx.BatchResults {
	if err := t.send(ctx); err != nil {
		return failedBatch{err}
	}
	if t.begun() {
		return t.conn.SendBatch(ctx, q)
	}
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

// hold queues a statement, sql, with the rows of a COPY (or nil) and where
// to keep its command tag (or nil), to be sent with the statements after it
// (see send). Its failure, and the rows' own error, is what the statement
// that sends it returns.
func (t *batchTx) hold(sql string, rows *copyRows, tag *pgconn.CommandTag) {
	t.queue = append(t.queue, statement{sql, rows, tag})
}

// send sends the statements waiting and reports how they went.
func (t *batchTx) send(ctx context.Context) error { return t.sendQueue(ctx, false) }

// commit sends the statements waiting and commits the transaction, which
// may not have begun when the batch sent nothing. It fails with
// pgx.ErrTxCommitRollback when the server rolled the transaction back
// instead, as it does one that failed.
func (t *batchTx) commit(ctx context.Context) error {
	if !t.begun() && len(t.queue) == 0 {
		return nil
	}
	return t.sendQueue(ctx, true)
}

// rollback drops the statements waiting and rolls the transaction back, if
// it began. Its error is not reported: the connection goes back to the pool
// either way, which closes one left in a transaction.
func (t *batchTx) rollback(ctx context.Context) {
	t.queue = nil
	if t.begun() {
		_, _ = t.conn.Exec(ctx, "ROLLBACK")
	}
}

// sendQueue sends the statements waiting, BEGIN first when the transaction
// has not begun and COMMIT last when commit says so, in one simple query,
// then each COPY's rows, as the server will read them. The server runs the
// statements in turn, each COPY reading its rows from what the connection
// already holds, and stops at the first that fails; it ignores the rows of
// the COPYs it no longer runs.
//
// A COPY's rows are encoded as they are sent, so that the client encodes
// while the server inserts. When a row cannot be encoded its COPY is failed
// (CopyFail) and the rows' error is returned.
//
// What it returns is what the server did. When ctx has ended, it sends
// nothing. When ctx ends while the rows are sent, the connection is closed
// with the query unfinished, which the server rolls back. When ctx ends
// once the query is sent, the server is asked to cancel it, and the answer
// is read to its end: the COMMIT may have run first. A connection that
// fails to send or receive, or that a cancel was sent for, is closed.
func (t *batchTx) sendQueue(ctx context.Context, commit bool) error {
	if len(t.queue) == 0 && !commit {
		return nil
	}
	queue := t.queue
	t.queue = nil
	if err := ctx.Err(); err != nil {
		return err
	}
	var sql strings.Builder
	first := 0 // of the tags, the first of the queue's
	if !t.begun() {
		sql.WriteString(beginSQL + "; ")
		first = strings.Count(beginSQL, ";") + 1
	}
	for _, st := range queue {
		sql.WriteString(st.sql + "; ")
	}
	if commit {
		sql.WriteString("COMMIT")
	}
	pc := t.conn.PgConn()
	rowsErr, err := sendQuery(ctx, pc, sql.String(), queue)
	var tags []string
	cancelled := false
	if err == nil {
		tags, cancelled, err = readResults(ctx, pc)
	}
	var pgErr *pgconn.PgError
	broken := err != nil && !errors.As(err, &pgErr)
	if broken {
		err = fmt.Errorf("pgstore: the connection to the server failed: %w", err)
	}
	if broken || cancelled {
		// Out of step with the server, or a cancel on its way that could
		// end the next query.
		closeCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
		defer cancel()
		_ = pc.Close(closeCtx)
	}
	want := first + len(queue)
	if commit {
		want++
	}
	switch {
	case rowsErr != nil:
		return rowsErr
	case err != nil:
		return err
	case len(tags) != want:
		return fmt.Errorf("pgstore: the server completed %d statements of %d and reported no error", len(tags), want)
	case commit && tags[want-1] != "COMMIT":
		return pgx.ErrTxCommitRollback
	}
	for i, st := range queue {
		if st.tag != nil {
			*st.tag = pgconn.NewCommandTag(tags[first+i])
		}
	}
	return nil
}

// sendQuery sends sql, a simple query of the statements of queue, and the
// rows of its COPYs, in order, each COPY's rows as CopyData messages of a
// chunk each and then CopyDone. When a COPY's rows cannot be encoded, it
// sends CopyFail instead, sends nothing more and returns the rows' error as
// rowsErr. err is a failure to send, or ctx's error when ctx ended it.
func sendQuery(ctx context.Context, pc *pgconn.PgConn, sql string, queue []statement) (rowsErr, err error) {
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
	var buf []byte
	for _, st := range queue {
		if st.rows == nil {
			continue
		}
		if buf == nil {
			buf = newCopyBuffer()
		}
		if err := st.rows.sendTo(fe, buf); err != nil {
			return nil, err
		}
		if st.rows.err != nil {
			fe.Send(&pgproto3.CopyFail{Message: st.rows.err.Error()})
			return st.rows.err, fe.Flush()
		}
		fe.Send(&pgproto3.CopyDone{})
	}
	return nil, fe.Flush()
}

// cancelWait is how long the answer to a query may take once the server
// was asked to cancel it.
const cancelWait = 10 * time.Second

// readResults reads the server's answers to a simple query up to the end,
// and returns the command tags of the statements that completed, in order,
// or the failure of the one that failed. When ctx ends first, it asks the
// server to cancel the query, says so (cancelled), and reads on, for at
// most cancelWait.
func readResults(ctx context.Context, pc *pgconn.PgConn) (tags []string, cancelled bool, err error) {
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
			return nil, false, err
		}
		switch m := msg.(type) {
		case *pgproto3.CommandComplete:
			tags = append(tags, string(m.CommandTag))
		case *pgproto3.ErrorResponse:
			pgErr = pgconn.ErrorResponseToPgError(m)
		case *pgproto3.ReadyForQuery:
			return tags, false, pgErr
		}
	}
}
