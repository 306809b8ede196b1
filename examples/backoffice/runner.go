package main

import (
	"context"
	"log/slog"
	"slices"
	"time"
)

// Queue hands stored jobs to a worker.
type Queue interface {
	// Enqueue schedules the job id, whose record and upload are stored.
	Enqueue(ctx context.Context, id string) error
	// Run works on jobs until ctx ends.
	Run(ctx context.Context) error
}

// localQueue is the queue of a single instance over the spool: the jobs
// on disk are the queue, so nothing acknowledged is lost in a crash. It
// runs one job at a time, oldest first; at start it picks up every job
// that did not end, those interrupted part-way included.
type localQueue struct {
	jobs   JobStore
	work   func(ctx context.Context, id string) error
	wake   chan struct{}
	retry  time.Duration // the pause after a job that failed to run
	logger *slog.Logger
}

func newLocalQueue(jobs JobStore, work func(context.Context, string) error, logger *slog.Logger) *localQueue {
	return &localQueue{jobs: jobs, work: work, wake: make(chan struct{}, 1), retry: 2 * time.Second, logger: logger}
}

// Enqueue wakes the runner: the job is on disk already.
func (q *localQueue) Enqueue(context.Context, string) error {
	select {
	case q.wake <- struct{}{}:
	default: // a wake-up is pending, which will see this job too
	}
	return nil
}

func (q *localQueue) Run(ctx context.Context) error {
	for {
		pending, err := q.pending(ctx)
		if err != nil {
			q.logger.Error("listing jobs", "err", err)
		}
		failed := false
		for _, id := range pending {
			if err := q.work(ctx, id); err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				q.logger.Error("job", "job", id, "err", err)
				failed = true
			}
		}
		wait := time.Duration(-1)
		if failed || err != nil {
			wait = q.retry
		}
		if !q.sleep(ctx, wait) {
			return ctx.Err()
		}
	}
}

// sleep waits for a wake-up, or d when d >= 0; false when ctx ended.
func (q *localQueue) sleep(ctx context.Context, d time.Duration) bool {
	var timer <-chan time.Time
	if d >= 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		timer = t.C
	}
	select {
	case <-ctx.Done():
		return false
	case <-q.wake:
	case <-timer:
	}
	return true
}

// pending returns the jobs that did not end or were not mailed, oldest
// first.
func (q *localQueue) pending(ctx context.Context) ([]string, error) {
	all, err := q.jobs.List(ctx, "")
	if err != nil {
		return nil, err
	}
	slices.Reverse(all)
	var ids []string
	for _, j := range all {
		if !j.Ended() || !j.Mailed {
			ids = append(ids, j.ID)
		}
	}
	return ids, nil
}
