package main

import (
	"context"
	"fmt"

	"github.com/impexkit/impex/customer/memstore"
)

// validateXML runs an SFCC XML import as a dry run.
func validateXML(ctx context.Context, path string, store *memstore.Store, g *globalFlags, e *env) error {
	return fmt.Errorf("%s: SFCC XML validation is not available yet", path)
}
