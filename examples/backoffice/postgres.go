package main

import (
	"context"
	"errors"
)

// openPostgres opens the shared backend: customers in pgstore, jobs in a
// table beside them, queued through River.
func openPostgres(ctx context.Context, cfg Config) (*backend, error) {
	return nil, errors.New("not yet")
}
