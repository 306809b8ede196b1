package pipeline

import (
	"context"
	"fmt"

	"github.com/impexkit/impex/customer"
)

// maxNumberDraws bounds the draws of one DrawNumber: past it the input
// claims so many numbers that its record answers "maybe" to nearly all.
const maxNumberDraws = 10000

// DrawNumber reserves the next number of list's sequence that the input
// does not give to a customer itself. given reports whether the input may
// give a number (nil when that is unknown); a number it may give is
// skipped, so that a customer created without a number never takes one a
// later row or record creates with, and a dry run, which draws nothing,
// foresees the same outcome as the real run. An error is the
// repository's, or says that maxNumberDraws numbers were all given.
func DrawNumber(ctx context.Context, repo customer.Repository, list string, given func(number string) bool) (string, error) {
	for range maxNumberDraws {
		n, err := repo.NextNumber(ctx, list)
		if err != nil || given == nil || !given(n) {
			return n, err
		}
	}
	return "", fmt.Errorf("drawing a customer number: %d numbers in a row are given in the file", maxNumberDraws)
}
