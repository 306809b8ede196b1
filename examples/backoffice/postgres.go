package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/impexkit/impex/customer/pgstore"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"
)

// openPostgres opens the shared backend: customers in pgstore, job records
// and uploads in a table beside them, and the queue in River, so that
// several instances share one database and the work. A job's record, its
// upload and its River job are inserted in one transaction, so an upload
// that was acknowledged is queued, and one that was not is not.
func openPostgres(ctx context.Context, cfg Config) (*backend, error) {
	pool, err := pgxpool.New(ctx, cfg.Postgres)
	if err != nil {
		return nil, err
	}
	be, err := postgresBackend(ctx, cfg, pool)
	if err != nil {
		pool.Close()
		return nil, err
	}
	inner := be.close
	be.close = func() { inner(); pool.Close() }
	return be, nil
}

// postgresBackend builds the backend on an open pool, which the caller
// closes.
func postgresBackend(ctx context.Context, cfg Config, pool *pgxpool.Pool) (*backend, error) {
	store := pgstore.New(pool, pgstore.Options{Now: cfg.Now})
	if err := store.Migrate(ctx); err != nil {
		return nil, fmt.Errorf("pgstore: %w", err)
	}
	if err := migrateJobs(ctx, pool); err != nil {
		return nil, err
	}
	incoming := filepath.Join(cfg.DataDir, "incoming")
	if err := ensureDir(incoming); err != nil {
		return nil, err
	}
	jobs := &pgJobs{pool: pool}
	be := &backend{store: store, jobs: jobs, incoming: incoming, close: func() {}}
	be.queue = func(work func(context.Context, string) error) (Queue, error) {
		workers := river.NewWorkers()
		if err := river.AddWorkerSafely(workers, &importWorker{work: work}); err != nil {
			return nil, err
		}
		client, err := river.NewClient(riverpgxv5.New(pool), &river.Config{
			Queues:  map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 1}},
			Workers: workers,
			Logger:  cfg.Logger,
			// River rescues no job whose time is unlimited, so an import
			// is given importTimeout, and a job whose instance died is
			// given to another once RescueStuckJobsAfter has passed since
			// it started, which River wants longer than the timeout.
			JobTimeout:           importTimeout,
			RescueStuckJobsAfter: importTimeout + 10*time.Minute,
			FetchPollInterval:    500 * time.Millisecond,
		})
		if err != nil {
			return nil, err
		}
		jobs.insert = func(ctx context.Context, tx pgx.Tx, id string) error {
			// The worker counts the starts and gives up on the one after
			// maxAttempts, recording and mailing the failure: River must
			// start the job that once more.
			_, err := client.InsertTx(ctx, tx, importArgs{JobID: id}, &river.InsertOpts{MaxAttempts: maxAttempts + 1})
			return err
		}
		return &riverQueue{client: client}, nil
	}
	return be, nil
}

// jobsLock is the advisory lock key under which instances migrate River's
// tables and the jobs table, one at a time.
const jobsLock = 0x6261636b6f6666 // "backoff"

