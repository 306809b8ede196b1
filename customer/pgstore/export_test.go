package pgstore

import "context"

// MigrateTo brings the schema to an older version than Migrate does, so that
// a test can fill it as that version did and then migrate it.
func (s *Store) MigrateTo(ctx context.Context, version int) error { return s.migrate(ctx, version) }
