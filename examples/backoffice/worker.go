package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/impexkit/impex"
)

// maxAttempts is how often a job is started before it is given up: a job
// that keeps crashing its process must not keep the queue from moving.
const maxAttempts = 5

// importTimeout is the longest a queued import may run before its context
// is cancelled and the job retried: far longer than the largest upload
// takes (a 1,000,000-row workbook imports in about a minute).
const importTimeout = time.Hour

// progressEvery is how often a running import's counts are written to its
// record, where job pages read them.
const progressEvery = 250 * time.Millisecond

// worker runs stored jobs: it is what the in-process runner and the River
// worker both call, so the two queues do the same work.
type worker struct {
	jobs   JobStore
	im     *importer
	mail   *notifier
	now    func() time.Time
	logger *slog.Logger
	// instance names this process in job records, to tell which of
	// several instances ran a job.
	instance string
}

// work runs job id to its end and sends its e-mail. It is idempotent: a
// job that ended is only mailed if it was not yet, and a job interrupted
// part-way is imported again from the start, which the library's imports
// make safe (rows already applied come out unchanged). It returns ctx's
// error when ctx ended first, leaving the job to be resumed.
func (w *worker) work(ctx context.Context, id string) error {
	j, err := w.jobs.Get(ctx, id)
	if err != nil {
		return err
	}
	if !j.Ended() {
		if err := w.run(ctx, j); err != nil {
			return err
		}
	}
	if !j.Mailed {
		if err := w.mail.send(ctx, j, w.jobs); err != nil {
			return fmt.Errorf("job %s: e-mail: %w", j.ID, err)
		}
		j.Mailed = true
		return w.jobs.Update(ctx, j)
	}
	return nil
}

// run imports the job's upload and records the outcome.
func (w *worker) run(ctx context.Context, j *Job) error {
	j.State, j.Attempts, j.Started, j.RanOn = StateRunning, j.Attempts+1, w.now(), w.instance
	if j.Attempts > maxAttempts {
		return w.finish(ctx, j, nil, fmt.Errorf("gave up after %d attempts", maxAttempts))
	}
	j.Progress = impex.Progress{}
	if err := w.jobs.Update(ctx, j); err != nil {
		return err
	}
	up, err := w.jobs.OpenUpload(ctx, j.ID)
	if err != nil {
		return w.finish(ctx, j, nil, err)
	}
	defer up.Close()
	var last time.Time
	progress := func(p impex.Progress) {
		if now := w.now(); now.Sub(last) >= progressEvery || (p.Total > 0 && p.Read >= p.Total) {
			last = now
			j.Progress = p
			if err := w.jobs.Update(ctx, j); err != nil && ctx.Err() == nil {
				w.logger.Warn("job progress not saved", "job", j.ID, "err", err)
			}
		}
	}
	out, err := w.im.run(ctx, j, up, progress)
	if ctx.Err() != nil {
		// Stopped: the record stays running and the next start resumes it.
		return ctx.Err()
	}
	return w.finish(ctx, j, out, err)
}

// finish records a job's end: its counts and issues, its rejected-rows
// workbook, or the failure that ended it.
func (w *worker) finish(ctx context.Context, j *Job, out *outcome, failure error) error {
	j.Finished = w.now()
	j.State = StateDone
	if out != nil && out.res != nil {
		j.Progress.Counts = out.res.Counts
		j.FileError = out.fileError
		j.IssueCount = out.res.Report.Len() // kept or not
		j.Issues = j.Issues[:0]
		for is := range out.res.Report.All() {
			if len(j.Issues) == maxKeptIssues {
				break
			}
			j.Issues = append(j.Issues, is)
		}
		if len(out.rejected) > 0 {
			if err := w.jobs.PutRejected(ctx, j.ID, out.rejected); err != nil {
				return err
			}
			j.Rejected = true
		}
	}
	if failure != nil {
		j.State = StateFailed
		j.Error = failure.Error()
		var fe *impex.FatalError
		if errors.As(failure, &fe) {
			w.logger.Error("import failed", "job", j.ID, "err", failure)
		}
	}
	return w.jobs.Update(ctx, j)
}