// migrateJobs creates River's tables and the jobs table, or brings them up
// to date, under an advisory lock so instances starting together do not
// race.
func migrateJobs(ctx context.Context, pool *pgxpool.Pool) error {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", int64(jobsLock)); err != nil {
		return err
	}
	defer conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", int64(jobsLock))
	m, err := rivermigrate.New(riverpgxv5.New(pool), nil)
	if err != nil {
		return err
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("river: %w", err)
	}
	_, err = conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS backoffice_jobs (
		id       text PRIMARY KEY,
		owner    text NOT NULL,
		created  timestamptz NOT NULL,
		record   jsonb NOT NULL,
		upload   bytea NOT NULL,
		rejected bytea
	);
	CREATE INDEX IF NOT EXISTS backoffice_jobs_owner ON backoffice_jobs (owner, created DESC)`)
	return err
}

// pgJobs is the JobStore of the shared backend.
type pgJobs struct {
	pool *pgxpool.Pool
	// insert queues a job in the transaction that stores it.
	insert func(ctx context.Context, tx pgx.Tx, id string) error
}

func (p *pgJobs) Create(ctx context.Context, j *Job, uploadPath string) error {
	data, err := os.ReadFile(uploadPath)
	if err != nil {
		return err
	}
	rec, err := json.Marshal(j)
	if err != nil {
		return err
	}
	tx, err := p.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	if _, err := tx.Exec(ctx, `INSERT INTO backoffice_jobs (id, owner, created, record, upload) VALUES ($1, $2, $3, $4, $5)`,
		j.ID, j.Owner, j.Created, rec, data); err != nil {
		return err
	}
	if p.insert == nil {
		return errors.New("the River queue is not set up")
	}
	if err := p.insert(ctx, tx, j.ID); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return err
	}
	return os.Remove(uploadPath)
}

func (p *pgJobs) Get(ctx context.Context, id string) (*Job, error) {
	if !validJobID(id) {
		return nil, fmt.Errorf("%w: %q", ErrNoJob, id)
	}
	var rec []byte
	err := p.pool.QueryRow(ctx, `SELECT record FROM backoffice_jobs WHERE id = $1`, id).Scan(&rec)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("%w: %s", ErrNoJob, id)
	}
	if err != nil {
		return nil, err
	}
	var j Job
	if err := json.Unmarshal(rec, &j); err != nil {
		return nil, fmt.Errorf("job %s: %w", id, err)
	}
	return &j, nil
}

func (p *pgJobs) List(ctx context.Context, owner string) ([]*Job, error) {
	rows, err := p.pool.Query(ctx, `SELECT record FROM backoffice_jobs WHERE $1 = '' OR owner = $1 ORDER BY created DESC, id`, owner)
	if err != nil {
		return nil, err
	}
	var out []*Job
	for rows.Next() {
		var rec []byte
		if err := rows.Scan(&rec); err != nil {
			return nil, err
		}
		var j Job
		if err := json.Unmarshal(rec, &j); err != nil {
			return nil, err
		}
		out = append(out, &j)
	}
	return out, rows.Err()
}

func (p *pgJobs) Update(ctx context.Context, j *Job) error {
	rec, err := json.Marshal(j)
	if err != nil {
		return err
	}
	_, err = p.pool.Exec(ctx, `UPDATE backoffice_jobs SET record = $2 WHERE id = $1`, j.ID, rec)
	return err
}

func (p *pgJobs) OpenUpload(ctx context.Context, id string) (Upload, error) {
	var data []byte
	err := p.pool.QueryRow(ctx, `SELECT upload FROM backoffice_jobs WHERE id = $1`, id).Scan(&data)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("%w: %s", ErrNoJob, id)
	}
	if err != nil {
		return nil, err
	}
	return bytesUpload{bytes.NewReader(data)}, nil
}

func (p *pgJobs) PutRejected(ctx context.Context, id string, data []byte) error {
	_, err := p.pool.Exec(ctx, `UPDATE backoffice_jobs SET rejected = $2 WHERE id = $1`, id, data)
	return err
}

func (p *pgJobs) Rejected(ctx context.Context, id string) ([]byte, error) {
	var data []byte
	err := p.pool.QueryRow(ctx, `SELECT rejected FROM backoffice_jobs WHERE id = $1`, id).Scan(&data)
	if errors.Is(err, pgx.ErrNoRows) || (err == nil && data == nil) {
		return nil, fmt.Errorf("%w: no rejected rows for %s", ErrNoJob, id)
	}
	return data, err
}

// bytesUpload is an upload read from the database.
type bytesUpload struct{ *bytes.Reader }

func (bytesUpload) Close() error { return nil }

// importArgs are a River job's arguments: the ID of the stored job.
type importArgs struct {
	JobID string `json:"job_id"`
}

// Kind names the job kind in River's table.
func (importArgs) Kind() string { return "backoffice_import" }

// importWorker runs River's import jobs with the back office's worker.
type importWorker struct {
	river.WorkerDefaults[importArgs]
	work func(context.Context, string) error
}

func (w *importWorker) Work(ctx context.Context, job *river.Job[importArgs]) error {
	return w.work(ctx, job.Args.JobID)
}

// riverQueue is the Queue of the shared backend: jobs are inserted with
// their records, so Enqueue has nothing left to do, and Run works River's
// queue until ctx ends.
type riverQueue struct {
	client *river.Client[pgx.Tx]
}

func (q *riverQueue) Enqueue(context.Context, string) error { return nil }

func (q *riverQueue) Run(ctx context.Context) error {
	if err := q.client.Start(ctx); err != nil {
		return err
	}
	<-ctx.Done()
	// Stop between batches: a job cut short is retried by River and, the
	// imports being idempotent, completes without duplicates.
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return q.client.StopAndCancel(sctx)
}
